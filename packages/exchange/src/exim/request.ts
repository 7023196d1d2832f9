/**
 * @module
 * Per-request state of an `/exim_1c` call: the request as a mode handler sees it, and the draft of its journal row
 * (filled by the handlers, written after the reply by the journal middleware, journal.ts).
 */
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
	/** The whole text reply (see `textReply`, reply.ts). */
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

/** @internal The Hono environment of `/exim_1c`: the request state the journal middleware sets for the handler. */
export type EximEnv = { Variables: { exim: EximRequest } };

/** @internal A fresh request state with an empty journal draft. */
export function eximRequest(o: ResolvedOptions, c: Context): EximRequest {
	const j: JournalDraft = {
		nodeId: null,
		session: null,
		filename: null,
		bytesIn: 0,
		bytesOut: 0,
		reply: "",
		ordersSent: 0,
		ordersAcknowledged: 0,
		ordersImported: 0,
		error: null,
		note: null,
		ip: o.clientIp(c) ?? null,
		userAgent: c.req.header("User-Agent")?.slice(0, 200) ?? null,
	};
	return { o, c, j, type: c.req.query("type") ?? "", mode: c.req.query("mode") ?? "", now: o.clock.now() };
}
