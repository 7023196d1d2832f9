import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	addDecimal,
	compareDecimal,
	formatDecimal,
	mulDecimal,
	normalizeDecimal,
	parseDecimal,
	roundDecimal,
	subDecimal,
} from "./decimal.ts";

describe("decimal", () => {
	it("adds without binary float error", () => {
		expect(formatDecimal(addDecimal(parseDecimal("0.1"), parseDecimal("0.2")), 2)).toBe("0.30");
		expect(formatDecimal(addDecimal(parseDecimal(0.1), parseDecimal(0.2)))).toBe("0.3");
	});

	it("reads what 1C and stores write: spaces, NBSP, decimal comma", () => {
		expect(normalizeDecimal("23 000")).toBe("23000");
		expect(normalizeDecimal("23\u00a0000,50")).toBe("23000.5");
		expect(normalizeDecimal("231.7400")).toBe("231.74");
		expect(normalizeDecimal("-0.0")).toBe("0");
		expect(normalizeDecimal(".5")).toBe("0.5");
		expect(normalizeDecimal(1e-7)).toBe("0.0000001");
		expect(normalizeDecimal(1.5e21)).toBe("1500000000000000000000");
	});

	it("rejects non-numbers", () => {
		for (const bad of ["", "abc", "1.2.3", "1e5", "--1", ".", "NaN"]) expect(() => parseDecimal(bad), bad).toThrow(RangeError);
		expect(() => parseDecimal(Number.NaN)).toThrow(RangeError);
		expect(() => parseDecimal(Number.POSITIVE_INFINITY)).toThrow(RangeError);
	});

	it("rounds half away from zero and pads", () => {
		expect(formatDecimal(parseDecimal("2.345"), 2)).toBe("2.35");
		expect(formatDecimal(parseDecimal("-2.345"), 2)).toBe("-2.35");
		expect(formatDecimal(parseDecimal("2.344"), 2)).toBe("2.34");
		expect(formatDecimal(parseDecimal("7"), 2)).toBe("7.00");
		expect(formatDecimal(roundDecimal(parseDecimal("0.005"), 2))).toBe("0.01");
		expect(formatDecimal(parseDecimal("-0.004"), 2)).toBe("0.00");
	});

	it("multiplies and subtracts exactly", () => {
		expect(formatDecimal(mulDecimal(parseDecimal("3"), parseDecimal("0.1")))).toBe("0.3");
		expect(formatDecimal(subDecimal(parseDecimal("1000.00"), parseDecimal("0.01")))).toBe("999.99");
		expect(compareDecimal(parseDecimal("10"), parseDecimal("9.999"))).toBe(1);
		expect(compareDecimal(parseDecimal("1.50"), parseDecimal("1.5"))).toBe(0);
	});

	it("agrees with integer arithmetic on cents (property)", () => {
		fc.assert(
			fc.property(fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), fc.bigInt({ min: -(10n ** 15n), max: 10n ** 15n }), (a, b) => {
				const da = parseDecimal(formatDecimal({ units: a, scale: 2 }, 2));
				const db = parseDecimal(formatDecimal({ units: b, scale: 2 }, 2));
				expect(formatDecimal(addDecimal(da, db), 2)).toBe(formatDecimal({ units: a + b, scale: 2 }, 2));
				expect(formatDecimal(mulDecimal(da, db), 4)).toBe(formatDecimal({ units: a * b, scale: 4 }, 4));
			}),
			{ numRuns: 2000 },
		);
	});
});
