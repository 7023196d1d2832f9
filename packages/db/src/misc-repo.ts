/**
 * @module
 * Login throttling, the exchange journal and installation meta values.
 */
import type { Row } from "@libsql/client";
import { num, type StoreContext, str } from "./context.ts";
import { type ExchangeStore, JOURNAL_ERROR_MAX, JOURNAL_FIELD_MAX, LOGIN_SUCCESS_KEEP_MS } from "./store.ts";
import type { JournalDetail, JournalEntry, JournalRow } from "./types.ts";

type MiscRepo = Pick<
	ExchangeStore,
	| "countFailures"
	| "recordFailure"
	| "lastLoginSuccess"
	| "recordLoginSuccess"
	| "addJournal"
	| "countJournal"
	| "pruneJournal"
	| "listJournal"
	| "getMeta"
	| "setMeta"
>;

/** @internal A text field as stored in the journal: at most `max` characters (a cut surrogate pair is dropped). */
export function cap(v: string | null, max = JOURNAL_FIELD_MAX): string | null {
	if (v === null || v.length <= max) return v;
	const cut = v.slice(0, max);
	return /[\uD800-\uDBFF]$/.test(cut) ? cut.slice(0, -1) : cut;
}

function rowToJournal(r: Row): JournalRow {
	return {
		id: num(r, "id"),
		nodeId: str(r, "node_id"),
		at: String(r.at),
		session: str(r, "session"),
		type: str(r, "type"),
		mode: str(r, "mode"),
		filename: str(r, "filename"),
		bytesIn: num(r, "bytes_in"),
		bytesOut: num(r, "bytes_out"),
		reply: String(r.reply),
		durationMs: num(r, "duration_ms"),
		ordersSent: num(r, "orders_sent"),
		ordersAcknowledged: num(r, "orders_acknowledged"),
		ordersImported: num(r, "orders_imported"),
		error: str(r, "error"),
		ip: str(r, "ip"),
		count: num(r, "count") || 1,
		note: str(r, "note"),
		replyText: str(r, "reply_text"),
		userAgent: str(r, "user_agent"),
		detail: r.detail == null ? null : (JSON.parse(String(r.detail)) as JournalDetail),
	};
}

/** Columns of a journal row, in the order of {@link journalArgs}. */
const JOURNAL_COLUMNS =
	"node_id, at, session, type, mode, filename, bytes_in, bytes_out, reply, duration_ms, orders_sent, orders_acknowledged, orders_imported, error, note, reply_text, ip, user_agent, detail";
function journalArgs(e: JournalEntry): (string | number | null)[] {
	return [
		e.nodeId,
		e.at,
		cap(e.session),
		cap(e.type),
		cap(e.mode),
		cap(e.filename),
		e.bytesIn,
		e.bytesOut,
		cap(e.reply) ?? "",
		e.durationMs,
		e.ordersSent,
		e.ordersAcknowledged,
		e.ordersImported,
		cap(e.error, JOURNAL_ERROR_MAX),
		cap(e.note ?? null, JOURNAL_ERROR_MAX),
		cap(e.replyText ?? null, JOURNAL_ERROR_MAX * 2 + 1),
		cap(e.ip ?? null),
		cap(e.userAgent ?? null),
		e.detail ? JSON.stringify(e.detail) : null,
	];
}

/** @internal */
export function miscRepo(ctx: StoreContext): MiscRepo {
	const { client } = ctx;
	return {
		async countFailures(keys, since) {
			if (keys.length === 0) return 0;
			const rs = await client.execute({
				sql: `SELECT key, count(*) AS n FROM login_failures WHERE key IN (${keys.map(() => "?").join(", ")}) AND at >= ? GROUP BY key`,
				args: [...keys, since],
			});
			return rs.rows.reduce((m, r) => Math.max(m, Number(r.n)), 0);
		},
		async recordFailure(keys, at) {
			await ctx.write([
				{ sql: "DELETE FROM login_failures WHERE at < ?", args: [at - 3_600_000] },
				...keys.map((k) => ({ sql: "INSERT INTO login_failures (key, at) VALUES (?, ?)", args: [k, at] })),
			]);
		},
		async lastLoginSuccess(ip, login, since) {
			const rs = await client.execute({
				sql: "SELECT at FROM login_successes WHERE ip = ? AND login = ? AND at >= ?",
				args: [ip, login, since],
			});
			return rs.rows[0] ? num(rs.rows[0], "at") : null;
		},
		async recordLoginSuccess(ip, login, at) {
			await ctx.write([
				{ sql: "DELETE FROM login_successes WHERE at < ?", args: [at - LOGIN_SUCCESS_KEEP_MS] },
				{
					sql: "INSERT INTO login_successes (ip, login, at) VALUES (?, ?, ?) ON CONFLICT (ip, login) DO UPDATE SET at = max(at, excluded.at)",
					args: [ip, login, at],
				},
			]);
		},
		// the journal row rides along with the next write transaction (group commit, see StoreContext.ride): it is
		// queued on the write mutex at once, so `idle()` — and every read or shutdown after it — sees it
		addJournal: (e) =>
			ctx.ride({
				sql: `INSERT INTO journal (${JOURNAL_COLUMNS}) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
				args: journalArgs(e),
			}),
		countJournal: (e) => {
			const ip = cap(e.ip) ?? "";
			// one row per minute, address and node: a flood adds one row per address per minute, not one per request
			const bucket = `${e.at.slice(0, 16)}|${ip}|${e.nodeId ?? ""}`;
			return ctx.ride({
				sql: `INSERT INTO journal (node_id, at, type, mode, reply, error, ip, count, bucket) VALUES (?, ?, ?, ?, ?, ?, ?, 1, ?)
					ON CONFLICT(bucket) DO UPDATE SET count = count + 1, at = excluded.at, type = excluded.type, mode = excluded.mode,
					reply = excluded.reply, error = excluded.error`,
				args: [e.nodeId, e.at, cap(e.type), cap(e.mode), cap(e.reply) ?? "", cap(e.error, JOURNAL_ERROR_MAX), ip, bucket],
			});
		},
		async pruneJournal(nodeId, before, limit) {
			const [rs] = await ctx.write([
				{
					// a range of the (node_id, at) index: only the old rows are visited, however large the journal
					sql: `DELETE FROM journal WHERE id IN (SELECT id FROM journal INDEXED BY journal_node_at
						WHERE ${nodeId === null ? "node_id IS NULL" : "node_id = ?"} AND at < ? LIMIT ?)`,
					args: nodeId === null ? [before, limit] : [nodeId, before, limit],
				},
			]);
			return rs?.rowsAffected ?? 0;
		},
		async listJournal(nodeId, { limit, before, errorsOnly }) {
			let sql = "SELECT * FROM journal WHERE node_id = ?";
			const args: (string | number)[] = [nodeId];
			if (before) {
				sql += " AND id < ?";
				args.push(before);
			}
			if (errorsOnly) sql += " AND (error IS NOT NULL OR reply = 'failure')";
			sql += " ORDER BY id DESC LIMIT ?";
			args.push(limit);
			const rs = await client.execute({ sql, args });
			return rs.rows.map(rowToJournal);
		},
		async getMeta(key) {
			const rs = await client.execute({ sql: "SELECT value FROM meta WHERE key = ?", args: [key] });
			return rs.rows[0] ? String(rs.rows[0].value) : null;
		},
		async setMeta(key, value) {
			await ctx.write([
				{ sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", args: [key, value] },
			]);
		},
	};
}
