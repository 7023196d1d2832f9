/**
 * The worker inside workerd (vitest-pool-workers): it builds the exchange app from its bindings on the first request
 * and serves a full УТ 11 exchange driven by the emulator — on its default store, miniflare's local D1 (the `DB`
 * binding of wrangler.jsonc), and on a remote libSQL database over Hrana HTTP (the shim on 127.0.0.1) when
 * `DATABASE_URL` is set.
 */

import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { createClient } from "@libsql/client/web";
import { d1Client } from "@obmen/db/d1";
import { Infobase, sync } from "@obmen/emulator";
import { describe, expect, inject, it } from "vitest";
import worker, { buildWorkerApp, type WorkerEnv } from "./worker.ts";

const BASE = "http://obmen.example";
const admin = { Authorization: "Bearer worker-admin" };
const selfFetch = ((input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init)) as typeof fetch;
const workerEnv = env as unknown as WorkerEnv;

/**
 * A full УТ 11 exchange through `fetch` (the worker): a storefront order goes to 1C, comes back paid and shipped, and
 * every 1C request left its journal row.
 */
async function exchange(fetch: typeof globalThis.fetch) {
	expect((await fetch(`${BASE}/health`)).status).toBe(200);
	expect((await fetch(`${BASE}/exim_1c?type=sale&mode=checkauth`)).status).toBe(401);
	expect((await fetch(`${BASE}/api/v1/orders`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);

	const order = {
		number: "3001",
		createdAt: "2026-11-28T14:03:00+03:00",
		status: "new",
		customer: { name: "Покупатель 3001", email: "b3001@example.com" },
		items: [{ productId: "p-1", sku: "SKU-1", name: "Лампа «особая»", quantity: 2, price: "1500.50" }],
	};
	const put = await fetch(`${BASE}/api/v1/orders/ord-3001`, {
		method: "PUT",
		headers: { ...admin, "Content-Type": "application/json" },
		body: JSON.stringify(order),
	});
	expect(put.status).toBe(201);

	const base = new Infobase();
	const report = await sync("ut11", {
		url: `${BASE}/exim_1c`,
		login: "ut",
		password: "pw-worker",
		infobase: base,
		fetch,
		beforeUpload: (b) => {
			b.pay("3001");
			b.ship("3001");
		},
	});
	expect(report.deviations.map((d) => `${d.step}: ${d.message}`)).toEqual([]);
	expect(report.successSent).toBe(true);
	expect(report.loads[0]).toMatchObject({ ok: true, documents: 1, created: 1 });
	expect(report.upload.delivered).toBe(1);

	const got = await fetch(`${BASE}/api/v1/orders/ord-3001`, { headers: admin });
	const body = (await got.json()) as { oneC: { paid: boolean; shipped: boolean; number: string } };
	expect(body.oneC).toMatchObject({ paid: true, shipped: true, number: base.findBySiteNumber("3001")?.number });

	// every 1C request left its journal row, written after the answer (kept alive by waitUntil)
	const nodes = (await (await fetch(`${BASE}/api/v1/nodes`, { headers: admin })).json()) as { items: { id: string }[] };
	const journal = await fetch(`${BASE}/api/v1/nodes/${nodes.items[0]?.id}/journal?limit=100`, { headers: admin });
	expect(((await journal.json()) as { items: unknown[] }).items.length).toBe(report.steps.length);
}

describe("apps/worker on workerd", () => {
	it("refuses a database URL a worker cannot open, and starts with no database bound at all", async () => {
		await expect(buildWorkerApp({ DATABASE_URL: "file:./data/obmen.db" })).rejects.toThrow(/libsql:\/\/, https:\/\/ or http:\/\//);
		await expect(buildWorkerApp({})).rejects.toThrow(/no database: bind a D1 database as DB/);
	});

	it("serves a full 1C exchange on D1, its default store, migrated at the first request", async () => {
		await exchange(selfFetch);
		// /metrics: the admin token opens it; the import ledger (from the database) counts the file 1C sent
		const nodes = (await (await SELF.fetch(`${BASE}/api/v1/nodes`, { headers: admin })).json()) as { items: { id: string }[] };
		expect((await SELF.fetch(`${BASE}/metrics`)).status).toBe(401);
		const metrics = await (await SELF.fetch(`${BASE}/metrics`, { headers: admin })).text();
		expect(metrics).toMatch(new RegExp(`^obmen_node_import_files_total\\{node_id="${nodes.items[0]?.id}"\\} 1$`, "m"));
		expect(metrics).toMatch(/^obmen_exim_requests_total\{mode="import",reply="success"\} [1-9]/m);
		const db = d1Client(workerEnv.DB as NonNullable<WorkerEnv["DB"]>);
		const applied = await db.execute("SELECT count(*) AS n FROM __drizzle_migrations");
		expect(Number(applied.rows[0]?.n)).toBeGreaterThanOrEqual(10);
		expect(Number((await db.execute("SELECT count(*) AS n FROM order_one_c WHERE paid = 1 AND shipped = 1")).rows[0]?.n)).toBe(1);
	});

	it("serves a full 1C exchange over a remote libSQL database when DATABASE_URL is set (it wins over DB)", async () => {
		const url = inject("appDbUrl");
		const { app, store } = await buildWorkerApp({ ...workerEnv, DATABASE_URL: url });
		const viaLibsql = (async (input: RequestInfo | URL, init?: RequestInit) => {
			const ctx = createExecutionContext();
			const response = await app.fetch(new Request(input, init), workerEnv, ctx);
			await waitOnExecutionContext(ctx);
			await store.idle(); // what the worker's waitUntil keeps alive
			return response;
		}) as typeof fetch;
		await exchange(viaLibsql);
		const db = createClient({ url });
		expect(Number((await db.execute("SELECT count(*) AS n FROM order_one_c WHERE paid = 1 AND shipped = 1")).rows[0]?.n)).toBe(1);
		db.close();
	});

	it("the Cron Trigger runs the background work: journal retention, recorded by its lease", async () => {
		expect((await SELF.fetch(`${BASE}/health`)).status).toBe(200);
		const db = d1Client(workerEnv.DB as NonNullable<WorkerEnv["DB"]>);
		await db.execute("DELETE FROM leases WHERE name = 'bg:journal-retention'");
		await db.execute({
			sql: "INSERT INTO journal (node_id, at, reply) VALUES (NULL, ?, 'success')",
			args: ["2020-01-01T00:00:00.000Z"],
		});
		const ctx = createExecutionContext();
		await worker.scheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, workerEnv, ctx);
		await waitOnExecutionContext(ctx);
		expect((await db.execute("SELECT count(*) AS n FROM journal WHERE at < '2021'")).rows[0]?.n).toBe(0);
		expect((await db.execute("SELECT name FROM leases WHERE name = 'bg:journal-retention'")).rows).toHaveLength(1);
	});
});
