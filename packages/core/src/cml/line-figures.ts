/**
 * @module
 * The money of an exported order's lines (docs/protocol.md, export): each line's Цена × Количество less its own
 * discount and its part of the order discount (order-discount.ts), the VAT rate written on it under the node's `vat`
 * mode and the VAT included in the reduced sum; and the same for the `ORDER_DELIVERY` line. document-writer.ts
 * writes these figures as XML.
 */
import { addDecimal, type Decimal, divDecimal, mulDecimal, subDecimal } from "../model/decimal.ts";
import type { OrderItem } from "../model/order.ts";
import { fastDecimal, formatPlain } from "./decimal-fast.ts";
import type { ExportOrder, VatMode, WriterContext } from "./export-settings.ts";
import { lineProductId } from "./line-identity.ts";
import { distributeOrderDiscount, reducedSum } from "./order-discount.ts";

/** `Товар/Ид` of the delivery service line, as Bitrix and CS-Cart write it. */
export const ORDER_DELIVERY_ID = "ORDER_DELIVERY";
/** `Товар/Наименование` of the delivery service line. */
export const ORDER_DELIVERY_NAME = "Доставка заказа";
/** Zero money. */
export const ZERO: Decimal = { units: 0n, scale: 0 };
const HUNDRED: Decimal = { units: 100n, scale: 0 };

/** Computed money of one line. */
export interface LineFigures {
	item: OrderItem;
	qty: Decimal;
	price: Decimal;
	/** The line's own discount ("Скидка на товар"). */
	discount: Decimal;
	/** This line's part of the order discount ("Скидка на заказ"), kopecks; zero when none. */
	orderShare: Decimal;
	/** What is written as the line `Сумма`: Цена × Количество − discount − orderShare. */
	sum: Decimal;
	/** The VAT rate as written ("20", "Без НДС"), or null when none is written. */
	rateText: string | null;
	/** The numeric rate (null for "Без НДС" or none). */
	rate: Decimal | null;
	/** VAT included in {@link sum} (computed on the reduced sum). */
	vat: Decimal | null;
}

/** How 1C names the rate of a line with no VAT (every configuration reads it). */
export const NO_VAT = "Без НДС";

/**
 * The VAT rate written on a line under the node's `vat` mode: `none` → "Без НДС" on every line; else the item's own
 * `vatRate` (null → "Без НДС"); else, with a fixed rate, that rate; else (`auto`) none at all (1C applies its default).
 * Rates are written as 1C reads them: plain numbers ("20", "0"), no "%". With `writesNoVat` false (Розница) a line
 * without VAT carries no rate instead of "Без НДС".
 */
export function lineVatRate(item: Pick<OrderItem, "vatRate">, vat: VatMode, writesNoVat = true): string | null {
	if (vat === "none" || item.vatRate === null) return writesNoVat ? NO_VAT : null;
	if (item.vatRate !== undefined) return formatPlain(fastDecimal(item.vatRate));
	return vat === "auto" ? null : vat;
}

/** Parsed line money before the order discount; `sum` = Цена × Количество − line discount. */
function baseFigures(item: OrderItem, vat: VatMode, writesNoVat: boolean): LineFigures {
	const qty = fastDecimal(item.quantity);
	const price = fastDecimal(item.price);
	const discount = fastDecimal(item.discount);
	const rateText = lineVatRate(item, vat, writesNoVat);
	const rate = rateText === null || rateText === NO_VAT ? null : fastDecimal(rateText);
	return { item, qty, price, discount, orderShare: ZERO, sum: subDecimal(mulDecimal(qty, price), discount), rateText, rate, vat: null };
}

/** Takes the line's part of the order discount off its sum and computes the VAT included in what is left. */
function applyShare(f: LineFigures, orderShare: Decimal): LineFigures {
	f.orderShare = orderShare;
	f.sum = reducedSum(f.sum, orderShare);
	f.vat = f.rate ? divDecimal(mulDecimal(f.sum, f.rate), addDecimal(HUNDRED, f.rate), 2) : null;
	return f;
}

/** The line's product id: the 1C GUID when the store knows it (1C then finds the item without creating a duplicate), else the store id. */
const lineId = lineProductId;

/**
 * The lines' money with the order discount spread over them ({@link distributeOrderDiscount}); a line
 * whose `Ид` is {@link ORDER_DELIVERY_ID} is a delivery line and takes no part of it.
 */
export function lineFigures(o: ExportOrder, discount: Decimal, vat: VatMode, writesNoVat: boolean): LineFigures[] {
	const lines = o.items.map((item) => baseFigures(item, vat, writesNoVat));
	if (discount.units <= 0n) return lines.map((f) => applyShare(f, ZERO));
	const shares = distributeOrderDiscount(
		lines.map((f) => (lineId(f.item) === ORDER_DELIVERY_ID ? ZERO : f.sum)),
		discount,
	);
	return lines.map((f, i) => applyShare(f, shares[i] as Decimal));
}

/** The delivery line's VAT: the node's rate for lines without their own ("Без НДС" with `none`, none with `auto`). */
export interface DeliveryFigures {
	price: Decimal;
	rateText: string | null;
	vat: Decimal | null;
}

export function deliveryFigures(price: Decimal, ctx: WriterContext): DeliveryFigures {
	const rateText = lineVatRate({}, ctx.vat, ctx.writesNoVat);
	const rate = rateText === null || rateText === NO_VAT ? null : fastDecimal(rateText);
	return { price, rateText, vat: rate ? divDecimal(mulDecimal(price, rate), addDecimal(HUNDRED, rate), 2) : null };
}
