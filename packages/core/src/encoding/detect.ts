/**
 * @module
 * Encoding detection and fatal streaming decoding of CommerceML bytes from 1C.
 *
 * 1C writes its order files in UTF-8 (Family A, often with a BOM) or, in older setups and the
 * 2007 official samples, in windows-1251. The order of evidence is: BOM → the `encoding=` of the
 * XML declaration → (no declaration) the bytes themselves (valid UTF-8 → UTF-8, else windows-1251).
 * Decoding is always fatal: an invalid byte is an error with its byte offset, never a silent U+FFFD.
 */
import { CommerceMLError } from "../errors.ts";

/** The two encodings 1C exchange files come in. */
export type SupportedEncoding = "utf-8" | "windows-1251";

/** What {@link detectEncoding} found at the start of the bytes. */
export interface DetectedEncoding {
	encoding: SupportedEncoding;
	/** Length of the byte-order mark to skip (3 for a UTF-8 BOM, else 0). */
	bomLength: number;
	/** The label from the XML declaration as written, or null when there is none. */
	declared: string | null;
}

const LABELS: ReadonlyMap<string, SupportedEncoding> = new Map([
	["utf-8", "utf-8"],
	["utf8", "utf-8"],
	["windows-1251", "windows-1251"],
	["cp1251", "windows-1251"],
	["cp-1251", "windows-1251"],
	["win-1251", "windows-1251"],
	["x-cp1251", "windows-1251"],
]);

/** How many leading bytes the detector wants when there is no declaration (the UTF-8 sniff window). */
export const SNIFF_WINDOW = 64 * 1024;

/**
 * True when `head` holds enough bytes to decide the encoding (or the input is complete):
 * a BOM, a finished XML declaration, or a full sniff window.
 */
export function canDetect(head: Uint8Array, complete: boolean): boolean {
	if (complete || head.length >= SNIFF_WINDOW) return true;
	if (head.length >= 2 && ((head[0] === 0xff && head[1] === 0xfe) || (head[0] === 0xfe && head[1] === 0xff))) return true;
	if (head.length >= 3 && head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return true;
	const declEnd = findDeclarationEnd(head);
	if (declEnd >= 0) return true;
	// A declaration still being received: wait for its "?>" (up to 1 KiB).
	if (head.length < 1024 && isDeclarationPrefix(head)) return false;
	return head.length >= 1024 || !isDeclarationPrefix(head) ? sniffDone(head) : false;
}

function isDeclarationPrefix(head: Uint8Array): boolean {
	const xml = [0x3c, 0x3f, 0x78, 0x6d, 0x6c];
	for (let i = 0; i < Math.min(head.length, 5); i++) if (head[i] !== xml[i]) return false;
	return true;
}

/** Without a declaration the UTF-8 sniff needs the whole window (or the first non-UTF-8 byte). */
function sniffDone(head: Uint8Array): boolean {
	return firstInvalidUtf8(head, false) >= 0;
}

function findDeclarationEnd(head: Uint8Array): number {
	// "<?xml" then the first "?>" within the first 1 KiB.
	if (!(head[0] === 0x3c && head[1] === 0x3f && head[2] === 0x78 && head[3] === 0x6d && head[4] === 0x6c)) return -1;
	const limit = Math.min(head.length, 1024);
	for (let i = 5; i + 1 < limit; i++) if (head[i] === 0x3f && head[i + 1] === 0x3e) return i;
	return -1;
}

function parseDeclaredLabel(head: Uint8Array, declEnd: number): string | null {
	let decl = "";
	for (let i = 0; i < declEnd; i++) decl += String.fromCharCode(head[i] as number);
	const m = /\sencoding\s*=\s*(["'])([^"']*)\1/.exec(decl);
	return m ? (m[2] as string) : null;
}

/**
 * Decides the encoding of a CommerceML file from its first bytes.
 * @throws CommerceMLError ENCODING_UNSUPPORTED for UTF-16/32 and for any declared label other than UTF-8 / windows-1251.
 */
export function detectEncoding(head: Uint8Array): DetectedEncoding {
	const b0 = head[0];
	const b1 = head[1];
	if ((b0 === 0xff && b1 === 0xfe) || (b0 === 0xfe && b1 === 0xff)) {
		throw new CommerceMLError(
			"ENCODING_UNSUPPORTED",
			`UTF-16 byte-order mark (${b0 === 0xff ? "UTF-16LE" : "UTF-16BE"}); only UTF-8 and windows-1251 are supported`,
			{ offset: 0 },
		);
	}
	if ((b0 === 0x3c && b1 === 0x00) || (b0 === 0x00 && b1 === 0x3c)) {
		throw new CommerceMLError(
			"ENCODING_UNSUPPORTED",
			"UTF-16/UTF-32 without a byte-order mark; only UTF-8 and windows-1251 are supported",
			{ offset: 0 },
		);
	}
	const bomLength = b0 === 0xef && b1 === 0xbb && head[2] === 0xbf ? 3 : 0;
	const rest = bomLength ? head.subarray(3) : head;
	const declEnd = findDeclarationEnd(rest);
	const declared = declEnd >= 0 ? parseDeclaredLabel(rest, declEnd) : null;
	if (declared !== null) {
		const enc = LABELS.get(declared.trim().toLowerCase());
		if (!enc)
			throw new CommerceMLError("ENCODING_UNSUPPORTED", `encoding "${declared}" is not supported; use UTF-8 or windows-1251`, {
				offset: bomLength,
			});
		if (bomLength && enc !== "utf-8") {
			throw new CommerceMLError("ENCODING_INVALID", `UTF-8 byte-order mark but the declaration says "${declared}"`, { offset: 0 });
		}
		return { encoding: enc, bomLength, declared };
	}
	if (bomLength) return { encoding: "utf-8", bomLength, declared: null };
	// No BOM, no declaration: valid UTF-8 stays UTF-8, anything else is taken as windows-1251.
	return { encoding: firstInvalidUtf8(rest, false) < 0 ? "utf-8" : "windows-1251", bomLength: 0, declared: null };
}

/**
 * Index of the first byte that makes `bytes` invalid UTF-8 (WHATWG rules: no overlongs,
 * no surrogates, ≤ U+10FFFF), or −1. With `final` false an incomplete sequence at the very
 * end is not an error (more bytes may follow).
 */
export function firstInvalidUtf8(bytes: Uint8Array, final: boolean): number {
	const n = bytes.length;
	let i = 0;
	while (i < n) {
		const b = bytes[i] as number;
		if (b < 0x80) {
			i++;
			continue;
		}
		let need: number;
		let lo = 0x80;
		let hi = 0xbf;
		if (b >= 0xc2 && b <= 0xdf) need = 1;
		else if (b >= 0xe0 && b <= 0xef) {
			need = 2;
			if (b === 0xe0) lo = 0xa0;
			if (b === 0xed) hi = 0x9f;
		} else if (b >= 0xf0 && b <= 0xf4) {
			need = 3;
			if (b === 0xf0) lo = 0x90;
			if (b === 0xf4) hi = 0x8f;
		} else return i;
		for (let k = 1; k <= need; k++) {
			if (i + k >= n) return final ? i : -1;
			const c = bytes[i + k] as number;
			if (c < (k === 1 ? lo : 0x80) || c > (k === 1 ? hi : 0xbf)) return i;
		}
		i += need + 1;
	}
	return -1;
}

/**
 * A fatal, streaming decoder that knows byte offsets.
 * `decode(chunk)` returns the text of the complete characters so far; `end()` flushes.
 * Errors: ENCODING_INVALID (with the byte offset of the bad sequence), CHAR_FORBIDDEN for a NUL byte.
 */
export class FatalStreamDecoder {
	readonly encoding: SupportedEncoding;
	private readonly decoder: TextDecoder;
	/** Bytes passed to `decode` so far, counting from the start of the file (BOM included). */
	private consumed: number;
	/** The last ≤ 3 bytes fed (to locate an error in a sequence split across chunks). */
	private tail: Uint8Array = new Uint8Array(0);
	/** Bytes of an incomplete UTF-8 sequence held back by the decoder. */
	private pending = 0;

	constructor(encoding: SupportedEncoding, startOffset = 0) {
		this.encoding = encoding;
		this.decoder = new TextDecoder(encoding, { fatal: true, ignoreBOM: true });
		this.consumed = startOffset;
	}

	/** Byte offset (from the start of the file) of the first byte of the next decoded character. */
	get textByteOffset(): number {
		return this.consumed - this.pending;
	}

	/** Decodes one chunk. */
	decode(chunk: Uint8Array): string {
		const nul = chunk.indexOf(0);
		if (nul >= 0) throw new CommerceMLError("CHAR_FORBIDDEN", "NUL byte in XML text", { offset: this.consumed + nul });
		let text: string;
		try {
			text = this.decoder.decode(chunk, { stream: true });
		} catch {
			throw this.invalidAt(chunk, false);
		}
		if (this.encoding === "utf-8") {
			if (chunk.length >= 3) this.tail = chunk.slice(chunk.length - 3);
			else {
				const joined = joinTail(this.tail, chunk);
				this.tail = joined.slice(Math.max(0, joined.length - 3));
			}
			this.pending = incompleteTailLength(this.tail);
		}
		this.consumed += chunk.length;
		return text;
	}

	/** Flushes the decoder at the end of input. */
	end(): string {
		try {
			return this.decoder.decode();
		} catch {
			throw this.invalidAt(new Uint8Array(0), true);
		}
	}

	private invalidAt(chunk: Uint8Array, final: boolean): CommerceMLError {
		const startInTail = this.tail.length - incompleteTailLength(this.tail);
		const joined = joinTail(this.tail.subarray(startInTail), chunk);
		const idx = firstInvalidUtf8(joined, final);
		const offset = this.consumed - (this.tail.length - startInTail) + Math.max(0, idx);
		return new CommerceMLError("ENCODING_INVALID", `invalid ${this.encoding} byte sequence`, { offset });
	}
}

function joinTail(tail: Uint8Array, chunk: Uint8Array): Uint8Array {
	if (tail.length === 0) return chunk;
	const out = new Uint8Array(tail.length + chunk.length);
	out.set(tail);
	out.set(chunk, tail.length);
	return out;
}

/** Length of an incomplete UTF-8 sequence at the end of `tail` (0–3). */
function incompleteTailLength(tail: Uint8Array): number {
	for (let back = 1; back <= Math.min(3, tail.length); back++) {
		const b = tail[tail.length - back] as number;
		if (b < 0x80) return 0;
		if (b >= 0xc0) {
			const len = b >= 0xf0 ? 4 : b >= 0xe0 ? 3 : 2;
			return len > back ? back : 0;
		}
	}
	return 0;
}
