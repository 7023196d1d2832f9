/**
 * Issue 11 item 3: `obmen db backup` takes a consistent online copy while another connection keeps committing (as an
 * import does), and `obmen db migrate --dry-run` lists what a start would apply without applying it.
 */
import { spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";
import { backupInto, pendingMigrations } from "./backup.ts";
import { migrations } from "./migrations.gen.ts";
import { openClient, openDb } from "./node.ts";

const BATCH = 200;

describe("backupInto", () => {
	it("copies a consistent snapshot while a writer commits batches; the copy opens, is intact and migrated", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-backup-"));
		const url = `file:${join(dir, "obmen.db")}`;
		const { client: migrated } = await openDb(url);
		migrated.close();
		// a long import in another process: one write transaction per batch of rows, until stdin closes
		const script = `import { createClient } from "@libsql/client";
			const c = createClient({ url: ${JSON.stringify(url)}, timeout: 5000 });
			let open = true; process.stdin.on("end", () => { open = false; }); process.stdin.resume();
			for (let b = 0; open; b++) {
				await c.batch(Array.from({ length: ${BATCH} }, (_, i) => ({ sql: "INSERT INTO meta (key, value) VALUES (?, ?)", args: ["import-" + b + "-" + i, "x".repeat(200)] })), "write");
				process.stdout.write("+");
				await new Promise((r) => setImmediate(r));
			}
			c.close();`;
		const writer = spawn(process.execPath, ["--input-type=module", "-e", script], {
			cwd: fileURLToPath(new URL("../", import.meta.url)),
			stdio: ["pipe", "pipe", "inherit"],
		});
		let committed = 0;
		writer.stdout.on("data", (d: Buffer) => {
			committed += d.length;
		});
		const exited = new Promise((r) => writer.on("exit", r));
		while (committed < 3) await new Promise((r) => setTimeout(r, 10));
		const reader = openClient(url);
		const copies: string[] = [];
		for (let i = 0; i < 3; i++) {
			const file = join(dir, `copy-${i}.db`);
			await backupInto(reader, file);
			copies.push(file);
			await new Promise((r) => setTimeout(r, 20));
		}
		const during = committed;
		writer.stdin.end();
		expect(await exited).toBe(0);
		expect(committed).toBeGreaterThan(3);
		for (const file of copies) {
			const copy = openClient(`file:${file}`);
			expect((await copy.execute("PRAGMA integrity_check")).rows[0]?.[0]).toBe("ok");
			const n = Number((await copy.execute("SELECT count(*) FROM meta WHERE key LIKE 'import-%'")).rows[0]?.[0]);
			// never half a transaction
			expect(n % BATCH).toBe(0);
			expect(n).toBeGreaterThan(0);
			expect(await pendingMigrations(copy)).toEqual([]);
			copy.close();
		}
		await expect(backupInto(reader, copies[0] ?? "")).rejects.toThrow(); // never overwrites
		reader.close();
		expect(during).toBeGreaterThanOrEqual(3);
	});
});

describe("pendingMigrations", () => {
	it("lists every migration of a new database and none once migrated; listing applies nothing", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-migrate-"));
		const url = `file:${join(dir, "obmen.db")}`;
		const raw = openClient(url);
		expect(await pendingMigrations(raw)).toEqual(migrations.map((m) => m.tag));
		expect(await pendingMigrations(raw)).toHaveLength(migrations.length);
		raw.close();
		const { client } = await openDb(url);
		expect(await pendingMigrations(client)).toEqual([]);
		// an older database: the last migration rolled back in the bookkeeping is pending again
		const last = migrations[migrations.length - 1];
		await client.execute({ sql: "DELETE FROM `__drizzle_migrations` WHERE created_at = ?", args: [last?.when ?? 0] });
		expect(await pendingMigrations(client)).toEqual([last?.tag]);
		client.close();
	});
});
