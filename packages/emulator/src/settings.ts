/**
 * @module
 * The 1C exchange node's settings (УТ 11 "Обмен с сайтом" node, docs/protocol.md §10) that decide
 * how incoming site orders are loaded and how the client talks to the site.
 */

/** 1C order states (`СтатусЗаказаКлиента` in УТ 11). "Не согласован" = "Ожидается согласование". */
export const ONE_C_STATUSES = ["Не согласован", "Согласован", "К обеспечению", "К отгрузке", "Закрыт"] as const;

/** Node settings of the emulated 1C base. */
export interface NodeSettings {
	/** `СпособИдентификацииКонтрагентов`: by `Наименование`, or by `ИНН`(+`КПП`) falling back to name. */
	counterpartySearch: "name" | "inn-kpp";
	/** `ВидНоменклатурыТовар`: kind of newly created goods. */
	goodsKind: string;
	/** `ВидНоменклатурыУслуга`: kind of newly created services (`ТипНоменклатуры` = "Услуга"). */
	serviceKind: string;
	/** `ЕдиницаИзмеренияНовойНоменклатуры`. */
	unit: string;
	/** `ГруппаДляНовойНоменклатуры`. */
	nomenclatureGroup: string;
	/** `Соглашение`, `Организация`, `Склад`, `Менеджер` put on every loaded order. */
	agreement: string;
	organization: string;
	warehouse: string;
	manager: string;
	/** `СоответствиеСтатусовЗаказов`: site "Статус заказа" string (exact) → 1C status. */
	statusMap: Record<string, string>;
	/** `ПричинаОтменыЗаказа`: set on lines cancelled because of "Отменен" = true. */
	cancelReason: string;
	/** `РазмерПорции`: orders per uploaded file/portion. */
	portionSize: number;
	/** `КоличествоПовторений`: retries of a failed upload portion within one run. */
	retries: number;
	/** "Выполнять обмен без идентификатора сессии": no `&sessid=`. */
	noSessid: boolean;
	/** "Выгружать файлы без ожидания подтверждения импорта сервером": no `import` polling. */
	noImportWait: boolean;
	/** Post loaded orders after a successful load (УТ 11 does). */
	postOnLoad: boolean;
	/** Functional option "Характеристики номенклатуры" (library `Параметры.ИспользоватьХарактеристики`). */
	useCharacteristics: boolean;
	/** БП: the organization pays VAT (then a price without `УчтеноВСумме=true` gets VAT on top). */
	vatPayer: boolean;
	/** БП: the organization's default VAT rate ("20", "Без НДС") for lines the order gives none. */
	defaultVatRate: string;
}

/** Defaults: search by name, "Товар"/"Услуга", "шт", status table empty (every status → "Не согласован"). */
export const DEFAULT_NODE_SETTINGS: NodeSettings = {
	counterpartySearch: "name",
	goodsKind: "Товар",
	serviceKind: "Услуга",
	unit: "шт",
	nomenclatureGroup: "Товары с сайта",
	agreement: "Розничные продажи через сайт",
	organization: "Торговый дом",
	warehouse: "Основной склад",
	manager: "Администратор",
	statusMap: {},
	cancelReason: "Отказ клиента",
	portionSize: 50,
	retries: 2,
	noSessid: false,
	noImportWait: false,
	postOnLoad: true,
	useCharacteristics: true,
	vatPayer: true,
	defaultVatRate: "20",
};

/** Merges partial settings (e.g. from `--node-settings file.json`) over the defaults, validating types. */
export function resolveNodeSettings(partial: Partial<NodeSettings> = {}): NodeSettings {
	const s = { ...DEFAULT_NODE_SETTINGS, ...partial, statusMap: { ...DEFAULT_NODE_SETTINGS.statusMap, ...(partial.statusMap ?? {}) } };
	if (s.counterpartySearch !== "name" && s.counterpartySearch !== "inn-kpp") {
		throw new Error(`counterpartySearch must be "name" or "inn-kpp", got ${JSON.stringify(s.counterpartySearch)}`);
	}
	for (const [site, status] of Object.entries(s.statusMap)) {
		if (!(ONE_C_STATUSES as readonly string[]).includes(status)) throw new Error(`statusMap["${site}"]: unknown 1C status "${status}"`);
	}
	if (!(s.portionSize >= 1)) throw new Error("portionSize must be ≥ 1");
	return s;
}

/** Parses `"[N] Принят=Согласован"` (the CLI's `--status-map`) into `[site, 1C]`; the last `=` separates. */
export function parseStatusMapEntry(entry: string): [string, string] {
	const i = entry.lastIndexOf("=");
	if (i <= 0) throw new Error(`status map entry must be "site status=1C status": ${entry}`);
	return [entry.slice(0, i), entry.slice(i + 1).trim()];
}
