/**
 * @module
 * The two-phase export handshake (docs/protocol.md §6.3, docs/reliability.md D1–D4):
 * `query` selects orders newer than the node acknowledged and records them as pending for the session;
 * `success` acknowledges exactly the pending revisions.
 */
import type { InStatement } from "@libsql/client";
import type { Order } from "@obmen/core";
import { numberValue } from "./orders-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { ExportCandidate, PendingItem } from "./types.ts";
import { str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type ExportRepo = Pick<ExchangeStore, "selectExport" | "recordPending" | "acknowledge" | "clearPending">;

/** Rows per pending-batch statement. */
const PENDING_ROWS = 100;

/**
 * @internal Records a session's `[order id, revision, data?, content?]` items as pending; the order JSON as sent is
 * kept with them (the base of a later content merge with 1C's edits, see node_acks.data): the text given, else the
 * stored text of that revision if it is still current; and its content as sent, when given and kept with a JSON
 * (node_acks.content). The rows are bound as a `VALUES` list where the engine takes 4 × 100
 * parameters, else (D1) passed as one JSON argument (see json-rows.ts).
 */
export function pendingInserts(sessionId: string, items: PendingItem[], maxParameters: number): InStatement[] {
	const upsert = `INSERT INTO pending_batch (session_id, order_id, revision, data, content)
		SELECT ?, v.order_id, v.revision,
			coalesce(v.data, (SELECT data FROM orders o WHERE o.id = v.order_id AND o.revision = v.revision)),
			CASE WHEN v.data IS NOT NULL OR EXISTS (SELECT 1 FROM orders o WHERE o.id = v.order_id AND o.revision = v.revision)
				THEN v.content END
		FROM v WHERE true
		ON CONFLICT(session_id, order_id) DO UPDATE SET data = CASE WHEN excluded.revision >= revision THEN excluded.data ELSE data END,
			content = CASE WHEN excluded.revision >= revision THEN excluded.content ELSE content END,
			revision = max(revision, excluded.revision)`;
	const out: InStatement[] = [];
	for (let i = 0; i < items.length; i += PENDING_ROWS) {
		const part = items.slice(i, i + PENDING_ROWS);
		const row = (p: PendingItem) => [p.orderId, p.revision, p.data ?? null, p.content ?? null];
		if (4 * PENDING_ROWS + 1 <= maxParameters)
			out.push({
				sql: `WITH v(order_id, revision, data, content) AS (VALUES ${part.map(() => "(?, ?, ?, ?)").join(", ")}) ${upsert}`,
				args: [...part.flatMap(row), sessionId],
			});
		else
			out.push({
				sql: `WITH v(order_id, revision, data, content) AS (SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]'),
					json_extract(value, '$[2]'), json_extract(value, '$[3]') FROM json_each(?) ORDER BY key) ${upsert}`,
				args: [JSON.stringify(part.map(row)), sessionId],
			});
	}
	return out;
}

/**
 * The "export from order number N" condition (node setting `exportFromNumber`): numeric when both numbers are all
 * digits, else a text comparison; its arguments in order.
 */
export function fromNumberCondition(fromNumber: string): { sql: string; args: (string | number | null)[] } {
	const n = numberValue(fromNumber);
	return {
		sql: "CASE WHEN o.number_num IS NOT NULL AND ? IS NOT NULL THEN o.number_num >= ? ELSE o.number >= ? END",
		args: [n, n, fromNumber],
	};
}

/**
 * The node's export filter (status list, none = all; from number N) as `AND …` conditions on `orders o`; pushes their
 * arguments onto `args`.
 */
export function exportFilter(f: { statuses: string[]; fromNumber: string | null }, args: (string | number | null)[]): string {
	let where = "";
	if (f.statuses.length > 0) {
		where += ` AND o.status IN (${f.statuses.map(() => "?").join(", ")})`;
		args.push(...f.statuses);
	}
	if (f.fromNumber !== null && f.fromNumber !== "") {
		const c = fromNumberCondition(f.fromNumber);
		where += ` AND (${c.sql})`;
		args.push(...c.args);
	}
	return where;
}

/** @internal `meta` key of a node's export floor. */
export function floorKey(nodeId: string): string {
	return `export_floor:${nodeId}`;
}

/**
 * @internal The statements that move a node's export floor up to just below its first order not acknowledged at
 * its current revision (or to the newest revision): the walk starts at the stored floor and the new value is
 * computed inside the `UPDATE`, so it reads the acknowledgements as they are when the write lock is held. Never
 * lowers the floor.
 */
export function floorAdvance(nodeId: string): InStatement[] {
	const key = floorKey(nodeId);
	return [
		{ sql: "INSERT INTO meta (key, value) VALUES (?, '0') ON CONFLICT(key) DO NOTHING", args: [key] },
		{
			sql: `UPDATE meta SET value = CAST(max(CAST(value AS INTEGER), coalesce(
					(SELECT o.revision - 1 FROM orders o LEFT JOIN node_acks a ON a.node_id = ?1 AND a.order_id = o.id
						WHERE o.revision > CAST(meta.value AS INTEGER) AND (a.acked_revision IS NULL OR a.acked_revision < o.revision)
						ORDER BY o.revision LIMIT 1),
					(SELECT max(revision) FROM orders), 0)) AS TEXT) WHERE key = ?2`,
			args: [nodeId, key],
		},
	];
}

/** Most distinct stored order JSON texts {@link ParsedOrders} remembers (a few MB). */
export const PARSED_ORDERS_MAX = 4096;

/** @internal Freezes a parsed value deeply (a shared parsed order must never be changed by one request). */
function deepFreeze<T>(v: T): T {
	if (v && typeof v === "object" && !Object.isFrozen(v)) {
		Object.freeze(v);
		for (const x of Object.values(v)) deepFreeze(x);
	}
	return v;
}

/**
 * @internal Parsed orders by their stored JSON text: a 1C node polling `query` reads the same orders page after page
 * (and again after every changed order), and parsing them is a large share of the request. The key is the stored
 * text itself, so any change of the order (site upsert or 1C import) is simply a different key — never stale, in
 * this process or across processes. Values are deeply frozen and shared: callers must copy before changing them.
 */
export class ParsedOrders {
	readonly #byText = new Map<string, Order>();

	constructor(private readonly max = PARSED_ORDERS_MAX) {}

	/** The parsed order of a stored `orders.data` text. */
	get(text: string): Order {
		let order = this.#byText.get(text);
		if (order) return order;
		order = deepFreeze(JSON.parse(text) as Order);
		if (this.#byText.size >= this.max) this.#byText.clear(); // simple bound; a miss only parses again
		this.#byText.set(text, order);
		return order;
	}
}

/**
 * @internal
 * The export floor of a node is a revision F such that every order with revision ≤ F is acknowledged by the node at
 * its current revision. It only ever stays valid: revisions only grow (a changed order gets a revision above every
 * other) and acknowledgements never go down. `query` then reads only `revision > F` through the revision index.
 * After each `success` the floor moves up to just below the first order the node has not acknowledged (a walk over
 * what was just acknowledged), in the acknowledging transaction itself ({@link floorAdvance}): computed and written
 * by one statement, so a resend or rewind committed by another instance is never overwritten by a floor computed
 * before it. Status / number filters are not taken into account: an order they keep out stops the
 * floor, which is then as slow as no floor, never wrong.
 */
export function exportRepo(ctx: StoreContext): ExportRepo {
	const parsed = new ParsedOrders();
	const floorOf = async (nodeId: string) => {
		const rs = await ctx.client.execute({ sql: "SELECT value FROM meta WHERE key = ?", args: [floorKey(nodeId)] });
		return rs.rows[0] ? Number(rs.rows[0].value) || 0 : 0;
	};
	return {
		async selectExport(nodeId, f) {
			const args: (string | number | null)[] = [nodeId, f.session ?? "", await floorOf(nodeId)];
			// the floor turns "newer than acknowledged" into an index range: without it every query of a node that is
			// up to date would walk all orders (~100 ms at 100k orders)
			// a held content conflict is not exported until resolved
			let where =
				"o.held IS NULL AND o.revision > ? AND o.revision > coalesce(a.acked_revision, 0) AND (p.revision IS NULL OR p.revision < o.revision)";
			where += exportFilter(f, args);
			args.push(f.limit);
			const rs = await ctx.client.execute({
				sql: `SELECT o.id, o.data, o.revision, c.one_c_id, c.one_c_number, o.deleted_at FROM orders o
					LEFT JOIN order_one_c c ON c.order_id = o.id
					LEFT JOIN node_acks a ON a.node_id = ? AND a.order_id = o.id
					LEFT JOIN pending_batch p ON p.session_id = ? AND p.order_id = o.id
					WHERE ${where} ORDER BY o.revision LIMIT ?`,
				args,
			});
			return rs.rows.map(
				(r): ExportCandidate => ({
					order: parsed.get(String(r.data)),
					revision: Number(r.revision),
					oneC: { id: str(r, "one_c_id"), number: str(r, "one_c_number") },
					...(r.deleted_at != null ? { deleted: true } : {}),
					data: String(r.data),
				}),
			);
		},
		async recordPending(sessionId, items) {
			if (items.length === 0) return;
			// one statement per 100 orders instead of one per order: the batch is still committed before `query`
			// replies, but without a prepare and a step per order
			await ctx.write(pendingInserts(sessionId, items, ctx.maxParameters));
		},
		async clearPending(sessionId) {
			// read first: a session's first `query` has nothing pending, and then no write transaction is spent
			const rs = await ctx.client.execute({ sql: "SELECT 1 FROM pending_batch WHERE session_id = ? LIMIT 1", args: [sessionId] });
			if (rs.rows.length === 0) return;
			await ctx.write([{ sql: "DELETE FROM pending_batch WHERE session_id = ?", args: [sessionId] }]);
		},
		acknowledge: (sessionId, nodeId) =>
			ctx.lock.run(async () => {
				const rs = await ctx.batchWithRiders([
					{
						sql: `INSERT INTO node_acks (node_id, order_id, acked_revision, data, content)
								SELECT ?, order_id, revision, data, content FROM pending_batch WHERE session_id = ? AND true
								ON CONFLICT(node_id, order_id) DO UPDATE SET
									data = CASE WHEN excluded.acked_revision >= acked_revision THEN excluded.data ELSE data END,
									content = CASE WHEN excluded.acked_revision >= acked_revision THEN excluded.content ELSE content END,
									acked_revision = max(acked_revision, excluded.acked_revision)`,
						args: [nodeId, sessionId],
					},
					{ sql: "DELETE FROM pending_batch WHERE session_id = ?", args: [sessionId] },
					...floorAdvance(nodeId),
				]);
				return rs[1]?.rowsAffected ?? 0;
			}),
	};
}
