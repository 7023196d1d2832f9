/**
 * @module
 * Journal error codes: what went wrong in one `/exim_1c` request, as a stable code the admin widget turns
 * into a localized message and a "what to do" hint (the reasons 1C itself gets are fixed protocol text).
 */
import { TOO_LARGE } from "./exim/file.ts";
import { BAD_CREDENTIALS, NEED_CHECKAUTH, SESSION_NOT_FOUND, THROTTLED } from "./exim/session.ts";

/** Why a journalled request failed (or an import applied with problems). */
export type JournalErrorCode =
	| "auth_failed"
	| "auth_required"
	| "throttled"
	| "no_session"
	| "file_too_large"
	| "file_not_found"
	| "invalid_filename"
	| "xml_invalid"
	| "zip_invalid"
	| "unknown_orders"
	| "catalog_unsupported"
	| "busy"
	| "client_abort"
	| "internal"
	| "other";

/** A classified journal error: the code and the details the hint needs (order numbers, the XML error and line). */
export interface JournalError {
	code: JournalErrorCode;
	params: Record<string, string | number | string[]>;
}

const CML = /^((?:XML|DOCTYPE|ENCODING|LIMIT|NOT|CHAR|ZIP)_?[A-Z_]*): .*?(?: at line (\d+), column (\d+))?$/s;

/**
 * Classifies a journal row's `error` (and `reply`): null when the request succeeded. Unknown texts are `other`
 * (the widget then shows the server's text).
 */
export function journalError(row: { error: string | null; reply: string }): JournalError | null {
	const failed = row.reply === "failure" || row.reply.startsWith("failure\n");
	const e = row.error ?? (failed ? (row.reply.split("\n")[1] ?? "") : null);
	if (e === null) return null;
	if (e === BAD_CREDENTIALS) return { code: "auth_failed", params: {} };
	if (e.startsWith("Требуется авторизация HTTP Basic")) return { code: "auth_required", params: {} };
	if (e === THROTTLED) return { code: "throttled", params: {} };
	if (e === NEED_CHECKAUTH || e === SESSION_NOT_FOUND) return { code: "no_session", params: {} };
	if (e === TOO_LARGE) return { code: "file_too_large", params: {} };
	if (e.startsWith("Файл не найден")) return { code: "file_not_found", params: {} };
	if (e.startsWith("Недопустимое имя файла")) return { code: "invalid_filename", params: {} };
	if (e.startsWith("Каталог не поддерживается")) return { code: "catalog_unsupported", params: {} };
	if (e === "busy, retry") return { code: "busy", params: {} };
	if (e.startsWith("Соединение прервано до конца запроса")) return { code: "client_abort", params: {} };
	if (e.startsWith("internal error")) return { code: "internal", params: {} };
	// "kept unmatched: 404 (no order with this number), …": the documents are kept (see unmatched.ts); the reasons in
	// parentheses are dropped from the numbers
	const unknown = /^(?:unknown orders|kept unmatched): ([^;]*)/.exec(e);
	if (unknown?.[1] !== undefined) {
		const list = unknown[1];
		const orders = list.includes(" (")
			? [...list.matchAll(/(?:^|\), )([^()]+?) \(/g)].map((m) => m[1] as string)
			: list.split(", ").filter(Boolean);
		return { code: "unknown_orders", params: { orders } };
	}
	const cml = CML.exec(e);
	if (cml?.[1]) {
		const params: JournalError["params"] = { cmlCode: cml[1] };
		if (cml[2]) Object.assign(params, { line: Number(cml[2]), column: Number(cml[3]) });
		return { code: cml[1].startsWith("ZIP") ? "zip_invalid" : "xml_invalid", params };
	}
	return { code: "other", params: {} };
}
