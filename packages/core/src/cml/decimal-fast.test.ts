import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { compareDecimal, divDecimal, formatDecimal, normalizeDecimal, parseDecimal } from "../model/decimal.ts";
import { fastDecimal, formatMoney, formatPlain } from "./decimal-fast.ts";

describe("fastDecimal", () => {
	it("agrees with parseDecimal on normalised decimals and numbers", () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.double({ noNaN: true, noDefaultInfinity: true, min: -1e12, max: 1e12 }),
					fc.bigInt({ min: -(10n ** 25n), max: 10n ** 25n }),
					fc.integer(),
				),
				fc.nat(8),
				(v, shift) => {
					const text = typeof v === "bigint" ? formatDecimal({ units: v, scale: shift }) : normalizeDecimal(v);
					expect(compareDecimal(fastDecimal(text), parseDecimal(text))).toBe(0);
					if (typeof v === "number") expect(compareDecimal(fastDecimal(v), parseDecimal(v))).toBe(0);
				},
			),
			{ numRuns: 2000 },
		);
	});

	it("falls back to the lenient parser and still rejects garbage", () => {
		expect(formatDecimal(fastDecimal("23 000,50"))).toBe("23000.5");
		expect(formatDecimal(fastDecimal("-.5"))).toBe("-0.5");
		expect(() => fastDecimal("-")).toThrow(RangeError);
		expect(() => fastDecimal("1.2.3")).toThrow(RangeError);
		expect(() => fastDecimal("")).toThrow(RangeError);
	});
});

describe("divDecimal", () => {
	it("rounds half away from zero", () => {
		const d = (s: string) => parseDecimal(s);
		expect(formatDecimal(divDecimal(d("2400"), d("120"), 2), 2)).toBe("20.00");
		expect(formatDecimal(divDecimal(d("2"), d("110"), 2), 2)).toBe("0.02"); // 0.0181…
		expect(formatDecimal(divDecimal(d("0.125"), d("1"), 2), 2)).toBe("0.13");
		expect(formatDecimal(divDecimal(d("-0.125"), d("1"), 2), 2)).toBe("-0.13");
		expect(formatDecimal(divDecimal(d("1"), d("-3"), 4), 4)).toBe("-0.3333");
		expect(formatDecimal(divDecimal(d("12000"), d("1.2"), 2), 2)).toBe("10000.00");
		expect(() => divDecimal(d("1"), d("0"), 2)).toThrow(RangeError);
	});
});

describe("formatMoney / formatPlain", () => {
	it("match formatDecimal", () => {
		fc.assert(
			fc.property(fc.bigInt({ min: -(10n ** 20n), max: 10n ** 20n }), fc.nat(5), (units, scale) => {
				const d = { units, scale };
				expect(formatMoney(d)).toBe(formatDecimal(d, 2));
				expect(formatPlain(d)).toBe(formatDecimal(d));
			}),
			{ numRuns: 3000 },
		);
		expect(formatMoney({ units: -5n, scale: 2 })).toBe("-0.05");
		expect(formatMoney({ units: 0n, scale: 0 })).toBe("0.00");
	});
});
