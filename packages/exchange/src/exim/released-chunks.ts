/**
 * @module
 * Freeing an upload's bytes as soon as they are used. An import reads the upload's rows from the database twice (the
 * hash, then the parse, on a parse thread or on the request's own), a new buffer per 64 KiB row: about 200 MB of
 * buffers for a 100 MB file. They are garbage at once, but they live across a few awaits, so the collector promotes
 * them and frees them only at its next full collection: meanwhile they hold the process's memory (glibc's main heap
 * grew by 20–40 MB during the apply of a 100 MB file on Node 24). Detaching a buffer frees its memory at once (`ArrayBuffer.prototype.transfer`: Node 21+, Bun, Deno,
 * workerd) or at the next minor collection (`structuredClone` with a transfer: Node 20).
 */

/**
 * Frees the memory of `bytes` by detaching its buffer, when `bytes` is the whole of a plain `ArrayBuffer` (else
 * nothing happens): at once where the runtime has `ArrayBuffer.prototype.transfer`, else (Node 20) at the next minor
 * collection, since the buffer's memory then belongs to a new object that nothing holds. `bytes` (and every other view
 * of its buffer) is empty afterwards.
 */
export function releaseBytes(bytes: Uint8Array): void {
	const buffer = bytes.buffer as ArrayBuffer & { transfer?: (length: number) => ArrayBuffer };
	if (!(buffer instanceof ArrayBuffer)) return;
	// a view of part of a buffer (Node's pooled Buffers) is never released: the rest may be someone else's
	if (bytes.byteOffset !== 0 || bytes.byteLength !== buffer.byteLength || buffer.byteLength === 0) return;
	try {
		if (typeof buffer.transfer === "function") buffer.transfer(0);
		else structuredClone(buffer, { transfer: [buffer] });
	} catch {
		// a buffer that cannot be detached is left to the collector: freeing it early only saves memory
	}
}

/**
 * The chunks of `source`, each released ({@link releaseBytes}) when the consumer asks for the next one (or stops).
 * Only for chunks nobody else holds (new buffers on every read, such as an upload's rows from the database) and a
 * consumer done with each chunk when it asks for the next: a hash, a copy to another thread, or `readDocuments`.
 */
export async function* releasedAfterUse(source: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
	for await (const chunk of source) {
		try {
			yield chunk;
		} finally {
			releaseBytes(chunk);
		}
	}
}
