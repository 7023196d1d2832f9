/**
 * @module
 * One order → one CommerceML `Документ` (ХозОперация "Заказ товара"), written into a {@link ByteSink}.
 *
 * Element order follows the `Документ` sequence of the official XSDs 2.08–2.10 (which is also the
 * order Bitrix uses for the header and contragent): Ид, Номер, Дата, ХозОперация, Роль, Валюта,
 * Курс, Сумма, [НомерВерсии, Номер1С], Контрагенты, Время, Комментарий, Налоги, Скидки, Товары,
 * ЗначенияРеквизитов. Inside `Товар` the base-type part (Ид, Артикул, Наименование,
 * БазоваяЕдиница, СтавкиНалогов, ХарактеристикиТовара, ЗначенияРеквизитов) precedes the
 * document part (ЦенаЗаЕдиницу, Количество, Сумма, Единица, Коэффициент, Налоги, Скидки).
 * The same order is used for 2.03–2.07, for which no XSD is published.
 *
 * `НомерВерсии` and `Номер1С` are not in any published XSD; Bitrix writes them for ≥ 2.07 and
 * 1C reads them, so they are written only when known (`order.version`, `order.oneC.number`).
 * `БазоваяЕдиница` is required by the XSD in every version; ≥ 2.07 adds `Единица` (the OKEI code,
 * a 3–4 character string in the XSD, not Bitrix's nested form) and `Коэффициент` 1.
 *
 * Money (line-figures.ts): the order discount is spread over the lines (order-discount.ts) and written per line as
 * "Скидка на заказ" next to the line's own "Скидка на товар", both `УчтеноВСумме` true and taken off the
 * line `Сумма`; VAT is computed on that reduced sum. So the lines plus the `ORDER_DELIVERY` line add up to
 * the document `Сумма` (whenever each Цена × Количество is whole kopecks), as 1C УТ 11, which builds its
 * order from the lines, needs. From 2.10 the "Доставка разрешена" flag gives way to
 * "Дата последнего разрешения по доставке".
 */
import { CommerceMLError } from "../errors.ts";
import { addDecimal, type Decimal } from "../model/decimal.ts";
import type { ByteSink } from "./byte-sink.ts";
import { counterpartyId, writeCounterparty } from "./counterparty-writer.ts";
import { fastDecimal, formatMoney, formatPlain } from "./decimal-fast.ts";
import type { ExportOrder, WriterContext } from "./export-settings.ts";
import { clip, opt } from "./field-text.ts";
import {
	type DeliveryFigures,
	deliveryFigures,
	type LineFigures,
	lineFigures,
	ORDER_DELIVERY_ID,
	ORDER_DELIVERY_NAME,
	ZERO,
} from "./line-figures.ts";
import { lineIdentity } from "./line-identity.ts";
import { okeiCode, okeiUnit } from "./okei.ts";

const money = formatMoney;

/** `YYYY-MM-DD` of an ISO date-time, in its own offset (the text is not shifted to UTC). */
export function localDate(iso: string): string {
	return iso.slice(0, 10);
}

/** `HH:MM:SS` of an ISO date-time, in its own offset; seconds default to `00`. */
export function localTime(iso: string): string {
	const hm = iso.slice(11, 16);
	return iso.charCodeAt(16) === 58 /* : */ ? `${hm}:${iso.slice(17, 19)}` : `${hm}:00`;
}

const ISO_DATE_TIME = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/;

function requisite(w: ByteSink, name: string, value: string, field: string): void {
	w.lit("<ЗначениеРеквизита><Наименование>");
	w.text(clip(name, 255), field);
	w.lit("</Наименование><Значение>");
	w.text(clip(value, 1000), field);
	w.lit("</Значение></ЗначениеРеквизита>");
}

/** A requisite with a constant name and an ASCII value (flags, dates). */
function requisiteAscii(w: ByteSink, nameOpen: string, value: string): void {
	w.lit(nameOpen);
	w.ascii(value);
	w.lit("</Значение></ЗначениеРеквизита>");
}

function writeUnit(w: ByteSink, code: string, name: string): void {
	const okei = okeiCode(code);
	const known = okeiUnit(okei);
	w.lit('<БазоваяЕдиница Код="');
	w.attr(okei, "unit.code");
	if (known) {
		w.lit('" НаименованиеПолное="');
		w.lit(known.fullName);
		w.lit('" МеждународноеСокращение="');
		w.lit(known.international);
	}
	w.lit('">');
	w.text(clip(name, 255), "unit.name");
	w.lit("</БазоваяЕдиница>");
}

const KIND_GOODS =
	"<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита><ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Товар</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>";
const KIND_SERVICE =
	"<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>ВидНоменклатуры</Наименование><Значение>Услуга</Значение></ЗначениеРеквизита><ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Услуга</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>";

function writeItem(w: ByteSink, ctx: WriterContext, f: LineFigures): void {
	const item = f.item;
	const identity = lineIdentity(item, ctx.exportOptions);
	w.lit("<Товар>");
	w.el("Ид", clip(identity.id, 80), "item.id");
	// Always when known: a `#` in `Ид` defeats УТ's lookup by GUID, which then falls back to `Артикул`, then the name.
	opt(w, "Артикул", item.sku, "item.sku");
	w.el("Наименование", clip(identity.name, 255), "item.name");
	writeUnit(w, item.unit.code, item.unit.name);
	const rateText = f.rateText ?? "";
	if (f.rateText !== null) {
		w.lit("<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>");
		w.text(rateText, "item.vatRate");
		w.lit("</Ставка></СтавкаНалога></СтавкиНалогов>");
	}
	if (ctx.exportOptions && item.options.length > 0) {
		w.lit("<ХарактеристикиТовара>");
		for (const o of item.options) {
			w.lit("<ХарактеристикаТовара><Наименование>");
			w.text(clip(o.name, 255), "item.options.name");
			w.lit("</Наименование><Значение>");
			w.text(clip(o.value, 1000), "item.options.value");
			w.lit("</Значение></ХарактеристикаТовара>");
		}
		w.lit("</ХарактеристикиТовара>");
	}
	w.lit(item.kind === "service" ? KIND_SERVICE : KIND_GOODS);
	w.asciiEl("ЦенаЗаЕдиницу", money(f.price));
	w.asciiEl("Количество", formatPlain(f.qty));
	w.asciiEl("Сумма", money(f.sum));
	if (ctx.modern) {
		w.lit("<Единица>");
		w.text(okeiCode(item.unit.code), "unit.code");
		w.lit("</Единица><Коэффициент>1</Коэффициент>");
	}
	if (f.vat) {
		w.lit("<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме><Сумма>");
		w.ascii(money(f.vat));
		w.lit("</Сумма><Ставка>");
		w.ascii(rateText);
		w.lit("</Ставка></Налог></Налоги>");
	}
	// Both discounts are already taken off the line Сумма (1C: Сумма = Цена × Количество − Σ Скидка/Сумма).
	const lineDiscount = f.discount.units > 0n;
	const orderDiscount = f.orderShare.units > 0n;
	if (lineDiscount || orderDiscount) {
		w.lit("<Скидки>");
		if (lineDiscount) {
			w.lit("<Скидка><Наименование>Скидка на товар</Наименование><Сумма>");
			w.ascii(money(f.discount));
			w.lit("</Сумма><УчтеноВСумме>true</УчтеноВСумме></Скидка>");
		}
		if (orderDiscount) {
			w.lit("<Скидка><Наименование>Скидка на заказ</Наименование><Сумма>");
			w.ascii(money(f.orderShare));
			w.lit("</Сумма><УчтеноВСумме>true</УчтеноВСумме></Скидка>");
		}
		w.lit("</Скидки>");
	}
	w.lit("</Товар>\n");
}

function writeDelivery(w: ByteSink, ctx: WriterContext, d: DeliveryFigures): void {
	const p = money(d.price);
	w.lit(`<Товар><Ид>${ORDER_DELIVERY_ID}</Ид><Наименование>${ORDER_DELIVERY_NAME}</Наименование>`);
	writeUnit(w, "796", "шт");
	if (d.rateText !== null) {
		w.lit("<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>");
		w.text(d.rateText, "vat");
		w.lit("</Ставка></СтавкаНалога></СтавкиНалогов>");
	}
	w.lit(KIND_SERVICE);
	w.asciiEl("ЦенаЗаЕдиницу", p);
	w.lit("<Количество>1</Количество>");
	w.asciiEl("Сумма", p);
	if (ctx.modern) w.lit("<Единица>796</Единица><Коэффициент>1</Коэффициент>");
	if (d.vat && d.rateText !== null) {
		w.lit("<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме><Сумма>");
		w.ascii(money(d.vat));
		w.lit("</Сумма><Ставка>");
		w.ascii(d.rateText);
		w.lit("</Ставка></Налог></Налоги>");
	}
	w.lit("</Товар>\n");
}

function writeRequisites(w: ByteSink, ctx: WriterContext, o: ExportOrder): void {
	const sep = ctx.isoRequisiteDates ? "T" : " ";
	w.lit("<ЗначенияРеквизитов>");
	const paid = o.payment?.paid === true;
	const cancelled = ctx.cancelled.has(o.status) || o.deleted === true;
	if (o.payment?.method) {
		requisite(w, "Метод оплаты", o.payment.method, "payment.method");
		// Its presence is what makes УТ map the payment form (by this code, then by the "Метод оплаты" name).
		requisite(w, "Метод оплаты ИД", o.payment.methodId?.trim() ? o.payment.methodId : o.payment.method, "payment.methodId");
	}
	requisiteAscii(w, "<ЗначениеРеквизита><Наименование>Заказ оплачен</Наименование><Значение>", paid ? "true" : "false");
	// БП records the card payment only with both, next to "Метод оплаты".
	if (paid && o.payment?.paidAt) {
		requisiteAscii(
			w,
			"<ЗначениеРеквизита><Наименование>Дата оплаты</Наименование><Значение>",
			`${localDate(o.payment.paidAt)}${sep}${localTime(o.payment.paidAt)}`,
		);
	}
	if (paid && o.payment?.documentNumber) requisite(w, "Номер платежного документа", o.payment.documentNumber, "payment.documentNumber");
	// The store's default: a paid, not cancelled order may be shipped (Bitrix sends its own "allow delivery" flag here).
	const deliveryAllowed = paid && !cancelled;
	const changed = o.statusChangedAt ?? o.createdAt;
	const changedText = `${localDate(changed)}${sep}${localTime(changed)}`;
	if (!ctx.deliveryPermissionDate) {
		requisiteAscii(w, "<ЗначениеРеквизита><Наименование>Доставка разрешена</Наименование><Значение>", deliveryAllowed ? "true" : "false");
	} else if (deliveryAllowed) {
		// 2.10 replaces the flag by the date delivery was last allowed (docs/protocol.md §16);
		// the store records no such date, so the last status change (else the order date) stands for it.
		requisiteAscii(w, "<ЗначениеРеквизита><Наименование>Дата последнего разрешения по доставке</Наименование><Значение>", changedText);
	}
	requisiteAscii(w, "<ЗначениеРеквизита><Наименование>Отменен</Наименование><Значение>", cancelled ? "true" : "false");
	if (o.deleted === true) requisiteAscii(w, "<ЗначениеРеквизита><Наименование>ПометкаУдаления</Наименование><Значение>", "true");
	requisiteAscii(
		w,
		"<ЗначениеРеквизита><Наименование>Финальный статус</Наименование><Значение>",
		ctx.final.has(o.status) ? "true" : "false",
	);
	if (ctx.exportStatuses) {
		const mapped = Object.hasOwn(ctx.statusMap, o.status) ? ctx.statusMap[o.status] : undefined;
		requisite(w, "Статус заказа", mapped ?? o.status, "status");
		requisite(w, "Статуса заказа ИД", o.status, "status");
	}
	requisiteAscii(w, "<ЗначениеРеквизита><Наименование>Дата изменения статуса</Наименование><Значение>", changedText);
	if (o.shipping?.method) requisite(w, "Способ доставки", o.shipping.method, "shipping.method");
	if (o.shipping?.address) requisite(w, "Адрес доставки", o.shipping.address, "shipping.address");
	if (o.customerComment) requisite(w, "Комментарии покупателя", o.customerComment, "customerComment");
	for (const e of o.extra) requisite(w, e.name, e.value, "extra");
	w.lit("</ЗначенияРеквизитов>");
}

function documentXml(w: ByteSink, o: ExportOrder, ctx: WriterContext): void {
	if (!ISO_DATE_TIME.test(o.createdAt)) throw new RangeError(`order ${o.id}: createdAt is not an ISO 8601 date-time`);
	if (o.statusChangedAt != null && !ISO_DATE_TIME.test(o.statusChangedAt)) {
		throw new RangeError(`order ${o.id}: statusChangedAt is not an ISO 8601 date-time`);
	}
	// Line money first: the document-level taxes that precede `Товары` are the sum of the line taxes.
	const discount = fastDecimal(o.discount);
	if (o.payment?.paidAt != null && !ISO_DATE_TIME.test(o.payment.paidAt)) {
		throw new RangeError(`order ${o.id}: payment.paidAt is not an ISO 8601 date-time`);
	}
	const lines = lineFigures(o, discount, ctx.vat, ctx.writesNoVat);
	let vatTotal: Decimal = ZERO;
	for (const l of lines) if (l.vat) vatTotal = addDecimal(vatTotal, l.vat);
	const shipPrice = o.shipping ? fastDecimal(o.shipping.price) : ZERO;
	const delivery = ctx.shipping === "always" || (ctx.shipping === "paid" && shipPrice.units > 0n) ? deliveryFigures(shipPrice, ctx) : null;
	if (delivery?.vat) vatTotal = addDecimal(vatTotal, delivery.vat);

	w.lit("<Документ>");
	w.el("Ид", o.id, "id");
	w.el("Номер", o.number, "number");
	w.asciiEl("Дата", localDate(o.createdAt));
	w.lit("<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>");
	w.el("Валюта", o.currency, "currency");
	w.asciiEl("Курс", formatPlain(fastDecimal(o.rate)));
	w.asciiEl("Сумма", money(fastDecimal(o.total)));
	if (ctx.modern) {
		if (o.version != null && Number.isFinite(o.version)) w.asciiEl("НомерВерсии", String(Math.trunc(o.version)));
		if (o.oneC?.number) w.el("Номер1С", o.oneC.number, "oneC.number");
	}
	w.lit("\n");
	writeCounterparty(w, ctx, o.customer, counterpartyId(o));
	w.asciiEl("Время", localTime(o.createdAt));
	opt(w, "Комментарий", o.comment, "comment", 3000);
	// Always: the prices include VAT. Without this a VAT-paying БП organization adds its rate on top of the store's
	// prices (`СведенияОНалогахЗаказа`), and УТ reads `СуммаВключаетНДС` from it too.
	w.lit("<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме><Сумма>");
	w.ascii(money(vatTotal));
	w.lit("</Сумма></Налог></Налоги>");
	// The order discount, for the record. Its parts are already in the line sums ("Скидка на заказ" on
	// each line) and the document Сумма is the total after it, so УчтеноВСумме is true: "already taken
	// off, do not subtract". Bitrix writes false here, which tells a loader the discount is still to be
	// applied — with the lines already reduced that would apply it twice (docs/protocol.md §16;
	// CommerceML: a Скидка is "на товарную позицию и/или в целом на сумму документа", УчтеноВСумме says which
	// sums it is already in). Kept rather than dropped so a 1C operator still sees the order discount.
	if (discount.units > 0n) {
		w.lit("<Скидки><Скидка><Наименование>Скидка на заказ</Наименование><Сумма>");
		w.ascii(money(discount));
		w.lit("</Сумма><УчтеноВСумме>true</УчтеноВСумме></Скидка></Скидки>");
	}
	w.lit("\n<Товары>\n");
	for (let i = 0; i < lines.length; i++) {
		try {
			writeItem(w, ctx, lines[i] as LineFigures);
		} catch (e) {
			throw withField(e, "item.", `items[${i}].`);
		}
	}
	if (delivery) writeDelivery(w, ctx, delivery);
	w.lit("</Товары>\n");
	writeRequisites(w, ctx, o);
	w.lit("\n</Документ>\n");
}

function withField(e: unknown, from: string, to: string): unknown {
	if (e instanceof CommerceMLError && e.code === "CHAR_FORBIDDEN") {
		return new CommerceMLError("CHAR_FORBIDDEN", e.message.slice("CHAR_FORBIDDEN: ".length).replace(` of ${from}`, ` of ${to}`));
	}
	return e;
}

/**
 * Writes one order as a `Документ` element into the sink (escaped and encoded).
 * @throws CommerceMLError `CHAR_FORBIDDEN` naming the order (`Ид`, `Номер`) and the field;
 * RangeError for an order whose dates or decimals are not valid
 */
export function writeDocument(w: ByteSink, order: ExportOrder, ctx: WriterContext): void {
	try {
		documentXml(w, order, ctx);
	} catch (e) {
		if (e instanceof CommerceMLError && e.code === "CHAR_FORBIDDEN") {
			throw new CommerceMLError(
				"CHAR_FORBIDDEN",
				`order ${JSON.stringify(order.id)} (Номер ${JSON.stringify(order.number)}): ${e.message.slice("CHAR_FORBIDDEN: ".length)}`,
			);
		}
		throw e;
	}
}
