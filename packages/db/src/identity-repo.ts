/**
 * @module
 * Per-node export identities (the `Номер`/date an order was first exported with, fixed forever after) and the
 * 1C documents kept because they matched no order.
 */
import type { InStatement, Row } from "@libsql/client";
import { pendingInserts } from "./export-repo.ts";
import { COLUMN } from "./import-repo.ts";
import { rowInserts } from "./json-rows.ts";
import { bpOrderKey, cutNumber } from "./order-keys.ts";
import type { ExchangeStore } from "./store.ts";
import type { ExportIdentity, OneCFields, UnmatchedDocument, UnmatchedInput } from "./types.ts";
import { sqlBool, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type IdentityRepo = Pick<
	ExchangeStore,
	| "getExportIdentities"
	| "orderExportIdentities"
	| "findTakenIdentities"
	| "recordExport"
	| "listUnmatched"
	| "getUnmatched"
	| "listRematchable"
	| "findUnmatched"
	| "resolveUnmatched"
>;

/** @internal `meta` key set once the orders a node got before identities existed have their `legacy` rows. */
export function legacyKey(nodeId: string): string {
	return `export_identities_legacy:${nodeId}`;
}

const ID_COLS = "node_id, order_id, number, date, key, policy, created_at";
const UNMATCHED_COLS = "id, node_id, kind, one_c_id, number, date, basis, doc, reason, first_seen, last_seen";
const PAGE = 1000;

function rowToIdentity(r: Row): ExportIdentity {
	return {
		nodeId: String(r.node_id),
		orderId: String(r.order_id),
		number: String(r.number),
		date: String(r.date),
		key: String(r.key),
		policy: String(r.policy) as ExportIdentity["policy"],
		createdAt: String(r.created_at),
	};
}

function rowToUnmatched(r: Row): UnmatchedDocument {
	return {
		id: Number(r.id),
		nodeId: String(r.node_id),
		kind: String(r.kind),
		oneCId: str(r, "one_c_id"),
		number: str(r, "number"),
		date: str(r, "date"),
		basis: str(r, "basis"),
		doc: String(r.doc),
		reason: String(r.reason),
		firstSeen: String(r.first_seen),
		lastSeen: String(r.last_seen),
	};
}

/** @internal INSERT OR IGNORE of identity rows (a lost race leaves the other assignment in place). */
export function identityInserts(ids: ExportIdentity[], maxParameters?: number): InStatement[] {
	return rowInserts(
		"INSERT OR IGNORE INTO export_identities (node_id, order_id, number, date, key, cut, policy, created_at)",
		8,
		ids.map((x) => [x.nodeId, x.orderId, x.number, x.date, x.key, cutNumber(x.number), x.policy, x.createdAt]),
		maxParameters,
	);
}

/** @internal The unique key of a kept document within its node. */
export function unmatchedRef(d: UnmatchedInput): string {
	return `${d.kind}:${d.oneCId ?? ""}:${d.number ?? ""}:${d.basis ?? ""}`;
}

/** @internal Upserts of kept documents (a re-sent document refreshes its record, reason and `last_seen`). */
export function unmatchedUpserts(nodeId: string, at: string, docs: UnmatchedInput[]): InStatement[] {
	return docs.map((d) => ({
		sql: `INSERT INTO unmatched_documents (node_id, ref, kind, one_c_id, number, date, basis, doc, reason, first_seen, last_seen)
			VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
			ON CONFLICT(node_id, ref) DO UPDATE SET doc = excluded.doc, reason = excluded.reason, date = excluded.date, last_seen = excluded.last_seen`,
		args: [nodeId, unmatchedRef(d), d.kind, d.oneCId, d.number, d.date, d.basis, d.doc, d.reason, at, at],
	}));
}

/** @internal */
export function identityRepo(ctx: StoreContext): IdentityRepo {
	const { client } = ctx;
	/**
	 * Orders a node got before identities existed (acknowledged, or pending in one of its sessions) keep the number
	 * they were exported with — their store number: once per node, they get `legacy` rows. Idempotent (OR IGNORE),
	 * so two processes may both run it.
	 */
	const legacyDone = new Set<string>();
	const ensureLegacy = async (nodeId: string) => {
		if (legacyDone.has(nodeId)) return;
		const flag = await client.execute({ sql: "SELECT 1 FROM meta WHERE key = ?", args: [legacyKey(nodeId)] });
		if (flag.rows.length > 0) {
			legacyDone.add(nodeId);
			return;
		}
		let after = "";
		for (;;) {
			const rs = await client.execute({
				sql: `SELECT o.id, o.number, o.created_at FROM orders o
					WHERE o.id > ? AND (o.id IN (SELECT order_id FROM node_acks WHERE node_id = ?)
						OR o.id IN (SELECT p.order_id FROM pending_batch p JOIN sessions s ON s.id_hash = p.session_id WHERE s.node_id = ?))
					AND NOT EXISTS (SELECT 1 FROM export_identities i WHERE i.node_id = ? AND i.order_id = o.id)
					ORDER BY o.id LIMIT ?`,
				args: [after, nodeId, nodeId, nodeId, PAGE],
			});
			if (rs.rows.length === 0) break;
			const now = new Date().toISOString();
			const rows = rs.rows.map(
				(r): ExportIdentity => ({
					nodeId,
					orderId: String(r.id),
					number: String(r.number),
					date: String(r.created_at),
					key: bpOrderKey(String(r.number), String(r.created_at)),
					policy: "legacy",
					createdAt: now,
				}),
			);
			await client.batch(identityInserts(rows, ctx.maxParameters), "write");
			after = String(rs.rows.at(-1)?.id ?? after);
			if (rs.rows.length < PAGE) break;
		}
		await client.batch(
			[{ sql: "INSERT OR IGNORE INTO meta (key, value) VALUES (?, ?)", args: [legacyKey(nodeId), new Date().toISOString()] }],
			"write",
		);
		legacyDone.add(nodeId);
	};
	const identitiesOf = async (nodeId: string, orderIds: string[]) => {
		if (orderIds.length === 0) return [];
		const rs = await client.execute({
			sql: `SELECT ${ID_COLS} FROM export_identities WHERE node_id = ? AND order_id IN (SELECT value FROM json_each(?))`,
			args: [nodeId, JSON.stringify(orderIds)],
		});
		return rs.rows.map(rowToIdentity);
	};
	return {
		async getExportIdentities(nodeId, orderIds) {
			await ensureLegacy(nodeId);
			return identitiesOf(nodeId, orderIds);
		},
		async orderExportIdentities(orderId) {
			const rs = await client.execute({
				sql: `SELECT ${ID_COLS} FROM export_identities WHERE order_id = ? ORDER BY node_id`,
				args: [orderId],
			});
			return rs.rows.map(rowToIdentity);
		},
		async findTakenIdentities(nodeId, numbers, keys) {
			await ensureLegacy(nodeId);
			// two index ranges: numbers through their cut (then the exact number), keys through the key index
			const rs = await client.execute({
				sql: `SELECT order_id, number, key FROM export_identities WHERE node_id = ?1
						AND cut IN (SELECT value FROM json_each(?2)) AND number IN (SELECT value FROM json_each(?3))
					UNION SELECT order_id, number, key FROM export_identities WHERE node_id = ?1 AND key IN (SELECT value FROM json_each(?4))`,
				args: [nodeId, JSON.stringify([...new Set(numbers.map(cutNumber))]), JSON.stringify(numbers), JSON.stringify(keys)],
			});
			return rs.rows.map((r) => ({ orderId: String(r.order_id), number: String(r.number), key: String(r.key) }));
		},
		async recordExport(nodeId, sessionId, items, identities) {
			const stmts: InStatement[] = [...identityInserts(identities, ctx.maxParameters)];
			stmts.push(...pendingInserts(sessionId, items, ctx.maxParameters));
			if (stmts.length > 0) await ctx.write(stmts);
			return identitiesOf(nodeId, [...new Set([...items.map((i) => i.orderId), ...identities.map((i) => i.orderId)])]);
		},
		async listUnmatched(nodeId, opts) {
			const rs = await client.execute({
				sql: `SELECT ${UNMATCHED_COLS} FROM unmatched_documents WHERE node_id = ? AND id > ? ORDER BY id LIMIT ?`,
				args: [nodeId, opts.after ?? 0, opts.limit],
			});
			return rs.rows.map(rowToUnmatched);
		},
		async listRematchable(nodeId, limit) {
			// one statement, index probes per kept document: only those some order or export identity now answers to
			const rs = await client.execute({
				sql: `SELECT ${UNMATCHED_COLS} FROM unmatched_documents u WHERE u.node_id = ?1 AND (
						EXISTS (SELECT 1 FROM orders o WHERE o.number = u.number OR o.number = u.basis)
						OR EXISTS (SELECT 1 FROM orders o WHERE o.id = u.basis)
						OR (u.kind = 'order' AND EXISTS (SELECT 1 FROM order_one_c c WHERE c.one_c_id = u.one_c_id))
						OR EXISTS (SELECT 1 FROM export_identities i WHERE i.node_id = ?1 AND i.cut = substr(u.number, 1, 11))
						OR EXISTS (SELECT 1 FROM export_identities i WHERE i.node_id = ?1 AND i.cut = substr(u.basis, 1, 11)))
					ORDER BY u.id LIMIT ?2`,
				args: [nodeId, limit],
			});
			return rs.rows.map(rowToUnmatched);
		},
		async getUnmatched(nodeId, id) {
			const rs = await client.execute({
				sql: `SELECT ${UNMATCHED_COLS} FROM unmatched_documents WHERE node_id = ? AND id = ?`,
				args: [nodeId, id],
			});
			return rs.rows[0] ? rowToUnmatched(rs.rows[0]) : null;
		},
		async findUnmatched(keys) {
			const rs = await client.execute({
				sql: `SELECT ${UNMATCHED_COLS} FROM unmatched_documents WHERE id IN (
						SELECT id FROM unmatched_documents WHERE number IN (SELECT value FROM json_each(?1))
						UNION SELECT id FROM unmatched_documents WHERE basis IN (SELECT value FROM json_each(?1)))
					ORDER BY id LIMIT 1000`,
				args: [JSON.stringify(keys)],
			});
			return rs.rows.map(rowToUnmatched);
		},
		async resolveUnmatched(id, nodeId, patch, at, revision) {
			const stmts: InStatement[] = [];
			if (patch) {
				const sets = Object.entries(patch.set).map(([k, v]): [string, string | number | null] => [
					COLUMN[k as keyof OneCFields],
					typeof v === "boolean" ? sqlBool(v) : (v ?? null),
				]);
				// what 1C told, on the order's row of order_one_c (made when the order has none yet)
				const oneC = [...sets.map(([c]) => c), "last_import_at"];
				stmts.push({
					sql: `INSERT INTO order_one_c (order_id, ${oneC.join(", ")})
						SELECT id, ${oneC.map(() => "?").join(", ")} FROM orders WHERE id = ?
						ON CONFLICT(order_id) DO UPDATE SET ${oneC.map((c) => `${c} = excluded.${c}`).join(", ")}`,
					args: [...sets.map(([, v]) => v), at, patch.orderId],
				});
				const cols: string[] = [];
				const args: (string | number | null)[] = [];
				// 1C's content applied or a conflict held (issue #12): only while the order is still at the revision the
				// patch was planned against (a store write in between wins; the event still reports 1C's change)
				const still = revision === undefined ? "1" : `revision = ${Number(revision)}`;
				if (patch.data !== undefined) {
					// the new JSON keeps the status the order has now: another process may have changed only the status since
					// the patch was planned (a status change keeps the revision, so the revision check cannot see it); a status of the
					// patch's own is set by the second step below
					cols.push(
						`data = CASE WHEN NOT (${still}) THEN data
							WHEN json_type(data, '$.statusChangedAt') IS NULL THEN json_remove(json_set(?, '$.status', status), '$.statusChangedAt')
							ELSE json_set(?, '$.status', status, '$.statusChangedAt', json_extract(data, '$.statusChangedAt')) END`,
						`revision = CASE WHEN ${still} THEN (SELECT max(revision) FROM orders) + 1 ELSE revision END`,
						`updated_at = CASE WHEN ${still} THEN ? ELSE updated_at END`,
					);
					args.push(patch.data, patch.data, at);
				}
				if (patch.held !== undefined) {
					cols.push(`held = CASE WHEN ${still} THEN ? ELSE held END`);
					args.push(patch.held === "" ? null : patch.held);
				}
				if (patch.status !== undefined && patch.data === undefined) {
					cols.push("status = ?", "data = json_set(data, '$.status', ?, '$.statusChangedAt', ?)");
					args.push(patch.status, patch.status, at);
				}
				// the node already has 1C's own content: it acknowledges the revision the update below gives the order (no
				// echo) — decided by the same revision check, so an update skipped for a store write in between acknowledges
				// nothing (the store's write goes to 1C); the JSON is filled in once the order holds it
				const ack = patch.data !== undefined && patch.ack;
				if (ack)
					stmts.push({
						sql: `INSERT INTO node_acks (node_id, order_id, acked_revision, data)
							SELECT ?, id, (SELECT max(revision) FROM orders) + 1, NULL FROM orders WHERE id = ? AND ${still}
							ON CONFLICT(node_id, order_id) DO UPDATE SET acked_revision = excluded.acked_revision, data = excluded.data, content = NULL`,
						args: [nodeId, patch.orderId],
					});
				if (cols.length) stmts.push({ sql: `UPDATE orders SET ${cols.join(", ")} WHERE id = ?`, args: [...args, patch.orderId] });
				if (patch.data !== undefined && patch.status !== undefined)
					// SET expressions read the old row: the status goes into the new JSON in a second step
					stmts.push({
						sql: "UPDATE orders SET status = ?, data = json_set(data, '$.status', ?, '$.statusChangedAt', ?) WHERE id = ?",
						args: [patch.status, patch.status, at, patch.orderId],
					});
				if (ack)
					stmts.push({
						sql: `UPDATE node_acks SET data = (SELECT data FROM orders WHERE id = ?2), content = NULL
							WHERE node_id = ?1 AND order_id = ?2 AND acked_revision = (SELECT revision FROM orders WHERE id = ?2)`,
						args: [nodeId, patch.orderId],
					});
				if (!patch.silent)
					stmts.push({
						sql: "INSERT INTO order_changes (order_id, node_id, at, changes) VALUES (?, ?, ?, ?)",
						args: [patch.orderId, nodeId, at, JSON.stringify({ source: "1c", fields: patch.changes, ...patch.event })],
					});
			}
			stmts.push({ sql: "DELETE FROM unmatched_documents WHERE id = ?", args: [id] });
			const rs = await ctx.write(stmts);
			return (rs.at(-1)?.rowsAffected ?? 0) > 0;
		},
	};
}

/** @internal Purges a node's identities and kept documents (with the node). */
export function purgeIdentities(nodeId: string): InStatement[] {
	return [
		{ sql: "DELETE FROM export_identities WHERE node_id = ?", args: [nodeId] },
		{ sql: "DELETE FROM unmatched_documents WHERE node_id = ?", args: [nodeId] },
		{ sql: "DELETE FROM meta WHERE key = ?", args: [legacyKey(nodeId)] },
	];
}
