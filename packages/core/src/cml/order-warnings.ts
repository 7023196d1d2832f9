/**
 * @module
 * Problems 1C will have with an order that are not errors for the store, shown in the export
 * preview. Each warning has a stable `code` (for a UI to translate) with `params`, and an English `message`
 * for logs and for clients that do not know the code.
 */
import {
	addDecimal,
	compareDecimal,
	type Decimal,
	formatDecimal,
	mulDecimal,
	parseDecimal,
	roundDecimal,
	subDecimal,
} from "../model/decimal.ts";
import type { Order } from "../model/order.ts";
import type { OneCConfiguration, VatMode } from "./export-settings.ts";
import { lineVatRate, NO_VAT, ORDER_DELIVERY_ID } from "./line-figures.ts";
import { lineIdentity } from "./line-identity.ts";

/** Longest `Номер` 1C УТ 11 can match: its lookup column for the site order number is `Строка(11)`. */
export const MAX_1C_NUMBER_LENGTH = 11;

/** The warning codes {@link orderWarnings} produces. */
export type OrderWarningCode = "NUMBER_TOO_LONG" | "ORDER_DISCOUNT_EXCEEDS_LINES" | "LINE_ID_TOO_LONG" | "VAT_RATE_UNREADABLE";

export type { OneCConfiguration } from "./export-settings.ts";

/** What of the node's settings the warnings depend on (all optional: defaults `ut`, `auto`, options off). */
export interface OrderWarningContext {
	configuration?: OneCConfiguration;
	vat?: VatMode;
	exportOptions?: boolean;
}

/**
 * VAT rates each configuration understands in a line's `Ставка`. УТ 11 ≤ 11.5.20 / КА / ERP / Розница
 * (`ОбменССайтомПовтИсп.ПолучитьПоЗначениюДляВыгрузкиСтавкуНДС`) and УНФ 3.0.8 know 0, 10, 18 and 20 and read any
 * other value as "no rate" (the document's or the item's default applies); БП 3.0.198 (`УчетНДС.СтавкаНДСПоПредставлению`)
 * also reads 5, 7 and 22. "Без НДС" is read by all.
 */
export const READABLE_VAT_RATES: Readonly<Record<OneCConfiguration, readonly string[]>> = {
	ut: ["0", "10", "18", "20", NO_VAT],
	// Розница reads the rate with Число(): "Без НДС" would abort its load, so the writer leaves such lines without a rate
	retail: ["0", "10", "18", "20"],
	unf: ["0", "10", "18", "20", NO_VAT],
	bp: ["0", "5", "7", "10", "18", "20", "22", NO_VAT],
};

/** One warning about an order as 1C will see it. */
export interface OrderWarning {
	/**
	 * Stable machine code:
	 * - `NUMBER_TOO_LONG` (`params.length`, `params.max`): 1C УТ 11 matches only the first 11 characters of
	 *   `Номер`, so the order is never found again and every resend creates a duplicate (docs/protocol.md §6.2);
	 * - `ORDER_DISCOUNT_EXCEEDS_LINES` (`params.discount`, `params.lines`): the order discount is larger than
	 *   the lines it is spread over, so the part that does not fit stays at document level and the 1C order
	 *   (built from its lines) will not come to the store's total;
	 * - `LINE_ID_TOO_LONG` (`params.line` 1-based, `params.length`, `params.max`): the line has options but its `Ид`
	 *   with the option-set suffix would exceed 80 characters, so it is sent without `#` and 1C gets no characteristic;
	 * - `VAT_RATE_UNREADABLE` (`params.rate`, `params.configuration`, `params.lines`): the node's configuration does
	 *   not know this rate and applies its own default instead.
	 */
	code: OrderWarningCode;
	/** English text for logs and for clients that do not know the code. */
	message: string;
	/** The values the message is built from, for translating it. */
	params: Record<string, string | number>;
}

/** Σ of the positive line sums (Цена × Количество − line discount, in kopecks) the order discount is spread over. */
function discountBase(order: Order): Decimal {
	let total: Decimal = { units: 0n, scale: 2 };
	for (const item of order.items) {
		if ((item.externalId?.trim() ? item.externalId : item.productId) === ORDER_DELIVERY_ID) continue;
		const sum = subDecimal(mulDecimal(parseDecimal(item.quantity), parseDecimal(item.price)), parseDecimal(item.discount));
		if (sum.units > 0n) total = addDecimal(total, roundDecimal(sum, 2));
	}
	return total;
}

/**
 * Everything 1C will get wrong about this order (empty when nothing). Without `node`, the line and VAT checks assume
 * the defaults (УТ, `vat` "auto", options not exported).
 */
export function orderWarnings(order: Order, node: OrderWarningContext = {}): OrderWarning[] {
	const warnings: OrderWarning[] = [];
	const length = [...order.number].length;
	if (length > MAX_1C_NUMBER_LENGTH) {
		warnings.push({
			code: "NUMBER_TOO_LONG",
			message: `Номер longer than ${MAX_1C_NUMBER_LENGTH} characters (${length}): 1C УТ 11 will not match it and will create a duplicate on every resend`,
			params: { length, max: MAX_1C_NUMBER_LENGTH },
		});
	}
	const discount = parseDecimal(order.discount);
	if (discount.units > 0n) {
		const lines = discountBase(order);
		if (compareDecimal(roundDecimal(discount, 2), lines) > 0) {
			const d = formatDecimal(discount, 2);
			const l = formatDecimal(lines, 2);
			warnings.push({
				code: "ORDER_DISCOUNT_EXCEEDS_LINES",
				message: `order discount ${d} is larger than the lines' sum ${l}: 1C builds the order from its lines, so its total will not match`,
				params: { discount: d, lines: l },
			});
		}
	}
	const configuration = node.configuration ?? "ut";
	const readable = READABLE_VAT_RATES[configuration] ?? READABLE_VAT_RATES.ut;
	const unreadable = new Map<string, number>();
	order.items.forEach((item, i) => {
		const id = lineIdentity(item, node.exportOptions ?? false).idTooLong;
		if (id) {
			warnings.push({
				code: "LINE_ID_TOO_LONG",
				message: `line ${i + 1}: Ид with the option-set suffix would be ${id.length} characters (max ${id.max}), so it is sent without options and 1C gets no characteristic`,
				params: { line: i + 1, length: id.length, max: id.max },
			});
		}
		const rate = lineVatRate(item, node.vat ?? "auto");
		if (rate !== null && !readable.includes(rate)) unreadable.set(rate, (unreadable.get(rate) ?? 0) + 1);
	});
	for (const [rate, lines] of unreadable) {
		warnings.push({
			code: "VAT_RATE_UNREADABLE",
			message: `VAT rate ${rate} on ${lines} line(s): 1C configuration "${configuration}" does not read it and applies its own default rate`,
			params: { rate, configuration, lines },
		});
	}
	return warnings;
}

/**
 * The {@link orderWarnings} about `Номер` as plain English strings (the older form, kept for compatibility):
 * a `Номер` longer than 11 characters is truncated in 1C's lookup and never matches, so every resend
 * creates a duplicate order (docs/protocol.md §6.2).
 */
export function numberWarnings(order: Order): string[] {
	return orderWarnings(order)
		.filter((w) => w.code === "NUMBER_TOO_LONG")
		.map((w) => w.message);
}
