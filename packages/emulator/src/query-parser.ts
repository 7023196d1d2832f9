/**
 * @module
 * An independent reader of the site's `mode=query` answer (`КоммерческаяИнформация` with
 * `Документ` elements), written on saxes so that it can serve as a test oracle for @obmen/core's reader.
 * Matches local names (namespaces ignored), children in any order, documents directly under the root
 * or inside `Контейнер`. It keeps only what 1C's order loading reads (docs/protocol.md §6.2, §10).
 */
import { SaxesParser } from "saxes";

/** A `Контрагент` of a site order. */
export interface QueryCounterparty {
	id: string | null;
	name: string | null;
	fullName: string | null;
	officialName: string | null;
	inn: string | null;
	kpp: string | null;
	role: string | null;
}

/** A `Товар` line of a site order. */
export interface QueryItem {
	/** `Ид`: 1C nomenclature GUID, optionally `guid#characteristic`, or `ORDER_DELIVERY`. */
	id: string | null;
	sku: string | null;
	name: string | null;
	price: string | null;
	quantity: string | null;
	total: string | null;
	unitCode: string | null;
	unitName: string | null;
	/** Line requisites (`ВидНоменклатуры`, `ТипНоменклатуры`, …) by name, in an object without prototype. */
	requisites: Record<string, string>;
	/** `ХарактеристикиТовара/ХарактеристикаТовара` as name/value pairs. */
	characteristics: { name: string; value: string }[];
	/** Line taxes: `СтавкиНалогов/СтавкаНалога` and `Налоги/Налог` (name, rate, `УчтеноВСумме`). */
	taxes: QueryTax[];
}

/** A `Налог` (document or line) or a line's `СтавкаНалога`, as 1C reads it for VAT. */
export interface QueryTax {
	name: string;
	/** `Ставка` text ("20", "Без НДС"), null when absent. */
	rate: string | null;
	/** `УчтеноВСумме` text, null when absent. */
	inSum: string | null;
}

/** A site order `Документ` as 1C reads it. */
export interface QueryDocument {
	id: string | null;
	number: string | null;
	date: string | null;
	time: string | null;
	operation: string | null;
	role: string | null;
	currency: string | null;
	rate: string | null;
	total: string | null;
	comment: string | null;
	counterparties: QueryCounterparty[];
	items: QueryItem[];
	/** Order requisites (`ЗначенияРеквизитов`) in document order; first `Значение` of each. */
	requisites: { name: string; value: string }[];
	/** Document `Налоги/Налог` entries. */
	taxes: QueryTax[];
}

/** The parsed answer. */
export interface QueryFile {
	schemaVersion: string | null;
	/** The root element's default namespace (`xmlns`), "" when none. */
	rootNamespace: string;
	documents: QueryDocument[];
}

const local = (name: string): string => name.slice(name.indexOf(":") + 1);

/** `Документ` children read into {@link QueryDocument} fields (a Map: tag names never index a plain object). */
const HEADER_FIELDS: ReadonlyMap<
	string,
	"id" | "number" | "date" | "time" | "operation" | "role" | "currency" | "rate" | "total" | "comment"
> = new Map([
	["Ид", "id"],
	["Номер", "number"],
	["Дата", "date"],
	["Время", "time"],
	["ХозОперация", "operation"],
	["Роль", "role"],
	["Валюта", "currency"],
	["Курс", "rate"],
	["Сумма", "total"],
	["Комментарий", "comment"],
]);

function newDoc(): QueryDocument {
	return {
		id: null,
		number: null,
		date: null,
		time: null,
		operation: null,
		role: null,
		currency: null,
		rate: null,
		total: null,
		comment: null,
		counterparties: [],
		items: [],
		requisites: [],
		taxes: [],
	};
}
function newItem(): QueryItem {
	return {
		id: null,
		sku: null,
		name: null,
		price: null,
		quantity: null,
		total: null,
		unitCode: null,
		unitName: null,
		// null prototype: requisite names come from the file (`__proto__` must stay a plain key)
		requisites: Object.create(null) as Record<string, string>,
		characteristics: [],
		taxes: [],
	};
}
function newCp(): QueryCounterparty {
	return { id: null, name: null, fullName: null, officialName: null, inn: null, kpp: null, role: null };
}

/**
 * Parses a decoded query body (a string, declaration included). Throws an `Error` on malformed XML
 * or when the root element is not `КоммерческаяИнформация`.
 */
export function parseQueryXml(xml: string): QueryFile {
	const parser = new SaxesParser({ xmlns: false });
	const stack: string[] = [];
	let text = "";
	const file: QueryFile = { schemaVersion: null, rootNamespace: "", documents: [] };
	let doc: QueryDocument | null = null;
	let item: QueryItem | null = null;
	let cp: QueryCounterparty | null = null;
	let cpDepth = -1;
	let req: { name: string; value: string | null } | null = null;
	let ch: { name: string; value: string } | null = null;
	let tax: QueryTax | null = null;

	parser.on("opentag", (tag) => {
		const name = local(tag.name);
		const parent = stack[stack.length - 1];
		if (stack.length === 0) {
			if (name !== "КоммерческаяИнформация") throw new Error(`root element is <${name}>, not <КоммерческаяИнформация>`);
			const v = Object.entries(tag.attributes).find(([k]) => local(k) === "ВерсияСхемы");
			file.schemaVersion = v ? String(v[1]) : null;
			const colon = tag.name.indexOf(":");
			const nsAttr = colon > 0 ? `xmlns:${tag.name.slice(0, colon)}` : "xmlns";
			const ns = Object.entries(tag.attributes).find(([k]) => k === nsAttr);
			file.rootNamespace = ns ? String(ns[1]) : "";
		} else if (name === "Документ" && (stack.length === 1 || parent === "Контейнер")) {
			doc = newDoc();
		} else if (doc && !cp && name === "Контрагент" && parent === "Контрагенты" && stack[stack.length - 2] === "Документ") {
			cp = newCp();
			cpDepth = stack.length;
		} else if (doc && name === "Товар" && parent === "Товары") {
			item = newItem();
		} else if (name === "ЗначениеРеквизита") {
			req = { name: "", value: null };
		} else if (item && name === "ХарактеристикаТовара") {
			ch = { name: "", value: "" };
		} else if (doc && !cp && (name === "Налог" || name === "СтавкаНалога") && (parent === "Налоги" || parent === "СтавкиНалогов")) {
			tax = { name: "", rate: null, inSum: null };
		}
		if (item && name === "БазоваяЕдиница") {
			const code = Object.entries(tag.attributes).find(([k]) => local(k) === "Код");
			if (code) item.unitCode = String(code[1]).trim();
		}
		stack.push(name);
		text = "";
	});
	parser.on("text", (t) => {
		text += t;
	});
	parser.on("cdata", (t) => {
		text += t;
	});
	parser.on("closetag", (tag) => {
		const name = local(tag.name);
		stack.pop();
		const parent = stack[stack.length - 1];
		const value = text;
		text = "";
		if (ch && parent === "ХарактеристикаТовара") {
			if (name === "Наименование") ch.name = value;
			else if (name === "Значение") ch.value = value;
			return;
		}
		if (tax && (parent === "Налог" || parent === "СтавкаНалога")) {
			if (name === "Наименование") tax.name = value.trim();
			else if (name === "Ставка") tax.rate = value.trim();
			else if (name === "УчтеноВСумме") tax.inSum = value.trim();
			return;
		}
		if (tax && (name === "Налог" || name === "СтавкаНалога")) {
			(item ?? doc)?.taxes.push(tax);
			tax = null;
			return;
		}
		if (name === "ХарактеристикаТовара" && ch && item) {
			item.characteristics.push(ch);
			ch = null;
			return;
		}
		if (req && parent === "ЗначениеРеквизита") {
			if (name === "Наименование") req.name = value;
			else if (name === "Значение" && req.value === null) req.value = value;
			return;
		}
		if (name === "ЗначениеРеквизита" && req) {
			if (item) item.requisites[req.name] = req.value ?? "";
			else if (doc && !cp) doc.requisites.push({ name: req.name, value: req.value ?? "" });
			req = null;
			return;
		}
		if (cp && stack.length > cpDepth + 1) return;
		if (cp && stack.length === cpDepth + 1) {
			if (name === "Ид") cp.id = value;
			else if (name === "Наименование") cp.name = value;
			else if (name === "ПолноеНаименование") cp.fullName = value;
			else if (name === "ОфициальноеНаименование") cp.officialName = value;
			else if (name === "ИНН") cp.inn = value;
			else if (name === "КПП") cp.kpp = value;
			else if (name === "Роль") cp.role = value;
			return;
		}
		if (name === "Контрагент" && cp && doc && stack.length === cpDepth) {
			doc.counterparties.push(cp);
			cp = null;
			return;
		}
		if (item && parent === "Товар") {
			if (name === "Ид") item.id = value;
			else if (name === "Артикул") item.sku = value;
			else if (name === "Наименование") item.name = value;
			else if (name === "ЦенаЗаЕдиницу" || name === "Цена") item.price = value.trim();
			else if (name === "Количество") item.quantity = value.trim();
			else if (name === "Сумма") item.total = value.trim();
			else if (name === "БазоваяЕдиница") item.unitName = value.trim() || item.unitName;
			return;
		}
		if (item && parent === "Единица") {
			if (name === "Код") item.unitCode = value.trim();
			else if (name === "НаименованиеКраткое") item.unitName = value.trim();
			return;
		}
		if (name === "Товар" && item && doc) {
			doc.items.push(item);
			item = null;
			return;
		}
		if (doc && parent === "Документ" && !cp && !item) {
			const key = HEADER_FIELDS.get(name);
			if (key) doc[key] = value;
			return;
		}
		if (name === "Документ" && doc && (stack.length === 1 || parent === "Контейнер")) {
			file.documents.push(doc);
			doc = null;
		}
	});
	parser.write(xml).close();
	return file;
}
