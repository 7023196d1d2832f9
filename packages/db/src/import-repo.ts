/**
 * @module Applying a 1C file: the content-hash ledger (re-import = no-op), time-sliced parse staging and the single
 * write transaction that applies every document of the file.
 */
import type { InStatement } from "@libsql/client";
import { type StoreContext, sqlBool } from "./context.ts";
import { numberValue } from "./orders-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { OneCFields } from "./types.ts";

type ImportRepo = Pick<ExchangeStore, "isImported" | "readImportDocs" | "addImportDocs" | "applyImport">;

/** @internal 1C field → column. */
const COLUMN: Record<keyof OneCFields, string> = {
	id: "one_c_id",
	number: "one_c_number",
	date: "one_c_date",
	posted: "posted",
	paid: "paid",
	paidAt: "paid_at",
	paymentNumber: "payment_number",
	shipped: "shipped",
	shippedAt: "shipped_at",
	shipmentNumber: "shipment_number",
	cancelled: "cancelled",
	deleted: "deleted",
	status: "one_c_status",
};

function sqlValue(v: unknown): string | number | null {
	if (typeof v === "boolean") return sqlBool(v);
	if (v === undefined || v === null) return null;
	return typeof v === "number" ? v : String(v);
}

/** @internal */
export function importRepo(ctx: StoreContext): ImportRepo {
	const { client } = ctx;
	return {
		async isImported(nodeId, sha256) {
			const rs = await client.execute({ sql: "SELECT 1 FROM import_ledger WHERE node_id = ? AND sha256 = ?", args: [nodeId, sha256] });
			return rs.rows.length > 0;
		},
		async readImportDocs(sessionId, sha256) {
			const rs = await client.execute({
				sql: "SELECT doc FROM import_docs WHERE session_id = ? AND sha256 = ? ORDER BY seq",
				args: [sessionId, sha256],
			});
			return rs.rows.map((r) => String(r.doc));
		},
		async addImportDocs(sessionId, sha256, startSeq, docs) {
			if (docs.length === 0) return;
			await ctx.write(
				docs.map((doc, i) => ({
					sql: "INSERT OR IGNORE INTO import_docs (session_id, sha256, seq, doc) VALUES (?, ?, ?, ?)",
					args: [sessionId, sha256, startSeq + i, doc],
				})),
			);
		},
		applyImport: (app, sessionId) =>
			ctx.lock.run(async () => {
				const seen = await client.execute({
					sql: "SELECT 1 FROM import_ledger WHERE node_id = ? AND sha256 = ?",
					args: [app.nodeId, app.sha256],
				});
				if (seen.rows.length > 0) return false;
				const stmts: InStatement[] = [];
				for (const p of app.patches) {
					const sets: string[] = [];
					const args: (string | number | null)[] = [];
					for (const [k, v] of Object.entries(p.set)) {
						sets.push(`${COLUMN[k as keyof OneCFields]} = ?`);
						args.push(sqlValue(v));
					}
					if (p.status !== undefined) {
						sets.push("status = ?", "data = json_set(data, '$.status', ?, '$.statusChangedAt', ?)");
						args.push(p.status, p.status, app.at);
					}
					if (sets.length === 0) continue;
					sets.push("last_import_at = ?");
					args.push(app.at, p.orderId);
					stmts.push({ sql: `UPDATE orders SET ${sets.join(", ")} WHERE id = ?`, args });
					stmts.push({
						sql: "INSERT INTO order_changes (order_id, node_id, at, changes) VALUES (?, ?, ?, ?)",
						args: [p.orderId, app.nodeId, app.at, JSON.stringify({ source: "1c", fields: p.changes })],
					});
				}
				for (const c of app.creates) {
					const cols = Object.keys(c.oneC) as (keyof OneCFields)[];
					stmts.push({
						sql: `INSERT OR IGNORE INTO orders (id, number, number_num, status, created_at, data, revision, updated_at, last_import_at${cols.map((k) => `, ${COLUMN[k]}`).join("")})
							VALUES (?, ?, ?, ?, ?, ?, 0, ?, ?${cols.map(() => ", ?").join("")})`,
						args: [
							c.order.id,
							c.order.number,
							numberValue(c.order.number),
							c.order.status,
							c.order.createdAt,
							JSON.stringify(c.order),
							app.at,
							app.at,
							...cols.map((k) => sqlValue(c.oneC[k])),
						],
					});
					stmts.push({
						sql: "INSERT INTO order_changes (order_id, node_id, at, changes) VALUES (?, ?, ?, ?)",
						args: [c.order.id, app.nodeId, app.at, JSON.stringify({ source: "1c", type: "created" })],
					});
				}
				stmts.push(
					{
						sql: "INSERT INTO import_ledger (node_id, sha256, filename, at, documents, applied) VALUES (?, ?, ?, ?, ?, ?)",
						args: [app.nodeId, app.sha256, app.filename, app.at, app.documents, app.patches.length + app.creates.length],
					},
					{ sql: "DELETE FROM import_docs WHERE session_id = ? AND sha256 = ?", args: [sessionId, app.sha256] },
				);
				await client.batch(stmts, "write");
				return true;
			}),
	};
}
