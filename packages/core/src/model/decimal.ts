/**
 * @module
 * Exact decimal arithmetic for money and quantities.
 *
 * CommerceML carries sums (`Сумма`, `ЦенаЗаЕдиницу`) and quantities (`Количество`) as decimal text.
 * Binary floats would turn 0.1 + 0.2 into 0.30000000000000004 in an order total, so every
 * computation here is done on scaled BigInts and every value leaves as a decimal string.
 */

/** A decimal number as a scaled integer: value = units / 10^scale. */
export interface Decimal {
	readonly units: bigint;
	readonly scale: number;
}

const DECIMAL_RE = /^([+-])?(\d*)(?:\.(\d*))?$/;

/**
 * Parses a decimal from a string or a finite number. Accepts what 1C and stores write:
 * spaces and NBSP as thousands separators, a comma as the decimal point (`"23 000,50"`).
 * @throws RangeError when the text is not a decimal number.
 */
export function parseDecimal(input: string | number): Decimal {
	let text: string;
	if (typeof input === "number") {
		if (!Number.isFinite(input)) throw new RangeError(`not a finite number: ${input}`);
		text = numberToPlain(input);
	} else {
		text = input.replace(/[\s\u00a0\u202f]/g, "").replace(",", ".");
	}
	const m = DECIMAL_RE.exec(text);
	if (!m || (m[2] === "" && (m[3] === undefined || m[3] === ""))) throw new RangeError(`not a decimal number: "${input}"`);
	const intPart = m[2] || "0";
	const frac = m[3] ?? "";
	const units = BigInt(intPart + frac) * (m[1] === "-" ? -1n : 1n);
	return { units, scale: frac.length };
}

function numberToPlain(n: number): string {
	const s = String(n);
	if (!/e/i.test(s)) return s;
	// Expand exponent notation (e.g. 1e-7) without float arithmetic.
	const [mant = "0", expText = "0"] = s.toLowerCase().split("e");
	const exp = Number(expText);
	const neg = mant.startsWith("-");
	const digits = mant.replace(/^-/, "");
	const [ip = "0", fp = ""] = digits.split(".");
	const all = ip + fp;
	const point = ip.length + exp;
	let out: string;
	if (point <= 0) out = `0.${"0".repeat(-point)}${all}`;
	else if (point >= all.length) out = all + "0".repeat(point - all.length);
	else out = `${all.slice(0, point)}.${all.slice(point)}`;
	return (neg ? "-" : "") + out;
}

function align(a: Decimal, b: Decimal): [bigint, bigint, number] {
	const scale = Math.max(a.scale, b.scale);
	return [a.units * 10n ** BigInt(scale - a.scale), b.units * 10n ** BigInt(scale - b.scale), scale];
}

/** a + b, exact. */
export function addDecimal(a: Decimal, b: Decimal): Decimal {
	const [x, y, scale] = align(a, b);
	return { units: x + y, scale };
}

/** a − b, exact. */
export function subDecimal(a: Decimal, b: Decimal): Decimal {
	const [x, y, scale] = align(a, b);
	return { units: x - y, scale };
}

/** a × b, exact. */
export function mulDecimal(a: Decimal, b: Decimal): Decimal {
	return { units: a.units * b.units, scale: a.scale + b.scale };
}

/** Compares two decimals: −1, 0 or 1. */
export function compareDecimal(a: Decimal, b: Decimal): -1 | 0 | 1 {
	const [x, y] = align(a, b);
	return x < y ? -1 : x > y ? 1 : 0;
}

/** Rounds half away from zero to `digits` fraction digits. */
export function roundDecimal(a: Decimal, digits: number): Decimal {
	if (a.scale <= digits) return { units: a.units * 10n ** BigInt(digits - a.scale), scale: digits };
	const div = 10n ** BigInt(a.scale - digits);
	const neg = a.units < 0n;
	const abs = neg ? -a.units : a.units;
	let q = abs / div;
	if ((abs % div) * 2n >= div) q += 1n;
	return { units: neg ? -q : q, scale: digits };
}

/**
 * Formats a decimal as plain text with a dot, no exponent, no thousands separators.
 * With `digits` the value is rounded (half away from zero) and padded to exactly that many
 * fraction digits (`"12490.00"`); without it trailing fraction zeros are dropped (`"2"`, `"1.5"`).
 */
export function formatDecimal(a: Decimal, digits?: number): string {
	const d = digits === undefined ? a : roundDecimal(a, digits);
	const neg = d.units < 0n;
	let s = (neg ? -d.units : d.units).toString();
	if (d.scale > 0) {
		s = s.padStart(d.scale + 1, "0");
		let frac = s.slice(s.length - d.scale);
		const int = s.slice(0, s.length - d.scale);
		if (digits === undefined) frac = frac.replace(/0+$/, "");
		s = frac ? `${int}.${frac}` : int;
	}
	return neg && /[1-9]/.test(s) ? `-${s}` : s;
}

/** Normalises decimal text (or a number) to its canonical plain form: `"023,50"` → `"23.5"`. */
export function normalizeDecimal(input: string | number): string {
	return formatDecimal(parseDecimal(input));
}

/** Sums a list of decimals. */
export function sumDecimals(values: Iterable<Decimal>): Decimal {
	let acc: Decimal = { units: 0n, scale: 0 };
	for (const v of values) acc = addDecimal(acc, v);
	return acc;
}

/**
 * a ÷ b rounded half away from zero to `digits` fraction digits (e.g. the VAT included in a line
 * sum: sum × rate ÷ (100 + rate)).
 * @throws RangeError on division by zero.
 */
export function divDecimal(a: Decimal, b: Decimal, digits: number): Decimal {
	if (b.units === 0n) throw new RangeError("division by zero");
	// a/b = (a.units·10^b.scale) / (b.units·10^a.scale); scale the numerator by 10^digits.
	let num = a.units * 10n ** BigInt(b.scale + digits);
	let den = b.units * 10n ** BigInt(a.scale);
	if (den < 0n) {
		num = -num;
		den = -den;
	}
	const neg = num < 0n;
	const abs = neg ? -num : num;
	let q = abs / den;
	if ((abs % den) * 2n >= den) q += 1n;
	return { units: neg ? -q : q, scale: digits };
}
