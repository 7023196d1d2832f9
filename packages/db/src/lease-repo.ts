/**
 * @module
 * Coordination between instances sharing one database: first-writer-wins meta values (start-up seeding) and leases
 * (a node's export between `query` and `success`, background work). Every operation is one statement, so it is atomic
 * on every engine (libSQL file or remote, D1).
 */

import type { ExchangeStore } from "./store.ts";
import type { LeaseRow } from "./types.ts";
import { num, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type LeaseRepo = Pick<ExchangeStore, "initMeta" | "acquireLease" | "releaseLease" | "getLease">;

/** @internal */
export function leaseRepo(ctx: StoreContext): LeaseRepo {
	const getLease = async (name: string): Promise<LeaseRow | null> => {
		const rs = await ctx.client.execute({ sql: "SELECT name, holder, owner, since, until FROM leases WHERE name = ?", args: [name] });
		const r = rs.rows[0];
		return r
			? { name: String(r.name), holder: String(r.holder), owner: str(r, "owner") ?? "", since: num(r, "since"), until: num(r, "until") }
			: null;
	};
	return {
		async initMeta(key, value) {
			const [, rs] = await ctx.write([
				{ sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO NOTHING", args: [key, value] },
				{ sql: "SELECT value FROM meta WHERE key = ?", args: [key] },
			]);
			return String(rs?.rows[0]?.value ?? value);
		},
		async acquireLease(lease, now, ttlMs) {
			const [rs] = await ctx.write([
				{
					// compare-and-set: free, ended, or already ours (then renewed, keeping `since`)
					sql: `INSERT INTO leases (name, holder, owner, since, until) VALUES (?, ?, ?, ?, ?)
						ON CONFLICT(name) DO UPDATE SET
							since = CASE WHEN leases.holder = excluded.holder THEN leases.since ELSE excluded.since END,
							holder = excluded.holder, owner = excluded.owner, until = excluded.until
						WHERE leases.holder = excluded.holder OR leases.until <= ?`,
					args: [lease.name, lease.holder, lease.owner ?? "", now, now + ttlMs, now],
				},
			]);
			if ((rs?.rowsAffected ?? 0) > 0) return { acquired: true, lease: null };
			return { acquired: false, lease: await getLease(lease.name) };
		},
		async releaseLease(name, by) {
			const [rs] = await ctx.write([
				"holder" in by
					? { sql: "DELETE FROM leases WHERE name = ? AND holder = ?", args: [name, by.holder] }
					: { sql: "DELETE FROM leases WHERE name = ? AND owner = ?", args: [name, by.owner] },
			]);
			return (rs?.rowsAffected ?? 0) > 0;
		},
		getLease,
	};
}
