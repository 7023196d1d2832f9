import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseOrder } from "@obmen/core";
import { describe, expect, it } from "vitest";
import { domainDigest } from "./digest.ts";
import { applyMigrations } from "./migrate.ts";
import { Mutex } from "./mutex.ts";
import { createMemoryDb, openDb } from "./node.ts";

const order = (id: string, number: string, over: Record<string, unknown> = {}) =>
	parseOrder({
		id,
		number,
		createdAt: "2026-11-27T10:00:00+03:00",
		status: "new",
		customer: { name: "Петров Пётр" },
		items: [{ productId: "p", name: "Товар", quantity: 1, price: 10 }],
		...over,
	});
const AT = "2026-11-28T12:00:00.000Z";

async function withNode() {
	const db = await createMemoryDb();
	await db.store.createNode({ id: "n1", name: "n1", login: "l1", passwordHash: "x", settings: {}, createdAt: AT, updatedAt: AT });
	return db;
}

describe("@obmen/db libSQL store", () => {
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

	it("upsert bumps a global revision only when content changes", async () => {
		const { store } = await createMemoryDb();
		expect(await store.upsertOrder(order("a", "1"), AT)).toEqual({ created: true, changed: true, revision: 1 });
		expect(await store.upsertOrder(order("b", "2"), AT)).toEqual({ created: true, changed: true, revision: 2 });
		expect(await store.upsertOrder(order("a", "1"), AT)).toEqual({ created: false, changed: false, revision: 1 });
		expect(await store.upsertOrder(order("a", "1", { status: "done" }), AT)).toEqual({ created: false, changed: true, revision: 3 });
		expect((await store.listChanges({ after: 0, limit: 10 })).map((c) => c.changes.type)).toEqual(["created", "created", "updated"]);
	});

	it("export: newer than acked, pending per session, success acks what was sent and never lowers", async () => {
		const { store } = await withNode();
		for (const [id, n] of [
			["a", "1"],
			["b", "2"],
			["c", "3"],
		] as const)
			await store.upsertOrder(order(id, n), AT);
		const f = { statuses: [], fromNumber: null, limit: 2 };
		const first = await store.selectExport("n1", { ...f, session: "s1" });
		expect(first.map((c) => [c.order.id, c.revision])).toEqual([
			["a", 1],
			["b", 2],
		]);
		await store.recordPending(
			"s1",
			first.map((c) => ({ orderId: c.order.id, revision: c.revision })),
		);
		// a second query in the same session returns the next ones; another session starts over
		expect((await store.selectExport("n1", { ...f, session: "s1" })).map((c) => c.order.id)).toEqual(["c"]);
		expect((await store.selectExport("n1", { ...f, session: "s2" })).map((c) => c.order.id)).toEqual(["a", "b"]);
		await store.upsertOrder(order("a", "1", { comment: "changed" }), AT); // revision 4 while 1C loads revision 1
		expect(await store.acknowledge("s1", "n1")).toBe(2);
		expect(await store.acknowledge("s1", "n1")).toBe(0);
		expect((await store.selectExport("n1", { ...f, limit: 10, session: null })).map((c) => [c.order.id, c.revision])).toEqual([
			["c", 3],
			["a", 4],
		]);
		// a stale pending batch can't lower the ack
		await store.recordPending("s3", [{ orderId: "b", revision: 1 }]);
		await store.acknowledge("s3", "n1");
		expect((await store.selectExport("n1", { ...f, limit: 10, session: null })).map((c) => c.order.id)).toEqual(["c", "a"]);
	});

	it("export filters: statuses and exportFromNumber (numeric when both numeric)", async () => {
		const { store } = await withNode();
		for (const [id, n, st] of [
			["a", "9", "new"],
			["b", "10", "new"],
			["c", "100", "done"],
			["d", "A-5", "new"],
			["e", "B-1", "new"],
		] as const) {
			await store.upsertOrder(order(id, n, { status: st }), AT);
		}
		const ids = async (statuses: string[], fromNumber: string | null) =>
			(await store.selectExport("n1", { statuses, fromNumber, limit: 50 })).map((c) => c.order.id);
		expect(await ids([], "10")).toEqual(["b", "c", "d", "e"]); // "A-5" ≥ "10" as strings
		expect(await ids(["new"], "10")).toEqual(["b", "d", "e"]);
		expect(await ids([], "B")).toEqual(["e"]);
		expect(await ids([], null)).toHaveLength(5);
	});

	it("upload chunks: append, truncate on a new epoch or after done, enforce caps", async () => {
		const { store } = await withNode();
		const caps = { maxFileBytes: 10, maxSessionBytes: 15 };
		const b = (s: string) => new TextEncoder().encode(s);
		const read = async (n: string) => new TextDecoder().decode((await store.readUpload("s", n)) ?? new Uint8Array());
		expect(await store.appendChunk("s", "a.xml", 0, b("abc"), caps)).toEqual({ ok: true, fileSize: 3 });
		await store.appendChunk("s", "a.xml", 0, b("def"), caps);
		expect(await read("a.xml")).toBe("abcdef");
		expect(await store.appendChunk("s", "a.xml", 0, b("12345"), caps)).toEqual({ ok: false, reason: "file" });
		await store.appendChunk("s", "a.xml", 1, b("new"), caps);
		expect(await read("a.xml")).toBe("new");
		await store.markUploadDone("s", "a.xml");
		await store.appendChunk("s", "a.xml", 1, b("again"), caps);
		expect(await read("a.xml")).toBe("again");
		await store.appendChunk("s", "b.xml", 1, b("0123456789"), caps);
		expect(await store.appendChunk("s", "c.xml", 1, b("x"), caps)).toEqual({ ok: false, reason: "session" });
		expect(await store.listUploads("s")).toEqual(["a.xml", "b.xml"]);
	});

	it("applyImport is one transaction with a ledger row; the same hash again is a no-op", async () => {
		const { store, client } = await withNode();
		await store.upsertOrder(order("a", "1"), AT);
		const app = {
			nodeId: "n1",
			sha256: "h1",
			filename: "f.xml",
			documents: 1,
			at: AT,
			patches: [{ orderId: "a", set: { paid: true, paidAt: "2026-11-28" }, status: "paid", changes: {} }],
			creates: [],
		};
		expect(await store.applyImport(app, "s")).toBe(true);
		const d = await domainDigest(client);
		expect(await store.applyImport({ ...app, patches: [{ orderId: "a", set: { shipped: true }, changes: {} }] }, "s")).toBe(false);
		expect(await domainDigest(client)).toBe(d);
		const a = await store.getOrder("a");
		expect(a?.order.status).toBe("paid");
		expect(a?.revision).toBe(1);
		expect(a?.oneC).toMatchObject({ paid: true, paidAt: "2026-11-28", shipped: null, lastImportAt: AT });
		// a failing statement rolls the whole batch back
		await expect(
			store.applyImport(
				{
					...app,
					sha256: "h2",
					patches: [{ orderId: "a", set: { shipped: true }, changes: {} }],
					creates: [
						{ order: order("a", "1"), oneC: { id: "x" } },
						{ order: null as never, oneC: {} },
					],
				},
				"s",
			),
		).rejects.toThrow();
		expect(await domainDigest(client)).toBe(d);
	});

	it("sessions purge expired ones with their scratch data; deleteNode cascades", async () => {
		const { store } = await withNode();
		const s = (id: string, t: number) => ({
			idHash: id,
			sessidHash: "x",
			nodeId: "n1",
			createdAt: t,
			lastSeenAt: t,
			uploadEpoch: 0,
			version: null,
			cmlVersion: null,
		});
		await store.createSession(s("old", 1000), 0);
		await store.appendChunk("old", "a.xml", 0, new Uint8Array(3), { maxFileBytes: 9, maxSessionBytes: 9 });
		await store.createSession(s("new", 5000), 2000);
		expect(await store.getSession("old")).toBeNull();
		expect(await store.readUpload("old", "a.xml")).toBeNull();
		await store.startUploadEpoch("new", "2.09", null);
		expect(await store.getSession("new")).toMatchObject({ uploadEpoch: 1, version: "2.09" });
		expect(await store.deleteNode("n1")).toBe(true);
		expect(await store.getSession("new")).toBeNull();
		expect(await store.getNode("n1")).toBeNull();
	});

	it("throttling counts failures per key inside the window", async () => {
		const { store } = await createMemoryDb();
		for (let i = 0; i < 3; i++) await store.recordFailure(["ip:1", "login:a"], 1000 + i);
		await store.recordFailure(["ip:2"], 1000);
		expect(await store.countFailures(["ip:1", "login:b"], 0)).toBe(3);
		expect(await store.countFailures(["ip:1"], 1002)).toBe(1);
		expect(await store.countFailures(["ip:3"], 0)).toBe(0);
	});

	it("the mutex runs writes one at a time, in order, surviving errors", async () => {
		const m = new Mutex();
		const log: string[] = [];
		const task = (name: string, ms: number, fail = false) =>
			m.run(async () => {
				log.push(`start ${name}`);
				await new Promise((r) => setTimeout(r, ms));
				log.push(`end ${name}`);
				if (fail) throw new Error(name);
				return name;
			});
		const results = await Promise.allSettled([task("a", 20), task("b", 1, true), task("c", 5)]);
		expect(log).toEqual(["start a", "end a", "start b", "end b", "start c", "end c"]);
		expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
	});
});
