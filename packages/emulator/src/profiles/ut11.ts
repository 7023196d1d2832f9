/**
 * @module
 * Profile `ut11` — family A: the built-in "Обмен с сайтом" library of УТ 11, КА 2 and ERP
 * (docs/protocol.md §9.1): catalog `checkauth` pre-flight, no `init` before `query`, `&sessid=` (line 4 with
 * `sessid=` removed) unless disabled, `init` reply of exactly 2 lines, `query` must start with `<?xml`
 * or `PK`, immediate `import` re-polls, 180 s timeout.
 */
import { initReplyLines, type ProfileSpec, parseInitLines } from "./profile.ts";

/** Options of the УТ 11 profile. */
export interface Ut11Options {
	/** "Выполнять обмен без идентификатора сессии". */
	noSessid?: boolean;
}

/** Builds the family A profile. */
export function ut11Profile(opts: Ut11Options = {}): ProfileSpec {
	const runId = crypto.randomUUID();
	return {
		family: "ut11",
		timeoutMs: 180_000,
		charsetFallback: "utf-8",
		catalogPreflight: true,
		token: (s) => (opts.noSessid ? "" : `&sessid=${(s.line4 ?? "").replace("sessid=", "")}`),
		initBeforeQuery: false,
		initQuery: (token) => `type=sale&mode=init${token}`,
		readInit(reply, t, req) {
			const lines = initReplyLines(reply, t, req);
			if (lines.length !== 2) t.fail("init", "Не удалось прочитать ответ сервера. Параметры обмена не получены.", req, reply);
			return parseInitLines(lines);
		},
		acceptsQueryBody: (text, bytes) => text.startsWith("<?xml") || (bytes[0] === 0x50 && bytes[1] === 0x4b),
		detectsFailure: false,
		importPauseMs: 0,
		xmlName: (n) => `orders-${runId}_${n}.xml`,
		repeatQuery: false,
		container: false,
	};
}
