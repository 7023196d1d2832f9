/**
 * @module
 * Units of measure by OKEI code (ОКЕИ, the Russian classifier 1C uses for `БазоваяЕдиница`).
 *
 * The order model carries only the code and the short name (`796`, `шт`). 1C matches units by
 * `Код`; Bitrix additionally writes `НаименованиеПолное` and `МеждународноеСокращение`, which this
 * table supplies for the common codes. Unknown codes are written with `Код` and the short name only.
 */

/** Full name (`НаименованиеПолное`) and international abbreviation (`МеждународноеСокращение`). */
export interface OkeiUnit {
	readonly fullName: string;
	readonly international: string;
}

const UNITS: ReadonlyMap<string, OkeiUnit> = new Map([
	["796", { fullName: "Штука", international: "PCE" }],
	["166", { fullName: "Килограмм", international: "KGM" }],
	["163", { fullName: "Грамм", international: "GRM" }],
	["168", { fullName: "Тонна", international: "TNE" }],
	["006", { fullName: "Метр", international: "MTR" }],
	["055", { fullName: "Квадратный метр", international: "MTK" }],
	["113", { fullName: "Кубический метр", international: "MTQ" }],
	["112", { fullName: "Литр", international: "LTR" }],
	["111", { fullName: "Кубический сантиметр", international: "CMQ" }],
	["715", { fullName: "Пара", international: "NPR" }],
	["778", { fullName: "Упаковка", international: "NMP" }],
	["839", { fullName: "Комплект", international: "SET" }],
	["704", { fullName: "Набор", international: "SET" }],
	["356", { fullName: "Час", international: "HUR" }],
	["359", { fullName: "Сутки", international: "DAY" }],
	["362", { fullName: "Месяц", international: "MON" }],
]);

/**
 * Normalises an OKEI code to the 3–4 characters the XSD (`ЕдиницаТип`) requires:
 * trims and left-pads digits with zeros (`"6"` → `"006"`).
 */
export function okeiCode(code: string): string {
	const c = code.trim();
	return c.length >= 3 ? c : c.padStart(3, "0");
}

/** Looks up the full name and international abbreviation for an OKEI code. */
export function okeiUnit(code: string): OkeiUnit | undefined {
	return UNITS.get(okeiCode(code));
}
