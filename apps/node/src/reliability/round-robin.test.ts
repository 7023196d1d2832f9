/**
 * T-RR (docs/scaling.md, issue #13 §2): three Node processes on one libSQL file behind a round-robin HTTP proxy, so
 * every request — every step of a 1C exchange, `checkauth` to `import` — may land on a different instance. Two
 * emulated 1C nodes (УТ 11 profile) exchange repeatedly while a storefront writes orders through the same proxy and
 * 1C users pay, ship and change statuses between runs.
 *
 * Asserted: the steps really were spread over the instances; no HTTP 5xx; no `failure` other than `busy, retry`;
 * afterwards the handshake invariants (every order's latest revision sent to and acknowledged by each node, never a
 * revision newer than stored), nothing lost (every payment and shipment 1C registered reached the store order, no 1C
 * change left unsent) and nothing duplicated (one 1C order per site order in each base, no document left unmatched).
 */
import { mkdtempSync } from "node:fs";
import { createServer, request as httpRequest, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "@obmen/db/node";
import { type ExchangeReport, Infobase, sync } from "@obmen/emulator";
import { ExchangeObserver, expectHandshakeInvariants, oneCUsersWork, settleHeldConflicts } from "@obmen/testing/handshake";
import { type Child, PASSWORD, seedDb, spawnChildServer, storeOrder } from "@obmen/testing/reliability";
import { ensureBuilt } from "@obmen/testing/spawn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const SECONDS = Number(process.env.OBMEN_RR_SECONDS ?? 10);
const MAX_EXCHANGES = 8;
const ORDERS = 40;
const TOKEN = "rr-admin-token";
const NODES = ["rr-a", "rr-b"] as const;
const INSTANCES = 3;

const dbPath = join(mkdtempSync(join(tmpdir(), "obmen-rr-")), "obmen.db");
let children: Child[] = [];
let proxy: Server;
let proxyUrl = "";
let nodeIds: string[] = [];
/** Per instance: the `mode` (or admin route) of each request it served. */
const served: Map<string, number>[] = Array.from({ length: INSTANCES }, () => new Map());

/**
 * A round-robin reverse proxy, whatever session a request belongs to: each round of 3 requests goes to the 3 instances,
 * one each, in an order drawn anew for the round. A fixed order (request k to instance k mod 3) can align with the
 * exchange's own cycle of steps: in one run every `import` of 16 exchanges went to the same instance.
 */
function startProxy(upstreams: string[]): Promise<string> {
	let round: number[] = [];
	const nextRound = () => {
		const order = upstreams.map((_, i) => i);
		for (let k = order.length - 1; k > 0; k--) {
			const j = Math.floor(Math.random() * (k + 1));
			[order[k], order[j]] = [order[j] as number, order[k] as number];
		}
		return order;
	};
	proxy = createServer((req, res) => {
		if (round.length === 0) round = nextRound();
		const i = round.shift() as number;
		const target = new URL(req.url ?? "/", upstreams[i]);
		const kind = target.searchParams.get("mode") ?? target.pathname.split("/").slice(0, 4).join("/");
		served[i]!.set(kind, (served[i]!.get(kind) ?? 0) + 1);
		const up = httpRequest(target, { method: req.method, headers: { ...req.headers, host: target.host } }, (r: IncomingMessage) => {
			res.writeHead(r.statusCode ?? 502, r.headers);
			r.pipe(res);
		});
		up.on("error", (e) => {
			res.writeHead(502);
			res.end(String(e));
		});
		req.pipe(up);
	});
	return new Promise((resolve) => proxy.listen(0, "127.0.0.1", () => resolve(`http://127.0.0.1:${(proxy.address() as AddressInfo).port}`)));
}

const observer = new ExchangeObserver(NODES);
const exchange = (node: string, base: Infobase): Promise<ExchangeReport> =>
	sync("ut11", {
		url: `${proxyUrl}/exim_1c`,
		login: node,
		password: PASSWORD,
		infobase: base,
		fetch: observer.fetchFor(node),
		timeoutMs: 30_000,
	});

const api = (method: string, path: string, body?: unknown) =>
	fetch(`${proxyUrl}/api/v1${path}`, {
		method,
		headers: { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" },
		body: body === undefined ? undefined : JSON.stringify(body),
	});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

beforeAll(async () => {
	await ensureBuilt();
	nodeIds = await seedDb(`file:${dbPath}`, ORDERS, { schemaVersion: "2.07" }, [...NODES]);
	children = await Promise.all(
		Array.from({ length: INSTANCES }, () => spawnChildServer({ DATABASE_URL: `file:${dbPath}`, OBMEN_ADMIN_TOKEN: TOKEN })),
	);
	proxyUrl = await startProxy(children.map((c) => c.url));
}, 120_000);

afterAll(async () => {
	await new Promise<void>((r) => (proxy ? proxy.close(() => r()) : r()));
	await Promise.all(children.map((c) => c.stop()));
});

describe("T-RR: 3 instances on one file behind a round-robin proxy", () => {
	it("every step lands anywhere; nothing is lost, duplicated or sent out of order", async () => {
		const bases = new Map(NODES.map((n) => [n, new Infobase()]));
		const deadline = Date.now() + SECONDS * 1000;
		const reports: ExchangeReport[] = [];
		const counts = new Map<string, number>(NODES.map((n) => [n, 0]));
		const nodeLoop = async (node: (typeof NODES)[number]) => {
			const base = bases.get(node)!;
			while (Date.now() < deadline && counts.get(node)! < MAX_EXCHANGES) {
				oneCUsersWork(base, 2, false);
				reports.push(await exchange(node, base));
				counts.set(node, counts.get(node)! + 1);
				await sleep(Math.random() * 300);
			}
		};
		let nextId = ORDERS + 1;
		let storeErrors = 0;
		const storefront = async () => {
			while (Date.now() < deadline) {
				const n = Math.random() < 0.2 ? nextId++ : 1 + Math.floor(Math.random() * (nextId - 1));
				const order = storeOrder(n);
				(order.items as { quantity: number }[])[0]!.quantity = 1 + Math.floor(Math.random() * 9);
				const res = await api("PUT", `/orders/ord-${n}`, order);
				observer.count(res.status);
				if (res.status !== 200 && res.status !== 201) storeErrors++;
				await res.arrayBuffer();
				await sleep(100);
			}
		};
		await Promise.all([...NODES.map(nodeLoop), storefront()]);
		// drain: one more run per node delivers every latest revision and uploads what 1C users left registered
		for (const node of NODES) reports.push(await exchange(node, bases.get(node)!));
		const held = await settleHeldConflicts(`file:${dbPath}`, NODES, nodeIds, bases, api);
		if (held > 0) for (const node of NODES) reports.push(await exchange(node, bases.get(node)!));

		const deviations = reports.flatMap((r) => r.deviations.map((d) => `${d.step}: ${d.message} ${d.reply?.body ?? ""}`));
		console.log(
			`T-RR: ${[...counts].map(([n, c]) => `${n} ${c} exchanges`).join(", ")}, per instance ` +
				`${served.map((m) => JSON.stringify(Object.fromEntries(m))).join(" | ")}, statuses ${JSON.stringify(Object.fromEntries(observer.statuses))}, ` +
				`failures ${observer.failures.length}, held conflicts settled ${held}`,
		);
		expect([...observer.statuses.keys()].filter((s) => s >= 500)).toEqual([]);
		expect(deviations.filter((d) => !d.includes("busy, retry"))).toEqual([]);
		expect(observer.failures.filter((f) => !f.endsWith("busy, retry"))).toEqual([]);
		expect(storeErrors).toBe(0);
		for (const c of counts.values()) expect(c).toBeGreaterThanOrEqual(2);
		// the proxy really spread the steps of the exchanges: every instance served 1C, and each step kind was served by
		// at least two instances
		for (const m of served) expect(["checkauth", "init", "query", "success", "file", "import"].some((k) => m.has(k))).toBe(true);
		for (const mode of ["checkauth", "query", "success", "file", "import"])
			expect(served.filter((m) => m.has(mode)).length, `${mode} served by`).toBeGreaterThanOrEqual(2);

		await expectHandshakeInvariants(`file:${dbPath}`, observer, NODES, nodeIds);
		const { client, store } = await openDb(`file:${dbPath}`);
		try {
			const flags = new Map(
				(await client.execute("SELECT o.number, c.paid, c.shipped FROM orders o LEFT JOIN order_one_c c ON c.order_id = o.id")).rows.map(
					(r) => [String(r.number), { paid: Number(r.paid) === 1, shipped: Number(r.shipped) === 1 }],
				),
			);
			for (const [node, base] of bases) {
				// nothing of 1C's left unsent, and every payment / shipment reached the store order
				expect(
					base.registeredOrders().map((o) => o.siteNumber),
					`${node} left changes unsent`,
				).toEqual([]);
				for (const o of base.state.orders) {
					if (o.payment) expect(flags.get(o.siteNumber)?.paid, `${node} payment of ${o.siteNumber}`).toBe(true);
					if (o.shipment) expect(flags.get(o.siteNumber)?.shipped, `${node} shipment of ${o.siteNumber}`).toBe(true);
				}
				// nothing duplicated: one 1C order per site order
				const numbers = base.state.orders.map((o) => o.siteNumber);
				expect(new Set(numbers).size, `${node} duplicated orders`).toBe(numbers.length);
			}
			expect(Number((await client.execute("SELECT count(*) AS n FROM unmatched_documents")).rows[0]?.n)).toBe(0);
			expect(Number((await client.execute("SELECT count(*) AS n FROM orders WHERE revision = 0")).rows[0]?.n)).toBe(0);
		} finally {
			store.close();
		}
	}, 180_000);
});
