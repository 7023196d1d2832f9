import { nobleSha256, sha256HexOfChunks } from "@obmen/exchange";
import { describe, expect, it } from "vitest";
import { nodeSha256 } from "./sha256.ts";

describe("nodeSha256", () => {
	it("gives the pure-JS default's digest for any chunking of the same bytes", async () => {
		const bytes = new Uint8Array(300_001).map((_, i) => (i * 31 + 7) & 0xff);
		const chunked = (size: number) =>
			Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));
		const expected = await sha256HexOfChunks([bytes], nobleSha256);
		for (const size of [1, 4096, 65_536, 300_001]) expect(await sha256HexOfChunks(chunked(size), nodeSha256)).toBe(expected);
		expect(await sha256HexOfChunks([], nodeSha256)).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
	});
});
