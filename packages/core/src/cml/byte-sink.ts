/**
 * @module
 * A growable byte buffer that escapes and encodes XML in one pass.
 *
 * The export writes straight into bytes instead of building a JavaScript string and encoding it
 * afterwards: constant markup (`<ЗначениеРеквизита><Наименование>`) is encoded once per sink and
 * copied, values are escaped and encoded character by character in the same loop (windows-1251
 * table lookup, or UTF-8), and numbers are written as ASCII. This avoids the string ropes whose
 * flattening cost as much as generating the document, and keeps the output a series of
 * ~64 KB buffers handed to the stream.
 */
import { CP1251_ENCODE, encodeCp1251 } from "../encoding/cp1251.ts";
import { ATTR_MASK, FORBIDDEN, forbidden, NON_CP1251, REPLACEMENT, SURROGATE, TEXT_MASK, XML_CHAR_CLASS } from "./xml-escape.ts";

const CLASS = XML_CHAR_CLASS;
const ENCODE = CP1251_ENCODE;
/** Entities as ASCII byte arrays, by code unit. */
const ENTITY: Uint8Array[] = [];
for (const [code, text] of Object.entries(REPLACEMENT)) ENTITY[Number(code)] = new TextEncoder().encode(text);

/** Worst-case output bytes per UTF-16 code unit of a value (`&#65533;` = 8). */
const MAX_BYTES_PER_UNIT = 8;

/** Escaped, encoded XML output for one encoding. Not thread-safe; one per stream. */
export class ByteSink {
	private buf: Uint8Array<ArrayBuffer>;
	private pos = 0;
	private readonly literals = new Map<string, Uint8Array>();
	private readonly tags = new Map<string, [Uint8Array, Uint8Array]>();
	private readonly textMask: number;
	private readonly attrMask: number;
	private readonly utf8 = new TextEncoder();

	constructor(
		readonly cp1251: boolean,
		private readonly capacity = 80 * 1024,
	) {
		this.buf = new Uint8Array(capacity);
		this.textMask = cp1251 ? TEXT_MASK | NON_CP1251 : TEXT_MASK;
		this.attrMask = cp1251 ? ATTR_MASK | NON_CP1251 : ATTR_MASK;
	}

	/** Bytes written since the last {@link take}. */
	get length(): number {
		return this.pos;
	}

	/** Hands over the bytes written so far (a view of the current buffer) and starts a fresh buffer. */
	take(): Uint8Array<ArrayBuffer> {
		const out = this.buf.subarray(0, this.pos);
		this.buf = new Uint8Array(this.capacity);
		this.pos = 0;
		return out;
	}

	private reserve(n: number): void {
		if (this.pos + n <= this.buf.length) return;
		const next = new Uint8Array(Math.max(this.buf.length * 2, this.pos + n));
		next.set(this.buf.subarray(0, this.pos));
		this.buf = next;
	}

	/** Encodes text that needs no escaping (markup written by the writer itself). */
	encodeLiteral(s: string): Uint8Array {
		return this.cp1251 ? encodeCp1251(s) : this.utf8.encode(s);
	}

	/** Copies already-encoded bytes. */
	bytes(b: Uint8Array): void {
		const n = b.length;
		this.reserve(n);
		const buf = this.buf;
		const p = this.pos;
		if (n > 16) buf.set(b, p);
		else for (let i = 0; i < n; i++) buf[p + i] = b[i] as number;
		this.pos = p + n;
	}

	/** Writes constant markup; encoded once per sink and cached, so pass only literals. */
	lit(s: string): void {
		let b = this.literals.get(s);
		if (b === undefined) {
			b = this.encodeLiteral(s);
			this.literals.set(s, b);
		}
		this.bytes(b);
	}

	private tag(name: string): [Uint8Array, Uint8Array] {
		let t = this.tags.get(name);
		if (t === undefined) {
			t = [this.encodeLiteral(`<${name}>`), this.encodeLiteral(`</${name}>`)];
			this.tags.set(name, t);
		}
		return t;
	}

	/** `<name>value</name>` with the value escaped. */
	el(name: string, value: string, field: string): void {
		const t = this.tag(name);
		this.bytes(t[0]);
		this.text(value, field);
		this.bytes(t[1]);
	}

	/** `<name>value</name>` for an ASCII value that needs no escaping (numbers, dates, booleans). */
	asciiEl(name: string, value: string): void {
		const t = this.tag(name);
		this.bytes(t[0]);
		this.ascii(value);
		this.bytes(t[1]);
	}

	/** Writes ASCII text as is; the caller guarantees it has no markup characters. */
	ascii(s: string): void {
		const n = s.length;
		this.reserve(n);
		const buf = this.buf;
		const p = this.pos;
		for (let i = 0; i < n; i++) buf[p + i] = s.charCodeAt(i);
		this.pos = p + n;
	}

	/** Escaped element text. @throws CommerceMLError `CHAR_FORBIDDEN` */
	text(s: string, field: string): void {
		this.escaped(s, this.textMask, field);
	}

	/** Escaped attribute value (TAB/LF/CR as references). @throws CommerceMLError `CHAR_FORBIDDEN` */
	attr(s: string, field: string): void {
		this.escaped(s, this.attrMask, field);
	}

	private escaped(s: string, mask: number, field: string): void {
		const n = s.length;
		this.reserve(n * MAX_BYTES_PER_UNIT);
		const buf = this.buf;
		const cp1251 = this.cp1251;
		let p = this.pos;
		for (let i = 0; i < n; i++) {
			const c = s.charCodeAt(i);
			const f = (CLASS[c] as number) & mask;
			if (f === 0) {
				if (c < 0x80) buf[p++] = c;
				else if (cp1251) buf[p++] = ENCODE[c] as number;
				else if (c < 0x800) {
					buf[p++] = 0xc0 | (c >> 6);
					buf[p++] = 0x80 | (c & 0x3f);
				} else {
					buf[p++] = 0xe0 | (c >> 12);
					buf[p++] = 0x80 | ((c >> 6) & 0x3f);
					buf[p++] = 0x80 | (c & 0x3f);
				}
				continue;
			}
			if (f & FORBIDDEN) throw forbidden(c, i, field);
			if (f & SURROGATE) {
				const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
				if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) throw forbidden(c, i, field);
				const cp = ((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000;
				i++;
				if (cp1251) p = writeCharRef(buf, p, cp);
				else {
					buf[p++] = 0xf0 | (cp >> 18);
					buf[p++] = 0x80 | ((cp >> 12) & 0x3f);
					buf[p++] = 0x80 | ((cp >> 6) & 0x3f);
					buf[p++] = 0x80 | (cp & 0x3f);
				}
				continue;
			}
			if (f & NON_CP1251) {
				p = writeCharRef(buf, p, c);
				continue;
			}
			const e = ENTITY[c] as Uint8Array;
			for (let k = 0; k < e.length; k++) buf[p++] = e[k] as number;
		}
		this.pos = p;
	}
}

/** Writes `&#N;` (decimal) and returns the new position. */
function writeCharRef(buf: Uint8Array, p: number, cp: number): number {
	buf[p++] = 0x26;
	buf[p++] = 0x23;
	const digits = String(cp);
	for (let k = 0; k < digits.length; k++) buf[p++] = digits.charCodeAt(k);
	buf[p++] = 0x3b;
	return p;
}
