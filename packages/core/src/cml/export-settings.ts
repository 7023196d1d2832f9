/**
 * @module
 * Export settings of a 1C node (site → 1C direction) and their resolved, validated form.
 *
 * The JSON keys mirror the node settings in architecture.md (`schemaVersion`, `encoding`,
 * `shipping`, `exportOptions`, `exportStatuses`, `statusMap.export`, `cancelledStatuses`,
 * `finalStatuses`, `vat`), so the exchange can pass a node's settings through unchanged.
 */
import type { Order } from "../model/order.ts";

/**
 * CommerceML 2 schema version written to `ВерсияСхемы`. 1C asks for one via `init&version=…`;
 * Bitrix's default is 2.05. Versions ≥ 2.07 add `НомерВерсии`/`Номер1С` and `Единица`/`Коэффициент`,
 * 2.10 switches requisite dates to `YYYY-MM-DDTHH:MM:SS`.
 */
export type SchemaVersion = "2.03" | "2.04" | "2.05" | "2.07" | "2.08" | "2.09" | "2.10";

/** Byte encoding of the `query` answer: windows-1251 (Bitrix, default) or UTF-8 (no BOM: 1C checks that the body starts with `<?xml`). */
export type XmlEncoding = "windows-1251" | "utf-8";

/**
 * VAT on the exported lines. `auto`: a line's rate only from its item's `vatRate`; `none`: "Без НДС" on every line; a
 * rate (percent): on every line without its own `vatRate`. In every mode the document says its prices include VAT.
 */
export type VatMode = "auto" | "none" | "22" | "20" | "10" | "7" | "5" | "0";

/** Which 1C configuration a node talks to (the node setting `configuration`): УТ/КА/ERP/BAS, Розница, УНФ, БП. */
export type OneCConfiguration = "ut" | "retail" | "unf" | "bp";

/** Every {@link VatMode}. */
export const VAT_MODES: readonly VatMode[] = ["auto", "none", "22", "20", "10", "7", "5", "0"];

/** All schema versions the writer supports, oldest first. */
export const SCHEMA_VERSIONS: readonly SchemaVersion[] = ["2.03", "2.04", "2.05", "2.07", "2.08", "2.09", "2.10"];

/** How the writer renders orders for one 1C node. Every field is optional; defaults as documented. */
export interface ExportSettings {
	/** `ВерсияСхемы`; default "2.05". */
	schemaVersion?: SchemaVersion;
	/** Default "windows-1251". */
	encoding?: XmlEncoding;
	/** The `ORDER_DELIVERY` service line: never, only when the shipping price is > 0 (default), or always. */
	shipping?: "none" | "paid" | "always";
	/** Write line options as `ХарактеристикиТовара`; default false. */
	exportOptions?: boolean;
	/** Write "Статус заказа" (mapped) and "Статуса заказа ИД" (the store code); default true. "Дата изменения статуса" is always written. */
	exportStatuses?: boolean;
	/** Store status code → the exact 1C status string; unmapped codes are sent as is. */
	statusMap?: Record<string, string>;
	/** Store status codes that mean "Отменен" = true. */
	cancelledStatuses?: string[];
	/** Store status codes that mean "Финальный статус" = true. */
	finalStatuses?: string[];
	/** VAT on the lines; default "auto" (see {@link VatMode}). */
	vat?: VatMode;
	/**
	 * The 1C configuration on the other side; default "ut". Розница 2 converts a line's rate text with `Число()` outside
	 * any error handler (`ОбменССайтомРТ`), so "Без НДС" would abort its whole load: for `retail` such lines carry no
	 * rate at all (1C applies the item's own) and the preview warns (`VAT_RATE_UNREADABLE`).
	 */
	configuration?: OneCConfiguration;
	/** `ДатаФормирования`; default now (a Date is written in the process's local time). */
	generatedAt?: Date | string;
}

/** What the writer takes: a validated order plus what is known about its 1C twin. */
export interface ExportOrder extends Order {
	/** Known 1C document id/number; the number is written as `<Номер1С>` for schema ≥ 2.07. */
	oneC?: { id?: string | null; number?: string | null } | null;
	/** Order revision counter, written as `<НомерВерсии>` for schema ≥ 2.07. */
	version?: number;
	/**
	 * Deleted on the site: written with the requisite "ПометкаУдаления" = true (and "Отменен" = true), so 1C marks
	 * its order for deletion (1C never removes documents on its own, the mark is what it understands).
	 */
	deleted?: boolean;
}

/** Settings with defaults applied and version-dependent spellings decided once per document. */
export interface WriterContext {
	readonly schemaVersion: SchemaVersion;
	readonly encoding: XmlEncoding;
	readonly cp1251: boolean;
	/**
	 * Schema ≥ 2.07: `НомерВерсии`, `Номер1С`, `Единица` + `Коэффициент`, and the XSD КонтактТип spelling
	 * `Телефон рабочий` (≤ 2.05 keeps Bitrix's `ТелефонРабочий`; e-mail is `Почта` in both, as the XSD has no
	 * "Электронная почта").
	 */
	readonly modern: boolean;
	/** Schema ≥ 2.10: requisite dates with `T`. */
	readonly isoRequisiteDates: boolean;
	/**
	 * Schema ≥ 2.10: "Дата последнего разрешения по доставке" (written only when delivery is allowed)
	 * instead of the "Доставка разрешена" flag, as Bitrix does from 2.10.
	 */
	readonly deliveryPermissionDate: boolean;
	readonly shipping: "none" | "paid" | "always";
	readonly exportOptions: boolean;
	readonly exportStatuses: boolean;
	readonly statusMap: Readonly<Record<string, string>>;
	readonly cancelled: ReadonlySet<string>;
	readonly final: ReadonlySet<string>;
	readonly vat: VatMode;
	/** Whether "Без НДС" may be written as a line rate (false for Розница, see {@link ExportSettings.configuration}). */
	readonly writesNoVat: boolean;
	/** `YYYY-MM-DDTHH:MM:SS`. */
	readonly generatedAt: string;
}

const pad2 = (n: number) => (n < 10 ? `0${n}` : String(n));

/** Formats `ДатаФормирования` (`YYYY-MM-DDTHH:MM:SS`, no zone, as 1C writes it). */
export function formatGeneratedAt(value: Date | string | undefined): string {
	if (value === undefined || value instanceof Date) {
		const d = value ?? new Date();
		if (Number.isNaN(d.getTime())) throw new RangeError("generatedAt is an invalid Date");
		return `${String(d.getFullYear()).padStart(4, "0")}-${pad2(d.getMonth() + 1)}-${pad2(d.getDate())}T${pad2(d.getHours())}:${pad2(d.getMinutes())}:${pad2(d.getSeconds())}`;
	}
	const m = /^(\d{4}-\d{2}-\d{2})(?:[T ](\d{2}:\d{2})(:\d{2})?)?/.exec(value);
	if (!m) throw new RangeError(`generatedAt is not an ISO 8601 date-time: ${JSON.stringify(value)}`);
	return `${m[1]}T${m[2] ?? "00:00"}${m[3] ?? ":00"}`;
}

/** Applies defaults and validates the settings. @throws RangeError for an unknown version or encoding. */
export function resolveSettings(settings: ExportSettings = {}): WriterContext {
	const schemaVersion = settings.schemaVersion ?? "2.05";
	if (!SCHEMA_VERSIONS.includes(schemaVersion)) throw new RangeError(`unsupported CommerceML schema version: ${schemaVersion}`);
	const encoding = (settings.encoding ?? "windows-1251").toLowerCase() as XmlEncoding;
	if (encoding !== "windows-1251" && encoding !== "utf-8") throw new RangeError(`unsupported encoding: ${settings.encoding}`);
	const shipping = settings.shipping ?? "paid";
	if (shipping !== "none" && shipping !== "paid" && shipping !== "always") throw new RangeError(`unknown shipping mode: ${shipping}`);
	const vat = settings.vat ?? "auto";
	if (!VAT_MODES.includes(vat)) throw new RangeError(`unknown VAT mode: ${vat}`);
	const modern = schemaVersion >= "2.07";
	return {
		schemaVersion,
		encoding,
		cp1251: encoding === "windows-1251",
		modern,
		isoRequisiteDates: schemaVersion >= "2.10",
		deliveryPermissionDate: schemaVersion >= "2.10",
		shipping,
		exportOptions: settings.exportOptions ?? false,
		exportStatuses: settings.exportStatuses ?? true,
		statusMap: settings.statusMap ?? {},
		cancelled: new Set(settings.cancelledStatuses ?? []),
		final: new Set(settings.finalStatuses ?? []),
		vat,
		writesNoVat: settings.configuration !== "retail",
		generatedAt: formatGeneratedAt(settings.generatedAt),
	};
}
