/**
 * @module
 * What distinguishes the three 1C client families (docs/protocol.md §1, §9): a {@link ProfileSpec}
 * is the data the common exchange engine needs to behave — and to be as strict — as that client.
 */
import type { LoadRules } from "../infobase.ts";
import type { Family } from "../order-file.ts";
import { keyword, type Reply, replyLines, type Session, type Transport } from "../transport.ts";

/** Result of reading an `init` reply. */
export interface InitParams {
	zip: boolean;
	/** `file_limit`; ≤ 0 means no splitting. */
	fileLimit: number;
}

/** How a configuration waits for the site to import an uploaded xml (`import&filename=`). */
export type ImportPolling = "tight" | "pause" | "never";

/** Per-family behaviour. */
export interface ProfileSpec {
	/** Profile name as reported in deviations (`ut`, `retail`, `unf30`, `unf16`, `bp`, or an old alias). */
	name?: string;
	family: Family;
	/** Loading rules of the configuration (order key, `#` rules, transactions); library rules when absent. */
	rules?: LoadRules;
	/**
	 * `tight`: re-poll at once on `progress` (library `ВыгрузитьНаСайт`, УНФ 1.6.26); `pause`: {@link importPauseMs}
	 * before each poll (УНФ 3.0 `ВыгрузитьНаСайт`); `never`: no `import` at all (УНФ without Bitrix + subordinate
	 * documents, УНФ 1.6.4–1.6.10, the library's «без ожидания» flag). Absent: `tight`, or `pause` when
	 * `importPauseMs` > 0.
	 */
	importPolling?: ImportPolling;
	/** The «Выгружать файлы без ожидания подтверждения импорта сервером» setting exists (УТ 11.5, ERP 2.5, BAS 2.5). */
	honoursNoImportWait?: boolean;
	/** `false`: download only, nothing is uploaded (БП 3.0). */
	uploads?: boolean;
	/**
	 * УНФ `УдалитьСписокВременныхФайлов`: after a zipped portion only the archive is deleted, so each later
	 * archive re-sends every earlier portion's xml of the run, and `import` is polled for each of them.
	 */
	keepsXmlInDirectory?: boolean;
	/** `false`: never zips even when the site says `zip=yes` (УНФ 1.6.4–1.6.10 send one plain xml). */
	zips?: boolean;
	/** БП `ПолучитьЗаказыXDTO`: a zipped `query` answer is unpacked from the decoded string (lost) and a root namespace makes it typed. */
	downloadOnlyChecks?: boolean;
	/** Per-request timeout in ms (УТ 11: 180 s, УНФ: 1800 s). */
	timeoutMs: number;
	charsetFallback: "utf-8" | "unf";
	/** `false`: never sends the session cookie (cloud clients: HTTP Basic alone). Default true. */
	sendsCookie?: boolean;
	/** `false`: no `checkauth` before a phase (a cloud client relying on an implicit session). Default true. */
	checkauth?: boolean;
	/** `false`: no `init` before an upload (plain xml, no size limit). Default true. */
	initBeforeUpload?: boolean;
	/** Family A: `type=catalog&mode=checkauth` connectivity pre-flight. */
	catalogPreflight: boolean;
	/** The `&sessid=…` suffix for a session ("" for none). May record deviations. */
	token(session: Session, t: Transport): string;
	/** Call `init` before `query` in the download phase. */
	initBeforeQuery: boolean;
	/** The query string of `init`, given the token. */
	initQuery(token: string): string;
	/** Validates an `init` reply; calls `t.fail` on what the client rejects. May update the session token. */
	readInit(reply: Reply, t: Transport, req: { method: string; url: string }): InitParams & { token?: string };
	/** Whether a `query` body (decoded text, BOM stripped) is accepted as data. */
	acceptsQueryBody(text: string, bytes: Uint8Array): boolean;
	/** Treat a `failure…` body on query/success as a site error (family B/C). */
	detectsFailure: boolean;
	/** Pause between `import` polls after `progress` (УНФ: 5 s). */
	importPauseMs: number;
	/** Name of the n-th xml of a run (`orders-<uuid>_<n>.xml`, `documents___<uuid>.xml`). */
	xmlName(n: number): string;
	/** Family C: repeat `query` until an empty answer, without `success`. */
	repeatQuery: boolean;
	/** Family C: wrap documents in `Контейнер`. */
	container: boolean;
}

/** Parses `zip=yes` / `file_limit=N` lines; a bad number means −1 (no splitting), like УТ 11. */
export function parseInitLines(lines: string[]): InitParams {
	const zip = (lines[0] ?? "").trim().toLowerCase() === "zip=yes";
	const raw = (lines[1] ?? "").replace("file_limit=", "").trim();
	const n = raw === "" ? Number.NaN : Number(raw);
	return { zip, fileLimit: Number.isFinite(n) ? Math.trunc(n) : -1 };
}

/**
 * The checks every family makes on an `init` reply before reading its lines: an empty body and a
 * `failure` reply abort the step. Returns the reply's lines.
 */
export function initReplyLines(reply: Reply, t: Transport, req: { method: string; url: string }): string[] {
	if (reply.bytes.byteLength === 0) t.fail("init", "Получен пустой ответ сервера. Параметры обмена не получены.", req, reply);
	const lines = replyLines(reply.text);
	if (keyword(reply.text) === "failure") t.fail("init", `Ошибка на стороне сайта: ${lines[1] ?? ""}`, req, reply);
	return lines;
}

/**
 * The Bitrix-protocol session token (families B and C): `&` + line 4 of `checkauth` verbatim (`sessid=…`).
 * A missing line 4 is logged with the client's own `message` and the requests go on without a token.
 */
export function line4Token(s: Session, t: Transport, message: string): string {
	if (s.line4) return `&${s.line4}`;
	t.deviate("checkauth", message, { method: "GET", url: t.urlFor("type=sale&mode=checkauth") }, null);
	return "";
}
