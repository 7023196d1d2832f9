import { describe, expect, it } from "vitest";
import { defaultSettings, mergeSettings, readSettings } from "./settings.ts";

describe("readSettings (node settings read on every /exim_1c request)", () => {
	it("memoises by the stored JSON: the same frozen object for the same value, a fresh parse for a changed one", () => {
		const stored = { batchSize: 123, statusMap: { export: { new: "Новый" } } };
		const a = readSettings(stored);
		expect(a.batchSize).toBe(123);
		expect(a.statusMap.export).toEqual({ new: "Новый" });
		expect(readSettings({ ...stored, statusMap: { export: { new: "Новый" } } })).toBe(a);
		expect(Object.isFrozen(a) && Object.isFrozen(a.statusMap.export)).toBe(true);
		expect(() => {
			(a as { batchSize: number }).batchSize = 1;
		}).toThrow(TypeError);
		expect(readSettings({ ...stored, batchSize: 124 }).batchSize).toBe(124);
		// a merge copies instead of changing the shared object
		expect(mergeSettings(a, { zip: false })).toMatchObject({ batchSize: 123, zip: false });
		expect(a.zip).toBe(true);
	});

	it("invalid stored keys still fall back to the defaults key by key", () => {
		const s = readSettings({ batchSize: -5, zip: false, unknownKey: 1 });
		expect(s.batchSize).toBe(defaultSettings().batchSize);
		expect(s.zip).toBe(false);
	});
});
