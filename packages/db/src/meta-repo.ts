/**
 * @module
 * Installation meta values (key → text), e.g. the hash of the admin token.
 */
import type { ExchangeStore } from "./store.ts";
import type { StoreContext } from "./write-queue.ts";

type MetaRepo = Pick<ExchangeStore, "getMeta" | "setMeta">;

/** @internal */
export function metaRepo(ctx: StoreContext): MetaRepo {
	const { client } = ctx;
	return {
		async getMeta(key) {
			const rs = await client.execute({ sql: "SELECT value FROM meta WHERE key = ?", args: [key] });
			return rs.rows[0] ? String(rs.rows[0].value) : null;
		},
		async setMeta(key, value) {
			await ctx.write([
				{ sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value", args: [key, value] },
			]);
		},
	};
}
