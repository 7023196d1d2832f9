/**
 * @module
 * windows-1251 (cp1251), the code page 1C and Bitrix use for the `query` answer.
 *
 * 1C's Family A client reads the site's orders with the encoding named in the XML declaration;
 * Bitrix always answers in windows-1251, so that is Obmen's default. The table is built once by
 * decoding bytes 0x80–0xFF with the platform's `TextDecoder("windows-1251")`, so no literal code
 * page has to be kept in sync by hand. Byte 0x98 is unassigned in Microsoft's cp1251 (WHATWG
 * decodes it to U+0098); it is left out, so U+0098 is written as `&#152;` like any other
 * character the code page lacks.
 */

/**
 * Code unit → cp1251 byte; 0 means "not representable" (U+0000 itself is never valid XML).
 * Internal to @obmen/core (the CommerceML byte sink encodes through it); not re-exported.
 */
export const CP1251_ENCODE: Uint8Array = new Uint8Array(0x10000);
const ENCODE = CP1251_ENCODE;

for (let c = 0; c < 0x80; c++) ENCODE[c] = c;
{
	const high = new Uint8Array(0x80);
	for (let i = 0; i < 0x80; i++) high[i] = 0x80 + i;
	const decoded = new TextDecoder("windows-1251").decode(high);
	for (let i = 0; i < decoded.length; i++) {
		const byte = 0x80 + i;
		const code = decoded.charCodeAt(i);
		if (byte === 0x98 || code === 0xfffd) continue;
		ENCODE[code] = byte;
	}
}

/** True when the UTF-16 code unit has a windows-1251 byte (ASCII, Cyrillic, №, typographic quotes…). */
export function isCp1251(code: number): boolean {
	return code < 0x80 || ENCODE[code] !== 0;
}

/**
 * Encodes text to windows-1251 bytes, one byte per character.
 * Characters outside cp1251 must already be written as XML numeric references (`&#8381;`);
 * the CommerceML writer's escaper does that for every text and attribute value it emits.
 * @throws RangeError naming the first character that has no cp1251 byte.
 */
export function encodeCp1251(text: string): Uint8Array<ArrayBuffer> {
	const n = text.length;
	const out = new Uint8Array(n);
	for (let i = 0; i < n; i++) {
		const c = text.charCodeAt(i);
		const b = ENCODE[c] as number;
		if (b === 0 && c !== 0) {
			throw new RangeError(`character U+${c.toString(16).toUpperCase().padStart(4, "0")} at index ${i} has no windows-1251 byte`);
		}
		out[i] = b;
	}
	return out;
}
