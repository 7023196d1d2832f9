import { concatBytes } from "@obmen/core";
import { unzipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { planUpload, splitBytes, tempZipName } from "./upload.ts";

const concat = (parts: Uint8Array[]) => concatBytes(parts);

describe("splitBytes (РазделитьФайл)", () => {
	const bytes = new TextEncoder().encode("<?xml?><Документ>Заказ №1042 — оплачен</Документ>".repeat(20));
	it("cuts into file_limit pieces, the last one shorter", () => {
		const parts = splitBytes(bytes, 100);
		expect(parts.slice(0, -1).every((p) => p.byteLength === 100)).toBe(true);
		expect(parts.at(-1)?.byteLength).toBe(bytes.byteLength % 100 || 100);
		expect(concat(parts)).toEqual(bytes);
	});
	it("does not split when file_limit ≤ 0", () => {
		expect(splitBytes(bytes, 0)).toHaveLength(1);
		expect(splitBytes(bytes, -1)).toHaveLength(1);
	});
	it("odd split cuts inside multi-byte characters and stays within the limit", () => {
		const parts = splitBytes(bytes, 101, true);
		expect(concat(parts)).toEqual(bytes);
		expect(parts.every((p) => p.byteLength <= 101)).toBe(true);
		const inside = parts.slice(0, -1).filter((p) => (p.at(-1) ?? 0) >= 0xc0);
		expect(inside.length).toBeGreaterThan(parts.length / 2);
		expect(() => new TextDecoder("utf-8", { fatal: true }).decode(parts[0])).toThrow();
	});
	it("odd split still cuts when the whole file fits into file_limit (a real server announces megabytes)", () => {
		for (const limit of [8 * 1024 * 1024, 0]) {
			const parts = splitBytes(bytes, limit, true);
			expect(parts.length, String(limit)).toBeGreaterThanOrEqual(3);
			expect(concat(parts)).toEqual(bytes);
			expect(() => new TextDecoder("utf-8", { fatal: true }).decode(parts[0])).toThrow();
		}
	});
});

describe("planUpload", () => {
	it("zips all xml files of the portion into one v8_*.zip and splits the archive", () => {
		const xml = new TextEncoder().encode("<a>".repeat(3000));
		const pieces = planUpload([{ name: "orders-1_1.xml", bytes: xml }], true, 64, false);
		expect(new Set(pieces.map((p) => p.filename)).size).toBe(1);
		expect(pieces[0]?.filename).toMatch(/^v8_[0-9A-F]{4}_[0-9a-f]+\.zip$/);
		expect(unzipSync(concat(pieces.map((p) => p.bytes)))["orders-1_1.xml"]).toEqual(xml);
		expect(tempZipName()).not.toBe(tempZipName());
	});
	it("sends xml as is when zip=no", () => {
		const xml = new TextEncoder().encode("<x/>");
		expect(planUpload([{ name: "a.xml", bytes: xml }], false, 0, false)).toEqual([{ filename: "a.xml", bytes: xml }]);
	});
});
