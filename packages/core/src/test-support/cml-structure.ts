/**
 * An XSD-free description of the CommerceML order document our writer produces, and a checker for it: which child
 * elements each element may have, in which order, how often, and what its text must look like, per schema version.
 * It follows the element sequences of the official CommerceML 2.08–2.10 XSDs (`Документ`, `Контрагент` with its
 * person/company choice, `Товар`, `Налог`, `Скидка`, `Адрес`, `Контакт`, `ЗначениеРеквизита`) and the documented
 * differences of 2.03–2.07 (`Единица`/`Коэффициент` and the «Телефон рабочий» spelling from 2.07; `НомерВерсии` and
 * `Номер1С`, Bitrix's additions, from 2.07). Used by writer-structure.test.ts, so the unit suite checks structure
 * without the XSD files.
 */
import type { SchemaVersion } from "../cml/export-settings.ts";
import type { XmlNode } from "./xml-tree.ts";

/** Text shapes of leaf elements. */
export type ValueType = "text" | "decimal" | "date" | "time" | "datetime" | "bool" | "okei" | "uint";

/** One element of a sequence. */
export interface ElementRule {
	name: string;
	/** Default 1. */
	min?: number;
	/** Default 1; `Infinity` for unbounded. */
	max?: number;
	/** Leaf: the text shape. Absent with `children`. */
	type?: ValueType;
	/** Allowed values (after the type check). */
	oneOf?: (version: SchemaVersion) => readonly string[];
	/** Required attributes and their shapes. */
	attrs?: Record<string, ValueType>;
	/** Complex element: its child sequence. */
	children?: Particle[];
	/** First schema version that has this element. */
	since?: SchemaVersion;
}

/** A choice between sequences (`xs:choice` of groups): the alternative holding the next child's name is taken. */
export interface ChoiceRule {
	choice: Particle[][];
}

export type Particle = ElementRule | ChoiceRule;

const VERSIONS: readonly SchemaVersion[] = ["2.03", "2.04", "2.05", "2.07", "2.08", "2.09", "2.10"];
const atLeast = (v: SchemaVersion, since: SchemaVersion) => VERSIONS.indexOf(v) >= VERSIONS.indexOf(since);

const PATTERNS: Record<ValueType, RegExp> = {
	text: /^[\s\S]*\S[\s\S]*$/,
	decimal: /^-?\d+(\.\d+)?$/,
	date: /^\d{4}-\d{2}-\d{2}$/,
	time: /^\d{2}:\d{2}:\d{2}$/,
	datetime: /^\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}:\d{2}$/,
	bool: /^(true|false)$/,
	okei: /^\d{3}$/,
	uint: /^\d+$/,
};

const opt = (name: string, type: ValueType = "text"): ElementRule => ({ name, min: 0, type });

const requisiteList: ElementRule = {
	name: "ЗначенияРеквизитов",
	min: 0,
	children: [
		{
			name: "ЗначениеРеквизита",
			max: Number.POSITIVE_INFINITY,
			children: [
				{ name: "Наименование", type: "text" },
				{ name: "Значение", max: Number.POSITIVE_INFINITY, type: "text" },
			],
		},
	],
};

const address = (name: string): ElementRule => ({
	name,
	min: 0,
	children: [
		{ name: "Представление", type: "text" },
		opt("Комментарий"),
		{
			name: "АдресноеПоле",
			min: 0,
			max: 10,
			children: [
				{ name: "Тип", type: "text" },
				{ name: "Значение", type: "text" },
			],
		},
	],
});

const bank: Particle[] = [opt("СчетКорреспондентский", "uint"), { name: "Наименование", type: "text" }, opt("БИК", "uint")];

const counterparty: ElementRule = {
	name: "Контрагент",
	max: Number.POSITIVE_INFINITY,
	children: [
		opt("Ид"),
		opt("Наименование"),
		{
			choice: [
				// РеквизитыФизЛица
				[
					{ name: "ПолноеНаименование", type: "text" },
					opt("Обращение"),
					opt("Фамилия"),
					opt("Имя"),
					opt("Отчество"),
					opt("ДатаРождения", "date"),
					opt("ИНН", "uint"),
					opt("КПП", "uint"),
					address("АдресРегистрации"),
				],
				// РеквизитыЮрЛица
				[
					{ name: "ОфициальноеНаименование", type: "text" },
					address("ЮридическийАдрес"),
					opt("ИНН", "uint"),
					opt("КПП", "uint"),
					opt("ОКПО", "uint"),
					{
						name: "РасчетныеСчета",
						min: 0,
						children: [
							{
								name: "РасчетныйСчет",
								max: Number.POSITIVE_INFINITY,
								children: [
									{ name: "НомерСчета", type: "uint" },
									{ name: "Банк", children: bank },
								],
							},
						],
					},
				],
			],
		},
		opt("Комментарий"),
		address("Адрес"),
		{
			name: "Контакты",
			min: 0,
			children: [
				{
					name: "Контакт",
					max: Number.POSITIVE_INFINITY,
					children: [
						{
							name: "Тип",
							type: "text",
							oneOf: (v) => ["Почта", atLeast(v, "2.07") ? "Телефон рабочий" : "ТелефонРабочий"],
						},
						{ name: "Значение", type: "text" },
						opt("Комментарий"),
					],
				},
			],
		},
		{ name: "Роль", type: "text", oneOf: () => ["Покупатель"] },
	],
};

const tax = (withRate: boolean): ElementRule => ({
	name: "Налог",
	max: Number.POSITIVE_INFINITY,
	children: [
		{ name: "Наименование", type: "text" },
		opt("УчтеноВСумме", "bool"),
		{ name: "Сумма", type: "decimal" },
		...(withRate ? [opt("Ставка")] : []),
	],
});

const discounts: ElementRule = {
	name: "Скидки",
	min: 0,
	children: [
		{
			name: "Скидка",
			max: Number.POSITIVE_INFINITY,
			children: [
				{ name: "Наименование", type: "text" },
				{ name: "Сумма", type: "decimal" },
				opt("Процент", "decimal"),
				opt("УчтеноВСумме", "bool"),
			],
		},
	],
};

const item: ElementRule = {
	name: "Товар",
	max: Number.POSITIVE_INFINITY,
	children: [
		{ name: "Ид", type: "text" },
		opt("Штрихкод"),
		opt("Артикул"),
		{ name: "Наименование", type: "text" },
		{ name: "БазоваяЕдиница", type: "text", attrs: { Код: "okei", НаименованиеПолное: "text" } },
		{
			name: "СтавкиНалогов",
			min: 0,
			children: [
				{
					name: "СтавкаНалога",
					max: Number.POSITIVE_INFINITY,
					children: [
						{ name: "Наименование", type: "text" },
						{ name: "Ставка", type: "text" },
					],
				},
			],
		},
		{
			name: "ХарактеристикиТовара",
			min: 0,
			children: [
				{
					name: "ХарактеристикаТовара",
					max: Number.POSITIVE_INFINITY,
					children: [
						{ name: "Наименование", type: "text" },
						{ name: "Значение", type: "text" },
					],
				},
			],
		},
		requisiteList,
		{ name: "ЦенаЗаЕдиницу", type: "decimal" },
		{ name: "Количество", type: "decimal" },
		{ name: "Сумма", type: "decimal" },
		{ name: "Единица", type: "okei", since: "2.07" },
		{ name: "Коэффициент", type: "decimal", since: "2.07" },
		{ name: "Налоги", min: 0, children: [tax(true)] },
		discounts,
	],
};

/** The order document (`Документ` with `ХозОперация` «Заказ товара»), as the writer produces it. */
export const DOCUMENT: ElementRule = {
	name: "Документ",
	max: Number.POSITIVE_INFINITY,
	children: [
		{ name: "Ид", type: "text" },
		{ name: "Номер", type: "text" },
		{ name: "Дата", type: "date" },
		{ name: "ХозОперация", type: "text", oneOf: () => ["Заказ товара"] },
		{ name: "Роль", type: "text", oneOf: () => ["Продавец"] },
		{ name: "Валюта", type: "text" },
		{ name: "Курс", type: "decimal" },
		{ name: "Сумма", type: "decimal" },
		{ name: "НомерВерсии", min: 0, type: "uint", since: "2.07" },
		{ name: "Номер1С", min: 0, type: "text", since: "2.07" },
		{ name: "Контрагенты", children: [counterparty] },
		opt("Время", "time"),
		opt("Комментарий"),
		{ name: "Налоги", min: 0, children: [tax(false)] },
		discounts,
		{ name: "Товары", min: 0, children: [item] },
		requisiteList,
	],
};

/** The root: `ВерсияСхемы` and `ДатаФормирования`, then documents. */
export const ROOT: ElementRule = {
	name: "КоммерческаяИнформация",
	attrs: { ВерсияСхемы: "text", ДатаФормирования: "datetime" },
	children: [{ ...DOCUMENT, min: 0 }],
};

/** Requisites whose values have a fixed shape. */
export const REQUISITE_TYPES: Record<string, ValueType> = {
	"Заказ оплачен": "bool",
	"Доставка разрешена": "bool",
	Отменен: "bool",
	"Финальный статус": "bool",
	"Дата изменения статуса": "datetime",
};

function isChoice(p: Particle): p is ChoiceRule {
	return "choice" in p;
}

function firstNames(seq: Particle[]): string[] {
	return seq.flatMap((p) => (isChoice(p) ? p.choice.flatMap(firstNames) : [p.name]));
}

/**
 * Checks `node` against `rule` for `version`; returns every violation as `path: message` (empty when it conforms).
 */
export function checkStructure(node: XmlNode, rule: ElementRule, version: SchemaVersion, path = rule.name): string[] {
	const errors: string[] = [];
	if (node.name !== rule.name) return [`${path}: expected <${rule.name}>, got <${node.name}>`];
	for (const [attr, type] of Object.entries(rule.attrs ?? {})) {
		const v = node.attrs[attr];
		if (v === undefined) errors.push(`${path}: missing attribute ${attr}`);
		else if (!PATTERNS[type].test(v)) errors.push(`${path}: attribute ${attr}="${v}" is not ${type}`);
	}
	if (rule.name === "КоммерческаяИнформация" && node.attrs.ВерсияСхемы !== version) {
		errors.push(`${path}: ВерсияСхемы="${node.attrs.ВерсияСхемы}", expected ${version}`);
	}
	if (!rule.children) {
		if (node.children.length) errors.push(`${path}: a leaf has child <${node.children[0]?.name}>`);
		const text = node.text;
		if (rule.type && !PATTERNS[rule.type].test(text)) errors.push(`${path}: "${text}" is not ${rule.type}`);
		const allowed = rule.oneOf?.(version);
		if (allowed && !allowed.includes(text)) errors.push(`${path}: "${text}" is not one of ${allowed.join(" | ")}`);
		return errors;
	}
	if (node.text.trim() !== "") errors.push(`${path}: unexpected text "${node.text.trim()}"`);
	// expand choices by the child that selects the alternative, then walk the sequence in order
	const seq: ElementRule[] = [];
	const names = new Set(node.children.map((c) => c.name));
	const expand = (parts: Particle[]) => {
		for (const p of parts) {
			if (!isChoice(p)) {
				seq.push(p);
				continue;
			}
			const alt = p.choice.find((a) => {
				const first = firstNames(a)[0];
				return first !== undefined && names.has(first);
			});
			if (alt) expand(alt);
			else errors.push(`${path}: none of ${p.choice.map((a) => `<${firstNames(a)[0]}>`).join(", ")} present`);
		}
	};
	expand(rule.children);
	let i = 0;
	for (const r of seq) {
		let count = 0;
		while (i < node.children.length && node.children[i]?.name === r.name) {
			const c = node.children[i] as XmlNode;
			errors.push(...checkStructure(c, r, version, `${path}/${r.name}`));
			count++;
			i++;
		}
		const present = r.since === undefined || atLeast(version, r.since);
		if (!present && count > 0) errors.push(`${path}: <${r.name}> appears before ${r.since}`);
		if (present && count < (r.min ?? 1)) errors.push(`${path}: missing <${r.name}>`);
		if (count > (r.max ?? 1)) errors.push(`${path}: <${r.name}> ${count} times (max ${r.max ?? 1})`);
	}
	if (i < node.children.length) {
		errors.push(`${path}: unexpected or out-of-order <${node.children[i]?.name}> (after the elements above)`);
	}
	if (rule.name === "ЗначениеРеквизита") {
		const name = node.children.find((c) => c.name === "Наименование")?.text ?? "";
		const type = REQUISITE_TYPES[name];
		for (const v of node.children.filter((c) => c.name === "Значение")) {
			if (type && !PATTERNS[type].test(v.text)) errors.push(`${path}: requisite «${name}» value "${v.text}" is not ${type}`);
		}
	}
	return errors;
}
