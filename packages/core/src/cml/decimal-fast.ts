/**
 * @module
 * Fast path for parsing the decimals of an already validated order.
 *
 * `parseOrder` normalises every amount to plain text (`"12490"`, `"0.1"`, `"-3.5"`), so the writer
 * can skip the lenient parser (spaces, commas, exponents) for them; anything else falls back to
 * {@link parseDecimal}, which also reports invalid values.
 */
import { type Decimal, formatDecimal, parseDecimal } from "../model/decimal.ts";

/** Parses plain decimal text (`-?digits(.digits)?`) or a number; other input goes through parseDecimal. */
export function fastDecimal(value: string | number): Decimal {
	if (typeof value === "number") {
		if (Number.isSafeInteger(value)) return { units: BigInt(value), scale: 0 };
		return parseDecimal(value);
	}
	const n = value.length;
	if (n === 0 || n > 30) return parseDecimal(value);
	let dot = -1;
	for (let i = value.charCodeAt(0) === 45 /* - */ ? 1 : 0; i < n; i++) {
		const c = value.charCodeAt(i);
		if (c === 46 /* . */ && dot < 0) dot = i;
		else if (c < 48 || c > 57) return parseDecimal(value);
	}
	if (dot < 0) return value === "-" ? parseDecimal(value) : { units: BigInt(value), scale: 0 };
	if (dot === n - 1 || dot === 0 || (dot === 1 && value.charCodeAt(0) === 45)) return parseDecimal(value);
	return { units: BigInt(value.slice(0, dot) + value.slice(dot + 1)), scale: n - dot - 1 };
}

/** Money text with exactly two fraction digits (`"12490.00"`), like `formatDecimal(d, 2)` but cheaper for scale ≤ 2. */
export function formatMoney(d: Decimal): string {
	if (d.scale > 2) return formatDecimal(d, 2);
	const u = d.scale === 2 ? d.units : d.units * (d.scale === 1 ? 10n : 100n);
	const neg = u < 0n;
	let s = (neg ? -u : u).toString();
	if (s.length < 3) s = s.padStart(3, "0");
	s = `${s.slice(0, -2)}.${s.slice(-2)}`;
	return neg ? `-${s}` : s;
}

/** Plain decimal text without trailing zeros (`"2"`, `"1.5"`), like `formatDecimal(d)` with an integer fast path. */
export function formatPlain(d: Decimal): string {
	return d.scale === 0 ? d.units.toString() : formatDecimal(d);
}
