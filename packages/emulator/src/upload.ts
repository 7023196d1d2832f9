/**
 * @module
 * Preparing an upload portion the way 1C does (docs/protocol.md §5): the order xml, zipped into one
 * archive named like the platform temp file (`v8_XXXX_N.zip`) when the site said `zip=yes`, and cut into
 * `file_limit`-byte fragments posted one after another under the same `filename`.
 */
import { zipSync } from "fflate";

/** One POST of `mode=file`. */
export interface FilePiece {
	filename: string;
	bytes: Uint8Array;
}

/**
 * Splits bytes into `limit`-sized pieces (`РазделитьФайл`); `limit` ≤ 0 means no splitting.
 * With `odd` (the fault "split at odd byte boundaries") the pieces are at most a third of the file even
 * when it fits into `limit` (a real store announces megabytes), and every cut is moved back to fall right
 * after a UTF-8 lead byte (inside a multi-byte character) when one is within 16 bytes.
 */
export function splitBytes(bytes: Uint8Array, limit: number, odd = false): Uint8Array[] {
	const whole = limit > 0 ? limit : bytes.byteLength;
	let size = odd ? Math.min(whole, Math.max(1, Math.ceil(bytes.byteLength / 3))) : whole;
	if (size <= 0) size = 1;
	const out: Uint8Array[] = [];
	let start = 0;
	while (start < bytes.byteLength) {
		let end = Math.min(start + size, bytes.byteLength);
		if (odd && end < bytes.byteLength) {
			for (let k = end - 1; k > start && k >= end - 16; k--) {
				const b = bytes[k] ?? 0;
				if (b >= 0xc0) {
					end = k + 1;
					break;
				}
			}
		}
		out.push(bytes.subarray(start, end));
		start = end;
	}
	if (out.length === 0) out.push(new Uint8Array(0));
	return out;
}

/** Zips the portion's xml files into one archive (DEFLATE, like the platform's `ЗаписьZipФайла`). */
export function zipFiles(files: { name: string; bytes: Uint8Array }[]): Uint8Array<ArrayBuffer> {
	const entries: Record<string, Uint8Array> = {};
	for (const f of files) entries[f.name] = f.bytes;
	return zipSync(entries, { level: 6 }) as Uint8Array<ArrayBuffer>;
}

/** The platform's temp-file style name, `v8_3B8F_3e.zip`. */
export function tempZipName(): string {
	const hex = crypto.randomUUID().replace(/-/g, "");
	return `v8_${hex.slice(0, 4).toUpperCase()}_${Number.parseInt(hex.slice(4, 6), 16).toString(16)}.zip`;
}

/** The pieces to POST for one portion. */
export function planUpload(
	xmls: { name: string; bytes: Uint8Array }[],
	zip: boolean,
	limit: number,
	odd: boolean,
	zipName = tempZipName(),
): FilePiece[] {
	const files = zip ? [{ name: zipName, bytes: zipFiles(xmls) }] : xmls;
	return files.flatMap((f) => splitBytes(f.bytes, limit, odd).map((bytes) => ({ filename: f.name, bytes })));
}
