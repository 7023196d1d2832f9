/**
 * @module
 * The `Ид` and `Наименование` of an order line (`Товар`), where 1C reads a product characteristic.
 *
 * No 1C configuration reads `ХарактеристикиТовара` in the site order exchange; every one takes the characteristic
 * from a `#` (docs/1c-setup.md):
 * - УТ 11 / КА 2 / ERP / BAS / Розница (`НайтиСоздатьХарактеристикуНоменклатуры`): the part of `Ид` after the first
 *   `#` as the GUID of an existing characteristic, then the part of `Наименование` after the first `#`, found or
 *   created by that name under the product. A `#` in `Наименование` with none in `Ид` rolls back the whole load on
 *   every run, so a plain product name must never carry one.
 * - УНФ 3.0 / 1.6.26: the product by the part of `Ид` before `#`; a characteristic only when `Ид` has a `#`, named by
 *   the part of `Наименование` after `#`. Its name holds at most 150 characters, the product name at most 100 (a
 *   longer text is cut by 1C, never found again and re-created on every load).
 * - БП 3.0: no characteristics; the product by the part of `Ид` before `#`, then `Артикул`, then the name.
 *
 * Hence: a `#` in a product name is replaced by `№`; a line with options (when the node exports them) gets
 * `<product id>#<option-set id>` and `<product name>#<option text>`; a 1C id `<product GUID>#<characteristic GUID>`
 * stays as it came. When the id with its suffix would exceed 80 characters, neither field gets a `#`.
 */
import type { OrderItem } from "../model/order.ts";
import { clip } from "./field-text.ts";
import { SHORT_DIGEST_LENGTH, shortDigest } from "./short-digest.ts";

/** Longest line `Ид` (the XSD's `ИдентификаторТип` and 1C's site-id fields). */
export const MAX_LINE_ID_LENGTH = 80;
/** Longest product name part in front of `#` (1C's `Номенклатура.Наименование` is `Строка(100)`). */
export const MAX_PRODUCT_NAME_LENGTH = 100;
/** Longest option text after `#` (1C's `ХарактеристикиНоменклатуры.Наименование` is `Строка(150)`). */
export const MAX_OPTION_TEXT_LENGTH = 150;
/** Length of the option-set id appended to a product id. */
export const OPTION_SET_ID_LENGTH = SHORT_DIGEST_LENGTH;
/** What replaces a `#` in a product name: 1C would take the rest of the name for a characteristic. */
export const NAME_HASH_REPLACEMENT = "№";

/** A line's `Ид` and `Наименование` as written, and why no characteristic could be expressed (when so). */
export interface LineIdentity {
	id: string;
	name: string;
	/** Set when the line has options but its `Ид` with the option-set suffix would exceed 80 characters. */
	idTooLong?: { length: number; max: number };
}

/** A product name as 1C must see it: every `#` replaced by `№` (a `#` in `Наименование` only separates the characteristic). */
export function plainProductName(name: string): string {
	return name.includes("#") ? name.replaceAll("#", NAME_HASH_REPLACEMENT) : name;
}

type Option = OrderItem["options"][number];

/** Options in a fixed order (by name, then value; code-unit order, the same in every runtime). */
function sortedOptions(options: readonly Option[]): Option[] {
	const cmp = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
	return [...options].sort((a, b) => cmp(a.name, b.name) || cmp(a.value, b.value));
}

/**
 * The characteristic name 1C creates for a set of options: `name: value` pairs in a fixed order joined by `, `, cut to
 * {@link MAX_OPTION_TEXT_LENGTH} characters (the same options always give the same text, whatever order the store
 * listed them in).
 */
export function optionText(options: readonly Option[]): string {
	return clip(
		sortedOptions(options)
			.map((o) => `${o.name}: ${o.value}`)
			.join(", "),
		MAX_OPTION_TEXT_LENGTH,
	);
}

/**
 * A stable id of an option set: the {@link shortDigest} (12 characters) of the sorted `[name, value]` pairs as JSON.
 * Deterministic across runs, runtimes and the order in which the store lists the options.
 */
export function optionSetId(options: readonly Option[]): string {
	return shortDigest(JSON.stringify(sortedOptions(options).map((o) => [o.name, o.value])));
}

/** The product id sent for a line: 1C's GUID (possibly `GUID#characteristic GUID`) when known, else the store's id. */
export function lineProductId(item: Pick<OrderItem, "externalId" | "productId">): string {
	return item.externalId?.trim() ? item.externalId : item.productId;
}

/**
 * The `Ид` and `Наименование` of a line.
 * - plain line: `Ид` = {@link lineProductId}, `Наименование` = {@link plainProductName} (no `#`);
 * - 1C id with a characteristic (`GUID#GUID`, kept as is) and options: `Наименование` = name (≤ 100) + `#` + option text;
 * - options, no such id: `Ид` = product id + `#` + {@link optionSetId}, `Наименование` = name (≤ 100) + `#` +
 *   {@link optionText}; when that `Ид` would exceed 80 characters, both stay plain and `idTooLong` is set.
 * Options count only when `exportOptions` is on and the line has some.
 */
export function lineIdentity(item: OrderItem, exportOptions: boolean): LineIdentity {
	const id = lineProductId(item);
	const name = plainProductName(item.name);
	if (!exportOptions || item.options.length === 0) return { id, name };
	const withOptions = `${clip(name, MAX_PRODUCT_NAME_LENGTH)}#${optionText(item.options)}`;
	if (id.includes("#")) return { id, name: withOptions };
	const suffixed = `${id}#${optionSetId(item.options)}`;
	if (suffixed.length > MAX_LINE_ID_LENGTH) return { id, name, idTooLong: { length: suffixed.length, max: MAX_LINE_ID_LENGTH } };
	return { id: suffixed, name: withOptions };
}
