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

	it("a big file parsed on a worker thread is projected at the probe: kept when it fits four slices, then allowed up to six", () => {
		const b = directBudget(SLICE, 100 * MB, 200, true);
		expect(b.fits(200, DIRECT_WARMUP_BYTES)).toBe(true);
		// 8 MB more in 1.6 s → the other 88 MB in 17.6 s (+1.8 s parsed, +0.2 s before): within 20 s
		expect(b.fits(1800, DIRECT_PROBE_BYTES)).toBe(true);
		// slower than projected: past four slices it goes on (the plan so far is not thrown away)…
		expect(b.fits(25_000, 60 * MB)).toBe(true);
		expect(b.fits(29_799, 90 * MB)).toBe(true);
		// …but not past six
		expect(b.fits(29_800, 90 * MB)).toBe(false);
	});

	it("a worker's parse at a quarter of a quick machine's rate goes on, at a fifth it is given up (staging costs 2–5× the time)", () => {
		// a quick machine: 4 MB of warm-up in ~190 ms, 8 MB more in ~380 ms, 100 MB projected at ~5 s
		// a quarter of its rate: 0.76 s, then 1.52 s for 8 MB → 2.28 s + 16.72 s = 19 s, kept
		const quarter = directBudget(SLICE, 100 * MB, 0, true);
		expect([quarter.fits(760, DIRECT_WARMUP_BYTES), quarter.fits(2280, DIRECT_PROBE_BYTES)]).toEqual([true, true]);
		// a fifth: 0.95 s, then 1.9 s for 8 MB → 2.85 s + 20.9 s = 23.75 s, given up
		const fifth = directBudget(SLICE, 100 * MB, 0, true);
		expect([fifth.fits(950, DIRECT_WARMUP_BYTES), fifth.fits(2850, DIRECT_PROBE_BYTES)]).toEqual([true, false]);
	});

	it("a big file projected past four slices is given up at the probe", () => {
		const b = directBudget(SLICE, 100 * MB, 0, true);
		expect(b.fits(300, DIRECT_WARMUP_BYTES)).toBe(true);
		// 8 MB more in 1.7 s → the other 88 MB in 18.7 s, 20.7 s in all
		expect(b.fits(2000, DIRECT_PROBE_BYTES)).toBe(false);
	});

	it("parsed on the request's own thread (its planning not counted), the limits are two slices and four", () => {
		// 8 MB more in 900 ms → the other 88 MB in 9.9 s, 11.1 s in all: a worker's parse goes on, this one is given up
		const probe = (threaded: boolean) => {
			const b = directBudget(SLICE, 100 * MB, 0, threaded);
			return [b.fits(300, DIRECT_WARMUP_BYTES), b.fits(1200, DIRECT_PROBE_BYTES)];
		};
		expect(probe(true)).toEqual([true, true]);
		expect(probe(false)).toEqual([true, false]);
		// projected at 7.6 s (with 0.2 s before): kept, then allowed up to four slices
		const b = directBudget(SLICE, 100 * MB, 200);
		expect([b.fits(200, DIRECT_WARMUP_BYTES), b.fits(800, DIRECT_PROBE_BYTES)]).toEqual([true, true]);
		expect(b.fits(19_799, 90 * MB)).toBe(true);
		expect(b.fits(19_800, 90 * MB)).toBe(false);
	});

	it("the warm-up is left out of the projection: a slow first 4 MB does not give a fast parse up", () => {
		const cold = (b: ReturnType<typeof directBudget>) => [b.fits(2500, DIRECT_WARMUP_BYTES), b.fits(3000, DIRECT_PROBE_BYTES)];
		// 4 MB in 2.5 s, then 8 MB in 500 ms: 3 s + 5.5 s for the rest
		expect(cold(directBudget(SLICE, 100 * MB, 0, true))).toEqual([true, true]);
		// the same 3 s for 12 MB at one rate (no warm-up seen) projects 25 s
		const b = directBudget(SLICE, 100 * MB, 0, true);
		expect(b.fits(3000, DIRECT_PROBE_BYTES)).toBe(false);
	});

	it("before the probe a big file is held to one slice (a very slow start)", () => {
		const b = directBudget(SLICE, 100 * MB, 0);
		expect(b.fits(5000, 2 * MB)).toBe(false);
	});

	it("a zero slice (tests, or staging forced) gives up at once", () => {
		expect(directBudget(0, MB, 0).fits(0, 1)).toBe(false);
	});
});
