/**
 * @module
 * Incremental SHA-256 of an upload, on `@noble/hashes` (audited, pure JS, every runtime). WebCrypto only digests a
 * whole buffer, but an uploaded 1C file is stored as chunk rows and read back as a stream, so the content hash of the
 * import ledger (re-importing the same bytes is a no-op) is computed chunk by chunk in bounded memory. Any chunking
 * of the same bytes gives the same digest as `crypto.subtle.digest("SHA-256", whole)`.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** An incremental SHA-256: bytes in, lower-case hex out. */
export interface Sha256Hasher {
	update(bytes: Uint8Array): unknown;
	hex(): string;
}

/** Makes a fresh {@link Sha256Hasher} per digest (the `sha256` option of `createExchangeApp`). */
export type Sha256Factory = () => Sha256Hasher;

/** The pure-JS hasher (~130 MB/s): the default, on every runtime. */
export const nobleSha256: Sha256Factory = () => {
	const h = sha256.create();
	return {
		update: (bytes) => h.update(bytes),
		hex: () => bytesToHex(h.digest()),
	};
};

/**
 * SHA-256 lower-case hex (the import ledger's format) of a stream of chunks, e.g. an upload read back from the store,
 * with `create`'s hasher (a runtime's native one is ~10× faster than the default on a 100 MB upload).
 */
export async function sha256HexOfChunks(
	chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	create: Sha256Factory = nobleSha256,
): Promise<string> {
	const h = create();
	for await (const c of chunks) h.update(c);
	return h.hex();
}
