/**
 * @module
 * Profile `bitrix-module` — family C: the 1C-Bitrix "exchange module for 1C" installed into
 * older 1C configurations (docs/protocol.md §1, §8): `init&sessid=…&version=2.08` before `query`, files named
 * `documents___<uuid>.xml`, optional `Контейнер` wrapping and optional repeated `query` without `success`.
 */
import { initReplyLines, line4Token, type ProfileSpec, parseInitLines } from "./profile.ts";

/** Options of the Bitrix-module profile. */
export interface BitrixModuleOptions {
	/** Schema version requested at `init` (default 2.08). */
	version?: string;
	/** Module ≥ 6.5: wrap documents in `Контейнер`. */
	container?: boolean;
	/** Newer modules: repeat `query` until it returns no documents and never send `success`. */
	repeatQuery?: boolean;
}

/** Builds the family C profile. */
export function bitrixModuleProfile(opts: BitrixModuleOptions = {}): ProfileSpec {
	return {
		family: "bitrix-module",
		timeoutMs: 600_000,
		charsetFallback: "utf-8",
		catalogPreflight: false,
		token: (s, t) => line4Token(s, t, "CSRF токен не поддерживается сайтом: 4-я строка ответа checkauth отсутствует."),
		initBeforeQuery: true,
		initQuery: (token) => `type=sale&mode=init${token}&version=${opts.version ?? "2.08"}`,
		readInit(reply, t, req) {
			const lines = initReplyLines(reply, t, req);
			if (lines.length < 2 || !lines[0]?.startsWith("zip=") || !lines[1]?.startsWith("file_limit=")) {
				t.fail("init", "Не удалось прочитать ответ сервера. Параметры обмена не получены.", req, reply);
			}
			const sess = lines[2]?.startsWith("sessid=") ? `&${lines[2]}` : undefined;
			return { ...parseInitLines(lines), ...(sess ? { token: sess } : {}) };
		},
		acceptsQueryBody: (text) => text.startsWith("<?xml"),
		detectsFailure: true,
		importPauseMs: 0,
		xmlName: () => `documents___${crypto.randomUUID()}.xml`,
		repeatQuery: opts.repeatQuery ?? false,
		container: opts.container ?? false,
	};
}
