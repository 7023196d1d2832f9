import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { applyMigrations, BOOKKEEPING } from "./migrate.ts";
import { migrations } from "./migrations.gen.ts";
import { openDb } from "./node.ts";

describe("applyMigrations under concurrency", () => {
	it("three connections migrating one fresh file at once apply each migration exactly once", async () => {
		const url = `file:${join(mkdtempSync(join(tmpdir(), "obmen-mig-")), "x.db")}`;
		const clients = [0, 1, 2].map(() => createClient({ url, timeout: 1000 } as Parameters<typeof createClient>[0]));
		const applied = await Promise.all(clients.map((c) => applyMigrations(c)));
		expect(applied.reduce((a, b) => a + b, 0)).toBe(migrations.length);
		const rows = (await clients[0]?.execute("SELECT hash FROM __drizzle_migrations ORDER BY created_at"))?.rows.map((r) => r.hash);
		expect(rows).toEqual(migrations.map((m) => m.hash));
		expect(await applyMigrations(clients[1] as (typeof clients)[number])).toBe(0);
		for (const c of clients) c.close();
	});

	it("three stores opened at once on a fresh file (WAL switch included) all work", async () => {
		const url = `file:${join(mkdtempSync(join(tmpdir(), "obmen-mig-")), "sub", "y.db")}`;
		const dbs = await Promise.all([0, 1, 2].map(() => openDb(url)));
		const at = "2026-12-05T10:00:00.000Z";
		await dbs[0]?.store.createNode({ id: "n", name: "n", login: "l", passwordHash: "x", settings: {}, createdAt: at, updatedAt: at });
		expect((await dbs[2]?.store.getNodeByLogin("l"))?.id).toBe("n");
		for (const d of dbs) d.store.close();
	});
});

describe("0012_order_one_c: what 1C told about an order moves off the orders row", () => {
	it("a database of the previous version keeps every order's 1C fields, and orders 1C never sent stay without a row", async () => {
		const url = `file:${join(mkdtempSync(join(tmpdir(), "obmen-mig-")), "old.db")}`;
		const old = createClient({ url });
		const upTo = migrations.findIndex((m) => m.tag === "0012_order_one_c");
		expect(upTo).toBeGreaterThan(0);
		// the database as the previous version left it: migrations up to 0011, 1C's columns on orders
		await old.batch([...BOOKKEEPING], "write");
		for (const m of migrations.slice(0, upTo))
			await old.batch(
				[{ sql: "INSERT INTO `__drizzle_migrations` (hash, created_at) VALUES (?, ?)", args: [m.hash, m.when] }, ...m.statements],
				"write",
			);
		const at = "2026-12-01T10:00:00.000Z";
		const order = (id: string) => JSON.stringify({ id, number: id, createdAt: at, status: "new", items: [] });
		await old.batch(
			[
				{
					sql: `INSERT INTO orders (id, number, status, created_at, data, revision, updated_at, one_c_id, one_c_number, paid, paid_at,
						shipped, one_c_status, one_c_content, last_import_at) VALUES ('o1', 'o1', 'new', ?, ?, 1, ?, 'guid-1', 'УТ-1', 1, ?, 0, 'Согласован', '{"lines":[]}', ?)`,
					args: [at, order("o1"), at, at, at],
				},
				{
					sql: "INSERT INTO orders (id, number, status, created_at, data, revision, updated_at) VALUES ('o2', 'o2', 'new', ?, ?, 2, ?)",
					args: [at, order("o2"), at],
				},
			],
			"write",
		);
		old.close();
		const { store, client } = await openDb(url);
		expect((await store.getOrder("o1"))?.oneC).toEqual({
			id: "guid-1",
			number: "УТ-1",
			date: null,
			posted: null,
			paid: true,
			paidAt: at,
			paymentNumber: null,
			shipped: false,
			shippedAt: null,
			shipmentNumber: null,
			cancelled: null,
			deleted: null,
			final: null,
			status: "Согласован",
			statusId: null,
			lastImportAt: at,
			content: '{"lines":[]}',
		});
		expect((await store.getOrder("o2"))?.oneC).toBeNull();
		expect((await client.execute("SELECT order_id FROM order_one_c")).rows.map((r) => r.order_id)).toEqual(["o1"]);
		// found by 1C's Ид and number as before
		expect((await store.findOrdersForImport({ numbers: [], oneCIds: ["guid-1"] })).map((o) => o.order.id)).toEqual(["o1"]);
		expect((await store.findOrdersForImport({ numbers: [], oneCIds: [], oneCNumbers: ["УТ-1"] })).map((o) => o.order.id)).toEqual(["o1"]);
		const cols = (await client.execute("SELECT name FROM pragma_table_info('orders')")).rows.map((r) => String(r.name));
		expect(cols.filter((c) => c.startsWith("one_c") || c === "last_import_at" || c === "paid")).toEqual([]);
		store.close();
	});
});
