import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { openDb } from "./node.ts";

const caps = { maxFileBytes: 1e6, maxSessionBytes: 1e6 };

describe("upload_applies (apply on upload)", () => {
	it("the lease is a compare-and-set: of two stores on one file exactly one claims, again only once it ran out", async () => {
		const url = `file:${join(mkdtempSync(join(tmpdir(), "obmen-applies-")), "db.db")}`;
		const a = await openDb(url);
		const b = await openDb(url);
		await a.store.appendChunk("s1", "f.xml", 0, new Uint8Array([60]), caps);
		await a.store.queueUploadApply("s1", "f.xml", "n1", 1000);
		for (let round = 0; round < 5; round++) {
			const now = 10_000 * (round + 1);
			const won = await Promise.all([a, b, a, b].map((db) => db.store.claimUploadApply("s1", "f.xml", now, 5000)));
			expect(won.filter(Boolean), `round ${round}`).toHaveLength(1);
			// still leased a moment later; free once the lease ran out
			expect(await b.store.claimUploadApply("s1", "f.xml", now + 4999, 5000)).toBe(false);
			expect((await a.store.listClaimableApplies(now + 4999, 10)).length).toBe(0);
			expect((await a.store.listClaimableApplies(now + 5000, 10)).map((x) => x.name)).toEqual(["f.xml"]);
		}
		// saving progress frees the lease at once; a finished apply is never claimed again
		await a.store.saveUploadApply("s1", "f.xml", { result: { done: { "f.xml": "documents: 1" } } });
		expect(await b.store.claimUploadApply("s1", "f.xml", 60_000, 5000)).toBe(true);
		await b.store.saveUploadApply("s1", "f.xml", { result: { done: { "f.xml": "documents: 1" } }, state: "done" });
		expect(await a.store.claimUploadApply("s1", "f.xml", 1e12, 5000)).toBe(false);
		// no session row "s1" (purged meanwhile): the finished apply drops what it kept of it
		expect(await a.store.getUploadApply("s1", "f.xml")).toBeNull();
		expect(await a.store.listUploads("s1")).toEqual([]);
		a.store.close();
		b.store.close();
	});

	it("a lease is renewed only by its holder: its lease end must still be the one it set", async () => {
		const { store } = await openDb(":memory:");
		await store.appendChunk("s1", "f.xml", 0, new Uint8Array([60]), caps);
		await store.queueUploadApply("s1", "f.xml", "n1", 1000);
		expect(await store.claimUploadApply("s1", "f.xml", 10_000, 5000)).toBe(true);
		expect(await store.renewUploadApply("s1", "f.xml", 15_000, 20_000)).toBe(true);
		expect(await store.claimUploadApply("s1", "f.xml", 19_999, 5000)).toBe(false); // renewed: still held
		expect(await store.renewUploadApply("s1", "f.xml", 15_000, 25_000)).toBe(false); // not the lease end it set
		// it ran out and another worker claimed it: the first one's renewal fails
		expect(await store.claimUploadApply("s1", "f.xml", 20_000, 5000)).toBe(true);
		expect(await store.renewUploadApply("s1", "f.xml", 20_000, 30_000)).toBe(false);
		expect(await store.renewUploadApply("s1", "f.xml", 25_000, 30_000)).toBe(true);
		// a finished apply is not renewed
		await store.saveUploadApply("s1", "f.xml", { result: { done: {} }, state: "done" });
		expect(await store.renewUploadApply("s1", "f.xml", 0, 40_000)).toBe(false);
	});

	it("a save with the lease end its worker held is refused once another worker took the lease: that one's progress stands", async () => {
		const { store } = await openDb(":memory:");
		await store.appendChunk("s1", "f.xml", 0, new Uint8Array([60]), caps);
		await store.queueUploadApply("s1", "f.xml", "n1", 1000);
		expect(await store.claimUploadApply("s1", "f.xml", 10_000, 5000)).toBe(true); // held until 15,000
		// the first worker stalls past its lease; another claims it and saves its progress (keeping no lease)
		expect(await store.claimUploadApply("s1", "f.xml", 15_000, 5000)).toBe(true); // held until 20,000
		expect(await store.saveUploadApply("s1", "f.xml", { result: { done: { "a.xml": "documents: 2" } } }, 20_000)).toBe(true);
		// the first worker's late save changes nothing
		expect(await store.saveUploadApply("s1", "f.xml", { result: { done: {} }, state: "failed", error: "x" }, 15_000)).toBe(false);
		expect(await store.getUploadApply("s1", "f.xml")).toMatchObject({
			state: "pending",
			error: null,
			result: { done: { "a.xml": "documents: 2" } },
		});
		// without a lease end (a finished apply's summary): saved as before
		expect(await store.saveUploadApply("s1", "f.xml", { result: { done: { "a.xml": "already imported" } } })).toBe(true);
	});

	it("queueing marks the upload done: its next chunk starts a new file", async () => {
		const { store } = await openDb(":memory:");
		await store.appendChunk("s1", "f.xml", 0, new TextEncoder().encode("old"), caps);
		await store.queueUploadApply("s1", "f.xml", "n1", 1);
		await store.appendChunk("s1", "f.xml", 0, new TextEncoder().encode("new"), caps);
		expect(new TextDecoder().decode((await store.readUpload("s1", "f.xml")) ?? new Uint8Array())).toBe("new");
	});
});
