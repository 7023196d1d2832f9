import { describe, expect, it } from "vitest";
import { pacer, YIELD_MS } from "./pacer.ts";

describe("pacer", () => {
	it("lets a due timer run while a synchronous loop paces itself", async () => {
		const pace = pacer();
		let fired = false;
		setTimeout(() => {
			fired = true;
		}, 0);
		const end = Date.now() + 10 * YIELD_MS;
		while (!fired && Date.now() < end) await pace();
		expect(fired).toBe(true);
	});
});
