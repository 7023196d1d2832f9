/**
 * @module
 * The replies of `/exim_1c`, keeping 1C's rules (LF, exact first line, HTTP 200 for protocol failures, never an
 * empty body), each recorded in the request's journal draft.
 */
import { replyFailure } from "@obmen/core";
import type { EximFailure } from "./failure.ts";
import type { EximRequest } from "./request.ts";

const TEXT = "text/plain; charset=utf-8";
/** Characters of a text reply kept in the journal. */
export const JOURNAL_REPLY_MAX = 2000;
const enc = new TextEncoder();

/** @internal A protocol text reply (`success…`, `failure…`, `progress…`), recorded in the journal. */
export function textReply(r: EximRequest, body: string, status = 200, headers: Record<string, string> = {}): Response {
	const bytes = enc.encode(body);
	r.j.reply = body.split("\n", 1)[0] ?? "";
	// the whole reply for the journal, capped; `checkauth` lines 2+ are the session cookie and sessid: left out
	const whole = r.mode === "checkauth" && r.j.reply === "success" ? "success\n…" : body;
	r.j.replyText = whole.length > JOURNAL_REPLY_MAX ? `${whole.slice(0, JOURNAL_REPLY_MAX)}…` : whole;
	r.j.bytesOut = bytes.byteLength;
	return new Response(bytes, { status, headers: { "Content-Type": TEXT, "Content-Length": String(bytes.byteLength), ...headers } });
}

/** @internal `failure\n<reason>`; the reason also goes to the journal's error column (unless a handler set one). */
export function failureReply(r: EximRequest, f: EximFailure): Response {
	r.j.error ??= f.reason;
	return textReply(r, replyFailure(f.reason), f.status, f.headers);
}

/** @internal Binary reply (the `query` XML). */
export function bytesReply(r: EximRequest, bytes: Uint8Array<ArrayBuffer>, contentType: string, journalReply: string): Response {
	r.j.reply = journalReply;
	r.j.bytesOut = bytes.byteLength;
	return new Response(bytes, { status: 200, headers: { "Content-Type": contentType, "Content-Length": String(bytes.byteLength) } });
}
