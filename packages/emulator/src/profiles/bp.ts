/**
 * @module
 * Profile `bp` — БП 3.0 `ОбменСИнтернетМагазином` (docs/protocol.md §14): download only; site orders become
 * invoices (`СчетНаОплатуПокупателю`). Bitrix: `checkauth → init&<line 4> → query&<line 4> → success&<line 4>`;
 * other CMS: `checkauth → query → success`, cookie only. The answer must start with `PK`, `<?xml`,
 * `<КоммерческаяИнформация` or `failure`; a zip is unpacked from the decoded string (so it is lost) and a root
 * namespace makes the read typed (`ПолучитьЗаказыXDTO`). Each order its own transaction; key P per year
 * (`ПолучитьНомерЗаказаССайта`); buyer by `Контрагент/Ид`, registered even when empty; VAT on top without
 * `УчтеноВСумме=true` (see `Infobase`).
 */
import type { LoadRules } from "../infobase.ts";
import { initReplyLines, line4Token, type ProfileSpec, parseInitLines } from "./profile.ts";

/** БП loading rules. */
export const BP_RULES: LoadRules = { key: "bp", lines: "bp", transaction: "per-order", readsInnKpp: true, frozen: "none" };

/** Options of the `bp` profile. */
export interface BpOptions {
	/** Default `bitrix`. */
	protocol?: "bitrix" | "other";
}

/** Builds the `bp` profile. */
export function bpProfile(opts: BpOptions = {}): ProfileSpec {
	const bitrix = (opts.protocol ?? "bitrix") === "bitrix";
	return {
		name: "bp",
		family: "ut11",
		rules: BP_RULES,
		timeoutMs: 180_000,
		charsetFallback: "unf",
		catalogPreflight: false,
		token: (s, t) => (bitrix ? line4Token(s, t, "Не получен ключ сессии (4-я строка ответа checkauth).") : ""),
		initBeforeQuery: bitrix,
		initQuery: (token) => `type=sale&mode=init${token}`,
		readInit(reply, t, req) {
			return parseInitLines(initReplyLines(reply, t, req));
		},
		acceptsQueryBody: (text, bytes) =>
			text.startsWith("<?xml") || text.startsWith("<КоммерческаяИнформация") || (bytes[0] === 0x50 && bytes[1] === 0x4b),
		detectsFailure: true,
		importPauseMs: 0,
		importPolling: "never",
		uploads: false,
		downloadOnlyChecks: true,
		xmlName: () => "",
		repeatQuery: false,
		container: false,
	};
}
