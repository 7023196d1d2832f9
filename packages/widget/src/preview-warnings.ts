/**
 * @module
 * Export-preview warnings in the UI language.
 *
 * The server sends either plain strings (older servers: English text from `numberWarnings`) or coded
 * warnings `{ code, message, params }` (`orderWarnings` of @obmen/core). A code this widget knows is
 * translated with its params; anything else is shown as the server's `message`, so a newer server's
 * new warning still reaches the user, in English.
 */
import { type Lang, type MessageKey, messages, translate } from "./i18n.ts";
import type { PreviewWarning } from "./types.ts";

const PLACEHOLDER = /\{\w+\}/;

/** The text to show for one preview warning (a string, a coded warning, or whatever a server sent). */
export function warningText(lang: Lang, warning: string | PreviewWarning | unknown): string {
	if (typeof warning === "string") return warning;
	if (warning === null || typeof warning !== "object") return String(warning);
	const { code, message, params } = warning as Partial<PreviewWarning>;
	const fallback = typeof message === "string" && message ? message : typeof code === "string" ? code : "";
	if (typeof code !== "string") return fallback;
	const key = `warning.${code}`;
	// own keys only: a code like "constructor" must not pick up Object.prototype
	if (!Object.hasOwn(messages[lang], key)) return fallback;
	const vars = params !== null && typeof params === "object" ? params : {};
	const text = translate(lang, key as MessageKey, vars);
	// a known code with params missing (an older or newer server): the server's text beats "{length}"
	return PLACEHOLDER.test(text) ? fallback : text;
}
