import { describe, expect, it } from "vitest";
import { createMemoryDb } from "./node.ts";

describe("leases and first-writer-wins meta", () => {
	it("initMeta keeps the first value", async () => {
		const { store } = await createMemoryDb();
		const [a, b] = await Promise.all([store.initMeta("k", "first"), store.initMeta("k", "second")]);
		expect([a, b]).toEqual(["first", "first"]);
		expect(await store.getMeta("k")).toBe("first");
	});

	it("a lease is taken by one holder, renewed by it, refused to others until released or ended", async () => {
		const { store } = await createMemoryDb();
		const results = await Promise.all([
			store.acquireLease({ name: "export:n", holder: "s1", owner: "10.0.0.1" }, 1000, 500),
			store.acquireLease({ name: "export:n", holder: "s2", owner: "10.0.0.2" }, 1000, 500),
		]);
		expect(results.map((r) => r.acquired)).toEqual([true, false]);
		expect(results[1]?.lease).toEqual({ name: "export:n", holder: "s1", owner: "10.0.0.1", since: 1000, until: 1500 });
		// renewal keeps `since`
		expect((await store.acquireLease({ name: "export:n", holder: "s1", owner: "10.0.0.1" }, 1200, 500)).acquired).toBe(true);
		expect(await store.getLease("export:n")).toMatchObject({ since: 1000, until: 1700 });
		expect((await store.acquireLease({ name: "export:n", holder: "s2" }, 1699, 500)).acquired).toBe(false);
		// others cannot release it; its holder or its client can
		expect(await store.releaseLease("export:n", { holder: "s2" })).toBe(false);
		expect(await store.releaseLease("export:n", { owner: "10.0.0.2" })).toBe(false);
		expect(await store.releaseLease("export:n", { owner: "10.0.0.1" })).toBe(true);
		expect((await store.acquireLease({ name: "export:n", holder: "s2" }, 1300, 500)).acquired).toBe(true);
		// an ended lease is taken over
		expect((await store.acquireLease({ name: "export:n", holder: "s3" }, 1800, 500)).acquired).toBe(true);
		expect(await store.getLease("export:n")).toMatchObject({ holder: "s3", since: 1800, until: 2300 });
		expect(await store.releaseLease("export:n", { holder: "s3" })).toBe(true);
		expect(await store.getLease("export:n")).toBeNull();
	});
});
