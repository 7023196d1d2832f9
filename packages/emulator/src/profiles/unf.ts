/**
 * @module
 * Profile `unf` — family B: УНФ 3.0's own exchange library (docs/protocol.md §9.2). "Bitrix" CMS
 * protocol: `&` + checkauth line 4 on every request, `init` before `query`, `version=2.09&cmlVersion=2.10`
 * when subordinate documents are on, `init` needs ≥ 2 lines, `failure` bodies detected, 5 s between
 * `import` polls, charset fallback (a body that does not decode cleanly is read again as windows-1251). "Other" CMS: no sessid/version, 1-line `init`.
 */
import { initReplyLines, line4Token, type ProfileSpec, parseInitLines } from "./profile.ts";

/** Options of the УНФ profile. */
export interface UnfOptions {
	/** "Протокол CMS": Bitrix (default) or another CMS. */
	protocol?: "bitrix" | "other";
	/** "Выгружать подчиненные документы": negotiate `version=2.09&cmlVersion=2.10`. */
	subordinateDocuments?: boolean;
	/** Pause between `import` polls; УНФ waits 5 s (tests set it low). */
	importPauseMs?: number;
}

/** Builds the family B profile. */
export function unfProfile(opts: UnfOptions = {}): ProfileSpec {
	const bitrix = (opts.protocol ?? "bitrix") === "bitrix";
	const runId = crypto.randomUUID();
	return {
		family: "unf",
		timeoutMs: 1_800_000,
		charsetFallback: "unf",
		catalogPreflight: false,
		token: (s, t) => (bitrix ? line4Token(s, t, "Не получен ключ сессии (4-я строка ответа checkauth).") : ""),
		initBeforeQuery: bitrix,
		initQuery: (token) => `type=sale${token}${bitrix && opts.subordinateDocuments ? "&version=2.09&cmlVersion=2.10" : ""}&mode=init`,
		readInit(reply, t, req) {
			const lines = initReplyLines(reply, t, req);
			if (bitrix && lines.length < 2) t.fail("init", "Не удалось прочитать ответ сервера. Параметры обмена не получены.", req, reply);
			return parseInitLines(lines);
		},
		acceptsQueryBody: (text, bytes) =>
			text.startsWith("<?xml") || text.startsWith("<КоммерческаяИнформация") || (bytes[0] === 0x50 && bytes[1] === 0x4b),
		detectsFailure: true,
		importPauseMs: opts.importPauseMs ?? 5000,
		xmlName: (n) => `orders-${runId}_${n}.xml`,
		repeatQuery: false,
		container: false,
	};
}
