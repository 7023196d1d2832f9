/**
 * @module
 * Profiles `unf30` (УНФ 3.0.5–3.0.10) and `unf16` (УНФ 1.6) — УНФ's own `ОбменССайтом` (docs/protocol.md §9, §14, §15).
 * - `unf30`: Bitrix protocol (`&` + line 4, `init` before `query`, `version=2.09&cmlVersion=2.10` with
 *   «Выгружать подчиненные документы») or another CMS; `import` is polled **only** with Bitrix and subordinate
 *   documents (`ВыгрузитьЗаказыВФайл`: `ВыгружатьПошагово`), with a 5 s pause on one connection before each poll
 *   (`ВыгрузитьНаСайт`); after a zipped portion only the archive is deleted (`УдалитьСписокВременныхФайлов`), so
 *   later archives re-send earlier portions' xml. Orders keyed by the full number (`Строка(100)`).
 * - `unf16` variant `1.6.26`: as `unf30` but the `import` loop is tight.
 * - `unf16` variant `1.6.10` (УНФ 1.6.4–1.6.10): no token, no `init` before `query`, upload `init` of exactly 2
 *   lines, never `import`; one plain `orders-<GUID>.xml`, cut into `file_limit` pieces under that one name; the
 *   characteristic comes from the part of `Наименование` after `#` alone.
 */
import type { LoadRules } from "../infobase.ts";
import { initReplyLines, type ProfileSpec, parseInitLines } from "./profile.ts";
import { type UnfOptions, unfProfile } from "./unf.ts";

/** УНФ 3.0 / 1.6.26 loading rules. */
export const UNF_RULES: LoadRules = { key: "unf", lines: "unf", transaction: "all", readsInnKpp: true, frozen: "none" };

/** Builds the `unf30` profile. */
export function unf30Profile(opts: UnfOptions = {}): ProfileSpec {
	const polls = (opts.protocol ?? "bitrix") === "bitrix" && opts.subordinateDocuments === true;
	return {
		...unfProfile(opts),
		name: "unf30",
		rules: UNF_RULES,
		importPolling: polls ? "pause" : "never",
		honoursNoImportWait: false,
		keepsXmlInDirectory: true,
	};
}

/** Options of the `unf16` profile. */
export interface Unf16Options extends UnfOptions {
	/** `1.6.10` (default: УНФ 1.6.4–1.6.10) or `1.6.26`. */
	variant?: "1.6.10" | "1.6.26";
}

/** Builds the `unf16` profile. */
export function unf16Profile(opts: Unf16Options = {}): ProfileSpec {
	const variant = opts.variant ?? "1.6.10";
	if (variant === "1.6.26") {
		const spec = unf30Profile(opts);
		return { ...spec, name: "unf16", importPolling: spec.importPolling === "never" ? "never" : "tight", importPauseMs: 0 };
	}
	if (variant !== "1.6.10") throw new Error(`unknown unf16 variant "${String(variant)}" (1.6.10 | 1.6.26)`);
	return {
		name: "unf16",
		family: "ut11",
		rules: { ...UNF_RULES, lines: "unf16" },
		timeoutMs: 1_800_000,
		charsetFallback: "unf",
		catalogPreflight: false,
		token: () => "",
		initBeforeQuery: false,
		initQuery: () => "type=sale&mode=init",
		readInit(reply, t, req) {
			const lines = initReplyLines(reply, t, req);
			if (lines.length !== 2) t.fail("init", "Не удалось прочитать ответ сервера. Параметры обмена не получены.", req, reply);
			return parseInitLines(lines);
		},
		acceptsQueryBody: (text, bytes) =>
			text.startsWith("<?xml") || text.startsWith("<КоммерческаяИнформация") || (bytes[0] === 0x50 && bytes[1] === 0x4b),
		detectsFailure: true,
		importPauseMs: 0,
		importPolling: "never",
		honoursNoImportWait: false,
		zips: false,
		xmlName: () => `orders-${crypto.randomUUID()}.xml`,
		repeatQuery: false,
		container: false,
	};
}
