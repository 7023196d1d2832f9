/**
 * @module XML escaping for the CommerceML writer, aware of the target encoding.
 *
 * 1C reads the `query` answer with `ЧтениеXML`/XDTO, a conforming XML 1.0 parser, so every value
 * must survive a parse byte-exactly:
 * - `& < > " '` become entity references in text and attributes (`>` too, so `]]>` is never literal);
 * - `\r` becomes `&#13;` (a raw CR would be folded into LF by end-of-line handling);
 * - in attributes `\t` and `\n` also become `&#9;`/`&#10;` (attribute-value normalisation would
 *   turn them into spaces);
 * - in windows-1251 mode every character the code page lacks (₽, emoji, Latin-1 accents…) becomes
 *   a numeric reference with its full code point (`&#128512;`, never two surrogate halves);
 * - characters XML 1.0 forbids (C0 controls other than TAB/LF/CR, U+FFFE, U+FFFF, lone surrogates)
 *   cannot be written at all and raise {@link CommerceMLError} `CHAR_FORBIDDEN`.
 */
import { CommerceMLError } from "../errors.ts";
import { isCp1251 } from "../encoding/cp1251.ts";

const FORBIDDEN = 1;
const SURROGATE = 2;
const MARKUP = 4;
const CR = 8;
const ATTR_WS = 16;
const NON_CP1251 = 32;

/** Per-code-unit flags, built once. */
const CLASS = new Uint8Array(0x10000);
for (let c = 0; c < 0x20; c++) CLASS[c] = FORBIDDEN;
CLASS[0x09] = ATTR_WS;
CLASS[0x0a] = ATTR_WS;
CLASS[0x0d] = CR;
for (const ch of "&<>\"'") CLASS[ch.charCodeAt(0)] = MARKUP;
for (let c = 0x80; c < 0x10000; c++) if (!isCp1251(c)) CLASS[c] = NON_CP1251;
for (let c = 0xd800; c <= 0xdfff; c++) CLASS[c] = SURROGATE;
CLASS[0xfffe] = FORBIDDEN;
CLASS[0xffff] = FORBIDDEN;

const REPLACEMENT: Record<number, string> = {
	0x26: "&amp;",
	0x3c: "&lt;",
	0x3e: "&gt;",
	0x22: "&quot;",
	0x27: "&apos;",
	0x0d: "&#13;",
	0x09: "&#9;",
	0x0a: "&#10;",
};

const TEXT_MASK = FORBIDDEN | SURROGATE | MARKUP | CR;
const ATTR_MASK = TEXT_MASK | ATTR_WS;

function forbidden(code: number, index: number, field: string): CommerceMLError {
	const hex = code.toString(16).toUpperCase().padStart(4, "0");
	return new CommerceMLError("CHAR_FORBIDDEN", `character U+${hex} at index ${index} of ${field} cannot be written in XML 1.0`);
}

function escape(s: string, mask: number, cp1251: boolean, field: string): string {
	const n = s.length;
	let i = 0;
	for (; i < n; i++) if ((CLASS[s.charCodeAt(i)] as number) & mask) break;
	if (i === n) return s;
	let out = "";
	let last = 0;
	for (; i < n; i++) {
		const c = s.charCodeAt(i);
		const f = (CLASS[c] as number) & mask;
		if (f === 0) continue;
		let rep: string;
		if (f & FORBIDDEN) throw forbidden(c, i, field);
		if (f & SURROGATE) {
			const next = i + 1 < n ? s.charCodeAt(i + 1) : 0;
			if (c > 0xdbff || next < 0xdc00 || next > 0xdfff) throw forbidden(c, i, field);
			if (!cp1251) {
				i++;
				continue;
			}
			rep = `&#${((c - 0xd800) << 10) + (next - 0xdc00) + 0x10000};`;
			out += s.slice(last, i) + rep;
			i++;
			last = i + 1;
			continue;
		}
		rep = f & NON_CP1251 ? `&#${c};` : (REPLACEMENT[c] as string);
		out += s.slice(last, i) + rep;
		last = i + 1;
	}
	return out + s.slice(last);
}

/**
 * Escapes character data (element text such as `Наименование`, `Комментарий`).
 * @param cp1251 true when the document is written in windows-1251 (non-cp1251 characters → `&#N;`)
 * @param field names the value in a `CHAR_FORBIDDEN` error (e.g. `items[2].name`)
 * @throws CommerceMLError `CHAR_FORBIDDEN` for characters XML 1.0 cannot carry
 */
export function escapeXmlText(value: string, cp1251: boolean, field = "text"): string {
	return escape(value, cp1251 ? TEXT_MASK | NON_CP1251 : TEXT_MASK, cp1251, field);
}

/**
 * Escapes a double-quoted attribute value (e.g. `БазоваяЕдиница НаименованиеПолное="…"`);
 * like {@link escapeXmlText}, plus TAB and LF as `&#9;`/`&#10;` so they survive normalisation.
 * @throws CommerceMLError `CHAR_FORBIDDEN` for characters XML 1.0 cannot carry
 */
export function escapeXmlAttribute(value: string, cp1251: boolean, field = "attribute"): string {
	return escape(value, cp1251 ? ATTR_MASK | NON_CP1251 : ATTR_MASK, cp1251, field);
}
