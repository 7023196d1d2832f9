/**
 * @module
 * The order file 1C sends to the site (`mode=file`), per client family, built with xmlbuilder2
 * (an implementation independent of @obmen/core's writer). docs/protocol.md §7.1–7.2, §16.
 * - `ut11` (family A): ns `urn:1C.ru:commerceml_2`, 2.07; `Ид` = 1C GUID, `Номер`/`Дата` = site ones;
 *   requisites "Номер по 1С", "Дата по 1С", "Проведен", "ПометкаУдаления", payment/shipment number and
 *   date, "Отменен"; booleans only when true, no status string.
 * - `unf` (family B): ns `urn:1C.ru:commerceml_210`, 2.08; adds "Оплачен", "Отгружен", "Статус заказа".
 * - `cloud` (МойСклад, Класс365, assumed): the common document, "Статус заказа" as its only requisite.
 * - `bitrix-module` (family C): elements `Номер1С`, `Дата1С`, `НомерВерсии`, `ПометкаУдаления`, requisites
 *   "Статуса заказа ИД", "Финальный статус", optional `Контейнер` wrapping.
 */
import { create } from "xmlbuilder2";
import type { XMLBuilder } from "xmlbuilder2/lib/interfaces.js";
import { Infobase, type OneCOrder } from "./infobase.ts";

/**
 * Client family of the producer. `cloud` (МойСклад, Класс365 — an assumption, see profiles/cloud.ts): the common
 * document with "Статус заказа" as its only requisite (their own status text).
 */
export type Family = "ut11" | "unf" | "bitrix-module" | "cloud";

/** Options of {@link buildOrderFile}. */
export interface OrderFileOptions {
	family: Family;
	/** `ДатаФормирования`. */
	generatedAt: string;
	/** Site status string → 1C status (the node table); reversed for "Статус заказа" (unf, bitrix-module). */
	statusMap?: Record<string, string>;
	/** Family C: wrap each `Документ` in `Контейнер`. */
	container?: boolean;
	/** Prepend a UTF-8 BOM (ЗаписьXML in УТ 11/УНФ writes one). Default: true for ut11/unf, false for bitrix-module. */
	bom?: boolean;
}

/** Reverse status lookup: the first site string mapped to the 1C status, else the 1C status itself. */
export function siteStatusFor(status: string, statusMap: Record<string, string> = {}): string {
	return Object.entries(statusMap).find(([, s]) => s === status)?.[0] ?? status;
}
/** Site status code from a Bitrix-style `[N] Name` string, else the string. */
export function statusCode(siteStatus: string): string {
	return /^\[([^\]]+)\]/.exec(siteStatus)?.[1] ?? siteStatus;
}

function requisite(parent: XMLBuilder, name: string, value: string): void {
	parent.ele("ЗначениеРеквизита").ele("Наименование").txt(name).up().ele("Значение").txt(value);
}

function orderDocument(parent: XMLBuilder, base: Infobase, o: OneCOrder, opts: OrderFileOptions): void {
	const cp = base.counterparty(o.counterpartyGuid);
	const doc = parent.ele("Документ");
	const closed = Infobase.isClosed(o) && o.status !== "Закрыт";
	const c = opts.family === "bitrix-module";
	doc.ele("Ид").txt(o.guid);
	if (c) doc.ele("НомерВерсии").txt(String(o.version)).up().ele("ПометкаУдаления").txt(String(o.deleted));
	doc.ele("Номер").txt(o.siteNumber);
	if (c) doc.ele("Номер1С").txt(o.number);
	doc.ele("Дата").txt(o.siteDate);
	if (c) doc.ele("Дата1С").txt(o.date.slice(0, 10));
	doc.ele("ХозОперация").txt("Заказ товара").up().ele("Роль").txt("Продавец");
	doc.ele("Валюта").txt(o.currency.slice(0, 3)).up().ele("Курс").txt(o.rate).up().ele("Сумма").txt(o.total);
	const cpEl = doc.ele("Контрагенты").ele("Контрагент");
	cpEl
		.ele("Ид")
		.txt(cp?.guid ?? o.counterpartyGuid)
		.up()
		.ele("Наименование")
		.txt(cp?.name ?? "");
	if (cp?.fullName) cpEl.ele("ПолноеНаименование").txt(cp.fullName);
	if (cp?.inn) cpEl.ele("ИНН").txt(cp.inn);
	if (cp?.kpp) cpEl.ele("КПП").txt(cp.kpp);
	cpEl.ele("Роль").txt("Покупатель");
	doc.ele("Время").txt(o.date.slice(11, 19));
	if (o.comment) doc.ele("Комментарий").txt(o.comment);
	const goods = doc.ele("Товары");
	for (const l of o.lines) {
		const item = base.item(l.itemGuid);
		const t = goods.ele("Товар");
		// library `ДобавитьТоварыЗаказаXDTO` + `ДополнитьИдНоменклатурыХарактеристикой`: 1C's GUID, `#<characteristic GUID>` when set
		t.ele("Ид")
			.txt(l.characteristicGuid ? `${l.itemGuid}#${l.characteristicGuid}` : l.itemGuid)
			.up()
			.ele("Наименование")
			.txt(l.name);
		t.ele("БазоваяЕдиница", { Код: "796", НаименованиеПолное: "Штука", МеждународноеСокращение: "PCE" }).txt(l.unit);
		const reqs = t.ele("ЗначенияРеквизитов");
		requisite(reqs, "ВидНоменклатуры", item?.kind ?? "Товар");
		requisite(reqs, "ТипНоменклатуры", item?.type ?? "Товар");
		t.ele("ЦенаЗаЕдиницу")
			.txt(l.price)
			.up()
			.ele("Количество")
			.txt(l.cancelled ? "0" : l.quantity)
			.up()
			.ele("Сумма")
			.txt(l.cancelled ? "0" : l.total);
	}
	const reqs = doc.ele("ЗначенияРеквизитов");
	if (opts.family === "cloud") {
		requisite(reqs, "Статус заказа", siteStatusFor(o.status, opts.statusMap));
		return;
	}
	requisite(reqs, "Номер по 1С", o.number);
	requisite(reqs, "Дата по 1С", o.date);
	if (o.posted) requisite(reqs, "Проведен", "true");
	if (o.deleted) requisite(reqs, "ПометкаУдаления", "true");
	if (o.posted && o.payment) {
		requisite(reqs, "Номер оплаты по 1С", o.payment.number);
		requisite(reqs, "Дата оплаты по 1С", o.payment.date);
	}
	if (o.posted && o.shipment) {
		requisite(reqs, "Номер отгрузки по 1С", o.shipment.number);
		requisite(reqs, "Дата отгрузки по 1С", o.shipment.date);
	}
	if (closed) requisite(reqs, "Отменен", "true");
	if (opts.family === "unf") {
		requisite(reqs, "Оплачен", String(o.payment !== null));
		requisite(reqs, "Отгружен", String(o.shipment !== null));
		requisite(reqs, "Статус заказа", siteStatusFor(o.status, opts.statusMap));
	}
	if (c) {
		requisite(reqs, "Статуса заказа ИД", statusCode(siteStatusFor(o.status, opts.statusMap)));
		requisite(reqs, "Финальный статус", String(o.status === "Закрыт" || (o.payment !== null && o.shipment !== null)));
	}
}

/** Builds the UTF-8 bytes of one order file for the given orders. */
export function buildOrderFile(base: Infobase, orders: OneCOrder[], opts: OrderFileOptions): Uint8Array<ArrayBuffer> {
	const ns = opts.family === "unf" ? "urn:1C.ru:commerceml_210" : "urn:1C.ru:commerceml_2";
	const version = opts.family === "ut11" ? "2.07" : "2.08";
	const root = create({ version: "1.0", encoding: "UTF-8" }).ele(ns, "КоммерческаяИнформация", {
		ВерсияСхемы: version,
		ДатаФормирования: opts.generatedAt,
	});
	for (const o of orders) orderDocument(opts.family === "bitrix-module" && opts.container ? root.ele("Контейнер") : root, base, o, opts);
	const xml = root.end({ prettyPrint: true });
	const body = new TextEncoder().encode(xml);
	const bom = opts.bom ?? opts.family !== "bitrix-module";
	if (!bom) return body as Uint8Array<ArrayBuffer>;
	const out = new Uint8Array(body.byteLength + 3);
	out.set([0xef, 0xbb, 0xbf]);
	out.set(body, 3);
	return out;
}
