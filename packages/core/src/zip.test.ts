import { execFileSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { type CmlErrorCode, CommerceMLError } from "./errors.ts";
import { crc32, isZip, unzipXml } from "./zip.ts";

const enc = new TextEncoder();
const XML = enc.encode('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация/>');

function u32at(b: Uint8Array, o: number, v: number) {
	new DataView(b.buffer, b.byteOffset).setUint32(o, v, true);
}
/** Offsets of local (PK\3\4) and central (PK\1\2) headers. */
function headers(b: Uint8Array): { local: number[]; central: number[] } {
	const local: number[] = [];
	const central: number[] = [];
	const dv = new DataView(b.buffer, b.byteOffset);
	for (let i = 0; i + 4 <= b.length; i++) {
		const s = dv.getUint32(i, true);
		if (s === 0x04034b50) local.push(i);
		else if (s === 0x02014b50) central.push(i);
	}
	return { local, central };
}
/** Forges the declared uncompressed size (and/or CRC) of every entry in both headers. */
function forge(b: Uint8Array, patch: { size?: number; crc?: number }): Uint8Array {
	const out = b.slice();
	const { local, central } = headers(out);
	for (const o of local) {
		if (patch.crc !== undefined) u32at(out, o + 14, patch.crc);
		if (patch.size !== undefined) u32at(out, o + 22, patch.size);
	}
	for (const o of central) {
		if (patch.crc !== undefined) u32at(out, o + 16, patch.crc);
		if (patch.size !== undefined) u32at(out, o + 24, patch.size);
	}
	return out;
}
/** Renames an entry in place (same byte length) in local and central headers. */
function rename(b: Uint8Array, from: string, to: Uint8Array): Uint8Array {
	const out = b.slice();
	const f = enc.encode(from);
	expect(f.length).toBe(to.length);
	for (let i = 0; i + f.length <= out.length; i++) {
		if (f.every((x, k) => out[i + k] === x)) out.set(to, i);
	}
	return out;
}

function code(fn: () => unknown): CmlErrorCode {
	try {
		fn();
	} catch (e) {
		if (e instanceof CommerceMLError) return e.code;
		throw e;
	}
	throw new Error("expected a CommerceMLError");
}

const one = (name: string, data: Uint8Array = XML, level: 0 | 6 = 6) => zipSync({ [name]: [data, { level }] });

const hostile: Array<[string, () => Uint8Array, CmlErrorCode]> = [
	["bomb: forged declared size 200 MiB", () => forge(one("orders.xml"), { size: 200 * 1024 * 1024 }), "ZIP_LIMIT"],
	["declared 4 GB", () => forge(one("orders.xml"), { size: 0xfffffffe }), "ZIP_LIMIT"],
	["ratio > 200 (2 MiB of zeros)", () => one("orders.xml", new Uint8Array(2 * 1024 * 1024)), "ZIP_LIMIT"],
	[
		"total over 64 MiB in 5 entries",
		() =>
			forge(zipSync(Object.fromEntries(Array.from({ length: 5 }, (_, i) => [`o${i}.xml`, [XML, { level: 0 }]]))), {
				size: 15 * 1024 * 1024,
			}),
		"ZIP_LIMIT",
	],
	["understated size (truncation)", () => forge(one("orders.xml", XML, 6), { size: 10 }), "ZIP_CRC"],
	["understated size, stored entry", () => forge(one("orders.xml", XML, 0), { size: 10 }), "ZIP_CRC"],
	["bad CRC", () => forge(one("orders.xml"), { crc: 0x12345678 }), "ZIP_CRC"],
	[
		"60k entries",
		() => zipSync(Object.fromEntries(Array.from({ length: 60_000 }, (_, i) => [`f${i}.xml`, new Uint8Array(0)]))),
		"ZIP_LIMIT",
	],
	["17 entries", () => zipSync(Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}.xml`, XML]))), "ZIP_LIMIT"],
	["nested zip only", () => one("inner.zip", one("orders.xml")), "ZIP_EMPTY"],
	["no xml at all", () => one("readme.txt", enc.encode("hi")), "ZIP_EMPTY"],
	["../x.xml", () => one("../x.xml"), "ZIP_NAME"],
	["ok/../../up.xml", () => one("ok/../../up.xml"), "ZIP_NAME"],
	["/abs.xml", () => one("/abs.xml"), "ZIP_NAME"],
	["C:\\x.xml", () => one("C:\\x.xml"), "ZIP_NAME"],
	["sub/../x.xml", () => one("sub/../x.xml"), "ZIP_NAME"],
	["/abs/x.xml", () => one("/abs/x.xml"), "ZIP_NAME"],
	["sub/.hidden/x.xml", () => one("sub/.hidden/x.xml"), "ZIP_NAME"],
	["__proto__ entry", () => rename(one("aaaaaaaaa"), "aaaaaaaaa", enc.encode("__proto__")), "ZIP_NAME"],
	["__proto__.xml", () => one("__proto__.xml"), "ZIP_NAME"],
	["NUL in name", () => rename(one("abc.xml"), "abc.xml", Uint8Array.from([0x61, 0x00, 0x63, 0x2e, 0x78, 0x6d, 0x6c])), "ZIP_NAME"],
	["duplicate names", () => rename(zipSync({ "a.xml": XML, "b.xml": XML }), "b.xml", enc.encode("a.xml")), "ZIP_NAME"],
	["truncated archive", () => one("orders.xml").slice(0, 60), "ZIP_CORRUPT"],
	["not a zip", () => XML, "ZIP_CORRUPT"],
	["empty bytes", () => new Uint8Array(0), "ZIP_CORRUPT"],
	["empty archive", () => zipSync({}), "ZIP_EMPTY"],
];

describe("unzipXml (T-ZIP)", () => {
	it.each(hostile)("%s → %s", (_n, make, want) => {
		const before = Object.getOwnPropertyNames(Object.prototype).length;
		expect(code(() => unzipXml(make()))).toBe(want);
		expect(Object.getOwnPropertyNames(Object.prototype).length).toBe(before);
	});

	it("rejects a forged bomb quickly and without inflating it", () => {
		const bomb = forge(one("orders.xml"), { size: 200 * 1024 * 1024 });
		const t = performance.now();
		expect(code(() => unzipXml(bomb))).toBe("ZIP_LIMIT");
		expect(performance.now() - t).toBeLessThan(100);
	});

	it("returns the xml entries byte-identical in a Map, skipping other files", () => {
		const big = enc.encode(`<a>${"Привет ".repeat(20000)}</a>`);
		const z = zipSync({ "orders-1.xml": XML, "v8_B2_1.XML": big, "img.png": new Uint8Array([1, 2, 3]), "dir/": new Uint8Array(0) });
		const m = unzipXml(z);
		expect(m).toBeInstanceOf(Map);
		expect([...m.keys()].sort()).toEqual(["orders-1.xml", "v8_B2_1.XML"]);
		expect(m.get("orders-1.xml")).toEqual(XML);
		expect(m.get("v8_B2_1.XML")).toEqual(big);
	});

	it("keys entries that 1C zipped inside a sub-folder by their basename", () => {
		const m = unzipXml(zipSync({ "webdata/orders-7_1.xml": XML }));
		expect([...m.keys()]).toEqual(["orders-7_1.xml"]);
		expect(code(() => unzipXml(zipSync({ "a/orders.xml": XML, "b/orders.xml": XML })))).toBe("ZIP_NAME");
	});

	it("reads an archive made by the Info-ZIP `zip -9` command", () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-zip-"));
		try {
			writeFileSync(join(dir, "orders-1.xml"), XML);
			execFileSync("zip", ["-9", "-q", "-j", join(dir, "v8_1.zip"), join(dir, "orders-1.xml")]);
			const m = unzipXml(new Uint8Array(readFileSync(join(dir, "v8_1.zip"))));
			expect(m.get("orders-1.xml")).toEqual(XML);
		} catch (e) {
			if ((e as NodeJS.ErrnoException).code === "ENOENT") return; // zip CLI not installed
			throw e;
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("decodes non-UTF-8 names as cp866 (then the allowlist decides)", () => {
		// "Заказ.xml" in cp866 without the UTF-8 flag → decoded, then refused by the ASCII allowlist.
		const cp866 = Uint8Array.from([0x87, 0xa0, 0xaa, 0xa0, 0xa7, 0x2e, 0x78, 0x6d, 0x6c]);
		const z = rename(one("ABCDE.xml"), "ABCDE.xml", cp866);
		try {
			unzipXml(z);
			throw new Error("expected refusal");
		} catch (e) {
			expect((e as CommerceMLError).code).toBe("ZIP_NAME");
			expect((e as CommerceMLError).message).toContain("Заказ.xml");
		}
	});

	it("crc32 matches known vectors and isZip sniffs the signature", () => {
		expect(crc32(enc.encode("123456789"))).toBe(0xcbf43926);
		expect(crc32(new Uint8Array(0))).toBe(0);
		expect(isZip(one("a.xml"))).toBe(true);
		expect(isZip(XML)).toBe(false);
	});
});
