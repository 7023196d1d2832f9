/**
 * T-HS (docs/reliability.md §4): random sequences of checkauth / query / success / duplicate success / store edits /
 * 1C imports / session expiry / restart against a model. Invariants: nothing lost, nothing echoed, `success`
 * confirms only what was sent, confirmed unchanged orders are not re-sent, no 500s.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { createHarness, type Harness, oneCFile, uploadAndImport } from "../test-support/harness.ts";

interface Model {
	/** order index → current store revision (0 = not created). */
	current: number[];
	acked: number[];
	/** session slot → cookie + pending (order → revision), or null when not logged in / expired. */
	sessions: ({ cookie: string; pending: Map<number, number> } | null)[];
	edits: number;
	imports: number;
}
interface Real {
	h: Harness;
}

const ORDERS = 4;
const stats = { confirmed: 0, expired: 0 };
const dec = new TextDecoder("windows-1251");

function parseBatch(xml: string): Map<number, number> {
	const out = new Map<number, number>();
	for (const doc of xml.split("<Документ>").slice(1)) {
		const n = Number(/<Номер>(\d+)<\/Номер>/.exec(doc)?.[1]);
		const v = Number(/<НомерВерсии>(\d+)<\/НомерВерсии>/.exec(doc)?.[1]);
		out.set(n, v);
	}
	return out;
}

async function assertAcks(m: Model, h: Harness) {
	const rs = await h.client.execute("SELECT order_id, acked_revision FROM node_acks WHERE node_id = 'node-1'");
	const db = new Map(rs.rows.map((r) => [Number(String(r.order_id).slice(1)), Number(r.acked_revision)]));
	for (let i = 0; i < ORDERS; i++) expect(db.get(i) ?? 0).toBe(m.acked[i]);
}

class Login implements fc.AsyncCommand<Model, Real> {
	constructor(readonly slot: number) {}
	check = () => true;
	async run(m: Model, r: Real) {
		const { cookie } = await r.h.login();
		m.sessions[this.slot] = { cookie, pending: new Map() };
	}
	toString = () => `login(${this.slot})`;
}

/** The session of a slot; logs in first when there is none (each 1C phase starts with checkauth). */
async function sessionOf(m: Model, r: Real, slot: number) {
	if (!m.sessions[slot]) await new Login(slot).run(m, r);
	return m.sessions[slot]!;
}

class Query implements fc.AsyncCommand<Model, Real> {
	constructor(readonly slot: number) {}
	check = () => true;
	async run(m: Model, r: Real) {
		const s = await sessionOf(m, r, this.slot);
		const res = await r.h.exim("type=sale&mode=query", { cookie: s.cookie, auth: null });
		expect(res.status).toBe(200);
		const body = dec.decode(new Uint8Array(await res.arrayBuffer()));
		if (body.startsWith("failure")) throw new Error(`query failed: ${body}`);
		const sent = parseBatch(body);
		const expected = new Map<number, number>();
		for (let i = 0; i < ORDERS; i++) {
			const cur = m.current[i] ?? 0;
			if (cur > (m.acked[i] ?? 0) && !((s.pending.get(i) ?? 0) >= cur)) expected.set(i, cur);
		}
		expect([...sent.entries()].sort()).toEqual([...expected.entries()].sort());
		for (const [i, v] of sent) s.pending.set(i, Math.max(s.pending.get(i) ?? 0, v));
	}
	toString = () => `query(${this.slot})`;
}

class Success implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly slot: number,
		readonly times: number,
	) {}
	check = () => true;
	async run(m: Model, r: Real) {
		const s = await sessionOf(m, r, this.slot);
		for (let k = 0; k < this.times; k++)
			expect(await r.h.text("type=sale&mode=success", { cookie: s.cookie, auth: null })).toBe("success\n");
		if (s.pending.size) stats.confirmed++;
		for (const [i, v] of s.pending) m.acked[i] = Math.max(m.acked[i] ?? 0, v);
		s.pending.clear();
		await assertAcks(m, r.h);
	}
	toString = () => `success(${this.slot}x${this.times})`;
}

class Edit implements fc.AsyncCommand<Model, Real> {
	constructor(readonly order: number) {}
	check = () => true;
	async run(m: Model, r: Real) {
		m.edits++;
		const res = await r.h.putOrder({ id: `o${this.order}`, number: String(this.order), comment: `edit ${m.edits}` });
		expect(res.status).toBeLessThan(300);
		const { revision } = (await res.json()) as { revision: number };
		expect(revision).toBeGreaterThan(Math.max(...m.current));
		m.current[this.order] = revision;
	}
	toString = () => `edit(o${this.order})`;
}

class Import1C implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly order: number,
		readonly flag: string,
	) {}
	check = (m: Readonly<Model>) => (m.current[this.order] ?? 0) > 0;
	async run(m: Model, r: Real) {
		m.imports++;
		const { cookie } = await r.h.login();
		const file = oneCFile(
			[{ number: String(this.order), requisites: [[this.flag, "true"]] }],
			`2026-11-28T12:00:${String(m.imports % 60).padStart(2, "0")}`,
		);
		const replies = await uploadAndImport(r.h, cookie, `orders-${m.imports}.xml`, new TextEncoder().encode(file), 4096);
		expect(replies.at(-1)).toMatch(/^success\n/);
	}
	toString = () => `import(o${this.order}, ${this.flag})`;
}

class Expire implements fc.AsyncCommand<Model, Real> {
	check = () => true;
	async run(m: Model, r: Real) {
		r.h.clock.advance(31 * 60_000);
		stats.expired++;
		for (let i = 0; i < m.sessions.length; i++) {
			const s = m.sessions[i];
			if (s) expect(await r.h.text("type=sale&mode=success", { cookie: s.cookie, auth: null })).toMatch(/^failure\n/);
			m.sessions[i] = null;
		}
	}
	toString = () => "expire";
}

class Restart implements fc.AsyncCommand<Model, Real> {
	check = () => true;
	async run(_m: Model, r: Real) {
		r.h.restart();
	}
	toString = () => "restart";
}

const slot = fc.integer({ min: 0, max: 1 });
const order = fc.integer({ min: 0, max: ORDERS - 1 });
const query = slot.map((s) => new Query(s));
const succ = fc.tuple(slot, fc.integer({ min: 1, max: 2 })).map(([s, t]) => new Success(s, t));
const edit = order.map((o) => new Edit(o));
const commands = [
	slot.map((s) => new Login(s)),
	query,
	query,
	query,
	succ,
	succ,
	succ,
	edit,
	edit,
	edit,
	fc.tuple(order, fc.constantFrom("Оплачен", "Проведен", "Отгружен", "Отменен")).map(([o, f]) => new Import1C(o, f)),
	fc.constant(new Expire()),
	fc.constant(new Restart()),
];

describe("T-HS handshake model", () => {
	it("1,000 random exchanges keep the at-least-once, no-echo, confirm-what-was-sent invariants", async () => {
		await fc.assert(
			fc.asyncProperty(fc.commands(commands, { maxCommands: 30, size: "medium" }), async (cmds) => {
				const h = await createHarness({
					passwordIterations: 1,
					settings: {
						schemaVersion: "2.08",
						statusMap: {
							import: [
								{ on: "paid", status: "paid" },
								{ on: "cancelled", status: "cancelled" },
							],
						},
					},
				});
				const model: Model = { current: Array(ORDERS).fill(0), acked: Array(ORDERS).fill(0), sessions: [null, null], edits: 0, imports: 0 };
				try {
					await fc.asyncModelRun(() => ({ model, real: { h } }), cmds);
				} finally {
					h.store.close();
				}
			}),
			{ numRuns: 1000 },
		);
		// the generator must actually exercise the handshake

		expect(stats.confirmed).toBeGreaterThan(400);
		expect(stats.expired).toBeGreaterThan(200);
	}, 240_000);
});
