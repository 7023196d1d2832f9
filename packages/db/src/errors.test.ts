import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { StoreBusyError, StoreFullError, storeError } from "./errors.ts";
import { openDb } from "./node.ts";
import type { NodeRecord } from "./types.ts";

const at = "2026-01-01T00:00:00.000Z";
const node: NodeRecord = { id: "n1", name: "n1", login: "l1", passwordHash: "h", settings: {}, createdAt: at, updatedAt: at };

describe("store errors", () => {
	it("a real SQLITE_BUSY (another connection holds the write lock) rejects with StoreBusyError, the driver error as cause", async () => {
		const url = `file:${join(mkdtempSync(join(tmpdir(), "obmen-busy-")), "db.sqlite")}`;
		const { store, client } = await openDb(url);
		const other = createClient({ url });
		const tx = await other.transaction("write");
		try {
			await tx.execute("DELETE FROM nodes");
			const e = await store.createNode(node).then(
				() => null,
				(err: unknown) => err,
			);
			expect(e).toBeInstanceOf(StoreBusyError);
			expect(String((e as Error).cause)).toMatch(/SQLITE_BUSY|locked/i);
		} finally {
			await tx.rollback();
			other.close();
		}
		expect(await store.getNode("n1")).toBeNull();
		client.close();
	});

	it("a real SQLITE_FULL rejects with StoreFullError; other errors pass through unchanged", async () => {
		const { store, client } = await openDb(":memory:");
		const pages = Number((await client.execute("PRAGMA page_count")).rows[0]?.[0]);
		await client.execute(`PRAGMA max_page_count = ${pages}`);
		const big: NodeRecord = { ...node, settings: { note: "x".repeat(256 * 1024) } };
		await expect(store.createNode(big)).rejects.toBeInstanceOf(StoreFullError);
		await client.execute("PRAGMA max_page_count = 1073741823");
		await store.createNode(big);
		await expect(store.createNode(big)).rejects.not.toBeInstanceOf(StoreFullError);
		const other = new Error("UNIQUE constraint failed");
		expect(storeError(other)).toBe(other);
	});
});
