/**
 * @module
 * Uploads applied without waiting for `mode=import` (`upload_applies`): queued when an upload is complete,
 * worked on in time slices under a lease that any app process may take once it is free or expired (a compare-and-set
 * `UPDATE … WHERE claimed_until <= now`), finished with the per-file summary a later `import` repeats.
 */
import type { Row } from "@libsql/client";
import { dropOrphanUploads } from "./session-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { UploadApply } from "./types.ts";
import { num, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type UploadApplyRepo = Pick<
	ExchangeStore,
	"queueUploadApply" | "getUploadApply" | "claimUploadApply" | "renewUploadApply" | "saveUploadApply" | "listClaimableApplies"
>;

function rowToApply(r: Row): UploadApply {
	let result: UploadApply["result"] = { done: {} };
	try {
		const parsed = JSON.parse(String(r.result)) as Partial<UploadApply["result"]>;
		result = { ...parsed, done: parsed.done ?? {} };
	} catch {
		/* a damaged row is worked on from the start: the ledger keeps what was applied */
	}
	return {
		sessionId: String(r.session_id),
		name: String(r.name),
		nodeId: String(r.node_id),
		state: String(r.state) as UploadApply["state"],
		claimedUntil: num(r, "claimed_until"),
		createdAt: num(r, "created_at"),
		result,
		error: str(r, "error"),
	};
}

/** @internal */
export function uploadApplyRepo(ctx: StoreContext): UploadApplyRepo {
	const { client } = ctx;
	return {
		async queueUploadApply(sessionId, name, nodeId, at) {
			await ctx.write([
				{
					sql: `INSERT OR REPLACE INTO upload_applies (session_id, name, node_id, state, claimed_until, created_at, result, error)
						VALUES (?, ?, ?, 'pending', 0, ?, '{"done":{}}', NULL)`,
					args: [sessionId, name, nodeId, at],
				},
				{ sql: "UPDATE upload_files SET done = 1 WHERE session_id = ? AND name = ?", args: [sessionId, name] },
			]);
		},
		async getUploadApply(sessionId, name) {
			const rs = await client.execute({ sql: "SELECT * FROM upload_applies WHERE session_id = ? AND name = ?", args: [sessionId, name] });
			return rs.rows[0] ? rowToApply(rs.rows[0]) : null;
		},
		async claimUploadApply(sessionId, name, now, leaseMs) {
			const [rs] = await ctx.write([
				{
					sql: `UPDATE upload_applies SET claimed_until = ?
						WHERE session_id = ? AND name = ? AND state = 'pending' AND claimed_until <= ?`,
					args: [now + leaseMs, sessionId, name, now],
				},
			]);
			return (rs?.rowsAffected ?? 0) === 1;
		},
		async renewUploadApply(sessionId, name, heldUntil, until) {
			const rs = await client.execute({
				sql: `UPDATE upload_applies SET claimed_until = ?
					WHERE session_id = ? AND name = ? AND state = 'pending' AND claimed_until = ?`,
				args: [until, sessionId, name, heldUntil],
			});
			return rs.rowsAffected === 1;
		},
		async saveUploadApply(sessionId, name, patch, heldUntil) {
			const held = heldUntil === undefined ? "" : " AND state = 'pending' AND claimed_until = ?";
			const [rs] = await ctx.write([
				{
					sql: `UPDATE upload_applies SET result = ?, state = coalesce(?, state), error = coalesce(?, error), claimed_until = 0
						WHERE session_id = ? AND name = ?${held}`,
					args: [
						JSON.stringify(patch.result),
						patch.state ?? null,
						patch.error ?? null,
						sessionId,
						name,
						...(heldUntil === undefined ? [] : [heldUntil]),
					],
				},
				// the session may have been purged while this was pending: its upload rows go once nothing is pending
				...(patch.state ? dropOrphanUploads(sessionId) : []),
			]);
			return (rs?.rowsAffected ?? 0) === 1;
		},
		async listClaimableApplies(now, limit) {
			const rs = await client.execute({
				sql: "SELECT * FROM upload_applies WHERE state = 'pending' AND claimed_until <= ? ORDER BY created_at, session_id, name LIMIT ?",
				args: [now, limit],
			});
			return rs.rows.map(rowToApply);
		},
	};
}
