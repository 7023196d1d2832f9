/**
 * @module
 * The texts 1C reads in `/exim_1c` replies, in one place (docs/protocol.md §12): the failure reasons (line 2 of
 * `failure\n<reason>`, shown to the 1C operator, so Russian first with the English gist in parentheses for logs and
 * support) with the journal error code of each, and the words of `success` and `progress` lines. The protocol's own
 * framing (`success`, `failure`, `progress`, `zip=…`, `file_limit=…`) is built by `@obmen/core`'s reply helpers.
 */
import type { JournalErrorCode } from "../journal-codes.ts";

/** HTTP Basic credentials are missing (the reply is a 401 challenge). */
export const CREDENTIALS_REQUIRED = "Требуется авторизация HTTP Basic (credentials required)";
/** Wrong credentials — byte-identical for an unknown login and a wrong password. */
export const BAD_CREDENTIALS = "Неверный логин или пароль";
/** Failed logins exceeded the per-minute limit. */
export const THROTTLED = "Слишком много неудачных попыток входа, повторите через минуту";
/** A mode that needs a session came without one. */
export const NEED_CHECKAUTH = "Нет сессии обмена: сначала выполните mode=checkauth (no session: call checkauth first)";
/** The session of a cookie or sessid is unknown (expired and purged, ended by a password change…). */
export const SESSION_NOT_FOUND = "Сессия не найдена или истекла: выполните checkauth (session expired)";
/** The session passed its idle or absolute timeout. */
export const SESSION_EXPIRED = "Сессия истекла: выполните checkauth (session expired)";
/** A `sessid` that does not belong to the session of the cookie. */
export const INVALID_SESSID = "Неверный sessid (invalid sessid)";
/** The session's node was deleted. */
export const NODE_DELETED = "Узел обмена удалён (node deleted)";
/** A `filename` that is not a safe upload name (docs/reliability.md X10). */
export const INVALID_FILENAME = "Недопустимое имя файла (invalid filename)";
/** Any size limit of `mode=file`. */
export const TOO_LARGE = "Файл слишком большой (too large)";
/** `mode=import` of a name that is neither an upload nor an entry of an uploaded zip. */
export const FILE_NOT_FOUND = "Файл не найден (file not found)";
/** A zip upload on a node that does not announce `zip=yes`. */
export const ZIP_DISABLED = "zip не включён для этого узла (zip disabled)";
/** `type=catalog` beyond the `checkauth` pre-flight. */
export const CATALOG_UNSUPPORTED = "Каталог не поддерживается: этот сервер обменивается только заказами (catalog not supported)";
/** `mode=file` without a POST body. */
export const FILE_NEEDS_POST = "mode=file expects POST with the file bytes as the body";
/** The database is busy (another process holds the write lock, or another worker holds the apply): nothing changed. */
export const BUSY = "busy, retry";
/** The database cannot grow (SQLITE_FULL): nothing was changed; retry when space is freed. */
export const DISK_FULL =
	"На сервере закончилось место на диске, данные не сохранены; повторите обмен позже (server disk full: database or disk is full)";
/** The client closed the connection (or the request timed out) before its body was read. */
export const CLIENT_ABORT = "Соединение прервано до конца запроса (connection closed before the request body was complete)";
/** Any other error: the reason 1C gets (the journal keeps {@link INTERNAL_ERROR_NOTE} and the message). */
export const INTERNAL_ERROR = "Внутренняя ошибка сервера (internal error)";
/** Start of the journal's error text of an internal error (`internal error: <message>`). */
export const INTERNAL_ERROR_NOTE = "internal error";

/** A `type` other than `sale` and `catalog`. */
export function unknownType(type: string): string {
	return `Unknown type: ${type || "(none)"}`;
}

/** A `mode` that `type=sale` does not have. */
export function unknownMode(mode: string): string {
	return `Unknown mode: ${mode || "(none)"}`;
}

/** Another session of the node holds the export lease (`since`/`until` epoch ms; export-lease.ts). */
export function exportBusy(since: number, until: number): string {
	const at = (ms: number) => `${new Date(ms).toISOString().slice(0, 19).replace("T", " ")} UTC`;
	return `Другой обмен этого узла ещё не завершён: повторите позже (another exchange of this node is in progress since ${at(since)}; it ends at its success or at ${at(until)})`;
}

/** The journal error code of each fixed failure reason (the rest are `other`, or classified by their form). */
export const FAILURE_CODES: ReadonlyMap<string, JournalErrorCode> = new Map<string, JournalErrorCode>([
	[BAD_CREDENTIALS, "auth_failed"],
	[CREDENTIALS_REQUIRED, "auth_required"],
	[THROTTLED, "throttled"],
	[NEED_CHECKAUTH, "no_session"],
	[SESSION_NOT_FOUND, "no_session"],
	[TOO_LARGE, "file_too_large"],
	[FILE_NOT_FOUND, "file_not_found"],
	[INVALID_FILENAME, "invalid_filename"],
	[CATALOG_UNSUPPORTED, "catalog_unsupported"],
	[BUSY, "busy"],
	[CLIENT_ABORT, "client_abort"],
]);

/** Line 2 of `success` for an xml imported before (a repeated `import`, or a ledger hit). */
export const ALREADY_IMPORTED = "already imported";
/** Line 2 of `progress` while the documents of a big file are staged, slice by slice. */
export function documentsStaged(n: number): string {
	return `обработано документов: ${n}`;
}
/** Line 2 of `progress` while another worker applies the upload. */
export const APPLYING = "применяется (applying)";
/** Line 2 of `success` of an applied file. */
export function appliedLine(n: { documents: number; updated: number; created: number; unknown: number }): string {
	return `documents: ${n.documents}, updated: ${n.updated}, created: ${n.created}, unknown: ${n.unknown}`;
}
