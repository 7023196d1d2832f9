/**
 * @module
 * The data model of the emulated 1C infobase (УТ 11 objects the order exchange touches):
 * counterparties, nomenclature, customer orders with their payment/shipment documents, and load results.
 */

/** `Контрагенты` catalog entry. */
export interface Counterparty {
	guid: string;
	name: string;
	fullName: string;
	inn: string;
	kpp: string;
	siteId: string | null;
}
/** `Номенклатура` catalog entry; `kind` = ВидНоменклатуры, `type` = ТипНоменклатуры. */
export interface Nomenclature {
	guid: string;
	name: string;
	sku: string;
	kind: string;
	type: "Товар" | "Услуга";
	unit: string;
	group: string;
}
/** `ХарактеристикиНоменклатуры` catalog entry, owned by a product (`Владелец`). */
export interface Characteristic {
	guid: string;
	owner: string;
	/** Stored cut to 150 characters, as the catalog's `Наименование` is. */
	name: string;
}
/** A line of `ЗаказКлиента.Товары`. */
export interface OrderLine {
	itemGuid: string;
	name: string;
	quantity: string;
	price: string;
	total: string;
	unit: string;
	/** Name of the line's characteristic (taken from `#` in `Ид`/`Наименование`, never from `ХарактеристикиТовара`). */
	characteristic: string | null;
	/** GUID of that characteristic (sent back as `Ид` = `<product GUID>#<characteristic GUID>`). */
	characteristicGuid?: string | null;
	/** The line's VAT rate as 1C read it ("20", "Без НДС"), when a profile reads VAT (БП). */
	vatRate?: string | null;
	cancelled: boolean;
	cancelReason: string | null;
}
/** A payment or shipment document entered on the basis of the order. */
export interface BasisDocument {
	number: string;
	date: string;
}
/** `ЗаказКлиента` with the site attributes "номер/дата заказа на сайте". */
export interface OneCOrder {
	guid: string;
	number: string;
	date: string;
	/** Additional attribute "Номер заказа на сайте" (`Строка(11)`: truncated to 11 characters). */
	siteNumber: string;
	siteDate: string;
	/** Розница keys an order by (cut number, date + time): the site time `ЧЧ:ММ:СС`. */
	siteTime?: string;
	/** БП: the order key P (`ПолучитьНомерЗаказаССайта`), e.g. "001042", unique per calendar year. */
	bpKey?: string;
	siteId: string | null;
	status: string;
	posted: boolean;
	deleted: boolean;
	counterpartyGuid: string;
	agreement: string;
	organization: string;
	warehouse: string;
	manager: string;
	currency: string;
	rate: string;
	total: string;
	comment: string;
	paymentMethod: string | null;
	customerComment: string | null;
	lines: OrderLine[];
	payment: BasisDocument | null;
	shipment: BasisDocument | null;
	/** Registered for the exchange node: to be sent to the site. */
	registered: boolean;
	/** Data version (`НомерВерсии`), bumped on every 1C-side change. */
	version: number;
}
/** The whole base as JSON (`--state`). */
export interface InfobaseState {
	counters: { order: number; payment: number; shipment: number };
	counterparties: Counterparty[];
	items: Nomenclature[];
	orders: OneCOrder[];
	/** Characteristics created or found by loads (absent in states saved before they existed). */
	characteristics?: Characteristic[];
	/** БП's register of buyers by the site's `Контрагент/Ид` (id → counterparty GUID; "" is a valid key there). */
	buyerIds?: Record<string, string>;
}
/** Outcome of one all-or-nothing load of a query answer. */
export interface LoadResult {
	ok: boolean;
	/** Validation errors as 1C logs them; any error means nothing was written. */
	errors: string[];
	warnings: string[];
	documents: number;
	created: number;
	updated: number;
	skipped: number;
	counterpartiesCreated: number;
	itemsCreated: number;
	/** Site numbers of the orders created or updated. */
	loaded: string[];
	/**
	 * What the real 1C silently does wrong with this data (an order duplicated or merged, a buyer replaced, a
	 * name cut and re-created on every load, VAT added on top): the store must avoid each of them. The engine
	 * reports each as a deviation of step `load`.
	 */
	deviations: string[];
}

/** Zero-padded decimal. */
export const pad = (n: number, w = 2): string => String(n).padStart(w, "0");
/** 1C date-time text `yyyy-MM-ddTHH:mm:ss` (local wall clock of the given Date, UTC here). */
export function formatOneCDate(d: Date): string {
	return `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}:${pad(d.getUTCSeconds())}`;
}
