/**
 * @module
 * The 1C endpoint `/exim_1c?type=…&mode=…` (docs/protocol.md §12): dispatch, error mapping and the journal.
 * Every reply is HTTP 200 with a non-empty LF body whose first line is exactly `success`, `failure` or `progress`
 * (except the XML of `query`/`info` and the 401 challenge when credentials are missing).
 */

import { Hono } from "hono";
import { alertExchangeFailed } from "../alerts.ts";
import { type EximLogEntry, emitLog } from "../log.ts";
import { failureCode, instanceMetrics, replyWord } from "../metrics.ts";
import type { ResolvedOptions } from "../options.ts";
import { keepAlive } from "../wait-until.ts";
import { checkauth } from "./checkauth.ts";
import { type EximRequest, failure, type JournalDraft, textReply } from "./context.ts";
import { file } from "./file.ts";
import { importFile } from "./import.ts";
import { info } from "./info.ts";
import { init } from "./init.ts";
import { DISK_FULL, isDiskFull, pruneIfDue, writeJournal } from "./journal.ts";
import { query } from "./query.ts";
import { resolveSession } from "./session.ts";
import { success } from "./success.ts";

type Handler = (r: EximRequest) => Promise<Response>;

/** `complete` / `deactivate` (end-of-upload modes of newer Bitrix-module clients): acknowledged, nothing to do. */
const noop: Handler = async (r) => textReply(r, "success\n");

const SALE: Record<string, Handler> = { checkauth, init, query, success, file, import: importFile, info, complete: noop, deactivate: noop };

/** @internal SQLite busy (another process holds the write lock). */
function isBusy(e: unknown): boolean {
	const text = `${(e as { code?: string })?.code ?? ""} ${(e as Error)?.message ?? ""}`;
	return /SQLITE_BUSY|database is locked/i.test(text);
}

/** Reason when the client closed the connection (or the request timed out) before its body was read. */
export const CLIENT_ABORT = "Соединение прервано до конца запроса (connection closed before the request body was complete)";

/**
 * @internal The request failed because the client went away or its body was cut (socket closed, request timeout):
 * a client problem, answered as a failure (if anyone still listens) and never reported as an internal error.
 */
function isClientAbort(req: Request, e: unknown): boolean {
	if (req.signal?.aborted) return true;
	const code = (e as { code?: string })?.code;
	return code === "ECONNRESET" || code === "ERR_STREAM_PREMATURE_CLOSE" || (e as Error)?.name === "AbortError";
}

/** @internal Dispatches one request; never throws. */
async function dispatch(r: EximRequest): Promise<Response> {
	if (r.type === "catalog") {
		if (r.mode === "checkauth") return checkauth(r);
		return failure(r, "Каталог не поддерживается: этот сервер обменивается только заказами (catalog not supported)");
	}
	const h = r.type === "sale" && Object.hasOwn(SALE, r.mode) ? SALE[r.mode] : undefined;
	if (!h) {
		await resolveSession(r); // attribute the journal row to the node when the cookie is valid
		return failure(r, r.type !== "sale" ? `Unknown type: ${r.type || "(none)"}` : `Unknown mode: ${r.mode || "(none)"}`);
	}
	if (r.mode === "file" && r.c.req.method !== "POST") return failure(r, "mode=file expects POST with the file bytes as the body");
	return h(r);
}

const cap = (v: string, n: number) => (v.length > n ? `${v.slice(0, n)}…` : v);

/** @internal The request log entry of a finished request (log.ts): nothing secret is in the draft it is built from. */
function logEntry(r: EximRequest, status: number, durationMs: number): EximLogEntry {
	const { j } = r;
	const reason = j.error ?? (j.reply.startsWith("failure") ? (j.replyText?.split("\n")[1] ?? null) : null);
	return {
		kind: "exim",
		at: r.now.toISOString(),
		nodeId: j.nodeId,
		login: r.login ?? null,
		session: j.session,
		type: r.type ? cap(r.type, 40) : null,
		mode: r.mode ? cap(r.mode, 40) : null,
		reply: replyWord(j.reply, j.error),
		reason: reason ? cap(reason, 300) : null,
		code: failureCode(j.reply, j.error),
		status,
		durationMs,
		bytesIn: j.bytesIn,
		bytesOut: j.bytesOut,
		ordersSent: j.ordersSent,
		ordersAcknowledged: j.ordersAcknowledged,
		ordersImported: j.ordersImported,
		ip: j.ip ? cap(j.ip, 64) : null,
	};
}

/** Routes of `/exim_1c` (mounted by `createExchangeApp`). */
export function eximRoutes(o: ResolvedOptions): Hono {
	const app = new Hono();
	app.all("/", async (c) => {
		const t0 = performance.now();
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
		const r: EximRequest = { o, c, j, type: c.req.query("type") ?? "", mode: c.req.query("mode") ?? "", now: o.clock.now() };
		let res: Response;
		try {
			res = await dispatch(r);
		} catch (e) {
			if (isBusy(e)) res = failure(r, "busy, retry");
			else if (isDiskFull(e)) res = failure(r, DISK_FULL);
			else if (isClientAbort(c.req.raw, e)) res = failure(r, CLIENT_ABORT);
			else {
				o.onError(e);
				j.error = `internal error: ${(e as Error)?.message ?? String(e)}`.slice(0, 500);
				res = textReply(r, "failure\nВнутренняя ошибка сервера (internal error)\n");
			}
		}
		// queued, not awaited: the reply does not wait for the journal; on workerd the pending write is handed to
		// `waitUntil`, so it (and the store's write queue behind it) is not cancelled once the response is sent
		// journal retention runs now and then in the background of an authenticated request (never of a flood)
		const durationMs = Math.round(performance.now() - t0);
		const journaled = writeJournal(r, o.clientIp(c) ?? "unknown", durationMs);
		const pruning = r.authenticated ? pruneIfDue(o, r.now) : null;
		keepAlive(c, pruning ? Promise.all([journaled, pruning]) : journaled);
		// once per node and error code per interval (a password flood also gets its own login_flood alert, see lockout)
		if (j.error !== null || j.reply === "failure") {
			const row = { nodeId: j.nodeId, mode: r.mode || null, reply: j.reply, error: j.error, at: r.now.toISOString() };
			keepAlive(c, alertExchangeFailed(o, row).catch(o.onError));
		}
		const entry = logEntry(r, res.status, durationMs);
		instanceMetrics(o).exim(entry);
		emitLog(o, entry);
		return res;
	});
	return app;
}
