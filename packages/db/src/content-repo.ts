/**
 * @module
 * Order content between the store and 1C (issue #12): what a node last acknowledged of an order (the base of a
 * content merge) and settling a held content conflict.
 */

import { ORDER_COLUMNS, ORDER_FROM, rowToStored } from "./orders-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { StoreContext } from "./write-queue.ts";

type ContentRepo = Pick<ExchangeStore, "getAck" | "listHeld" | "resolveHeld">;

/** @internal */
export function contentRepo(ctx: StoreContext): ContentRepo {
	const { client } = ctx;
	return {
		async getAck(nodeId, orderId) {
			const rs = await client.execute({
				sql: "SELECT acked_revision, data FROM node_acks WHERE node_id = ? AND order_id = ?",
				args: [nodeId, orderId],
			});
			const r = rs.rows[0];
			return r ? { revision: Number(r.acked_revision), data: r.data === null ? null : String(r.data) } : null;
		},
		async listHeld(limit) {
			const rs = await client.execute({
				sql: `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE o.held IS NOT NULL ORDER BY o.id LIMIT ?`,
				args: [limit],
			});
			return rs.rows.map(rowToStored);
		},
		resolveHeld: (orderId, r, at) =>
			ctx.lock.run(async () => {
				const cur = await client.execute({ sql: "SELECT held FROM orders WHERE id = ?", args: [orderId] });
				if (cur.rows[0]?.held === null || cur.rows[0]?.held === undefined) return false;
				await ctx.batchWithRiders([
					{
						sql: `UPDATE orders SET held = NULL,
							data = coalesce(?1, data),
							revision = CASE WHEN ?1 IS NULL AND ?2 = 0 THEN revision ELSE (SELECT max(revision) FROM orders) + 1 END,
							updated_at = ?3 WHERE id = ?4`,
						args: [r.data, r.bump ? 1 : 0, at, orderId],
					},
					...(r.ackNodeId
						? [
								{
									sql: `INSERT INTO node_acks (node_id, order_id, acked_revision, data)
										SELECT ?, id, revision, data FROM orders WHERE id = ? AND true
										ON CONFLICT(node_id, order_id) DO UPDATE SET acked_revision = excluded.acked_revision, data = excluded.data, content = NULL`,
									args: [r.ackNodeId, orderId],
								},
							]
						: []),
					{
						sql: "INSERT INTO order_changes (order_id, node_id, at, changes) VALUES (?, ?, ?, ?)",
						args: [orderId, r.ackNodeId, at, JSON.stringify(r.event)],
					},
				]);
				return true;
			}),
	};
}
