/**
 * @module The two-phase export handshake (protocol.md §6.3, reliability.md D1–D4):
 * `query` selects orders newer than the node acknowledged and records them as pending for the session;
 * `success` acknowledges exactly the pending revisions.
 */
import type { Order } from "@obmen/core";
import { type StoreContext, str } from "./context.ts";
import { numberValue } from "./orders-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { ExportCandidate } from "./types.ts";

type ExportRepo = Pick<ExchangeStore, "selectExport" | "recordPending" | "acknowledge">;

/** @internal */
export function exportRepo(ctx: StoreContext): ExportRepo {
	return {
		async selectExport(nodeId, f) {
			const args: (string | number | null)[] = [nodeId, f.session ?? ""];
			let where = "o.revision > coalesce(a.acked_revision, 0) AND (p.revision IS NULL OR p.revision < o.revision)";
			if (f.statuses.length > 0) {
				where += ` AND o.status IN (${f.statuses.map(() => "?").join(", ")})`;
				args.push(...f.statuses);
			}
			if (f.fromNumber !== null && f.fromNumber !== "") {
				const n = numberValue(f.fromNumber);
				where += " AND (CASE WHEN o.number_num IS NOT NULL AND ? IS NOT NULL THEN o.number_num >= ? ELSE o.number >= ? END)";
				args.push(n, n, f.fromNumber);
			}
			args.push(f.limit);
			const rs = await ctx.client.execute({
				sql: `SELECT o.id, o.data, o.revision, o.one_c_id, o.one_c_number FROM orders o
					LEFT JOIN node_acks a ON a.node_id = ? AND a.order_id = o.id
					LEFT JOIN pending_batch p ON p.session_id = ? AND p.order_id = o.id
					WHERE ${where} ORDER BY o.revision LIMIT ?`,
				args,
			});
			return rs.rows.map(
				(r): ExportCandidate => ({
					order: JSON.parse(String(r.data)) as Order,
					revision: Number(r.revision),
					oneC: { id: str(r, "one_c_id"), number: str(r, "one_c_number") },
				}),
			);
		},
		async recordPending(sessionId, items) {
			if (items.length === 0) return;
			await ctx.write(
				items.map((i) => ({
					sql: `INSERT INTO pending_batch (session_id, order_id, revision) VALUES (?, ?, ?)
						ON CONFLICT(session_id, order_id) DO UPDATE SET revision = max(revision, excluded.revision)`,
					args: [sessionId, i.orderId, i.revision],
				})),
			);
		},
		async acknowledge(sessionId, nodeId) {
			const rs = await ctx.write([
				{
					sql: `INSERT INTO node_acks (node_id, order_id, acked_revision)
						SELECT ?, order_id, revision FROM pending_batch WHERE session_id = ? AND true
						ON CONFLICT(node_id, order_id) DO UPDATE SET acked_revision = max(acked_revision, excluded.acked_revision)`,
					args: [nodeId, sessionId],
				},
				{ sql: "DELETE FROM pending_batch WHERE session_id = ?", args: [sessionId] },
			]);
			return rs[1]?.rowsAffected ?? 0;
		},
	};
}
