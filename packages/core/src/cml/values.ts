/**
 * @module
 * Lenient readers for the scalar values 1C writes into CommerceML order documents:
 * booleans (`true`/`false`, `Да`/`Нет`), dates (`2015-06-29T15:39:10`, `29.06.2015 15:39:10`, the
 * empty-date forms `""`, `T`, `0001-01-01T00:00:00`) and money/quantity decimals (`23 000,50`).
 */
import { normalizeDecimal } from "../model/decimal.ts";

const TRUE_WORDS = new Set(["true", "да", "1", "yes"]);
const FALSE_WORDS = new Set(["false", "нет", "0", "no"]);

/**
 * Reads a CommerceML boolean: `true`/`false`, `Да`/`Нет`, `1`/`0` (case-insensitive, trimmed).
 * Returns null for absent, empty or unrecognised values (1C omits false flags: null = "not sent").
 */
export function parseCmlBoolean(raw: string | null | undefined): boolean | null {
	if (raw == null) return null;
	const v = raw.trim().toLowerCase();
	if (TRUE_WORDS.has(v)) return true;
	if (FALSE_WORDS.has(v)) return false;
	return null;
}

const RU_DATE = /^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}))?)?$/;
const ISO_DATE = /^(\d{4})-(\d{2})-(\d{2})(?:[ T]+(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?)?(Z|[+-]\d{2}:?\d{2})?$/;

/**
 * Normalises a 1C date or date-time to ISO 8601 **as sent** (no time zone is invented):
 * `29.06.2015 9:05:00` → `2015-06-29T09:05:00`, `2015-06-29 15:39:10` → `2015-06-29T15:39:10`.
 * Empty forms (`""`, a lone `T`, any `0001-01-01…` / `01.01.0001…`) give null.
 * Text that is not recognisably a date is returned trimmed, unchanged.
 */
export function normalizeCmlDate(raw: string | null | undefined): string | null {
	if (raw == null) return null;
	const v = raw.trim();
	if (v === "" || v === "T") return null;
	let m = RU_DATE.exec(v);
	if (m) {
		const [, d, mo, y, h, mi, s] = m;
		if (y === "0001") return null;
		const date = `${y}-${(mo as string).padStart(2, "0")}-${(d as string).padStart(2, "0")}`;
		return h === undefined ? date : `${date}T${h.padStart(2, "0")}:${mi}:${s ?? "00"}`;
	}
	m = ISO_DATE.exec(v);
	if (m) {
		const [, y, mo, d, h, mi, s, zone] = m;
		if (y === "0001") return null;
		const date = `${y}-${mo}-${d}`;
		return h === undefined ? date + (zone ?? "") : `${date}T${h.padStart(2, "0")}:${mi}${s === undefined ? "" : `:${s}`}${zone ?? ""}`;
	}
	if (v.startsWith("0001-01-01")) return null;
	return v;
}

/** Normalises an `HH:MM[:SS]` time (Bitrix writes a one-digit hour); null when empty. */
export function normalizeCmlTime(raw: string | null | undefined): string | null {
	if (raw == null) return null;
	const v = raw.trim();
	if (v === "") return null;
	const m = /^(\d{1,2}):(\d{2})(?::(\d{2}(?:\.\d+)?))?$/.exec(v);
	if (!m) return v;
	return `${(m[1] as string).padStart(2, "0")}:${m[2]}:${m[3] ?? "00"}`;
}

/**
 * Combines the document `Дата` and optional `Время` into one ISO local date-time
 * (`2015-06-29` + `15:39:10` → `2015-06-29T15:39:10`). A `Дата` that already carries a time wins.
 */
export function combineDateTime(date: string | null, time: string | null): string | null {
	const d = normalizeCmlDate(date);
	if (d === null) return null;
	const t = normalizeCmlTime(time);
	if (t === null || d.includes("T") || !/^\d{4}-\d{2}-\d{2}$/.test(d)) return d;
	return `${d}T${t}`;
}

/** A decimal as {@link normalizeCmlDecimal} returns it: no sign on zero, no leading zeros, no trailing fraction zeros. */
const CANONICAL_DECIMAL = /^-?(?:[1-9]\d*(?:\.\d*[1-9])?|0\.\d*[1-9])$|^0$/;
/** Plain decimal text with a point (`"1490.00"`): canonical once the fraction's trailing zeros (and the point) go. */
const POINT_DECIMAL = /^-?(?:[1-9]\d*|0)\.\d+$/;

/**
 * Normalises a CommerceML decimal (`Сумма`, `Цена`, `Количество`, `Курс`): strips spaces and NBSP,
 * takes a comma as the decimal point, canonicalises (`"23 000,50"` → `"23000.5"`).
 * Returns null for absent/empty or non-numeric text.
 */
export function normalizeCmlDecimal(raw: string | null | undefined): string | null {
	if (raw == null) return null;
	// fast paths (most values of a file, and every money figure of an exported order's content, which an import
	// computes for each order it updates): already canonical, or only zeros to strip after the point
	if (CANONICAL_DECIMAL.test(raw)) return raw;
	if (POINT_DECIMAL.test(raw)) {
		let end = raw.length;
		while (raw.charCodeAt(end - 1) === 48) end--; // "0"
		if (raw.charCodeAt(end - 1) === 46) end--; // "."
		const s = raw.slice(0, end);
		return s === "-0" ? "0" : s;
	}
	return parseCmlDecimal(raw);
}

/** @internal {@link normalizeCmlDecimal} without its fast paths: spaces and NBSP stripped, comma as point, full parse. */
export function parseCmlDecimal(raw: string): string | null {
	const v = raw.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
	if (v === "") return null;
	try {
		return normalizeDecimal(v);
	} catch {
		return null;
	}
}
