import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { combineDateTime, normalizeCmlDate, normalizeCmlDecimal, normalizeCmlTime, parseCmlBoolean, parseCmlDecimal } from "./values.ts";

describe("CommerceML value readers", () => {
	it.each([
		["true", true],
		["TRUE", true],
		[" Да ", true],
		["да", true],
		["1", true],
		["false", false],
		["Нет", false],
		["0", false],
		["", null],
		["maybe", null],
		[null, null],
	])("boolean %j → %j", (raw, want) => expect(parseCmlBoolean(raw)).toBe(want));

	it.each([
		["2015-06-29T15:39:10", "2015-06-29T15:39:10"],
		["2015-06-29 15:39:10", "2015-06-29T15:39:10"],
		["2015-06-29", "2015-06-29"],
		["29.06.2015 9:05:00", "2015-06-29T09:05:00"],
		["05.02.2021 00:00:00", "2021-02-05T00:00:00"],
		["5.2.2021", "2021-02-05"],
		["2021-02-05T10:00:00+03:00", "2021-02-05T10:00:00+03:00"],
		["T", null],
		[" ", null],
		["", null],
		["0001-01-01T00:00:00", null],
		["01.01.0001 0:00:00", null],
		["garbage", "garbage"],
	])("date %j → %j", (raw, want) => expect(normalizeCmlDate(raw)).toBe(want));

	it("combines Дата and Время without inventing a zone", () => {
		expect(combineDateTime("2015-06-29", "15:39:10")).toBe("2015-06-29T15:39:10");
		expect(combineDateTime("2015-06-29", "9:05")).toBe("2015-06-29T09:05:00");
		expect(combineDateTime("2015-06-29", null)).toBe("2015-06-29");
		expect(combineDateTime("09.04.2014 0:46:38", "10:00:00")).toBe("2014-04-09T00:46:38");
		expect(combineDateTime(null, "10:00:00")).toBeNull();
		expect(normalizeCmlTime("")).toBeNull();
	});

	it.each([
		["231.7400", "231.74"],
		["23 000", "23000"],
		["23\u00a0000,50", "23000.5"],
		["1.0000", "1"],
		["-5", "-5"],
		["", null],
		["abc", null],
		[null, null],
	])("decimal %j → %j", (raw, want) => expect(normalizeCmlDecimal(raw)).toBe(want));

	it.each([
		["0", "0"],
		["-0", "0"],
		["0.00", "0"],
		["-0.00", "0"],
		["-0.50", "-0.5"],
		["100.00", "100"],
		["10.0", "10"],
		["1490.05", "1490.05"],
		["007", "7"],
		["+5", "5"],
		["5.", "5"],
		[".5", "0.5"],
		["1e5", null],
		["-", null],
	])("decimal %j → %j (the fast paths agree with the parse)", (raw, want) => expect(normalizeCmlDecimal(raw)).toBe(want));

	it("any decimal-like text normalises as the full parse does", () => {
		const text = fc.string({ unit: fc.constantFrom(..."0123456789-+.,  "), maxLength: 12 });
		const plain = fc.tuple(fc.boolean(), fc.bigInt({ min: 0n, max: 10n ** 15n }), fc.nat(6)).map(([neg, u, zeros]) => {
			const t = u.toString();
			const cut = Math.max(0, t.length - (zeros % (t.length + 1)));
			return `${neg ? "-" : ""}${t.slice(0, cut) || "0"}.${t.slice(cut)}${"0".repeat(zeros)}`;
		});
		fc.assert(
			fc.property(fc.oneof(text, plain), (raw) => {
				expect(normalizeCmlDecimal(raw)).toBe(parseCmlDecimal(raw));
			}),
			{ numRuns: 3000 },
		);
	});
});
