/**
 * @module
 * XML escaping for the CommerceML writer, aware of the target encoding.
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

import { isCp1251 } from "../encoding/cp1251.ts";
import { CommerceMLError } from "../errors.ts";

/** Flags in {@link XML_CHAR_CLASS} (internal to @obmen/core). */
export const FORBIDDEN = 1;
export const SURROGATE = 2;
export const MARKUP = 4;
export const CR = 8;
export const ATTR_WS = 16;
export const NON_CP1251 = 32;

/** Per-code-unit flags, built once (internal to @obmen/core, used by the byte sink). */
export const XML_CHAR_CLASS: Uint8Array = new Uint8Array(0x10000);
const CLASS = XML_CHAR_CLASS;
for (let c = 0; c < 0x20; c++) CLASS[c] = FORBIDDEN;
CLASS[0x09] = ATTR_WS;
CLASS[0x0a] = ATTR_WS;
CLASS[0x0d] = CR;
for (const ch of "&<>\"'") CLASS[ch.charCodeAt(0)] = MARKUP;
for (let c = 0x80; c < 0x10000; c++) if (!isCp1251(c)) CLASS[c] = NON_CP1251;
for (let c = 0xd800; c <= 0xdfff; c++) CLASS[c] = SURROGATE;
CLASS[0xfffe] = FORBIDDEN;
CLASS[0xffff] = FORBIDDEN;

/** Entity text for the characters flagged MARKUP, CR and ATTR_WS. */
export const REPLACEMENT: Record<number, string> = {
	38: "&amp;",
	60: "&lt;",
	62: "&gt;",
	34: "&quot;",
	39: "&apos;",
	13: "&#13;",
	9: "&#9;",
	10: "&#10;",
};

/** Flags that need work in element text (add NON_CP1251 in windows-1251 mode). */
export const TEXT_MASK = FORBIDDEN | SURROGATE | MARKUP | CR;
/** Flags that need work in attribute values. */
export const ATTR_MASK = TEXT_MASK | ATTR_WS;

/** The `CHAR_FORBIDDEN` error for code unit `code` at `index` of `field`. */
export function forbidden(code: number, index: number, field: string): CommerceMLError {
	const hex = code.toString(16).toUpperCase().padStart(4, "0");
	return new CommerceMLError("CHAR_FORBIDDEN", `character U+${hex} at index ${index} of ${field} cannot be written in XML 1.0`);
}

function escapeWith(s: string, mask: number, cp1251: boolean, field: string): string {
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
	return escapeWith(value, cp1251 ? TEXT_MASK | NON_CP1251 : TEXT_MASK, cp1251, field);
}

/**
 * Escapes a double-quoted attribute value (e.g. `БазоваяЕдиница НаименованиеПолное="…"`);
 * like {@link escapeXmlText}, plus TAB and LF as `&#9;`/`&#10;` so they survive normalisation.
 * @throws CommerceMLError `CHAR_FORBIDDEN` for characters XML 1.0 cannot carry
 */
export function escapeXmlAttribute(value: string, cp1251: boolean, field = "attribute"): string {
	return escapeWith(value, cp1251 ? ATTR_MASK | NON_CP1251 : ATTR_MASK, cp1251, field);
}
