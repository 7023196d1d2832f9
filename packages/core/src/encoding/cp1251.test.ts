/// <reference types="node" />
import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { encodeCp1251, isCp1251 } from "./cp1251.ts";

describe("windows-1251 encoder", () => {
	it("agrees with iconv-lite on every BMP character it can encode", () => {
		let mapped = 0;
		for (let c = 1; c < 0x10000; c++) {
			if (c >= 0xd800 && c <= 0xdfff) continue;
			const ch = String.fromCharCode(c);
			const oracle = iconv.encode(ch, "win1251");
			const oracleOk = !(oracle.length === 1 && oracle[0] === 0x3f && c !== 0x3f);
			if (c === 0xfffd) continue; // iconv-lite maps the unassigned byte 0x98 to U+FFFD and back
			if (c === 0x98) {
				// Unassigned in Microsoft's cp1251; we refuse it (written as &#152; by the escaper).
				expect(isCp1251(c)).toBe(false);
				continue;
			}
			expect(isCp1251(c), `U+${c.toString(16)}`).toBe(oracleOk);
			if (oracleOk) {
				expect(Array.from(encodeCp1251(ch)), `U+${c.toString(16)}`).toEqual(Array.from(oracle));
				mapped++;
			}
		}
		expect(mapped).toBe(255 - 1); // 0x01–0xFF except 0x98
	});

	it("encodes Russian text like iconv-lite and round-trips through TextDecoder", () => {
		const text = "Заказ № 15 — «Ёлка», цена 100 руб.\tИтого: 1 шт…";
		const bytes = encodeCp1251(text);
		expect(Array.from(bytes)).toEqual(Array.from(iconv.encode(text, "win1251")));
		expect(new TextDecoder("windows-1251", { fatal: true }).decode(bytes)).toBe(text);
		expect(bytes.buffer).toBeInstanceOf(ArrayBuffer);
	});

	it("refuses characters outside the code page instead of writing '?'", () => {
		expect(() => encodeCp1251("цена 5 ₽")).toThrow(/U\+20BD at index 7/);
		expect(() => encodeCp1251("😀")).toThrow(RangeError);
		expect(() => encodeCp1251("é")).toThrow(/U\+00E9/);
	});
});
