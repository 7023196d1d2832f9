/**
 * @module
 * An ordered hash of the domain tables, used by tests to prove that a rejected request changed nothing.
 */
import type { SqlClient } from "./write-queue.ts";

/** Tables whose content is "the data" (not exchange scratch state such as sessions, uploads or the journal). */
export const DOMAIN_TABLES = ["orders", "order_one_c", "node_acks", "order_changes", "import_ledger", "nodes"] as const;

/**
 * SHA-256 (hex) over every row of the domain tables in primary-key order. `tables` narrows it (e.g. without `nodes`,
 * whose salted password hashes differ between two otherwise identical databases).
 */
export async function domainDigest(client: SqlClient, tables: readonly (typeof DOMAIN_TABLES)[number][] = DOMAIN_TABLES): Promise<string> {
	const order: Record<(typeof DOMAIN_TABLES)[number], string> = {
		orders: "id",
		order_one_c: "order_id",
		node_acks: "node_id, order_id",
		order_changes: "cursor",
		import_ledger: "node_id, sha256",
		nodes: "id",
	};
	let text = "";
	for (const t of tables) {
		const rs = await client.execute(`SELECT * FROM ${t} ORDER BY ${order[t]}`);
		text += `#${t}\n`;
		for (const r of rs.rows) text += `${JSON.stringify(rs.columns.map((c) => r[c]))}\n`;
	}
	const hash = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
	return [...new Uint8Array(hash)].map((b) => b.toString(16).padStart(2, "0")).join("");
}
