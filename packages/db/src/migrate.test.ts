import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate.ts";
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
