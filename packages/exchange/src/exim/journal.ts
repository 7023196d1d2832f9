/**
 * @module
 * The exchange journal of `/exim_1c`: what is written for a request, and how long it is kept.
 *
 * - The journal middleware ({@link journalRequests}) creates each request's state and, after the handler (or the
 *   error handler) replied, writes its journal row and raises the `exchange.failed` alert of a failure.
 * - An authenticated request (a valid session, or valid HTTP Basic credentials) is journalled as one row.
 * - A request that fails before authentication (no credentials, wrong ones, throttled, unknown session…) is only
 *   counted: one row per minute, client address and node (when its login names one), whose `count` grows. So traffic
 *   without credentials grows the journal by a constant per address per minute, and a password flood against a node's
 *   login shows in that node's journal as a few rows with large counts.
 * - The store caps every text field (`JOURNAL_FIELD_MAX`, errors `JOURNAL_ERROR_MAX`).
 * - Retention: rows of a node older than its `journalDays`, rows of no node older than
 *   {@link UNATTRIBUTED_JOURNAL_DAYS}, are deleted in small batches (one short write transaction each), in the
 *   background of a request, at most once per {@link PRUNE_INTERVAL_MS} per app.
 */
import { StoreFullError } from "@obmen/db";
import type { MiddlewareHandler } from "hono";
import { alertExchangeFailed } from "../alerts.ts";
import { claimInterval } from "../background-lease.ts";
import { type EximLogEntry, emitLog } from "../log.ts";
import { failureCode, instanceMetrics, replyWord } from "../metrics.ts";
import type { ResolvedOptions } from "../options.ts";
import { readSettings } from "../settings.ts";
import { keepAlive } from "../wait-until.ts";
import { type EximEnv, type EximRequest, eximRequest } from "./request.ts";

/** Days rows of no node (unauthenticated traffic with an unknown login or none) are kept. */
export const UNATTRIBUTED_JOURNAL_DAYS = 7;
/** Least time between two retention runs of one app (ms). */
export const PRUNE_INTERVAL_MS = 10 * 60_000;
/** Rows deleted per write transaction while pruning. */
export const PRUNE_BATCH = 500;

const DAY_MS = 86_400_000;

/**
 * @internal The journal middleware of `/exim_1c`: sets the request state (`c.var.exim`) for the handler and, once the
 * reply is made (by the handler or the error handler), queues the request's journal row, the retention run when due,
 * and the `exchange.failed` alert of a failure — none of them delays the reply.
 */
export function journalRequests(o: ResolvedOptions): MiddlewareHandler<EximEnv> {
	return async (c, next) => {
		const t0 = performance.now();
		const r = eximRequest(o, c);
		c.set("exim", r);
		await next();
		const j = r.j;
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
		// the request log line and the per-instance metrics (log.ts, metrics.ts)
		const entry = logEntry(r, c.res.status, durationMs);
		instanceMetrics(o).exim(entry);
		emitLog(o, entry);
	};
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

/** When each app last started pruning (epoch ms of its clock). */
const lastPrune = new WeakMap<ResolvedOptions, number>();

/**
 * @internal Writes the journal of a finished request (a row, or a counter increment when `authenticated` is false).
 * Resolves when written; never rejects (a full disk is ignored: the reply already said so).
 */
async function writeJournal(r: EximRequest, ip: string, durationMs: number): Promise<void> {
	const { o, j } = r;
	const at = r.now.toISOString();
	try {
		if (r.authenticated) {
			await o.store.addJournal({ ...j, at, type: r.type || null, mode: r.mode || null, durationMs });
		} else {
			await o.store.countJournal({ nodeId: j.nodeId, at, ip, type: r.type || null, mode: r.mode || null, reply: j.reply, error: j.error });
		}
	} catch (e) {
		if (!(e instanceof StoreFullError)) o.onError(e);
	}
}

/**
 * @internal Starts a retention run when the last one of this app is {@link PRUNE_INTERVAL_MS} old; returns its promise
 * (or null when it is not due). The run goes ahead only when no other instance on the database pruned within the
 * interval (the `bg:journal-retention` lease, background-lease.ts). The host's periodic call (`askDatabase`) skips
 * the in-process check and asks the lease only. The run never throws.
 */
export function pruneIfDue(o: ResolvedOptions, now: Date, askDatabase = false): Promise<void> | null {
	const t = now.getTime();
	const last = lastPrune.get(o);
	if (!askDatabase && last !== undefined && t - last < PRUNE_INTERVAL_MS && t >= last) return null;
	lastPrune.set(o, t);
	const run = async () => {
		if (await claimInterval(o, "journal-retention", now, PRUNE_INTERVAL_MS)) await pruneJournal(o, now);
	};
	return run().then(
		() => {},
		(e) => {
			if (!(e instanceof StoreFullError)) o.onError(e);
		},
	);
}

/** Deletes journal rows past retention (every node by its `journalDays`, rows of no node), batch by batch. */
export async function pruneJournal(o: ResolvedOptions, now: Date): Promise<number> {
	const t = now.getTime();
	const targets: [string | null, number][] = (await o.store.listNodes()).map((n) => [n.id, readSettings(n.settings).journalDays]);
	targets.push([null, UNATTRIBUTED_JOURNAL_DAYS]);
	let deleted = 0;
	for (const [nodeId, days] of targets) {
		const before = new Date(t - days * DAY_MS).toISOString();
		for (;;) {
			const n = await o.store.pruneJournal(nodeId, before, PRUNE_BATCH);
			deleted += n;
			if (n < PRUNE_BATCH) break;
		}
	}
	return deleted;
}
