import { describe, expect, it } from "vitest";
import { concatBytes } from "./bytes.ts";

describe("concatBytes", () => {
	it("joins chunks (views of larger buffers too) into an exact-size array", () => {
		const big = new Uint8Array([9, 1, 2, 9]);
		const out = concatBytes([big.subarray(1, 3), new Uint8Array(0), new Uint8Array([3])]);
		expect(Array.from(out)).toEqual([1, 2, 3]);
		expect(out.buffer.byteLength).toBe(3);
		expect(Array.from(concatBytes([new Uint8Array([4]), new Uint8Array([5])], 2))).toEqual([4, 5]);
		expect(concatBytes([])).toHaveLength(0);
	});
});
