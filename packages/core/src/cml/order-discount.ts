/**
 * @module
 * The order-level discount spread over the order lines, as Bitrix does it.
 *
 * 1C УТ 11 builds its `ЗаказКлиента` from the `Товар` lines (Сумма = Цена × Количество − скидки) and
 * ignores the document `Сумма`, so an order discount written only at document level leaves the
 * 1C order dearer than the store's. The discount is therefore split over the lines in proportion to
 * their sums after line discounts, exactly in kopecks: every line but the last gets its share
 * rounded half away from zero, the last line takes the remainder so the parts add up to the discount.
 * No line ever goes below zero: should the remainder not fit the last line (possible only with many
 * tiny lines), the kopecks that do not fit are moved to the earlier lines, last first.
 */
import { compareDecimal, type Decimal, divDecimal, mulDecimal, roundDecimal, subDecimal, sumDecimals } from "../model/decimal.ts";

const KOPECKS = 2;

/**
 * Splits `discount` over lines whose sums (after line discounts) are `bases`.
 *
 * Returns one share per base, each with two fraction digits, `0 ≤ share ≤ base` (rounded to kopecks),
 * and shares of non-positive bases are 0. The shares add up to the discount rounded to kopecks, or to
 * the sum of the positive bases when the discount is larger than them (the rest of such a discount
 * cannot be put on lines without making one negative). A discount ≤ 0 gives all zeros.
 */
export function distributeOrderDiscount(bases: readonly Decimal[], discount: Decimal): Decimal[] {
	const zero: Decimal = { units: 0n, scale: KOPECKS };
	const shares = bases.map(() => zero);
	const caps = bases.map((b) => (b.units > 0n ? roundDecimal(b, KOPECKS) : zero));
	const total = sumDecimals(caps);
	let d = roundDecimal(discount, KOPECKS);
	if (d.units <= 0n || total.units <= 0n) return shares;
	if (compareDecimal(d, total) > 0) d = roundDecimal(total, KOPECKS);

	let last = -1;
	for (let i = caps.length - 1; i >= 0; i--) {
		if ((caps[i] as Decimal).units > 0n) {
			last = i;
			break;
		}
	}
	let given = 0n;
	for (let i = 0; i < last; i++) {
		const cap = caps[i] as Decimal;
		if (cap.units === 0n) continue;
		const share = divDecimal(mulDecimal(d, cap), total, KOPECKS);
		shares[i] = share;
		given += share.units;
	}
	// All values are in kopecks from here on (scale 2).
	const capUnits = caps.map((c) => c.units);
	let rest = d.units - given;
	const lastCap = capUnits[last] as bigint;
	const lastShare = rest < 0n ? 0n : min(rest, lastCap);
	shares[last] = { units: lastShare, scale: KOPECKS };
	rest -= lastShare;
	// Repair (rare): a positive rest goes to lines with room left, a negative one is taken back.
	for (let i = last - 1; i >= 0 && rest !== 0n; i--) {
		const s = (shares[i] as Decimal).units;
		const move = rest > 0n ? min(rest, (capUnits[i] as bigint) - s) : -min(-rest, s);
		shares[i] = { units: s + move, scale: KOPECKS };
		rest -= move;
	}
	return shares;
}

function min(a: bigint, b: bigint): bigint {
	return a < b ? a : b;
}

/** `base − share`, the line sum written after the order discount. */
export function reducedSum(base: Decimal, share: Decimal): Decimal {
	return share.units === 0n ? base : subDecimal(roundDecimal(base, KOPECKS), share);
}
