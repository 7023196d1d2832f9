/**
 * @module
 * Maps one parsed CommerceML `Документ` element tree into an {@link IncomingDocument}.
 *
 * Children are looked up by local name in any order (1C, Bitrix and the XSD all disagree on
 * order, docs/protocol.md §16). 1C facts arrive in two forms — elements (`Номер1С`,
 * `Дата1С`, `НомерВерсии`, `ПометкаУдаления`) and requisites ("Номер по 1С", "Дата оплаты по 1С", …);
 * both are read. Tag names never become object keys; nothing here recurses
 * (`ПодчиненныеДокументы` are mapped with an explicit work list).
 */
import { combineDateTime, normalizeCmlDate, normalizeCmlDecimal, parseCmlBoolean } from "./values.ts";

/** A parsed element: local name, attributes (null when none), child elements and own text. */
export interface CmlElement {
	name: string;
	attrs: Map<string, string> | null;
	children: CmlElement[];
	text: string;
}

/** A counterparty (`Контрагенты/Контрагент`) of an incoming document. */
export interface IncomingCounterparty {
	id: string | null;
	name: string | null;
	fullName: string | null;
	inn: string | null;
	kpp: string | null;
	/** `Роль`: Покупатель, Плательщик, Получатель, Продавец… */
	role: string | null;
}

/** A requisite (`ЗначениеРеквизита`): name and all its `Значение`s in document order. */
export interface IncomingRequisite {
	name: string;
	values: string[];
}

/** A unit of measure: `БазоваяЕдиница` (attr `Код` + text) or `Единица` (text or `Код`/`НаименованиеКраткое`). */
export interface IncomingUnit {
	code: string | null;
	name: string | null;
	fullName: string | null;
}

/** A document line (`Товары/Товар`). Amounts are normalised decimal strings. */
export interface IncomingItem {
	id: string | null;
	name: string | null;
	sku: string | null;
	quantity: string | null;
	/** `ЦенаЗаЕдиницу`, or `Цена` as 1C writes it. */
	price: string | null;
	total: string | null;
	unit: IncomingUnit | null;
	/** From `ТипНоменклатуры` / `ВидНоменклатуры`: Услуга → service. */
	kind: "goods" | "service" | null;
	requisites: IncomingRequisite[];
}

/** 1C's facts about the document. null = "not sent" (1C omits false flags, so absence means unchanged). */
export interface IncomingOneC {
	/** `Ид` — the 1C document GUID for Family A. */
	id: string | null;
	/** `<Номер1С>` or requisite "Номер по 1С". */
	number: string | null;
	/** `<Дата1С>` or requisite "Дата по 1С". */
	date: string | null;
	/** "Проведен". */
	posted: boolean | null;
	/** true when "Дата оплаты по 1С" (or "Дата оплаты") holds a real date, or "Оплачен"/"Заказ оплачен" is true. */
	paid: boolean | null;
	paidAt: string | null;
	/** "Номер оплаты по 1С" (or "Номер платежного документа"). */
	paymentNumber: string | null;
	/** true when "Дата отгрузки по 1С" holds a real date or "Отгружен" is true. */
	shipped: boolean | null;
	shippedAt: string | null;
	/** "Номер отгрузки по 1С". */
	shipmentNumber: string | null;
	/** "Отменен". */
	cancelled: boolean | null;
	/** `<ПометкаУдаления>` or requisite "ПометкаУдаления" (deletion mark in 1C). */
	deleted: boolean | null;
	/** "Финальный статус". */
	final: boolean | null;
	/** "Статус заказа" (free text of the 1C configuration), as sent; null when absent or blank. */
	status: string | null;
	/** "Статуса заказа ИД" (site status code). */
	statusId: string | null;
	/** `<НомерВерсии>` (opaque 1C data version). */
	version: string | null;
}

/** One `Документ` received from 1C (an order, or a payment/shipment document with `basis`). */
export interface IncomingDocument {
	/** `Ид` (the 1C GUID for Family A; the site id in the 2007 samples). */
	id: string | null;
	/** `Номер` — the SITE number for Family A; empty for orders created in 1C. */
	number: string | null;
	/** `Дата` (+ `T` + `Время`) as sent, ISO 8601, no invented zone. */
	date: string | null;
	/** `ХозОперация`: Заказ товара, Выплата безналичных денег, Отпуск товара… */
	operation: string | null;
	/** `Роль` of the document (Продавец / Покупатель). */
	role: string | null;
	currency: string | null;
	rate: string | null;
	/** `Сумма`, normalised decimal. */
	total: string | null;
	comment: string | null;
	counterparties: IncomingCounterparty[];
	items: IncomingItem[];
	/** `ЗначенияРеквизитов`, ordered as sent. */
	requisites: IncomingRequisite[];
	oneC: IncomingOneC;
	/** `Основание` (payment/shipment documents name their order here). */
	basis: string | null;
	/** `ПодчиненныеДокументы` (CommerceML 2.10). */
	subordinate: IncomingDocument[];
}

/** First child element with the given local name. */
export function childOf(el: CmlElement, name: string): CmlElement | undefined {
	for (const c of el.children) if (c.name === name) return c;
	return undefined;
}

/** Text of the first child with the given name, or null when absent. */
export function textOf(el: CmlElement, name: string): string | null {
	const c = childOf(el, name);
	return c === undefined ? null : c.text;
}

function trimmedOf(el: CmlElement, name: string): string | null {
	const t = textOf(el, name);
	return t === null ? null : t.trim();
}

function nonEmpty(v: string | null | undefined): string | null {
	if (v == null) return null;
	const t = v.trim();
	return t === "" ? null : t;
}

/** Reads `ЗначенияРеквизитов/ЗначениеРеквизита` (and stray `ЗначениеРеквизита` directly under `el`). */
export function readRequisites(el: CmlElement): IncomingRequisite[] {
	const out: IncomingRequisite[] = [];
	const take = (r: CmlElement) => {
		const name = textOf(r, "Наименование");
		if (name === null) return;
		const values: string[] = [];
		for (const v of r.children) if (v.name === "Значение") values.push(v.text);
		out.push({ name: name.trim(), values });
	};
	for (const c of el.children) {
		if (c.name === "ЗначенияРеквизитов") {
			for (const r of c.children) if (r.name === "ЗначениеРеквизита") take(r);
		} else if (c.name === "ЗначениеРеквизита") take(c);
	}
	return out;
}

/** First value of the requisite named `name` (case-insensitive), or null. */
export function requisite(reqs: IncomingRequisite[], name: string): string | null {
	const want = name.toLowerCase();
	for (const r of reqs) if (r.name.toLowerCase() === want) return r.values[0] ?? "";
	return null;
}

function readUnit(item: CmlElement): IncomingUnit | null {
	const base = childOf(item, "БазоваяЕдиница");
	if (base) {
		return {
			code: nonEmpty(base.attrs?.get("Код")),
			name: nonEmpty(base.text),
			fullName: nonEmpty(base.attrs?.get("НаименованиеПолное")),
		};
	}
	const unit = childOf(item, "Единица");
	if (!unit) return null;
	if (unit.children.length === 0) {
		// Bitrix ≥ 2.07 writes the OKEI code as the text (`<Единица>796</Единица>`); others a short name.
		const t = nonEmpty(unit.text);
		return t !== null && /^\d{3,4}$/.test(t) ? { code: t, name: null, fullName: null } : { code: null, name: t, fullName: null };
	}
	return {
		code: nonEmpty(textOf(unit, "Код")) ?? nonEmpty(textOf(unit, "Ид")),
		name: nonEmpty(textOf(unit, "НаименованиеКраткое")),
		fullName: nonEmpty(textOf(unit, "НаименованиеПолное")),
	};
}

function itemKind(reqs: IncomingRequisite[]): "goods" | "service" | null {
	const type = nonEmpty(requisite(reqs, "ТипНоменклатуры"));
	const kind = nonEmpty(requisite(reqs, "ВидНоменклатуры"));
	if (type === null && kind === null) return null;
	if (type?.toLowerCase() === "услуга" || (type === null && kind?.toLowerCase() === "услуга")) return "service";
	return "goods";
}

function readItem(el: CmlElement): IncomingItem {
	const requisites = readRequisites(el);
	return {
		id: textOf(el, "Ид"),
		name: textOf(el, "Наименование"),
		sku: textOf(el, "Артикул"),
		quantity: normalizeCmlDecimal(textOf(el, "Количество")),
		price: normalizeCmlDecimal(textOf(el, "ЦенаЗаЕдиницу") ?? textOf(el, "Цена")),
		total: normalizeCmlDecimal(textOf(el, "Сумма")),
		unit: readUnit(el),
		kind: itemKind(requisites),
		requisites,
	};
}

function readCounterparty(el: CmlElement): IncomingCounterparty {
	return {
		id: textOf(el, "Ид"),
		name: textOf(el, "Наименование"),
		fullName: textOf(el, "ПолноеНаименование") ?? textOf(el, "ОфициальноеНаименование"),
		inn: nonEmpty(textOf(el, "ИНН")),
		kpp: nonEmpty(textOf(el, "КПП")),
		role: trimmedOf(el, "Роль"),
	};
}

/**
 * The lookup key of a requisite name: lower-cased, and a Latin "1C" read as the Cyrillic "1С" that 1C
 * writes (hand-configured exchanges and some modules type the Latin letter).
 */
function requisiteKey(name: string): string {
	return name.toLowerCase().replace(/1c/g, "1с");
}

function readOneC(el: CmlElement, all: IncomingRequisite[]): IncomingOneC {
	// One case-insensitive index per document instead of a scan per looked-up name.
	const index = new Map<string, string>();
	for (const r of all) {
		const key = requisiteKey(r.name);
		if (!index.has(key)) index.set(key, r.values[0] ?? "");
	}
	// Keys are the requisite names lower-cased ("Дата оплаты по 1С" → "дата оплаты по 1с").
	const reqs = { get: (lowerName: string): string | null => index.get(lowerName) ?? null };
	// The official 2007 "Заказ на сайт" sample (and Bitrix) name the payment "Дата оплаты" and
	// "Номер платежного документа"; the "… по 1С" forms of family A/B/C win when both are present.
	const paidAt = normalizeCmlDate(reqs.get("дата оплаты по 1с")) ?? normalizeCmlDate(reqs.get("дата оплаты"));
	const shippedAt = normalizeCmlDate(reqs.get("дата отгрузки по 1с"));
	const paidFlag = parseCmlBoolean(reqs.get("оплачен")) ?? parseCmlBoolean(reqs.get("заказ оплачен"));
	const shippedFlag = parseCmlBoolean(reqs.get("отгружен"));
	const status = reqs.get("статус заказа");
	return {
		id: textOf(el, "Ид"),
		number: nonEmpty(textOf(el, "Номер1С")) ?? nonEmpty(reqs.get("номер по 1с")),
		date: normalizeCmlDate(textOf(el, "Дата1С")) ?? normalizeCmlDate(reqs.get("дата по 1с")),
		posted: parseCmlBoolean(reqs.get("проведен")),
		paid: paidAt !== null ? true : paidFlag,
		paidAt,
		paymentNumber: nonEmpty(reqs.get("номер оплаты по 1с")) ?? nonEmpty(reqs.get("номер платежного документа")),
		shipped: shippedAt !== null ? true : shippedFlag,
		shippedAt,
		shipmentNumber: nonEmpty(reqs.get("номер отгрузки по 1с")),
		cancelled: parseCmlBoolean(reqs.get("отменен")),
		deleted: parseCmlBoolean(textOf(el, "ПометкаУдаления")) ?? parseCmlBoolean(reqs.get("пометкаудаления")),
		final: parseCmlBoolean(reqs.get("финальный статус")),
		// As sent (1C's status table matches exact strings); blank is "no status", not a status to map.
		status: status !== null && status.trim() !== "" ? status : null,
		statusId: nonEmpty(reqs.get("статуса заказа ид")),
		version: nonEmpty(textOf(el, "НомерВерсии")),
	};
}

function mapOne(el: CmlElement): IncomingDocument {
	const requisites = readRequisites(el);
	const counterparties: IncomingCounterparty[] = [];
	const items: IncomingItem[] = [];
	for (const c of el.children) {
		if (c.name === "Контрагенты") {
			for (const k of c.children) if (k.name === "Контрагент") counterparties.push(readCounterparty(k));
		} else if (c.name === "Товары") {
			for (const t of c.children) if (t.name === "Товар") items.push(readItem(t));
		}
	}
	return {
		id: textOf(el, "Ид"),
		number: textOf(el, "Номер"),
		date: combineDateTime(textOf(el, "Дата"), textOf(el, "Время")),
		operation: trimmedOf(el, "ХозОперация"),
		role: trimmedOf(el, "Роль"),
		currency: nonEmpty(textOf(el, "Валюта")),
		rate: normalizeCmlDecimal(textOf(el, "Курс")),
		total: normalizeCmlDecimal(textOf(el, "Сумма")),
		comment: textOf(el, "Комментарий"),
		counterparties,
		items,
		requisites,
		oneC: readOneC(el, requisites),
		basis: nonEmpty(textOf(el, "Основание")),
		subordinate: [],
	};
}

/** Maps a `Документ` element (and its `ПодчиненныеДокументы`, iteratively) into an {@link IncomingDocument}. */
export function mapDocument(root: CmlElement): IncomingDocument {
	const top = mapOne(root);
	const work: Array<[CmlElement, IncomingDocument]> = [[root, top]];
	for (let next = work.pop(); next !== undefined; next = work.pop()) {
		const [el, doc] = next;
		for (const c of el.children) {
			if (c.name !== "ПодчиненныеДокументы") continue;
			for (const s of c.children) {
				if (s.name !== "ПодчиненныйДокумент" && s.name !== "Документ") continue;
				const sub = mapOne(s);
				doc.subordinate.push(sub);
				work.push([s, sub]);
			}
		}
	}
	return top;
}
