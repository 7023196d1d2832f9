/**
 * @module
 * How the 1C configurations key a site order they loaded before (protocol: "Order keys"): the 11-character
 * cut of УТ/КА/ERP/Розница (`Строка(11)`) and БП's invoice key per calendar year.
 */

/** Length of the site-number column of УТ/КА/ERP/BAS and Розница (`КвалификаторыСтроки(11)`). */
export const CUT_LENGTH = 11;

/** The number as a `Строка(11)` column keeps it: its first 11 characters (Розница stores and sends back this cut). */
export function cutNumber(number: string): string {
	return [...number].slice(0, CUT_LENGTH).join("");
}

/**
 * БП 3.0's key part P of a site number (`ПолучитьНомерЗаказаССайта`): only digits and capital letters are kept
 * (lower-case letters, punctuation and spaces dropped), zero-padded on the left to 6, of which the first 6 count.
 * "1000001" and "1000002" → "100000"; "ORD-100" and "ORD-1000" → "ORD100"; "a100" and "100" → "000100".
 */
export function bpKeyPart(number: string): string {
	const kept = bpKeyChars(number);
	return kept.padStart(6, "0").slice(0, 6);
}

/** The characters of `number` that БП keeps for its key (digits and capital letters), before padding and cutting. */
export function bpKeyChars(number: string): string {
	return [...number].filter((c) => /[0-9A-ZА-ЯЁ]/.test(c)).join("");
}

/**
 * БП's invoice key of an order exported with `number` and `date` (ISO): `YYYY:P`. БП finds an invoice by its number
 * (organization prefix + site prefix + P) within the calendar year, so two orders of one year with the same P land
 * on one invoice (the later overwrites the earlier).
 */
export function bpOrderKey(number: string, date: string): string {
	return `${date.slice(0, 4)}:${bpKeyPart(number)}`;
}
