/**
 * @module
 * Journal error codes: what went wrong in one `/exim_1c` request, as a stable code the admin widget turns
 * into a localized message and a "what to do" hint (the reasons 1C itself gets are fixed protocol text).
 */
import { FAILURE_CODES, INTERNAL_ERROR_NOTE } from "./exim/replies.ts";

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
	const fixed = FAILURE_CODES.get(e);
	if (fixed) return { code: fixed, params: {} };
	if (e.startsWith(INTERNAL_ERROR_NOTE)) return { code: "internal", params: {} };
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
