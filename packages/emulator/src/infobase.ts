/**
 * @module
 * The emulated "1C infobase": counterparties, nomenclature and customer orders, loaded from
 * site orders the way УТ 11 does it (docs/protocol.md §6.2, §10) and changed by 1C users (post, pay, ship,
 * cancel, change status), which registers the order for sending back to the site. JSON-serialisable.
 */
import type { Counterparty, InfobaseState, LoadResult, Nomenclature, OneCOrder, OrderLine } from "./model.ts";
import { formatOneCDate, pad } from "./model.ts";
import type { QueryDocument, QueryItem } from "./query-parser.ts";
import type { NodeSettings } from "./settings.ts";

export * from "./model.ts";

const isTrue = (v: string | undefined): boolean => v !== undefined && ["true", "да", "1"].includes(v.trim().toLowerCase());
const reqOf = (doc: QueryDocument, name: string): string | undefined => doc.requisites.find((r) => r.name === name)?.value;

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

/** The in-memory 1C base. */
export class Infobase {
	state: InfobaseState;
	constructor(
		state?: InfobaseState,
		private readonly now: () => Date = () => new Date(),
	) {
		this.state = state
			? structuredClone(state)
			: { counters: { order: 0, payment: 0, shipment: 0 }, counterparties: [], items: [], orders: [] };
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
	counterparty(guid: string): Counterparty | undefined {
		return this.state.counterparties.find((c) => c.guid === guid);
	}
	item(guid: string): Nomenclature | undefined {
		return this.state.items.find((i) => i.guid === guid);
	}

	/**
	 * Loads a query answer in one transaction: validates every document first; any error ⇒ nothing is
	 * written and `ok` is false (1C then does not send `success`).
	 */
	load(documents: QueryDocument[], settings: NodeSettings): LoadResult {
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
		};
		for (const [i, d] of documents.entries()) result.errors.push(...validateDocument(d, i));
		if (result.errors.length > 0) return { ...result, ok: false };
		if (documents.length === 0) result.warnings.push("Нет документов для обработки.");
		const saved = structuredClone(this.state);
		try {
			for (const doc of documents) this.loadOne(doc, settings, result);
		} catch (e) {
			this.state = saved;
			return { ...result, ok: false, errors: [String((e as Error).message)] };
		}
		return result;
	}

	private loadOne(doc: QueryDocument, settings: NodeSettings, result: LoadResult): void {
		const number = (doc.number ?? "").trim();
		if (number.length > 11) result.warnings.push(`Номер "${number}" длиннее 11 символов: заказ не будет найден при повторной загрузке`);
		const existing = this.findBySiteNumber(number);
		if (existing) {
			const approved =
				existing.status !== "Не согласован" ||
				existing.lines.every((l) => l.cancelled) ||
				existing.payment !== null ||
				existing.shipment !== null;
			if (approved) {
				result.skipped++;
				result.warnings.push(`Заказ ${existing.number} (сайт ${number}) пропущен: не в состоянии "Ожидается согласование"`);
				return;
			}
		}
		const cpDoc =
			doc.counterparties.find((c) => c.role === "Покупатель" && c.name?.trim()) ?? doc.counterparties.find((c) => c.name?.trim());
		if (!cpDoc) throw new Error(`Документ ${number}: нет контрагента`);
		const cp = this.findOrCreateCounterparty(
			cpDoc.name?.trim() ?? "",
			cpDoc.officialName || cpDoc.fullName || cpDoc.name || "",
			cpDoc.inn ?? "",
			cpDoc.kpp ?? "",
			cpDoc.id,
			settings,
			result,
		);
		const cancelled = isTrue(reqOf(doc, "Отменен"));
		const lines: OrderLine[] = doc.items.map((it) => {
			const nom = this.findOrCreateItem(it, settings, result);
			const hash = it.id?.indexOf("#") ?? -1;
			const chars = [hash >= 0 ? it.id?.slice(hash + 1) : "", it.characteristics.map((c) => `${c.name}: ${c.value}`).join("; ")]
				.filter(Boolean)
				.join(" / ");
			return {
				itemGuid: nom.guid,
				name: nom.name,
				quantity: it.quantity ?? "1",
				price: it.price ?? "0",
				total: it.total ?? it.price ?? "0",
				unit: it.unitName ?? nom.unit,
				characteristic: chars || null,
				cancelled,
				cancelReason: cancelled ? settings.cancelReason : null,
			};
		});
		const siteStatus = reqOf(doc, "Статус заказа");
		const status =
			siteStatus !== undefined && Object.hasOwn(settings.statusMap, siteStatus)
				? (settings.statusMap[siteStatus] ?? "Не согласован")
				: "Не согласован";
		const fields = {
			siteId: doc.id,
			siteDate: doc.date ?? "",
			status,
			counterpartyGuid: cp.guid,
			agreement: settings.agreement,
			organization: settings.organization,
			warehouse: settings.warehouse,
			manager: settings.manager,
			currency: (doc.currency ?? "").trim(),
			rate: doc.rate ?? "1",
			total: doc.total ?? "0",
			comment: doc.comment ?? "",
			paymentMethod: reqOf(doc, "Метод оплаты") ?? null,
			customerComment: reqOf(doc, "Комментарии покупателя") ?? null,
			lines,
		};
		if (existing) {
			Object.assign(existing, fields);
			if (settings.postOnLoad) existing.posted = true;
			result.updated++;
		} else {
			const n = ++this.state.counters.order;
			this.state.orders.push({
				guid: crypto.randomUUID(),
				number: `ТД00-${pad(n, 6)}`,
				date: formatOneCDate(this.now()),
				siteNumber: number.slice(0, 11),
				posted: settings.postOnLoad,
				deleted: false,
				payment: null,
				shipment: null,
				registered: false,
				version: 1,
				...fields,
			});
			result.created++;
		}
		result.loaded.push(number);
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

	private findOrCreateItem(it: QueryItem, settings: NodeSettings, result: LoadResult): Nomenclature {
		const type = it.requisites.ТипНоменклатуры === "Услуга" || it.requisites.ВидНоменклатуры === "Услуга" ? "Услуга" : "Товар";
		const guid = it.id ? it.id.split("#")[0] : undefined;
		const items = this.state.items;
		const found =
			(guid ? items.find((i) => i.guid === guid) : undefined) ??
			(it.sku?.trim() ? items.find((i) => i.sku === it.sku?.trim()) : undefined) ??
			items.find((i) => i.name === (it.name ?? "") && i.type === type);
		if (found) return found;
		const created: Nomenclature = {
			guid: crypto.randomUUID(),
			name: it.name ?? "",
			sku: it.sku?.trim() ?? "",
			type,
			kind: type === "Услуга" ? settings.serviceKind : settings.goodsKind,
			unit: settings.unit,
			group: settings.nomenclatureGroup,
		};
		items.push(created);
		result.itemsCreated++;
		return created;
	}

	private mustFind(siteNumber: string): OneCOrder {
		const o = this.findBySiteNumber(siteNumber.slice(0, 11));
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
