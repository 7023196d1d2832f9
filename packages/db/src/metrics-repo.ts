/**
 * @module
 * What `/metrics` reads from the database at scrape time: counts kept by the exchange itself (acknowledgements,
 * the import ledger, staged uploads and imports, login failures), hence global across every instance.
 */

import type { ExchangeStore } from "./store.ts";
import type { NodeMetrics } from "./types.ts";
import { num, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type MetricsRepo = Pick<ExchangeStore, "metricsSnapshot">;

/** @internal */
export function metricsRepo(ctx: StoreContext): MetricsRepo {
	const { client } = ctx;
	return {
		async metricsSnapshot(now) {
			const rs = await client.batch(
				[
					`SELECT n.id AS node_id,
						(SELECT COUNT(*) FROM node_acks a WHERE a.node_id = n.id) AS acked,
						(SELECT COUNT(*) FROM pending_batch p JOIN sessions s ON s.id_hash = p.session_id WHERE s.node_id = n.id) AS awaiting,
						(SELECT COUNT(*) FROM import_ledger l WHERE l.node_id = n.id) AS files,
						(SELECT COALESCE(SUM(l.applied), 0) FROM import_ledger l WHERE l.node_id = n.id) AS documents
					FROM nodes n ORDER BY n.id`,
					"SELECT COUNT(*) AS n FROM sessions",
					"SELECT COUNT(*) AS n FROM upload_applies WHERE state = 'pending'",
					{ sql: "SELECT COUNT(*) AS n FROM upload_applies WHERE state = 'pending' AND claimed_until > ?", args: [now] },
					"SELECT COUNT(*) AS n FROM (SELECT DISTINCT session_id, sha256 FROM import_docs)",
					{ sql: "SELECT COUNT(*) AS n FROM login_failures WHERE key LIKE 'ip:%' AND at > ?", args: [now - 3_600_000] },
				],
				"read",
			);
			const count = (i: number) => {
				const row = rs[i]?.rows[0];
				return row ? num(row, "n") : 0;
			};
			const nodes: NodeMetrics[] = (rs[0]?.rows ?? []).map((r) => ({
				nodeId: str(r, "node_id") ?? "",
				ordersAcknowledged: num(r, "acked"),
				ordersAwaitingSuccess: num(r, "awaiting"),
				filesImported: num(r, "files"),
				documentsImported: num(r, "documents"),
			}));
			return {
				nodes,
				sessions: count(1),
				uploadsPending: count(2),
				uploadsApplying: count(3),
				importsInProgress: count(4),
				loginFailuresLastHour: count(5),
			};
		},
	};
}
