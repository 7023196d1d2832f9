/**
 * Issue #12 model: random interleavings of store edits, exports (`query` + `success`), 1C edits (uploads) and
 * conflict resolutions across two nodes (one `contentFrom1C: "apply"`, one `"report"`, both `conflicts: "hold"`),
 * against a model of the order's content (p1's quantity and the delivery cost).
 * Invariants: no edit silently lost (every upload whose content differs from what its node last got yields exactly one
 * `content` or `conflict` event, and with "apply" the store order takes it or holds the conflict), no echo loop (an
 * exchange with no new edits sends nothing; an applied 1C edit is not sent back), exactly once per upload content.
 */

import { basic, createHarness, type Harness, LOGIN, PASSWORD, sampleOrder } from "@obmen/testing/harness";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

type C = { q: number; d: number };
interface Model {
	store: C;
	rev: number;
	held: boolean;
	ack: [number, number];
	base: [C | null, C | null];
	/** 1C's content last stored on the order (from either node). */
	last: C | null;
	events: number;
}
interface Real {
	h: Harness;
}

const NODES = [
	{ login: LOGIN, password: PASSWORD, apply: true },
	{ login: "second-1c", password: "second-password", apply: false },
] as const;
const enc = new TextEncoder();
const same = (a: C | null, b: C | null) => a !== null && b !== null && a.q === b.q && a.d === b.d;

function storeOrder(c: C) {
	return sampleOrder("o1001", {
		number: "1001",
		items: [
			{ productId: "p1", name: "Товар p1", quantity: c.q, price: "100" },
			{ productId: "p2", name: "Товар p2", quantity: 1, price: "300" },
		],
		shipping: { method: "Курьер", price: String(c.d), address: "" },
	});
}

let uploads = 0;

/** A 1C upload of the order with content `c` (every file differs: the ledger would skip an identical file). */
function upload(c: C): Uint8Array {
	uploads++;
	const total = c.q * 100 + 300 + c.d;
	const line = (id: string, q: number, p: number) =>
		`<Товар><Ид>${id}</Ид><Наименование>Товар ${id}</Наименование><ЦенаЗаЕдиницу>${p}</ЦенаЗаЕдиницу><Количество>${q}</Количество><Сумма>${q * p}</Сумма></Товар>`;
	return enc.encode(`<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2026-11-28T12:00:00" Номер="${uploads}">
	<Документ><Ид>guid-1001</Ид><Номер>1001</Номер><Дата>2026-11-27</Дата><ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>
		<Сумма>${total}</Сумма><Товары>${line("p1", c.q, 100)}${line("p2", 1, 300)}${line("ORDER_DELIVERY", 1, c.d)}</Товары>
	</Документ>
</КоммерческаяИнформация>`);
}

async function session(h: Harness, n: number): Promise<string> {
	const node = NODES[n] as (typeof NODES)[number];
	const lines = (await h.text("type=sale&mode=checkauth", { auth: basic(node.login, node.password) })).split("\n");
	expect(lines[0]).toBe("success");
	return `${lines[1]}=${lines[2]}`;
}

async function contentEvents(h: Harness): Promise<number> {
	const r = (await (await h.api("GET", "/changes?after=0&limit=1000")).json()) as { items: { changes: Record<string, unknown> }[] };
	return r.items.filter((i) => i.changes.content !== undefined).length;
}

/** One field-level merge step of the model: null = conflict. */
function merge(base: C, store: C, oneC: C): C | null {
	const one = (b: number, s: number, c: number) => (s === b ? c : c === b || c === s ? s : null);
	const q = one(base.q, store.q, oneC.q);
	const d = one(base.d, store.d, oneC.d);
	return q === null || d === null ? null : { q, d };
}

class StoreEdit implements fc.AsyncCommand<Model, Real> {
	constructor(readonly c: C) {}
	check = () => true;
	async run(m: Model, r: Real) {
		const res = await r.h.api("PUT", "/orders/o1001", storeOrder(this.c));
		expect(res.status).toBeLessThan(300);
		if (!same(m.store, this.c)) m.rev++;
		m.store = this.c;
	}
	toString = () => `store(${this.c.q},${this.c.d})`;
}

class Export implements fc.AsyncCommand<Model, Real> {
	constructor(readonly node: 0 | 1) {}
	check = () => true;
	async run(m: Model, r: Real) {
		const cookie = await session(r.h, this.node);
		const body = new TextDecoder("windows-1251").decode(
			new Uint8Array(await (await r.h.exim("type=sale&mode=query", { cookie, auth: null })).arrayBuffer()),
		);
		const docs = body.split("<Документ>").length - 1;
		// no echo: only a store revision the node has not acknowledged is sent; a held order is not sent
		expect(docs).toBe(!m.held && m.rev > m.ack[this.node] ? 1 : 0);
		expect(await r.h.text("type=sale&mode=success", { cookie, auth: null })).toBe("success\n");
		if (docs === 1) {
			m.ack[this.node] = m.rev;
			m.base[this.node] = m.store;
		}
	}
	toString = () => `export(${this.node})`;
}

class OneCEdit implements fc.AsyncCommand<Model, Real> {
	constructor(
		readonly node: 0 | 1,
		readonly c: C,
	) {}
	// 1C edits an order it has
	check = (m: Readonly<Model>) => m.base[this.node] !== null;
	async run(m: Model, r: Real) {
		const cookie = await session(r.h, this.node);
		const name = `orders-${Math.random().toString(36).slice(2)}.xml`;
		const bytes = upload(this.c);
		await r.h.text("type=sale&mode=init", { cookie, auth: null });
		await r.h.text(`type=sale&mode=file&filename=${name}`, { cookie, auth: null, body: bytes });
		const reply = await r.h.text(`type=sale&mode=import&filename=${name}`, { cookie, auth: null });
		expect(reply).toMatch(/^success/);
		const before = m.events;
		const base = m.base[this.node] as C;
		const fresh = !same(m.last, this.c);
		m.last = this.c;
		if (fresh && !same(base, this.c)) {
			m.events++;
			const apply = NODES[this.node].apply;
			if (same(m.store, base)) {
				if (apply) {
					m.store = this.c;
					m.rev++;
					m.ack[this.node] = m.rev;
					m.base[this.node] = this.c;
				}
			} else {
				const merged = merge(base, m.store, this.c);
				if (merged === null) m.held = true;
				else if (apply && !same(merged, m.store)) {
					m.store = merged;
					m.rev++;
				}
			}
		}
		// exactly one event per new upload content that differs from what the node got; none otherwise
		expect(await contentEvents(r.h)).toBe(m.events);
		expect(m.events - before).toBeLessThanOrEqual(1);
		const o = (await (await r.h.api("GET", "/orders/o1001")).json()) as {
			items: { quantity: string }[];
			shipping: { price: string };
			held: unknown;
		};
		expect({ q: Number(o.items[0]?.quantity), d: Number(o.shipping.price) }).toEqual(m.store);
		expect(o.held !== null).toBe(m.held);
	}
	toString = () => `1c(${this.node}: ${this.c.q},${this.c.d})`;
}

class Resolve implements fc.AsyncCommand<Model, Real> {
	constructor(readonly take: "store") {}
	check = (m: Readonly<Model>) => m.held;
	async run(m: Model, r: Real) {
		expect((await r.h.api("POST", "/orders/o1001/resolve", { take: this.take })).status).toBe(200);
		m.held = false;
		m.rev++;
	}
	toString = () => `resolve(${this.take})`;
}

const content = fc.record({ q: fc.integer({ min: 1, max: 3 }), d: fc.constantFrom(0, 200, 300) });
const node = fc.constantFrom<0 | 1>(0, 1);

describe("content model (issue #12)", () => {
	it("random store edits, exports, 1C edits and resolutions over two nodes: nothing lost, no echo, exactly once", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.commands(
					[
						content.map((c) => new StoreEdit(c)),
						node.map((n) => new Export(n)),
						fc.tuple(node, content).map(([n, c]) => new OneCEdit(n, c)),
						fc.constant(new Resolve("store")),
					],
					{ maxCommands: 14 },
				),
				async (cmds) => {
					const h = await createHarness({ settings: { contentFrom1C: "apply", shipping: "always" } });
					const second = await h.api("POST", "/nodes", {
						name: "second",
						login: NODES[1].login,
						password: NODES[1].password,
						settings: { shipping: "always" },
					});
					expect(second.status).toBe(201);
					const start: C = { q: 2, d: 200 };
					await h.api("PUT", "/orders/o1001", storeOrder(start));
					const m: Model = { store: start, rev: 1, held: false, ack: [0, 0], base: [null, null], last: null, events: 0 };
					await fc.asyncModelRun(() => ({ model: m, real: { h } }), cmds);
				},
			),
			{ numRuns: 25 },
		);
	}, 120_000);
});
