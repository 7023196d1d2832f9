/**
 * @module
 * Orders: site-side upserts (which bump the export revision), reads, the changes feed.
 */

import type { Row } from "@libsql/client";
import { normalizeDecimal, type Order } from "@obmen/core";
import type { ExchangeStore } from "./store.ts";
import type { ChangeRow, StoredOrder } from "./types.ts";
import { bool, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

/** @internal Numeric value of an all-digit order number (≤ 15 digits), else null. */
export function numberValue(n: string | null): number | null {
	return n !== null && /^\d{1,15}$/.test(n) ? Number(n) : null;
}

/** @internal The columns {@link rowToStored} reads, from {@link ORDER_FROM}. */
export const ORDER_COLUMNS =
	"o.id, o.data, o.revision, o.updated_at, c.one_c_id, c.one_c_number, c.one_c_date, c.posted, c.paid, c.paid_at, c.payment_number, c.shipped, c.shipped_at, c.shipment_number, c.cancelled, c.deleted, c.final, c.one_c_status, c.one_c_status_id, c.last_import_at, c.one_c_content, o.held, o.deleted_at";

/** @internal A store order (`o`) with what 1C told about it (`c`, null columns when 1C never sent a document for it). */
export const ORDER_FROM = "orders o LEFT JOIN order_one_c c ON c.order_id = o.id";

/** @internal */
export function rowToStored(row: Row): StoredOrder {
	const has1C = row.last_import_at !== null || row.one_c_id !== null || row.one_c_number !== null;
	return {
		order: JSON.parse(String(row.data)) as Order,
		revision: Number(row.revision),
		updatedAt: String(row.updated_at),
		oneC: has1C
			? {
					id: str(row, "one_c_id"),
					number: str(row, "one_c_number"),
					date: str(row, "one_c_date"),
					posted: bool(row, "posted"),
					paid: bool(row, "paid"),
					paidAt: str(row, "paid_at"),
					paymentNumber: str(row, "payment_number"),
					shipped: bool(row, "shipped"),
					shippedAt: str(row, "shipped_at"),
					shipmentNumber: str(row, "shipment_number"),
					cancelled: bool(row, "cancelled"),
					deleted: bool(row, "deleted"),
					final: bool(row, "final"),
					status: str(row, "one_c_status"),
					statusId: str(row, "one_c_status_id"),
					lastImportAt: str(row, "last_import_at"),
					content: str(row, "one_c_content"),
				}
			: null,
		deletedAt: str(row, "deleted_at"),
		held: row.held === null || row.held === undefined ? null : (JSON.parse(String(row.held)) as Record<string, unknown>),
	};
}

/**
 * Whether the stored JSON is the order being saved: the same text, or the same but for a total stored in an older
 * spelling (a total the store did not send was kept with two fraction digits, "600.00", before it was normalised
 * like a sent one, "600"), so that an unchanged order sent again after an upgrade is no new revision for 1C.
 */
function sameOrder(stored: string, order: Order, data: string): boolean {
	if (stored === data) return true;
	try {
		const old = JSON.parse(stored) as { total?: unknown };
		if (typeof old.total !== "string" || old.total === order.total) return false;
		old.total = normalizeDecimal(old.total);
		return JSON.stringify(old) === data;
	} catch {
		return false;
	}
}

type OrdersRepo = Pick<
	ExchangeStore,
	"upsertOrder" | "getOrder" | "listOrders" | "findOrdersForImport" | "statusCounts" | "methods" | "listChanges"
>;

/** @internal */
export function ordersRepo(ctx: StoreContext): OrdersRepo {
	const { client } = ctx;
	return {
		upsertOrder: (order, at) =>
			ctx.lock.run(async () => {
				const data = JSON.stringify(order);
				const cur = await client.execute({ sql: "SELECT data, revision FROM orders WHERE id = ?", args: [order.id] });
				const row = cur.rows[0];
				if (row && sameOrder(String(row.data), order, data)) return { created: false, changed: false, revision: Number(row.revision) };
				const rs = await client.batch(
					[
						{
							sql: `INSERT INTO orders (id, number, number_num, status, created_at, data, revision, updated_at)
								VALUES (?, ?, ?, ?, ?, ?, (SELECT coalesce(max(revision), 0) + 1 FROM orders), ?)
								ON CONFLICT(id) DO UPDATE SET number = excluded.number, number_num = excluded.number_num,
								status = excluded.status, created_at = excluded.created_at, data = excluded.data,
								revision = excluded.revision, updated_at = excluded.updated_at, deleted_at = NULL
								RETURNING revision`,
							args: [order.id, order.number, numberValue(order.number), order.status, order.createdAt, data, at],
						},
						{
							sql: "INSERT INTO order_changes (order_id, node_id, at, changes) VALUES (?, NULL, ?, ?)",
							args: [order.id, at, JSON.stringify({ source: "site", type: row ? "updated" : "created" })],
						},
					],
					"write",
				);
				const revision = Number(rs[0]?.rows[0]?.revision ?? 0);
				return { created: !row, changed: true, revision };
			}),
		async getOrder(id) {
			const rs = await client.execute({ sql: `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE o.id = ?`, args: [id] });
			return rs.rows[0] ? rowToStored(rs.rows[0]) : null;
		},
		async listOrders({ limit, cursor }) {
			const rs = await client.execute({
				sql: `SELECT ${ORDER_COLUMNS} FROM ${ORDER_FROM} WHERE o.id > ? ORDER BY o.id LIMIT ?`,
				args: [cursor ?? "", limit + 1],
			});
			const items = rs.rows.slice(0, limit).map(rowToStored);
			return { items, nextCursor: rs.rows.length > limit ? (items.at(-1)?.order.id ?? null) : null };
		},
		async findOrdersForImport({ numbers, oneCIds, oneCNumbers = [], orderIds = [] }) {
			// each list is one JSON argument (D1 binds at most 100 parameters per statement)
			const rs = await client.execute({
				sql: `SELECT ${ORDER_COLUMNS}, o.number FROM ${ORDER_FROM} WHERE o.id IN (
						SELECT id FROM orders WHERE number IN (SELECT value FROM json_each(?1)) OR id IN (SELECT value FROM json_each(?4))
						UNION SELECT order_id FROM order_one_c WHERE one_c_id IN (SELECT value FROM json_each(?2))
							OR one_c_number IN (SELECT value FROM json_each(?3)))`,
				args: [numbers, oneCIds, oneCNumbers, orderIds].map((a) => JSON.stringify(a)),
			});
			return rs.rows.map(rowToStored);
		},
		async statusCounts() {
			const rs = await client.execute("SELECT status, count(*) AS n FROM orders GROUP BY status ORDER BY status");
			return rs.rows.map((r) => ({ code: String(r.status), count: Number(r.n) }));
		},
		async methods() {
			const rs = await client.execute(
				`SELECT DISTINCT 'p' AS k, json_extract(data, '$.payment.method') AS m FROM orders WHERE m IS NOT NULL AND m <> ''
				 UNION SELECT DISTINCT 's', json_extract(data, '$.shipping.method') AS m FROM orders WHERE m IS NOT NULL AND m <> '' ORDER BY 2`,
			);
			const pick = (k: string) => rs.rows.filter((r) => r.k === k).map((r) => String(r.m));
			return { payment: pick("p"), shipping: pick("s") };
		},
		async listChanges({ after, limit }) {
			const rs = await client.execute({
				sql: "SELECT cursor, order_id, node_id, at, changes FROM order_changes WHERE cursor > ? ORDER BY cursor LIMIT ?",
				args: [after, limit],
			});
			return rs.rows.map(
				(r): ChangeRow => ({
					cursor: Number(r.cursor),
					orderId: String(r.order_id),
					nodeId: str(r, "node_id"),
					at: String(r.at),
					changes: JSON.parse(String(r.changes)) as Record<string, unknown>,
				}),
			);
		},
	};
}
