import { describe, expect, it } from "vitest";
import { sha256HexOfChunks } from "../sha256.ts";
import { releaseBytes, releasedAfterUse } from "./released-chunks.ts";

const bytes = (n: number, fill: number) => new Uint8Array(n).fill(fill);

describe("releaseBytes", () => {
	it("frees a buffer it is the whole of (detached: with transfer, or with structuredClone where there is none)", () => {
		const b = bytes(65536, 7);
		releaseBytes(b);
		expect(b.byteLength).toBe(0);
		expect(b.buffer.byteLength).toBe(0);
	});

	it("never touches a view of part of a buffer (a pooled Buffer's neighbours stay intact)", () => {
		const whole = bytes(1024, 3);
		const part = whole.subarray(0, 512);
		releaseBytes(part);
		releaseBytes(whole.subarray(512));
		expect(whole.byteLength).toBe(1024);
		expect(whole.every((v) => v === 3)).toBe(true);
	});
});

describe("releasedAfterUse", () => {
	it("gives each chunk whole while it is used and frees it when the next is asked for; the last when the stream ends", async () => {
		const chunks = [bytes(100, 1), bytes(200, 2), bytes(300, 3)];
		const seen: number[][] = [];
		for await (const c of releasedAfterUse(chunks)) {
			// the chunk in hand is intact, the ones before it are released
			seen.push([c.byteLength, c[0] as number, ...chunks.map((x) => x.byteLength)]);
		}
		expect(seen).toEqual([
			[100, 1, 100, 200, 300],
			[200, 2, 0, 200, 300],
			[300, 3, 0, 0, 300],
		]);
		expect(chunks.map((x) => x.byteLength)).toEqual([0, 0, 0]);
	});

	it("releases the chunk in hand when the consumer stops early", async () => {
		const chunks = [bytes(10, 1), bytes(20, 2)];
		for await (const c of releasedAfterUse(chunks)) if (c.byteLength === 10) break;
		expect(chunks.map((x) => x.byteLength)).toEqual([0, 20]);
	});

	it("a hash over it is the hash of the bytes (the import's first pass over an upload)", async () => {
		const make = () => [bytes(65536, 0x41), bytes(65536, 0x42), bytes(10, 0x43)];
		expect(await sha256HexOfChunks(releasedAfterUse(make()))).toBe(await sha256HexOfChunks(make()));
	});
});
