import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { parseOrder } from "@obmen/core";
import { startHranaShim } from "@obmen/testing/hrana-shim";
import { afterAll, describe, expect, it } from "vitest";
import { createLibsqlStore, openStore } from "./libsql-store.ts";
import { applyMigrations } from "./migrate.ts";
import { createMemoryDb, openClient, openDb } from "./node.ts";
import { describeExchangeStore } from "./test-support/store-conformance.ts";
import type { SqlClient } from "./write-queue.ts";

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
// a local client with a pool of connections (not openDb's one): imports plan into the shared scratch tables
describeExchangeStore("libSQL file, pooled client", async () => {
	const client = createClient({ url: `file:${tmp()}`, timeout: 1000 });
	return { client, store: await openStore(client, { wal: true }) };
});

describe("planning scratch of a local database", () => {
	const AT = "2026-11-28T12:00:00.000Z";
	const count = async (c: SqlClient, table: string) => Number((await c.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);
	const order = (id: string) =>
		parseOrder({
			id,
			number: id.slice(1),
			createdAt: "2026-11-27T10:00:00+03:00",
			status: "new",
			customer: { name: "Петров Пётр" },
			items: [{ productId: "p", name: "Товар", quantity: 1, price: 10 }],
		});

	it("openDb plans into TEMP tables of the attempt: never in the file, unseen by other connections, dropped after", async () => {
		const url = `file:${tmp()}`;
		const { store, client } = await openDb(url);
		const other = openClient(url);
		const temps = async () =>
			(await client.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table' AND name LIKE 'plan%' ORDER BY name")).rows.map((r) =>
				String(r.name),
			);
		await store.upsertOrder(order("o1"), AT);
		await store.upsertOrder(order("o2"), AT);
		const run = { nodeId: "n1", sha256: "h", filename: "f.xml", documents: 2, at: AT };
		const out = await store.runImport(run, "s", async (p) => {
			await p.addPatches([
				{ orderId: "o1", set: { paid: true }, changes: {} },
				{ orderId: "o2", set: { paid: false, number: "УТ-2" }, changes: {} },
			]);
			await p.addCreates([]);
			expect(await p.plannedSets(["o1"])).toEqual(new Map([["o1", { paid: true }]]));
			// the planned rows are this connection's alone, in tables of this attempt
			const [creates, patches] = await temps();
			expect([creates, patches]).toEqual([expect.stringMatching(/^plan_creates_h_/), expect.stringMatching(/^plan_patches_h_/)]);
			expect(await count(client, `temp.${patches}`)).toBe(2);
			expect(await count(client, "main.import_patches")).toBe(0);
			expect(await count(other, "import_patches")).toBe(0);
		});
		expect(out).toMatchObject({ updated: 2, created: 0 });
		const rows = await other.execute("SELECT order_id, paid, one_c_number FROM order_one_c ORDER BY order_id");
		expect(rows.rows.map((r) => [r.order_id, Number(r.paid), r.one_c_number])).toEqual([
			["o1", 1, null],
			["o2", 0, "УТ-2"],
		]);
		expect(await temps()).toEqual([]);
		// spilled to a temporary file, not kept in memory
		expect(Number((await client.execute("PRAGMA temp_store")).rows[0]?.temp_store)).toBe(1);
		// a plan that fails leaves nothing behind either
		await expect(
			store.runImport({ ...run, sha256: "h2" }, "s", async (p) => {
				await p.addPatches([{ orderId: "o1", set: { shipped: true }, changes: {} }]);
				throw new Error("injected");
			}),
		).rejects.toThrow(/injected/);
		expect(await temps()).toEqual([]);
		// two stores on the one connection plan side by side: neither drops the other's tables
		const second = createLibsqlStore(client);
		const both = await Promise.all([
			store.runImport({ ...run, sha256: "h3" }, "s", (p) => p.addPatches([{ orderId: "o1", set: { shipped: true }, changes: {} }])),
			second.runImport({ ...run, sha256: "h4" }, "s", (p) => p.addPatches([{ orderId: "o2", set: { shipped: true }, changes: {} }])),
		]);
		expect(both.map((o) => o?.updated)).toEqual([1, 1]);
		expect(await temps()).toEqual([]);
		other.close();
		store.close();
	});

	it("the TEMP tables have the shared tables' columns, keys and indexes", async () => {
		const { store, client } = await openDb(`file:${tmp()}`);
		const shape = async (schema: string, table: string) => {
			const cols = await client.execute(`PRAGMA ${schema}.table_info(${table})`);
			const indexes = await client.execute(`PRAGMA ${schema}.index_list(${table})`);
			return {
				cols: cols.rows.map((r) => [r.name, r.type, Number(r.notnull), r.dflt_value, Number(r.pk)]),
				unique: indexes.rows.map((r) => [Number(r.unique), r.origin]).sort(),
			};
		};
		await store.runImport({ nodeId: "n1", sha256: "h", filename: "f.xml", documents: 0, at: AT }, "s", async () => {
			const names = (await client.execute("SELECT name FROM temp.sqlite_master WHERE type = 'table' ORDER BY name")).rows.map((r) =>
				String(r.name),
			);
			expect(names).toHaveLength(2);
			for (const t of ["patches", "creates"]) {
				const shared = await shape("main", `import_${t}`);
				expect(shared.cols.length).toBeGreaterThan(5);
				expect(await shape("temp", names.find((n) => n.startsWith(`plan_${t}_`)) ?? "")).toEqual(shared);
			}
		});
		store.close();
	});

	it("an upload is read back with the sizes of 256 rows at a time, whatever the rows per read", async () => {
		const base = createClient({ url: ":memory:" });
		await applyMigrations(base);
		let sizeReads = 0;
		const client = new Proxy(base, {
			get(target, prop) {
				const v = Reflect.get(target, prop, target);
				if (prop === "uploadRowBytes") return 16 * 1024;
				if (prop !== "execute") return typeof v === "function" ? v.bind(target) : v;
				return (stmt: { sql: string }) => {
					if (/length\(data\)/.test(stmt.sql)) sizeReads++;
					return target.execute(stmt as never);
				};
			},
		});
		const store = createLibsqlStore(client);
		const caps = { maxFileBytes: 8 * 1024 * 1024, maxSessionBytes: 8 * 1024 * 1024 };
		// 300 rows of 16 KiB: reads of 2 MiB take 128 rows each
		const sent = new Uint8Array(300 * 16 * 1024).map((_, k) => (k * 7) & 0xff);
		expect((await store.appendChunk("s", "f.xml", 0, sent, caps)).ok).toBe(true);
		const parts: Uint8Array[] = [];
		for await (const c of store.readUploadChunks("s", "f.xml")) parts.push(c);
		expect(parts).toHaveLength(300);
		const got = new Uint8Array(sent.byteLength);
		let at = 0;
		for (const c of parts) {
			got.set(c, at);
			at += c.byteLength;
		}
		expect(got.every((b, i) => b === sent[i])).toBe(true);
		// 256 sizes, then the 44 left, then none: not one sizes query per 2 MiB read
		expect(sizeReads).toBe(3);
		store.close();
	});
});
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
