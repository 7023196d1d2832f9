import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHranaShim } from "@obmen/testing/hrana-shim";
import { afterAll, describe, expect, it } from "vitest";
import { applyMigrations } from "./migrate.ts";
import { createMemoryDb, openDb } from "./node.ts";
import { describeExchangeStore } from "./test-support/store-conformance.ts";

describe("@obmen/db on a file", () => {
	it("migrations are idempotent and a file DB runs WAL with synchronous=FULL inside batches", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-db-"));
		const { client, store } = await openDb(`file:${join(dir, "sub", "x.db")}`);
		expect(await applyMigrations(client)).toBe(0);
		expect(String((await client.execute("PRAGMA journal_mode")).rows[0]?.journal_mode)).toBe("wal");
		const [sync] = await client.batch(["PRAGMA synchronous"], "write");
		expect(Number(sync?.rows[0]?.synchronous)).toBe(2);
		const tables = (await client.execute("SELECT name FROM sqlite_master WHERE type='table' ORDER BY name")).rows.map((r) => r.name);
		expect(tables).toEqual(
			expect.arrayContaining(["orders", "nodes", "node_acks", "sessions", "pending_batch", "upload_chunks", "journal", "import_ledger"]),
		);
		store.close();
	});
});

const tmp = () => join(mkdtempSync(join(tmpdir(), "obmen-conf-")), "x.db");
const shims: { close(): Promise<void> }[] = [];
afterAll(async () => {
	await Promise.all(shims.map((s) => s.close()));
});

describeExchangeStore("libSQL :memory:", createMemoryDb);
describeExchangeStore("libSQL file", () => openDb(`file:${tmp()}`));
// libSQL over HTTP (Hrana) against our own shim: a protocol test of the remote client path, not a test against Turso/sqld
describeExchangeStore(
	"libSQL over HTTP (Hrana shim)",
	async () => {
		const shim = await startHranaShim({ path: tmp() });
		shims.push(shim);
		return openDb(shim.url);
	},
	{ remote: true },
);
