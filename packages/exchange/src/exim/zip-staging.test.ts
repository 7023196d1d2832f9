/**
 * A zip import answered in several progress polls unpacks the archive once: the first poll stages the xml entry as an
 * upload of its own, later polls read its chunks. A re-uploaded zip drops the staged entry, so nothing stale is read.
 */

import { createHarness, type Harness, oneCFile, uploadAndImport } from "@obmen/testing/harness";
import { zipSync } from "fflate";
import { describe, expect, it, vi } from "vitest";
import { stagedEntryName } from "./import.ts";

const unzips = vi.hoisted(() => ({ count: 0 }));
vi.mock("@obmen/core", async (importOriginal) => {
	const real = await importOriginal<typeof import("@obmen/core")>();
	return {
		...real,
		unzipXml: (...a: Parameters<typeof real.unzipXml>) => {
			unzips.count++;
			return real.unzipXml(...a);
		},
	};
});

const enc = new TextEncoder();
const zipOf = (requisite: string) =>
	zipSync({
		"orders.xml": enc.encode(
			oneCFile([1, 2, 3, 4].map((n) => ({ number: String(n), requisites: [[requisite, "true"] as [string, string]] }))),
		),
	});
const sessionId = async (h: Harness) => String((await h.client.execute("SELECT id_hash FROM sessions")).rows[0]?.id_hash);

describe("zip import in progress polls", () => {
	it("unpacks the archive once per upload, and a re-uploaded zip is unpacked afresh", async () => {
		// `mode=import`'s own polls (apply on upload has its own tests)
		const h = await createHarness({ settings: { applyOnUpload: "never" }, limits: { importSliceMs: 0 } });
		for (let i = 1; i <= 4; i++) expect((await h.putOrder({ id: `o${i}` })).status).toBe(201);
		const { cookie } = await h.login();
		const replies = await uploadAndImport(h, cookie, "v8_1.zip", zipOf("Отгружен"), 4096, "orders.xml");
		expect(replies.filter((r) => r.startsWith("progress\n"))).toHaveLength(4);
		expect(replies.at(-1)).toMatch(/^success\ndocuments: 4, updated: 4/);
		expect(unzips.count).toBe(1);
		const sid = await sessionId(h);
		expect(await h.store.listUploads(sid)).toEqual(["v8_1.zip", stagedEntryName("v8_1.zip", "orders.xml")]);
		for (let i = 1; i <= 4; i++) expect((await h.store.getOrder(`o${i}`))?.oneC).toMatchObject({ shipped: true });
		// the next exchange uploads a different archive under the same name: its entry is read, not the staged one
		const again = await uploadAndImport(h, cookie, "v8_1.zip", zipOf("Оплачен"), 4096, "orders.xml");
		expect(again.at(-1)).toMatch(/^success\ndocuments: 4, updated: 4/);
		expect(unzips.count).toBe(2);
		for (let i = 1; i <= 4; i++) expect((await h.store.getOrder(`o${i}`))?.oneC).toMatchObject({ paid: true });
	});
});
