import { createHash } from "node:crypto";
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "./crypto.ts";
import { sha256HexOfChunks } from "./sha256.ts";

/** Splits `bytes` at the given cut points (sorted, deduplicated, inside the buffer). */
function split(bytes: Uint8Array, cuts: number[]): Uint8Array[] {
	const points = [...new Set(cuts.map((c) => c % (bytes.length + 1)))].sort((a, b) => a - b);
	const out: Uint8Array[] = [];
	let prev = 0;
	for (const p of [...points, bytes.length]) {
		out.push(bytes.subarray(prev, p));
		prev = p;
	}
	return out;
}

describe("incremental SHA-256", () => {
	it("matches the FIPS 180-4 vectors and the padding edge lengths (55, 56, 63, 64, 119, 120 bytes)", async () => {
		const hex = (s: string) => sha256HexOfChunks([new TextEncoder().encode(s)]);
		expect(await hex("")).toBe("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
		expect(await hex("abc")).toBe("ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
		expect(await hex("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq")).toBe(
			"248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1",
		);
		for (const n of [55, 56, 63, 64, 65, 119, 120, 128]) {
			const bytes = new Uint8Array(n).map((_, i) => (i * 7) & 0xff);
			expect(await sha256HexOfChunks([bytes.subarray(0, 1), bytes.subarray(1)])).toBe(createHash("sha256").update(bytes).digest("hex"));
		}
	});

	it("any chunking of random bytes gives the WebCrypto / node:crypto digest", async () => {
		await fc.assert(
			fc.asyncProperty(fc.uint8Array({ maxLength: 600 }), fc.array(fc.nat(), { maxLength: 12 }), async (bytes, cuts) => {
				const expected = createHash("sha256").update(bytes).digest("hex");
				expect(await sha256HexOfChunks(split(bytes, cuts))).toBe(expected);
				expect(await sha256Hex(bytes)).toBe(expected);
			}),
			{ numRuns: 300 },
		);
	});

	it("a 3 MB buffer in odd chunks equals the one-shot digest; digest is final", async () => {
		const big = new Uint8Array(3_000_001).map((_, i) => (i * 2654435761) >>> 24);
		const chunks = split(big, [1, 63, 64, 65, 1_000_003, 2_000_000, 2_999_999]);
		expect(await sha256HexOfChunks(chunks)).toBe(createHash("sha256").update(big).digest("hex"));
		const h = sha256.create().update(big.subarray(0, 10));
		expect(bytesToHex(h.digest())).toBe(createHash("sha256").update(big.subarray(0, 10)).digest("hex"));
		expect(() => h.update(new Uint8Array(1))).toThrow();
	});
});
