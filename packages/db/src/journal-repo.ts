/**
 * @module
 * The exchange journal: one row per authenticated `/exim_1c` request, a per-minute counter row per address for the
 * rest, text fields capped, pruned in small batches.
 */
import type { Row } from "@libsql/client";
import { type ExchangeStore, JOURNAL_ERROR_MAX, JOURNAL_FIELD_MAX } from "./store.ts";
import type { JournalDetail, JournalEntry, JournalRow } from "./types.ts";
import { num, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type JournalRepo = Pick<ExchangeStore, "addJournal" | "countJournal" | "pruneJournal" | "listJournal">;

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
export function journalRepo(ctx: StoreContext): JournalRepo {
	const { client } = ctx;
	return {
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
	};
}
