/**
 * @module
 * The 1C endpoint `/exim_1c?type=…&mode=…` (docs/protocol.md §12) as a Hono pipeline: the journal middleware
 * (journal.ts) around the dispatch to the mode handlers, and the error handler that turns whatever a handler throws
 * into the 1C reply. Every reply is HTTP 200 with a non-empty LF body whose first line is exactly `success`,
 * `failure` or `progress` (except the XML of `query`/`info` and the 401 challenge when credentials are missing).
 */

import { StoreBusyError, StoreFullError } from "@obmen/db";
import { type Context, Hono } from "hono";
import type { ResolvedOptions } from "../options.ts";
import { checkauth } from "./checkauth.ts";
import { EximFailure } from "./failure.ts";
import { file } from "./file.ts";
import { importFile } from "./import.ts";
import { info } from "./info.ts";
import { init } from "./init.ts";
import { journalRequests } from "./journal.ts";
import { query } from "./query.ts";
import {
	BUSY,
	CATALOG_UNSUPPORTED,
	CLIENT_ABORT,
	DISK_FULL,
	FILE_NEEDS_POST,
	INTERNAL_ERROR,
	INTERNAL_ERROR_NOTE,
	unknownMode,
	unknownType,
} from "./replies.ts";
import { failureReply, textReply } from "./reply.ts";
import type { EximEnv, EximRequest } from "./request.ts";
import { resolveSession } from "./session.ts";
import { success } from "./success.ts";

type Handler = (r: EximRequest) => Promise<Response>;

/** `complete` / `deactivate` (end-of-upload modes of newer Bitrix-module clients): acknowledged, nothing to do. */
const noop: Handler = async (r) => textReply(r, "success\n");

const SALE: Record<string, Handler> = { checkauth, init, query, success, file, import: importFile, info, complete: noop, deactivate: noop };

/**
 * @internal The request failed because the client went away or its body was cut (socket closed, request timeout):
 * a client problem, answered as a failure (if anyone still listens) and never reported as an internal error.
 */
function isClientAbort(req: Request, e: unknown): boolean {
	if (req.signal?.aborted) return true;
	const code = (e as { code?: string })?.code;
	return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || (e as Error)?.name === "AbortError";
}

/** @internal Dispatches one request to its mode handler. @throws EximFailure (and anything else, see {@link eximError}) */
async function dispatch(r: EximRequest): Promise<Response> {
	if (r.type === "catalog") {
		if (r.mode === "checkauth") return checkauth(r);
		throw new EximFailure(CATALOG_UNSUPPORTED);
	}
	const h = r.type === "sale" && Object.hasOwn(SALE, r.mode) ? SALE[r.mode] : undefined;
	if (!h) {
		// attribute the journal row to the node when the cookie is valid
		await resolveSession(r).catch((e: unknown) => {
			if (!(e instanceof EximFailure)) throw e;
		});
		throw new EximFailure(r.type !== "sale" ? unknownType(r.type) : unknownMode(r.mode));
	}
	if (r.mode === "file" && r.c.req.method !== "POST") throw new EximFailure(FILE_NEEDS_POST);
	return h(r);
}

/**
 * @internal The error handler of `/exim_1c`: the 1C reply to whatever a handler threw. An {@link EximFailure} is
 * answered with its reason; a busy or full database (the store's typed errors) and a client that went away get their
 * fixed reasons; anything else is reported to `onError` and answered as an internal error.
 */
function eximError(o: ResolvedOptions, e: unknown, c: Context<EximEnv>): Response {
	const r = c.get("exim");
	if (e instanceof EximFailure) return failureReply(r, e);
	if (e instanceof StoreBusyError) return failureReply(r, new EximFailure(BUSY));
	if (e instanceof StoreFullError) return failureReply(r, new EximFailure(DISK_FULL));
	if (isClientAbort(c.req.raw, e)) return failureReply(r, new EximFailure(CLIENT_ABORT));
	o.onError(e);
	r.j.error = `${INTERNAL_ERROR_NOTE}: ${(e as Error)?.message ?? String(e)}`.slice(0, 500);
	return textReply(r, `failure\n${INTERNAL_ERROR}\n`);
}

/** Routes of `/exim_1c` (mounted by `createExchangeApp`). */
export function eximRoutes(o: ResolvedOptions): Hono<EximEnv> {
	const app = new Hono<EximEnv>();
	app.onError((e, c) => eximError(o, e, c));
	app.all("/", journalRequests(o), async (c) => {
		try {
			return await dispatch(c.get("exim"));
		} catch (e) {
			// Hono's error handler only sees `Error`s: anything else thrown is wrapped
			throw e instanceof Error ? e : new Error(String(e), { cause: e });
		}
	});
	return app;
}
