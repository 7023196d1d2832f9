/**
 * @module Incremental SHA-256 (FIPS 180-4) in plain TypeScript. WebCrypto only digests a whole buffer, but an
 * uploaded 1C file is stored as chunk rows and read back as a stream, so the content hash of the import ledger
 * (re-importing the same bytes is a no-op) is computed chunk by chunk in bounded memory. Any chunking of the
 * same bytes gives the same digest as `crypto.subtle.digest("SHA-256", whole)`.
 */

const K = new Uint32Array([
	0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5, 0xd807aa98, 0x12835b01, 0x243185be,
	0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174, 0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa,
	0x5cb0a9dc, 0x76f988da, 0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967, 0x27b70a85,
	0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85, 0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3,
	0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070, 0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f,
	0x682e6ff3, 0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);

/** A running SHA-256: `update` with any number of chunks, then `hex()` once. */
export class Sha256 {
	readonly #h = new Uint32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
	readonly #w = new Uint32Array(64);
	readonly #block = new Uint8Array(64);
	#fill = 0;
	#length = 0;
	#done = false;

	/** Feeds more bytes. */
	update(data: Uint8Array): this {
		if (this.#done) throw new Error("Sha256: update after digest");
		this.#length += data.length;
		let i = 0;
		if (this.#fill > 0) {
			const take = Math.min(64 - this.#fill, data.length);
			this.#block.set(data.subarray(0, take), this.#fill);
			this.#fill += take;
			i = take;
			if (this.#fill < 64) return this;
			this.#compress(this.#block, 0);
			this.#fill = 0;
		}
		for (; i + 64 <= data.length; i += 64) this.#compress(data, i);
		if (i < data.length) {
			this.#block.set(data.subarray(i), 0);
			this.#fill = data.length - i;
		}
		return this;
	}

	/** The 32-byte digest; the hash cannot be updated afterwards. */
	digest(): Uint8Array {
		if (this.#done) throw new Error("Sha256: digest called twice");
		const bits = this.#length * 8;
		const pad = new Uint8Array(this.#fill < 56 ? 64 - this.#fill : 128 - this.#fill);
		pad[0] = 0x80;
		const view = new DataView(pad.buffer);
		view.setUint32(pad.length - 8, Math.floor(bits / 0x100000000));
		view.setUint32(pad.length - 4, bits >>> 0);
		const length = this.#length;
		this.update(pad);
		this.#length = length;
		this.#done = true;
		const out = new Uint8Array(32);
		const ov = new DataView(out.buffer);
		for (let j = 0; j < 8; j++) ov.setUint32(j * 4, this.#h[j] ?? 0);
		return out;
	}

	/** The digest as lower-case hex (the format of the import ledger). */
	hex(): string {
		let s = "";
		for (const b of this.digest()) s += b.toString(16).padStart(2, "0");
		return s;
	}

	#compress(p: Uint8Array, off: number): void {
		const w = this.#w;
		for (let t = 0; t < 16; t++) {
			const o = off + t * 4;
			w[t] = ((p[o] ?? 0) << 24) | ((p[o + 1] ?? 0) << 16) | ((p[o + 2] ?? 0) << 8) | (p[o + 3] ?? 0);
		}
		for (let t = 16; t < 64; t++) {
			const a = w[t - 15] ?? 0;
			const b = w[t - 2] ?? 0;
			const s0 = ((a >>> 7) | (a << 25)) ^ ((a >>> 18) | (a << 14)) ^ (a >>> 3);
			const s1 = ((b >>> 17) | (b << 15)) ^ ((b >>> 19) | (b << 13)) ^ (b >>> 10);
			w[t] = ((w[t - 16] ?? 0) + s0 + (w[t - 7] ?? 0) + s1) | 0;
		}
		const h = this.#h;
		let a = h[0] ?? 0;
		let b = h[1] ?? 0;
		let c = h[2] ?? 0;
		let d = h[3] ?? 0;
		let e = h[4] ?? 0;
		let f = h[5] ?? 0;
		let g = h[6] ?? 0;
		let hh = h[7] ?? 0;
		for (let t = 0; t < 64; t++) {
			const S1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
			const ch = (e & f) ^ (~e & g);
			const t1 = (hh + S1 + ch + (K[t] ?? 0) + (w[t] ?? 0)) | 0;
			const S0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
			const maj = (a & b) ^ (a & c) ^ (b & c);
			const t2 = (S0 + maj) | 0;
			hh = g;
			g = f;
			f = e;
			e = (d + t1) | 0;
			d = c;
			c = b;
			b = a;
			a = (t1 + t2) | 0;
		}
		h[0] = (h[0] ?? 0) + a;
		h[1] = (h[1] ?? 0) + b;
		h[2] = (h[2] ?? 0) + c;
		h[3] = (h[3] ?? 0) + d;
		h[4] = (h[4] ?? 0) + e;
		h[5] = (h[5] ?? 0) + f;
		h[6] = (h[6] ?? 0) + g;
		h[7] = (h[7] ?? 0) + hh;
	}
}

/** SHA-256 hex of a stream of chunks (e.g. an upload read back from the store), in bounded memory. */
export async function sha256HexOfChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
	const h = new Sha256();
	for await (const c of chunks) h.update(c);
	return h.hex();
}
