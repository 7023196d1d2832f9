/**
 * @module
 * Login throttling records: failed password verifications per throttle key, and the last successful login of each
 * client address and login (the anti lock-out exemption, `knownIpDays`).
 */

import { type ExchangeStore, LOGIN_SUCCESS_KEEP_MS } from "./store.ts";
import { num } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type LoginRepo = Pick<ExchangeStore, "countFailures" | "recordFailure" | "lastLoginSuccess" | "recordLoginSuccess">;

/** @internal */
export function loginRepo(ctx: StoreContext): LoginRepo {
	const { client } = ctx;
	return {
		async countFailures(keys, since) {
			if (keys.length === 0) return 0;
			const rs = await client.execute({
				sql: `SELECT key, count(*) AS n FROM login_failures WHERE key IN (${keys.map(() => "?").join(", ")}) AND at >= ? GROUP BY key`,
				args: [...keys, since],
			});
			return rs.rows.reduce((m, r) => Math.max(m, Number(r.n)), 0);
		},
		async recordFailure(keys, at) {
			await ctx.write([
				{ sql: "DELETE FROM login_failures WHERE at < ?", args: [at - 3_600_000] },
				...keys.map((k) => ({ sql: "INSERT INTO login_failures (key, at) VALUES (?, ?)", args: [k, at] })),
			]);
		},
		async lastLoginSuccess(ip, login, since) {
			const rs = await client.execute({
				sql: "SELECT at FROM login_successes WHERE ip = ? AND login = ? AND at >= ?",
				args: [ip, login, since],
			});
			return rs.rows[0] ? num(rs.rows[0], "at") : null;
		},
		async recordLoginSuccess(ip, login, at) {
			await ctx.write([
				{ sql: "DELETE FROM login_successes WHERE at < ?", args: [at - LOGIN_SUCCESS_KEEP_MS] },
				{
					sql: "INSERT INTO login_successes (ip, login, at) VALUES (?, ?, ?) ON CONFLICT (ip, login) DO UPDATE SET at = max(at, excluded.at)",
					args: [ip, login, at],
				},
			]);
		},
	};
}
