import { describe, expect, it } from "vitest";
import type { CommerceMLError } from "../errors.ts";
import { detectEncoding, FatalStreamDecoder, firstInvalidUtf8 } from "./detect.ts";

const b = (s: string) => new TextEncoder().encode(s);

describe("detectEncoding", () => {
	it.each([
		['<?xml version="1.0" encoding="UTF-8"?><a/>', "utf-8", "UTF-8"],
		["<?xml version='1.0' encoding='windows-1251'?><a/>", "windows-1251", "windows-1251"],
		['<?xml version="1.0" encoding="CP1251" ?><a/>', "windows-1251", "CP1251"],
		['<?xml version="1.0" encoding="utf8"?><a/>', "utf-8", "utf8"],
		['<?xml version="1.0"?><a>тест</a>', "utf-8", null],
		["<a>тест</a>", "utf-8", null],
	])("%s → %s", (xml, encoding, declared) => {
		expect(detectEncoding(b(xml))).toEqual({ encoding, bomLength: 0, declared });
	});

	it("a UTF-8 BOM is skipped; undeclared non-UTF-8 bytes are windows-1251", () => {
		expect(detectEncoding(new Uint8Array([0xef, 0xbb, 0xbf, ...b("<a/>")]))).toEqual({ encoding: "utf-8", bomLength: 3, declared: null });
		expect(detectEncoding(new Uint8Array([...b("<a>"), 0xcf, 0xf0, ...b("</a>")])).encoding).toBe("windows-1251");
	});

	it.each([["ISO-8859-5"], ["koi8-r"], ["UTF-16"], ["us-ascii"]])("refuses the label %s by name", (label) => {
		try {
			detectEncoding(b(`<?xml version="1.0" encoding="${label}"?><a/>`));
			throw new Error("expected refusal");
		} catch (e) {
			expect((e as CommerceMLError).code).toBe("ENCODING_UNSUPPORTED");
			expect((e as CommerceMLError).message).toContain(label);
		}
	});
});

describe("FatalStreamDecoder and firstInvalidUtf8", () => {
	it("finds the first invalid byte (overlong, surrogate, > U+10FFFF, stray continuation)", () => {
		expect(firstInvalidUtf8(b("ab тест 😀"), true)).toBe(-1);
		expect(firstInvalidUtf8(new Uint8Array([0x61, 0xc0, 0x80]), true)).toBe(1);
		expect(firstInvalidUtf8(new Uint8Array([0x61, 0x62, 0xed, 0xa0, 0x80]), true)).toBe(2);
		expect(firstInvalidUtf8(new Uint8Array([0xf4, 0x90, 0x80, 0x80]), true)).toBe(0);
		expect(firstInvalidUtf8(new Uint8Array([0x61, 0x80]), true)).toBe(1);
		expect(firstInvalidUtf8(new Uint8Array([0x61, 0xd0]), false)).toBe(-1);
		expect(firstInvalidUtf8(new Uint8Array([0x61, 0xd0]), true)).toBe(1);
	});

	it("decodes a multi-byte character split across chunks and reports offsets counted from the BOM", () => {
		const d = new FatalStreamDecoder("utf-8", 3);
		const bytes = b("жж");
		expect(d.decode(bytes.subarray(0, 1))).toBe("");
		expect(d.textByteOffset).toBe(3);
		expect(d.decode(bytes.subarray(1, 3))).toBe("ж");
		expect(d.decode(bytes.subarray(3))).toBe("ж");
		expect(d.end()).toBe("");
		try {
			d.decode(new Uint8Array([0x61, 0xff]));
			throw new Error("expected refusal");
		} catch (e) {
			expect((e as CommerceMLError).code).toBe("ENCODING_INVALID");
			expect((e as CommerceMLError).offset).toBe(3 + 4 + 1);
		}
	});

	it("windows-1251 decodes every byte; NUL is refused with its offset", () => {
		const d = new FatalStreamDecoder("windows-1251");
		expect(d.decode(new Uint8Array([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0xb9]))).toBe("Привет№");
		expect(() => d.decode(new Uint8Array([0x61, 0x00]))).toThrow(/CHAR_FORBIDDEN.*byte 8/);
	});
});
