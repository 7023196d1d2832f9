import { describe, expect, it } from "vitest";
import { DIRECT_PROBE_BYTES, DIRECT_WARMUP_BYTES, directBudget } from "./direct-budget.ts";

const MB = 1024 * 1024;
const SLICE = 5000;

describe("directBudget: when a direct import goes on parsing", () => {
	it("a file smaller than the probe must parse within one slice, counting the time before the parse", () => {
		const b = directBudget(SLICE, 4 * MB, 0);
		expect(b.fits(4999, 3 * MB)).toBe(true);
		expect(b.fits(5000, 3 * MB)).toBe(false);
		const late = directBudget(SLICE, 4 * MB, 4000);
		expect(late.fits(999, 3 * MB)).toBe(true);
		expect(late.fits(1000, 3 * MB)).toBe(false);
	});

	it("a big file is projected at the probe: kept when it fits two slices, then allowed up to four", () => {
		const b = directBudget(SLICE, 100 * MB, 200);
		expect(b.fits(200, DIRECT_WARMUP_BYTES)).toBe(true);
		// 8 MB more in 600 ms → the other 88 MB in 6.6 s (+0.8 s parsed, +0.2 s before): within 10 s
		expect(b.fits(800, DIRECT_PROBE_BYTES)).toBe(true);
		// slower than projected: past one slice it goes on (the plan so far is not thrown away)…
		expect(b.fits(12_000, 60 * MB)).toBe(true);
		// …but not past four
		expect(b.fits(19_800, 90 * MB)).toBe(false);
	});

	it("a big file projected past two slices is given up at the probe", () => {
		const b = directBudget(SLICE, 100 * MB, 0);
		expect(b.fits(300, DIRECT_WARMUP_BYTES)).toBe(true);
		// 8 MB more in 900 ms → the other 88 MB in 9.9 s, 11.1 s in all
		expect(b.fits(1200, DIRECT_PROBE_BYTES)).toBe(false);
	});

	it("the warm-up is left out of the projection: a slow first 4 MB does not give a fast parse up", () => {
		const cold = (b: ReturnType<typeof directBudget>) => [b.fits(1000, DIRECT_WARMUP_BYTES), b.fits(1400, DIRECT_PROBE_BYTES)];
		// 4 MB in 1 s, then 8 MB in 400 ms: 1.4 s + 4.4 s for the rest
		expect(cold(directBudget(SLICE, 100 * MB, 0))).toEqual([true, true]);
		// the same 1.4 s for 12 MB at one rate (no warm-up seen) projects 11.7 s
		const b = directBudget(SLICE, 100 * MB, 0);
		expect(b.fits(1400, DIRECT_PROBE_BYTES)).toBe(false);
	});

	it("before the probe a big file is held to one slice (a very slow start)", () => {
		const b = directBudget(SLICE, 100 * MB, 0);
		expect(b.fits(5000, 2 * MB)).toBe(false);
	});

	it("a zero slice (tests, or staging forced) gives up at once", () => {
		expect(directBudget(0, MB, 0).fits(0, 1)).toBe(false);
	});
});
