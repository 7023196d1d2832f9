/**
 * @module
 * The emulated "1C infobase": counterparties, nomenclature and customer orders, loaded from
 * site orders the way УТ 11 does it (docs/protocol.md §6.2, §10) and changed by 1C users (post, pay, ship,
 * cancel, change status), which registers the order for sending back to the site. JSON-serialisable.
 */
import type { Characteristic, Counterparty, InfobaseState, LoadResult, Nomenclature, OneCOrder, OrderLine } from "./model.ts";
import { formatOneCDate, pad } from "./model.ts";
import type { QueryDocument, QueryItem } from "./query-parser.ts";
import type { NodeSettings } from "./settings.ts";

export * from "./model.ts";

const isTrue = (v: string | undefined): boolean => v !== undefined && ["true", "да", "1"].includes(v.trim().toLowerCase());
const reqOf = (doc: QueryDocument, name: string): string | undefined => doc.requisites.find((r) => r.name === name)?.value;

/**
 * БП `СтавкаНДСПоДаннымXDTO` / `СведенияОНалогахЗаказа`: the line's VAT rate from its `СтавкиНалогов`/`Налоги`,
 * else the document's `Налоги/Налог` НДС `Ставка`, else the organization's default.
 */
export function lineVatRate(it: QueryItem, doc: QueryDocument, settings: NodeSettings): string {
	const isVat = (t: { name: string; rate: string | null }) => t.name.toLowerCase() === "ндс" && t.rate !== null && t.rate !== "";
	return it.taxes.find(isVat)?.rate ?? doc.taxes.find(isVat)?.rate ?? settings.defaultVatRate;
}

/** Checks one document the way `ЗагрузитьЗаказы` does; returns error texts. */
export function validateDocument(doc: QueryDocument, index: number): string[] {
	const where = `Документ №${index + 1} (Номер ${doc.number ?? "?"})`;
	const errors: string[] = [];
	if ((doc.operation ?? "").trim().toLowerCase() !== "заказ товара")
		errors.push(`${where}: ХозОперация "${doc.operation ?? ""}" не "Заказ товара"`);
	if (!(doc.currency ?? "").trim()) errors.push(`${where}: не заполнена Валюта`);
	if (!doc.counterparties.some((c) => (c.name ?? "").trim())) errors.push(`${where}: нет Контрагента с Наименованием`);
	if (!doc.number?.trim()) errors.push(`${where}: не заполнен Номер`);
	if (!/^\d{4}-\d{2}-\d{2}$/.test(doc.date ?? "")) errors.push(`${where}: неверный формат Даты "${doc.date ?? ""}" (ожидается ГГГГ-ММ-ДД)`);
	if (doc.time !== null && !/^\d{2}:\d{2}:\d{2}$/.test(doc.time)) errors.push(`${where}: неверный формат Времени "${doc.time}"`);
	return errors;
}

/** How a configuration finds an order it loaded before (docs/protocol.md §14). */
export type OrderKeyRule = "ut" | "retail" | "unf" | "bp";
/** How a configuration turns a line into product + characteristic (docs/protocol.md §15). */
export type LineRule = "library" | "unf" | "unf16" | "bp";

/** The loading rules of one configuration; {@link LIBRARY_RULES} (УТ 11 / КА / ERP) by default. */
export interface LoadRules {
	key: OrderKeyRule;
	lines: LineRule;
	/**
	 * `all`: every document in one transaction, any error rolls all back (library `СоздатьОбновитьЗаказы`, УНФ);
	 * `per-order`: each order its own transaction, the first error stops the loop (БП `СоздатьОбновитьЗаказы`).
	 */
	transaction: "all" | "per-order";
	/** Reads `ИНН`/`КПП` of the buyer (BAS does not). */
	readsInnKpp: boolean;
	/** Which loaded orders are never updated again: library (left "Ожидается согласование"), Розница (cancelled/closed), none. */
	frozen: "library" | "retail" | "none";
}

/** УТ 11 / КА 2 / ERP library rules (`ОбменССайтом`). */
export const LIBRARY_RULES: LoadRules = { key: "ut", lines: "library", transaction: "all", readsInnKpp: true, frozen: "library" };

/** `КвалификаторыСтроки(11)`: the library's "Номер заказа на сайте" column. */
export const UT_NUMBER_LENGTH = 11;
/** УНФ `ЗаказыПокупателейССайта.НомерЗаказаНаСайте`: `Строка(100)`. */
export const UNF_NUMBER_LENGTH = 100;
/** `Номенклатура.Наименование` length: a longer name is cut and never found again. */
export const PRODUCT_NAME_LENGTH = 100;
/** `ХарактеристикиНоменклатуры.Наименование` length. */
export const CHARACTERISTIC_NAME_LENGTH = 150;

const GUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** `Новый УникальныйИдентификатор(Строка)` succeeds. */
export const isGuid = (s: string): boolean => GUID.test(s);
const beforeHash = (s: string): string => (s.includes("#") ? s.slice(0, s.indexOf("#")) : s);
const afterHash = (s: string): string => (s.includes("#") ? s.slice(s.indexOf("#") + 1) : "");

/**
 * БП's order key P (`ПолучитьНомерЗаказаССайта`): each character whose lower-case form is not a digit is
 * removed by `СтрЗаменить` of that lower-case form, so digits and capital letters stay; zero-padded to 6 on
 * the left; only the first 6 count (the invoice number's site part). The real key also carries the
 * organization and site prefixes, constant for one node.
 */
export function bpOrderKey(siteNumber: string): string {
	let n = siteNumber.trim();
	for (const ch of [...n]) {
		const lower = ch.toLowerCase();
		if (!"1234567890".includes(lower)) n = n.split(lower).join("");
	}
	return n.padStart(6, "0").slice(0, 6);
}

const cutCharacteristic = (name: string): string =>
	`НайтиСоздатьХарактеристикуНоменклатуры: характеристика "${name.slice(0, 40)}…" длиннее ${CHARACTERISTIC_NAME_LENGTH} символов — обрезана, создается заново при каждой загрузке`;

/** The in-memory 1C base. */
export class Infobase {
	state: InfobaseState;
	constructor(
		state?: InfobaseState,
		private readonly now: () => Date = () => new Date(),
	) {
		this.state = state
			? structuredClone(state)
			: { counters: { order: 0, payment: 0, shipment: 0 }, counterparties: [], items: [], orders: [], characteristics: [], buyerIds: {} };
		this.state.characteristics ??= [];
		this.state.buyerIds ??= {};
	}
	/** Restores a base saved with {@link toJSON}. */
	static fromJSON(json: unknown, now?: () => Date): Infobase {
		const s = json as InfobaseState;
		if (!s || !Array.isArray(s.orders) || !Array.isArray(s.items) || !Array.isArray(s.counterparties))
			throw new Error("not an infobase state");
		return new Infobase(s, now);
	}
	toJSON(): InfobaseState {
		return structuredClone(this.state);
	}

	/** Orders whose stored site number equals `siteNumber` (the УТ 11 lookup: `Строка(11)` vs the full number). */
	findBySiteNumber(siteNumber: string): OneCOrder | undefined {
		return this.state.orders.find((o) => o.siteNumber === siteNumber);
	}
	/** Every order loaded from the site order with this `Ид` (more than one means 1C duplicated it). */
	findBySiteId(siteId: string): OneCOrder[] {
		return this.state.orders.filter((o) => o.siteId === siteId);
	}
	counterparty(guid: string): Counterparty | undefined {
		return this.state.counterparties.find((c) => c.guid === guid);
	}
	item(guid: string): Nomenclature | undefined {
		return this.state.items.find((i) => i.guid === guid);
	}
	characteristic(guid: string): Characteristic | undefined {
		return this.state.characteristics?.find((c) => c.guid === guid);
	}

	/**
	 * Loads a query answer. With `transaction: "all"` every document is validated first and any error ⇒
	 * nothing is written and `ok` is false (1C then does not send `success`); with `per-order` (БП) the
	 * orders before the failing one stay written.
	 */
	load(documents: QueryDocument[], settings: NodeSettings, rules: LoadRules = LIBRARY_RULES): LoadResult {
		const result: LoadResult = {
			ok: true,
			errors: [],
			warnings: [],
			documents: documents.length,
			created: 0,
			updated: 0,
			skipped: 0,
			counterpartiesCreated: 0,
			itemsCreated: 0,
			loaded: [],
			deviations: [],
		};
		if (documents.length === 0) result.warnings.push("Нет документов для обработки.");
		if (rules.transaction === "per-order") return this.loadPerOrder(documents, settings, rules, result);
		for (const [i, d] of documents.entries()) result.errors.push(...validateDocument(d, i));
		if (result.errors.length > 0) return { ...result, ok: false };
		const saved = structuredClone(this.state);
		try {
			const before = new Set(this.state.orders.map((o) => o.guid));
			for (const doc of documents) this.loadOne(doc, settings, rules, result, before);
		} catch (e) {
			this.state = saved;
			return { ...result, ok: false, errors: [String((e as Error).message)], deviations: [] };
		}
		return result;
	}

	/** БП `СоздатьОбновитьЗаказы`: one transaction per order; the first failing order stops the loop. */
	private loadPerOrder(documents: QueryDocument[], settings: NodeSettings, rules: LoadRules, result: LoadResult): LoadResult {
		const before = new Set(this.state.orders.map((o) => o.guid));
		for (const [i, doc] of documents.entries()) {
			// БП `ПереданыОбязательныеПоляЗаказа`: Дата and Номер; a new order also needs Валюта and Контрагент.
			const where = `Документ №${i + 1} (Номер ${doc.number ?? "?"})`;
			const errors: string[] = [];
			if (!doc.number?.trim()) errors.push(`${where}: не заполнен Номер`);
			if (!/^\d{4}-\d{2}-\d{2}$/.test(doc.date ?? "")) errors.push(`${where}: не заполнена Дата`);
			if (errors.length === 0 && !this.findExisting(doc, rules)) {
				if (!(doc.currency ?? "").trim()) errors.push(`${where}: не заполнена Валюта`);
				if (doc.counterparties.length === 0) errors.push(`${where}: нет Контрагенты/Контрагент`);
			}
			const saved = structuredClone(this.state);
			try {
				if (errors.length > 0) throw new Error(errors.join("; "));
				this.loadOne(doc, settings, rules, result, before);
			} catch (e) {
				this.state = saved;
				return { ...result, ok: false, errors: [String((e as Error).message)] };
			}
		}
		return result;
	}

	/** The order 1C finds for a document under the configuration's key (see {@link OrderKeyRule}). */
	private findExisting(doc: QueryDocument, rules: LoadRules): OneCOrder | undefined {
		const number = (doc.number ?? "").trim();
		const orders = this.state.orders;
		switch (rules.key) {
			// library `ПолучитьРанееЗагруженныеДокументы`: the Строка(11) column compared with the full number
			case "ut":
				return orders.find((o) => o.siteNumber === number);
			// Розница `ОбменССайтомРТ.ПолучитьРанееЗагруженныеДокументы`: (НомерЗаказаНаСайте, ДатаЗаказаНаСайте) В (cut number, date+time)
			case "retail":
				return orders.find(
					(o) =>
						o.siteNumber === number.slice(0, UT_NUMBER_LENGTH) &&
						o.siteDate === (doc.date ?? "") &&
						(o.siteTime ?? "") === (doc.time ?? ""),
				);
			// УНФ `ЗаказыПокупателейССайта.НомерЗаказаНаСайте`, Строка(100)
			case "unf":
				return orders.find((o) => o.siteNumber === number.slice(0, UNF_NUMBER_LENGTH));
			// БП `СопоставитьЗагружаемыеЗаказыИОплаты`: key P per calendar year
			case "bp": {
				const key = bpOrderKey(number);
				return orders.find((o) => o.bpKey === key && o.siteDate.slice(0, 4) === (doc.date ?? "").slice(0, 4));
			}
		}
	}

	private loadOne(doc: QueryDocument, settings: NodeSettings, rules: LoadRules, result: LoadResult, before: Set<string>): void {
		const number = (doc.number ?? "").trim();
		if (rules.key !== "unf" && rules.key !== "bp" && number.length > UT_NUMBER_LENGTH)
			result.warnings.push(`Номер "${number}" длиннее 11 символов: заказ не будет найден при повторной загрузке`);
		const existing = this.findExisting(doc, rules);
		if (existing && rules.key === "bp" && !before.has(existing.guid))
			throw new Error(
				`Номер счета ${existing.number} не уникален: заказы сайта ${existing.siteId} и ${doc.id} дают один номер (${existing.bpKey})`,
			);
		if (existing && existing.siteId !== null && doc.id !== null && existing.siteId !== doc.id) {
			const proc =
				rules.key === "bp"
					? "БП ПолучитьНомерЗаказаССайта/СопоставитьЗагружаемыеЗаказыИОплаты"
					: rules.key === "retail"
						? "Розница ПолучитьРанееЗагруженныеДокументы"
						: "ПолучитьРанееЗагруженныеДокументы";
			result.deviations.push(
				`${proc}: заказ сайта ${doc.id} (Номер ${number}) загружен в заказ 1С ${existing.number} заказа сайта ${existing.siteId} (Номер ${existing.siteNumber}) — два заказа слиты в один`,
			);
		}
		if (existing && this.frozen(existing, rules)) {
			result.skipped++;
			result.warnings.push(`Заказ ${existing.number} (сайт ${number}) пропущен: не в состоянии "Ожидается согласование"`);
			return;
		}
		const cpDoc =
			doc.counterparties.find((c) => c.role === "Покупатель" && c.name?.trim()) ?? doc.counterparties.find((c) => c.name?.trim());
		if (!cpDoc) throw new Error(`Документ ${number}: нет контрагента`);
		const cp =
			rules.key === "bp"
				? this.bpCounterparty(cpDoc, number, result)
				: this.findOrCreateCounterparty(
						cpDoc.name?.trim() ?? "",
						cpDoc.officialName || cpDoc.fullName || cpDoc.name || "",
						rules.readsInnKpp ? (cpDoc.inn ?? "") : "",
						rules.readsInnKpp ? (cpDoc.kpp ?? "") : "",
						cpDoc.id,
						settings,
						result,
					);
		const cancelled = isTrue(reqOf(doc, "Отменен"));
		const lines: OrderLine[] = doc.items.map((it) => {
			const service = it.requisites.ТипНоменклатуры === "Услуга" || it.requisites.ВидНоменклатуры === "Услуга";
			const nom = this.findOrCreateItem(it, service, settings, rules.lines, result);
			const ch = this.findOrCreateCharacteristic(it, service, nom, settings, rules.lines, result);
			return {
				itemGuid: nom.guid,
				name: nom.name,
				quantity: it.quantity ?? "1",
				price: it.price ?? "0",
				total: it.total ?? it.price ?? "0",
				unit: it.unitName ?? nom.unit,
				characteristic: ch?.name ?? null,
				characteristicGuid: ch?.guid ?? null,
				...(rules.key === "bp" ? { vatRate: lineVatRate(it, doc, settings) } : {}),
				cancelled,
				cancelReason: cancelled ? settings.cancelReason : null,
			};
		});
		const siteStatus = reqOf(doc, "Статус заказа");
		const status =
			siteStatus !== undefined && Object.hasOwn(settings.statusMap, siteStatus)
				? (settings.statusMap[siteStatus] ?? "Не согласован")
				: "Не согласован";
		const total = rules.key === "bp" ? this.bpTotal(doc, lines, settings, number, result) : (doc.total ?? "0");
		const fields = {
			siteId: doc.id,
			siteDate: doc.date ?? "",
			siteTime: doc.time ?? "",
			status,
			counterpartyGuid: cp.guid,
			agreement: settings.agreement,
			organization: settings.organization,
			warehouse: settings.warehouse,
			manager: settings.manager,
			currency: (doc.currency ?? "").trim(),
			rate: doc.rate ?? "1",
			total,
			comment: doc.comment ?? "",
			paymentMethod: reqOf(doc, "Метод оплаты") ?? null,
			customerComment: reqOf(doc, "Комментарии покупателя") ?? null,
			lines,
		};
		if (existing) {
			// БП overwrites the invoice's lines and total but keeps its buyer
			Object.assign(existing, rules.key === "bp" ? { ...fields, counterpartyGuid: existing.counterpartyGuid } : fields);
			if (settings.postOnLoad) existing.posted = true;
			result.updated++;
		} else {
			const earlier = doc.id !== null ? this.findBySiteId(doc.id) : [];
			const n = ++this.state.counters.order;
			const created: OneCOrder = {
				guid: crypto.randomUUID(),
				number: `ТД00-${pad(n, 6)}`,
				date: formatOneCDate(this.now()),
				siteNumber: number.slice(0, rules.key === "unf" ? UNF_NUMBER_LENGTH : rules.key === "bp" ? number.length : UT_NUMBER_LENGTH),
				...(rules.key === "bp" ? { bpKey: bpOrderKey(number) } : {}),
				posted: settings.postOnLoad,
				deleted: false,
				payment: null,
				shipment: null,
				registered: false,
				version: 1,
				...fields,
			};
			this.state.orders.push(created);
			result.created++;
			if (earlier.length > 0) {
				const proc = rules.key === "retail" ? "Розница ПолучитьРанееЗагруженныеДокументы" : "ПолучитьРанееЗагруженныеДокументы";
				result.deviations.push(
					`${proc}: заказ сайта ${doc.id} (Номер ${number}) не найден по ключу и создан повторно: ${created.number}, ранее ${earlier.map((o) => o.number).join(", ")} — заказ задвоен`,
				);
			}
		}
		result.loaded.push(number);
	}

	/** Whether a loaded order is never updated again by this configuration. */
	private frozen(o: OneCOrder, rules: LoadRules): boolean {
		if (rules.frozen === "library")
			// library `ПолучитьРанееЗагруженныеДокументы` (ОбменССайтомПереопределяемый): only "Ожидается согласование" is updated
			return o.status !== "Не согласован" || o.lines.every((l) => l.cancelled) || o.payment !== null || o.shipment !== null;
		if (rules.frozen === "retail") return Infobase.isClosed(o) || o.status === "Закрыт"; // `НеОбновлятьЗаказ`
		return false;
	}

	/**
	 * БП `ЗаполнитьКонтрагентаВЗаказе` / `КонтрагентПоДаннымИнтернетМагазина`: the buyer by `Контрагент/Ид` in
	 * the register `КонтрагентыИнтернетМагазина` (`Строка(40)`), then ИНН/КПП, then (for us) name; a created
	 * buyer's id is registered even when empty, so an order without `Ид` gets whoever was registered under "".
	 */
	private bpCounterparty(cpDoc: QueryDocument["counterparties"][number], number: string, result: LoadResult): Counterparty {
		const ids = this.state.buyerIds ?? {};
		this.state.buyerIds = ids;
		const id = (cpDoc.id ?? "").trim().slice(0, 40);
		const name = cpDoc.name?.trim() ?? "";
		const registered = Object.hasOwn(ids, id) ? this.counterparty(ids[id] ?? "") : undefined;
		if (id === "") {
			result.deviations.push(
				registered && registered.name !== name
					? `БП КонтрагентПоДаннымИнтернетМагазина: заказ ${number} без Контрагент/Ид получил контрагента первого такого покупателя "${registered.name}" вместо "${name}"`
					: `БП ЗаполнитьДанныеКонтрагента: заказ ${number} без Контрагент/Ид — пустой Ид зарегистрирован, каждый следующий покупатель без Ид станет "${registered?.name ?? name}"`,
			);
		}
		if (registered) return registered;
		const inn = (cpDoc.inn ?? "").trim();
		const kpp = (cpDoc.kpp ?? "").trim();
		const found =
			(inn ? this.state.counterparties.find((c) => c.inn === inn && (!kpp || c.kpp === kpp)) : undefined) ??
			this.state.counterparties.find((c) => c.name === name);
		const cp = found ?? { guid: crypto.randomUUID(), name, fullName: cpDoc.officialName || cpDoc.fullName || name, inn, kpp, siteId: id };
		if (!found) {
			this.state.counterparties.push(cp);
			result.counterpartiesCreated++;
		}
		ids[id] = cp.guid;
		return cp;
	}

	/**
	 * БП `СведенияОНалогахЗаказа` + `ЗаполнитьТабличнуюЧастьЗаказа`/`ПересчитатьСуммуНДС`: the invoice total. A
	 * VAT-paying organization without a document `Налоги/Налог` НДС `УчтеноВСумме=true` adds VAT on top of the
	 * lines; a total that differs from the store's is reported.
	 */
	private bpTotal(doc: QueryDocument, lines: OrderLine[], settings: NodeSettings, number: string, result: LoadResult): string {
		const vat = doc.taxes.find((t) => t.name.toLowerCase() === "ндс");
		const included = vat?.inSum !== undefined && vat.inSum !== null && vat.inSum.toLowerCase() === "true";
		let cents = 0;
		for (const l of lines) {
			const sum = Math.round(Number(l.total) * 100);
			const rate = Number.parseFloat(l.vatRate ?? "");
			cents += settings.vatPayer && !included && Number.isFinite(rate) ? Math.round((sum * (100 + rate)) / 100) : sum;
		}
		const total = (cents / 100).toFixed(2);
		const site = Number(doc.total ?? "0");
		if (Math.round(site * 100) !== cents)
			result.deviations.push(
				`БП ЗаполнитьТабличнуюЧастьЗаказа: сумма счета по заказу ${number} ${total} ≠ сумме заказа на сайте ${site.toFixed(2)}${included ? "" : " (нет Налоги/Налог НДС УчтеноВСумме=true: НДС начислен сверху)"}`,
			);
		return total;
	}
	private findOrCreateCounterparty(
		name: string,
		fullName: string,
		inn: string,
		kpp: string,
		siteId: string | null,
		settings: NodeSettings,
		result: LoadResult,
	): Counterparty {
		const list = this.state.counterparties;
		let found: Counterparty | undefined;
		if (settings.counterpartySearch === "inn-kpp" && inn.trim()) {
			found = list.find((c) => c.inn === inn.trim() && (!kpp.trim() || c.kpp === kpp.trim()));
		} else {
			found = list.find((c) => c.name === name);
		}
		if (found) return found;
		const created: Counterparty = { guid: crypto.randomUUID(), name, fullName, inn: inn.trim(), kpp: kpp.trim(), siteId };
		list.push(created);
		result.counterpartiesCreated++;
		return created;
	}

	/**
	 * The line's product.
	 * - library (`ОбменССайтомПереопределяемый.НайтиСоздатьНоменклатуру`): by the **whole** `Ид` as a GUID (a `#`
	 *   makes it fail), then `Артикул`, then the name before `#` with the node's kind; a new product gets the
	 *   `Ид` as its reference when it is a GUID.
	 * - УНФ (`НайтиСоздатьНоменклатуру`) and БП (`ДанныеНаменклатурыВСтрокеЗаказа`): by the part of `Ид` before
	 *   `#`, then `Артикул`, then the name (УНФ: before `#`; БП: the whole name); a new product gets a new reference.
	 * The catalog name is cut to 100 characters, so a longer one is never found again: reported.
	 */
	private findOrCreateItem(it: QueryItem, service: boolean, settings: NodeSettings, rule: LineRule, result: LoadResult): Nomenclature {
		const type = service ? "Услуга" : "Товар";
		const id = (it.id ?? "").trim();
		const guid = rule === "library" ? id : beforeHash(id);
		const name = rule === "bp" ? (it.name ?? "") : beforeHash(it.name ?? "");
		const items = this.state.items;
		const found =
			(guid && isGuid(guid) ? items.find((i) => i.guid.toLowerCase() === guid.toLowerCase()) : undefined) ??
			(rule !== "library" && guid ? items.find((i) => i.guid === guid) : undefined) ??
			(it.sku?.trim() ? items.find((i) => i.sku === it.sku?.trim()) : undefined) ??
			items.find((i) => i.name === name && i.type === type);
		if (found) return found;
		const created: Nomenclature = {
			// only the library sets the reference of a new product from its `Ид` (`УстановитьСсылкуНового`)
			guid: rule === "library" && isGuid(guid) ? guid.toLowerCase() : crypto.randomUUID(),
			name: name.slice(0, PRODUCT_NAME_LENGTH),
			sku: it.sku?.trim() ?? "",
			type,
			kind: type === "Услуга" ? settings.serviceKind : settings.goodsKind,
			unit: settings.unit,
			group: settings.nomenclatureGroup,
		};
		if (name.length > PRODUCT_NAME_LENGTH)
			result.deviations.push(
				`НайтиСоздатьНоменклатуру: наименование "${name.slice(0, 40)}…" длиннее ${PRODUCT_NAME_LENGTH} символов — обрезано, номенклатура создается заново при каждой загрузке`,
			);
		items.push(created);
		result.itemsCreated++;
		return created;
	}

	/**
	 * The line's characteristic, from `#` only (`ХарактеристикиТовара` is never read in this exchange).
	 * - library `НайтиСоздатьХарактеристикуНоменклатуры`: the part of `Ид` after `#` as the GUID of an existing
	 *   characteristic; else the part of `Наименование` after `#`, found or created by name under the product.
	 *   A `#` in `Наименование` with none in `Ид` calls `НайтиПоНаименованию` on the unassigned
	 *   `СправочникМенеджер` outside any `Попытка`: the exception rolls the whole load back.
	 * - УНФ 3.0/1.6.26 `НайтиСоздатьХарактеристикуНоменклатуры`: the part of `Ид` after `#` as a GUID, then by name
	 *   under the product — the part of `Наименование` after `#`, or the whole `Наименование` when it has none;
	 *   created only when `Ид` has a `#`.
	 * - УНФ 1.6.4–1.6.10: by the part of `Наименование` after `#` alone. БП: no characteristics.
	 * The name is cut to 150 characters (a longer one is re-created on every load: reported).
	 */
	private findOrCreateCharacteristic(
		it: QueryItem,
		service: boolean,
		owner: Nomenclature,
		settings: NodeSettings,
		rule: LineRule,
		result: LoadResult,
	): Characteristic | null {
		if (rule === "bp" || service || !settings.useCharacteristics) return null;
		const id = it.id ?? "";
		const fullName = it.name ?? "";
		const list = this.state.characteristics ?? [];
		this.state.characteristics = list;
		let name: string;
		if (rule === "library") {
			const idPart = afterHash(id);
			if (idPart && isGuid(idPart)) {
				const byGuid = list.find((c) => c.guid.toLowerCase() === idPart.toLowerCase());
				if (byGuid) return byGuid;
			}
			name = afterHash(fullName);
			if (!name) return null;
			if (!idPart)
				throw new Error(
					`НайтиСоздатьХарактеристикуНоменклатуры: "#" в Наименовании "${fullName}" без "#" в Ид "${id}": переменная СправочникМенеджер не определена — загрузка отменена`,
				);
		} else if (rule === "unf") {
			const idPart = afterHash(id);
			if (idPart && isGuid(idPart)) {
				const byGuid = list.find((c) => c.guid.toLowerCase() === idPart.toLowerCase());
				if (byGuid) return byGuid;
			}
			name = afterHash(fullName) || fullName;
			const byName = list.find((c) => c.owner === owner.guid && c.name === name);
			if (byName) return byName;
			if (!idPart) return null;
			// created only when Ид has a `#`; a GUID that names no characteristic becomes the new one's reference
			const created: Characteristic = {
				guid: isGuid(idPart) ? idPart.toLowerCase() : crypto.randomUUID(),
				owner: owner.guid,
				name: name.slice(0, CHARACTERISTIC_NAME_LENGTH),
			};
			if (name.length > CHARACTERISTIC_NAME_LENGTH) result.deviations.push(cutCharacteristic(name));
			list.push(created);
			return created;
		} else {
			name = afterHash(fullName);
			if (!name) return null;
		}
		const found = list.find((c) => c.owner === owner.guid && c.name === name);
		if (found) return found;
		const created: Characteristic = { guid: crypto.randomUUID(), owner: owner.guid, name: name.slice(0, CHARACTERISTIC_NAME_LENGTH) };
		if (name.length > CHARACTERISTIC_NAME_LENGTH) result.deviations.push(cutCharacteristic(name));
		list.push(created);
		return created;
	}

	private mustFind(siteNumber: string): OneCOrder {
		const o = this.findBySiteNumber(siteNumber) ?? this.findBySiteNumber(siteNumber.slice(0, UT_NUMBER_LENGTH));
		if (!o) throw new Error(`в базе 1С нет заказа с номером на сайте ${siteNumber}`);
		return o;
	}
	private touch(o: OneCOrder): OneCOrder {
		o.registered = true;
		o.version++;
		return o;
	}
	/** A user posts (проводит) the order. */
	post(siteNumber: string): OneCOrder {
		const o = this.mustFind(siteNumber);
		o.posted = true;
		return this.touch(o);
	}
	/** Enters a full payment (`ПриходныйКассовыйОрдер`/`ПоступлениеБезналичныхДенежныхСредств`) on the basis of the order. */
	pay(siteNumber: string): OneCOrder {
		const o = this.mustFind(siteNumber);
		o.posted = true;
		o.payment = { number: `ТД00-${pad(++this.state.counters.payment, 6)}`, date: formatOneCDate(this.now()) };
		return this.touch(o);
	}
	/** Enters a full shipment (`РеализацияТоваровУслуг`) on the basis of the order. */
	ship(siteNumber: string): OneCOrder {
		const o = this.mustFind(siteNumber);
		o.posted = true;
		o.shipment = { number: `ТД00-${pad(++this.state.counters.shipment, 6)}`, date: formatOneCDate(this.now()) };
		return this.touch(o);
	}
	/** Cancels every line with the reason (the order becomes closed, not "Закрыт"). */
	cancel(siteNumber: string, reason: string): OneCOrder {
		const o = this.mustFind(siteNumber);
		for (const l of o.lines) {
			l.cancelled = true;
			l.cancelReason = reason;
		}
		return this.touch(o);
	}
	/** Sets the 1C order status. */
	setStatus(siteNumber: string, status: string): OneCOrder {
		const o = this.mustFind(siteNumber);
		o.status = status;
		return this.touch(o);
	}
	/** Sets the deletion mark (`ПометкаУдаления`). */
	markDeleted(siteNumber: string): OneCOrder {
		const o = this.mustFind(siteNumber);
		o.deleted = true;
		o.posted = false;
		return this.touch(o);
	}
	/** Orders registered for the node that came from the site (site number and date filled). */
	registeredOrders(): OneCOrder[] {
		return this.state.orders.filter((o) => o.registered && o.siteNumber && o.siteDate);
	}
	/** Clears the registration after a portion was delivered (`УдалитьРегистрациюИзменений`). */
	unregister(guids: string[]): void {
		for (const o of this.state.orders) if (guids.includes(o.guid)) o.registered = false;
	}
	/** The order is closed: every line cancelled. */
	static isClosed(o: OneCOrder): boolean {
		return o.lines.length > 0 && o.lines.every((l) => l.cancelled);
	}
}
