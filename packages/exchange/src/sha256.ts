/**
 * @module
 * Incremental SHA-256 of an upload, on `@noble/hashes` (audited, pure JS, every runtime). WebCrypto only digests a
 * whole buffer, but an uploaded 1C file is stored as chunk rows and read back as a stream, so the content hash of the
 * import ledger (re-importing the same bytes is a no-op) is computed chunk by chunk in bounded memory. Any chunking
 * of the same bytes gives the same digest as `crypto.subtle.digest("SHA-256", whole)`.
 */
import { sha256 } from "@noble/hashes/sha2.js";
import { bytesToHex } from "@noble/hashes/utils.js";

/** SHA-256 lower-case hex (the import ledger's format) of a stream of chunks, e.g. an upload read back from the store. */
export async function sha256HexOfChunks(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): Promise<string> {
	const h = sha256.create();
	for await (const c of chunks) h.update(c);
	return bytesToHex(h.digest());
}
