/**
 * @module
 * Per-request state of an `/exim_1c` call: what the journal row will say, and the reply helpers that
 * keep 1C's rules (LF, exact first line, HTTP 200 for protocol failures, never an empty body).
 */
import { replyFailure } from "@obmen/core";
import type { JournalDetail } from "@obmen/db";
import type { Context } from "hono";
import type { ResolvedOptions } from "../options.ts";

/** @internal What the journal row of this request will contain (filled by the handlers). */
export interface JournalDraft {
	nodeId: string | null;
	session: string | null;
	filename: string | null;
	bytesIn: number;
	bytesOut: number;
	reply: string;
	ordersSent: number;
	ordersAcknowledged: number;
	ordersImported: number;
	error: string | null;
	/** What else the request did (e.g. "applied on upload: …"). */
	note: string | null;
	/** The whole text reply (see {@link textReply}). */
	replyText?: string | null;
	ip?: string | null;
	userAgent?: string | null;
	/** Order numbers sent, or the change-feed cursor range of an import. */
	detail?: JournalDetail | null;
}

/** @internal Everything a mode handler gets. */
export interface EximRequest {
	o: ResolvedOptions;
	c: Context;
	j: JournalDraft;
	type: string;
	mode: string;
	/** Request time (from the injected clock). */
	now: Date;
	/**
	 * True once the request proved who it is (a valid session, or valid HTTP Basic credentials of a node): only then is
	 * it journalled as its own row; otherwise it is counted per address and minute (journal.ts).
	 */
	authenticated?: boolean;
	/** The login of the node the request was attributed to (for the request log; set with `j.nodeId` from a node record). */
	login?: string | null;
}

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

/** @internal `failure\n<reason>` with HTTP 200; the reason also goes to the journal's error column. */
export function failure(r: EximRequest, reason: string, status = 200, headers: Record<string, string> = {}): Response {
	r.j.error ??= reason;
	return textReply(r, replyFailure(reason), status, headers);
}

/** @internal Binary reply (the `query` XML). */
export function bytesReply(r: EximRequest, bytes: Uint8Array<ArrayBuffer>, contentType: string, journalReply: string): Response {
	r.j.reply = journalReply;
	r.j.bytesOut = bytes.byteLength;
	return new Response(bytes, { status: 200, headers: { "Content-Type": contentType, "Content-Length": String(bytes.byteLength) } });
}
