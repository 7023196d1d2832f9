/**
 * @module
 * Length limits of CommerceML text fields, applied while writing (XSD: names ≤ 255, values ≤ 1000, comments ≤ 3000).
 */
import type { ByteSink } from "./byte-sink.ts";

/**
 * Cuts a value to `max` UTF-16 units without splitting a surrogate pair (so never more code points than
 * the XSD length allows; an astral character counts twice, which only cuts earlier).
 */
export function clip(s: string, max: number): string {
	if (s.length <= max) return s;
	let cut = s.slice(0, max);
	const last = cut.charCodeAt(cut.length - 1);
	if (last >= 0xd800 && last <= 0xdbff) cut = cut.slice(0, -1);
	return cut;
}

/** Writes `<name>value</name>` (clipped to `max`) only when the value is non-empty; `field` names it in errors. */
export function opt(w: ByteSink, name: string, value: string | undefined | null, field: string, max = 255): void {
	if (value) w.el(name, clip(value, max), field);
}
