/**
 * @module
 * Byte-array helpers shared by the reader, the writer and the exchange (upload chunks).
 */

/**
 * Joins byte chunks (upload fragments, stream chunks) into one exact-size array that owns its buffer.
 * @param total the summed length when the caller already knows it
 */
export function concatBytes(parts: readonly Uint8Array[], total?: number): Uint8Array<ArrayBuffer> {
	let size = total;
	if (size === undefined) {
		size = 0;
		for (const p of parts) size += p.length;
	}
	const out = new Uint8Array(size);
	let at = 0;
	for (const p of parts) {
		out.set(p, at);
		at += p.length;
	}
	return out;
}
