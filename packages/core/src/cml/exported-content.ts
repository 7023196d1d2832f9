/**
 * @module
 * What 1C reads back of an exported order's content, computed without rendering and parsing the XML: each `Товар`
 * (`Ид`, `Артикул`, `Наименование`, `Количество`, `ЦенаЗаЕдиницу`, `Сумма`, `ТипНоменклатуры`), the `ORDER_DELIVERY`
 * line, the document `Сумма`, `Валюта`, `Комментарий` and the buyer `Контрагент`, as {@link readDocuments} would
 * return them from {@link writeOrdersXml}'s bytes. It takes the writer's own figures (line-figures.ts), identities
 * (line-identity.ts), length limits (field-text.ts) and number formats, and the reader's decimal normalisation.
 *
 * An import compares 1C's content of every order it updates with the store's (the exchange's content sync), which
 * through the XML costs ~100 µs an order; this costs a few. A value holding a character whose XML round trip is not
 * the identity (control characters the writer refuses, surrogates, U+FFFE/U+FFFF) yields null: the caller then renders
 * and reads back. A test compares the two paths over generated orders and every setting that changes these fields.
 */
import type { Decimal } from "../model/decimal.ts";
import { fastDecimal, formatMoney, formatPlain } from "./decimal-fast.ts";
import type { IncomingCounterparty, IncomingDocument, IncomingItem } from "./document-mapper.ts";
import { type ExportOrder, type ExportSettings, resolveSettings, type WriterContext } from "./export-settings.ts";
import { clip } from "./field-text.ts";
import { deliveryFigures, lineFigures, ORDER_DELIVERY_ID, ORDER_DELIVERY_NAME, ZERO } from "./line-figures.ts";
import { lineIdentity } from "./line-identity.ts";
import { normalizeCmlDecimal } from "./values.ts";

/** A `Товар` as read back: the fields an order's content is made of. */
export type ExportedItem = Pick<IncomingItem, "id" | "sku" | "name" | "quantity" | "price" | "total" | "kind">;

/** The content-bearing part of an exported `Документ` as read back ({@link IncomingDocument}'s fields of the same names). */
export interface ExportedContent extends Pick<IncomingDocument, "total" | "currency" | "comment"> {
	items: ExportedItem[];
	counterparties: Pick<IncomingCounterparty, "name" | "fullName" | "inn" | "kpp" | "role">[];
}

/** Characters whose XML round trip through the writer and reader is not the identity. */
const NOT_IDENTITY = /[\u0000-\u0008\u000b\u000c\u000e-\u001f\ud800-\udfff\ufffe\uffff]/;

const money = (d: Decimal) => normalizeCmlDecimal(formatMoney(d));

/** Settings objects resolved so far: an import computes the content of every order it updates with one object. */
const RESOLVED = new WeakMap<ExportSettings, WriterContext>();

/**
 * The content-bearing fields of `order` as 1C reads them from the export with `settings` (see the module note), or
 * null when a value would not survive the XML unchanged. A settings object is read once, at its first call: pass a
 * new object for other settings, not the same one changed.
 */
export function exportedContent(order: ExportOrder, settings: ExportSettings = {}): ExportedContent | null {
	let ctx = RESOLVED.get(settings);
	if (!ctx) {
		ctx = resolveSettings(settings);
		RESOLVED.set(settings, ctx);
	}
	const texts: string[] = [];
	const text = (s: string) => {
		texts.push(s);
		return s;
	};
	const discount = fastDecimal(order.discount);
	const items: ExportedItem[] = lineFigures(order, discount, ctx.vat, ctx.writesNoVat).map((f) => {
		const identity = lineIdentity(f.item, ctx.exportOptions);
		return {
			id: text(clip(identity.id, 80)),
			sku: f.item.sku ? text(clip(f.item.sku, 255)) : null,
			name: text(clip(identity.name, 255)),
			quantity: normalizeCmlDecimal(formatPlain(f.qty)),
			price: money(f.price),
			total: money(f.sum),
			kind: f.item.kind === "service" ? "service" : "goods",
		};
	});
	const shipPrice = order.shipping ? fastDecimal(order.shipping.price) : null;
	if (ctx.shipping === "always" || (ctx.shipping === "paid" && shipPrice !== null && shipPrice.units > 0n)) {
		const p = money(deliveryFigures(shipPrice ?? ZERO, ctx).price);
		items.push({
			id: ORDER_DELIVERY_ID,
			sku: null,
			name: ORDER_DELIVERY_NAME,
			quantity: normalizeCmlDecimal("1"),
			price: p,
			total: p,
			kind: "service",
		});
	}
	const c = order.customer;
	const company = c.type === "company";
	const buyer = {
		name: text(clip(c.name, 255)),
		fullName: text(clip(company ? c.legalName || c.name : c.name, 255)),
		inn: c.inn ? nonEmpty(text(clip(c.inn, 255))) : null,
		kpp: company && c.kpp ? nonEmpty(text(clip(c.kpp, 255))) : null,
		role: "Покупатель",
	};
	const comment = order.comment ? text(clip(order.comment, 3000)) : null;
	const currency = nonEmpty(text(order.currency));
	for (const t of texts) if (NOT_IDENTITY.test(t)) return null;
	return { items, counterparties: [buyer], total: money(fastDecimal(order.total)), currency, comment };
}

function nonEmpty(v: string): string | null {
	const t = v.trim();
	return t === "" ? null : t;
}
