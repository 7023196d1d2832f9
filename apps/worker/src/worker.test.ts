/**
 * The worker inside workerd (vitest-pool-workers): it builds the exchange app from its bindings on the first request,
 * reaches libSQL over Hrana HTTP (the shim on 127.0.0.1), and serves a full УТ 11 exchange driven by the emulator.
 */

import { createExecutionContext, env, SELF, waitOnExecutionContext } from "cloudflare:test";
import { createClient } from "@libsql/client/web";
import { Infobase, sync } from "@obmen/emulator";
import { describe, expect, inject, it } from "vitest";
import worker, { buildWorkerApp, type WorkerEnv } from "./worker.ts";

const BASE = "http://obmen.example";
const admin = { Authorization: "Bearer worker-admin" };
const selfFetch = ((input: RequestInfo | URL, init?: RequestInit) => SELF.fetch(input, init)) as typeof fetch;

describe("apps/worker on workerd", () => {
	it("refuses a database URL a worker cannot open", async () => {
		await expect(buildWorkerApp({ DATABASE_URL: "file:./data/obmen.db" })).rejects.toThrow(/libsql:\/\/, https:\/\/ or http:\/\//);
		await expect(buildWorkerApp({})).rejects.toThrow(/DATABASE_URL/);
	});

	it("serves a full 1C exchange over a remote libSQL database", async () => {
		expect((await SELF.fetch(`${BASE}/health`)).status).toBe(200);
		expect((await SELF.fetch(`${BASE}/exim_1c?type=sale&mode=checkauth`)).status).toBe(401);
		expect((await SELF.fetch(`${BASE}/api/v1/orders`, { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);

		const order = {
			number: "3001",
			createdAt: "2026-11-28T14:03:00+03:00",
			status: "new",
			customer: { name: "Покупатель 3001", email: "b3001@example.com" },
			items: [{ productId: "p-1", sku: "SKU-1", name: "Лампа «особая»", quantity: 2, price: "1500.50" }],
		};
		const put = await SELF.fetch(`${BASE}/api/v1/orders/ord-3001`, {
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
			fetch: selfFetch,
			beforeUpload: (b) => {
				b.pay("3001");
				b.ship("3001");
			},
		});
		expect(report.deviations.map((d) => `${d.step}: ${d.message}`)).toEqual([]);
		expect(report.successSent).toBe(true);
		expect(report.loads[0]).toMatchObject({ ok: true, documents: 1, created: 1 });
		expect(report.upload.delivered).toBe(1);

		const got = await SELF.fetch(`${BASE}/api/v1/orders/ord-3001`, { headers: admin });
		const body = (await got.json()) as { oneC: { paid: boolean; shipped: boolean; number: string } };
		expect(body.oneC).toMatchObject({ paid: true, shipped: true, number: base.findBySiteNumber("3001")?.number });

		// every 1C request left its journal row, written after the answer (kept alive by waitUntil)
		const nodes = (await (await SELF.fetch(`${BASE}/api/v1/nodes`, { headers: admin })).json()) as { items: { id: string }[] };
		const journal = await SELF.fetch(`${BASE}/api/v1/nodes/${nodes.items[0]?.id}/journal?limit=100`, { headers: admin });
		expect(((await journal.json()) as { items: unknown[] }).items.length).toBe(report.steps.length);

		// /metrics: the admin token opens it; the import ledger (from the database) counts the file 1C sent
		expect((await SELF.fetch(`${BASE}/metrics`)).status).toBe(401);
		const metrics = await (await SELF.fetch(`${BASE}/metrics`, { headers: admin })).text();
		expect(metrics).toMatch(new RegExp(`^obmen_node_import_files_total\\{node_id="${nodes.items[0]?.id}"\\} 1$`, "m"));
		expect(metrics).toMatch(/^obmen_exim_requests_total\{mode="import",reply="success"\} [1-9]/m);
	});

	it("the Cron Trigger runs the background work: journal retention, recorded by its lease", async () => {
		expect((await SELF.fetch(`${BASE}/health`)).status).toBe(200);
		const db = createClient({ url: inject("appDbUrl") });
		await db.execute("DELETE FROM leases WHERE name = 'bg:journal-retention'");
		await db.execute({
			sql: "INSERT INTO journal (node_id, at, reply) VALUES (NULL, ?, 'success')",
			args: ["2020-01-01T00:00:00.000Z"],
		});
		const ctx = createExecutionContext();
		await worker.scheduled({ cron: "*/5 * * * *", scheduledTime: Date.now() }, env as WorkerEnv, ctx);
		await waitOnExecutionContext(ctx);
		expect((await db.execute("SELECT count(*) AS n FROM journal WHERE at < '2021'")).rows[0]?.n).toBe(0);
		expect((await db.execute("SELECT name FROM leases WHERE name = 'bg:journal-retention'")).rows).toHaveLength(1);
		db.close();
	});
});
