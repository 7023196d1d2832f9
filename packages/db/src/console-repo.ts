/**
 * @module
 * What the operator's console does to the export state: send orders to a node again (resend, rewind),
 * delete an order through 1C (one more export with "ПометкаУдаления", then removal once every node has it), and
 * each node's last exchange for the status badge.
 */
import type { InStatement } from "@libsql/client";
import { exportFilter, floorKey, fromNumberCondition } from "./export-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { NodeActivity } from "./types.ts";
import { str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type ConsoleRepo = Pick<
	ExchangeStore,
	"resendOrders" | "rewindExport" | "markOrderDeleted" | "purgeDeletedOrders" | "nodeActivity" | "countExport"
>;

/**
 * Forgets the node's acknowledgements of the orders selected by `where` (over `orders o`) and lowers the node's
 * export floor below them, so the next `query` (and the preview) sends them again at their current revision.
 * Orders of revision 0 (created from 1C, never exported) are not selected.
 */
function forget(nodeId: string, where: string, args: (string | number | null)[]): InStatement[] {
	const selected = `SELECT o.id FROM orders o WHERE o.revision > 0 AND (${where})`;
	return [
		{
			sql: `UPDATE meta SET value = CAST(min(CAST(value AS INTEGER), coalesce((SELECT min(o.revision) - 1 FROM orders o WHERE o.revision > 0 AND (${where})), CAST(value AS INTEGER))) AS TEXT) WHERE key = ?`,
			args: [...args, floorKey(nodeId)],
		},
		{ sql: `DELETE FROM node_acks WHERE node_id = ? AND order_id IN (${selected})`, args: [nodeId, ...args] },
		{ sql: `SELECT count(*) AS n FROM orders o WHERE o.revision > 0 AND (${where})`, args },
	];
}

/** @internal */
export function consoleRepo(ctx: StoreContext): ConsoleRepo {
	const { client } = ctx;
	const run = async (stmts: InStatement[]) => {
		const rs = await ctx.write(stmts);
		return Number(rs.at(-1)?.rows[0]?.n ?? 0);
	};
	return {
		async resendOrders(nodeId, orderIds) {
			if (orderIds.length === 0) return [];
			const stmts = forget(nodeId, "o.id IN (SELECT value FROM json_each(?))", [JSON.stringify(orderIds)]);
			stmts[2] = {
				sql: "SELECT o.id FROM orders o WHERE o.revision > 0 AND o.id IN (SELECT value FROM json_each(?)) ORDER BY o.revision",
				args: [JSON.stringify(orderIds)],
			};
			const rs = await ctx.write(stmts);
			return (rs[2]?.rows ?? []).map((r) => String(r.id));
		},
		rewindExport(nodeId, f) {
			if ("all" in f) return run(forget(nodeId, "1 = 1", []));
			if ("fromDate" in f) return run(forget(nodeId, "o.created_at >= ?", [f.fromDate]));
			const c = fromNumberCondition(f.fromNumber);
			return run(forget(nodeId, c.sql, c.args));
		},
		markOrderDeleted: (id, at) =>
			ctx.lock.run(async () => {
				const rs = await ctx.batchWithRiders([
					{
						sql: `UPDATE orders SET deleted_at = coalesce(deleted_at, ?), updated_at = ?,
							revision = (SELECT coalesce(max(revision), 0) + 1 FROM orders) WHERE id = ? RETURNING revision`,
						args: [at, at, id],
					},
					{
						sql: "INSERT INTO order_changes (order_id, node_id, at, changes) SELECT ?, NULL, ?, ? WHERE changes() > 0",
						args: [id, at, JSON.stringify({ source: "site", type: "deleted" })],
					},
				]);
				const row = rs[0]?.rows[0];
				return row ? { revision: Number(row.revision) } : null;
			}),
		async purgeDeletedOrders() {
			// removable: marked deleted and acknowledged at (at least) its current revision by every node
			const removable = `SELECT o.id FROM orders o WHERE o.deleted_at IS NOT NULL AND NOT EXISTS (
				SELECT 1 FROM nodes n LEFT JOIN node_acks a ON a.node_id = n.id AND a.order_id = o.id
				WHERE a.acked_revision IS NULL OR a.acked_revision < o.revision)`;
			const probe = await client.execute("SELECT 1 FROM orders WHERE deleted_at IS NOT NULL LIMIT 1");
			if (probe.rows.length === 0) return 0;
			const rs = await ctx.write([
				{ sql: `CREATE TEMP TABLE IF NOT EXISTS purge_ids (id TEXT PRIMARY KEY)`, args: [] },
				{ sql: "DELETE FROM purge_ids", args: [] },
				{ sql: `INSERT INTO purge_ids (id) ${removable}`, args: [] },
				{ sql: "DELETE FROM node_acks WHERE order_id IN (SELECT id FROM purge_ids)", args: [] },
				{ sql: "DELETE FROM pending_batch WHERE order_id IN (SELECT id FROM purge_ids)", args: [] },
				{ sql: "DELETE FROM order_one_c WHERE order_id IN (SELECT id FROM purge_ids)", args: [] },
				{ sql: "DELETE FROM orders WHERE id IN (SELECT id FROM purge_ids)", args: [] },
			]);
			return rs.at(-1)?.rowsAffected ?? 0;
		},
		async countExport(nodeId, f) {
			const args: (string | number | null)[] = [nodeId];
			let where = "o.revision > coalesce(a.acked_revision, 0)";
			where += exportFilter(f, args);
			const rs = await client.execute({
				sql: `SELECT count(*) AS n FROM orders o LEFT JOIN node_acks a ON a.node_id = ? AND a.order_id = o.id WHERE ${where}`,
				args,
			});
			return Number(rs.rows[0]?.n ?? 0);
		},
		async nodeActivity() {
			// exchange requests only (admin actions such as resend are journalled with type 'admin')
			const rs = await client.execute(`SELECT n.id AS node_id,
					(SELECT j.id FROM journal j WHERE j.node_id = n.id AND coalesce(j.type, '') <> 'admin' ORDER BY j.id DESC LIMIT 1) AS last_id,
					(SELECT j.at FROM journal j WHERE j.node_id = n.id AND coalesce(j.type, '') <> 'admin'
						AND j.error IS NULL AND j.reply <> 'failure' ORDER BY j.id DESC LIMIT 1) AS last_success_at
				FROM nodes n`);
			const ids = rs.rows.map((r) => r.last_id).filter((v) => v !== null);
			const last = new Map<number, { at: string; reply: string; error: string | null }>();
			if (ids.length > 0) {
				const lr = await client.execute({
					sql: "SELECT id, at, reply, error FROM journal WHERE id IN (SELECT value FROM json_each(?))",
					args: [JSON.stringify(ids.map(Number))],
				});
				for (const r of lr.rows) last.set(Number(r.id), { at: String(r.at), reply: String(r.reply), error: str(r, "error") });
			}
			const out = new Map<string, NodeActivity>();
			for (const r of rs.rows) {
				const l = r.last_id === null ? undefined : last.get(Number(r.last_id));
				out.set(String(r.node_id), {
					lastAt: l?.at ?? null,
					lastOk: l ? l.error === null && l.reply !== "failure" : null,
					lastError: l?.error ?? null,
					lastSuccessAt: str(r, "last_success_at"),
				});
			}
			return out;
		},
	};
}
