/**
 * @module
 * 1C nodes: credentials (hashed) and settings JSON.
 */
import type { Row } from "@libsql/client";
import { floorKey } from "./export-repo.ts";
import { purgeIdentities } from "./identity-repo.ts";
import { purge } from "./session-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type { NodeRecord } from "./types.ts";
import type { StoreContext } from "./write-queue.ts";

function rowToNode(r: Row): NodeRecord {
	return {
		id: String(r.id),
		name: String(r.name),
		login: String(r.login),
		passwordHash: String(r.password_hash),
		settings: JSON.parse(String(r.settings)) as Record<string, unknown>,
		createdAt: String(r.created_at),
		updatedAt: String(r.updated_at),
	};
}

const COLS = "id, name, login, password_hash, settings, created_at, updated_at";

type NodesRepo = Pick<
	ExchangeStore,
	"createNode" | "getNode" | "getNodeByLogin" | "getNodeByName" | "listNodes" | "updateNode" | "deleteNode"
>;

/** @internal */
export function nodesRepo(ctx: StoreContext): NodesRepo {
	const one = async (where: string, v: string) => {
		const rs = await ctx.client.execute({ sql: `SELECT ${COLS} FROM nodes WHERE ${where} = ?`, args: [v] });
		return rs.rows[0] ? rowToNode(rs.rows[0]) : null;
	};
	return {
		async createNode(n) {
			await ctx.write([
				{
					sql: `INSERT INTO nodes (${COLS}) VALUES (?, ?, ?, ?, ?, ?, ?)`,
					args: [n.id, n.name, n.login, n.passwordHash, JSON.stringify(n.settings), n.createdAt, n.updatedAt],
				},
			]);
		},
		getNode: (id) => one("id", id),
		getNodeByLogin: (login) => one("login", login),
		getNodeByName: (name) => one("name", name),
		async listNodes() {
			const rs = await ctx.client.execute(`SELECT ${COLS} FROM nodes ORDER BY created_at, id`);
			return rs.rows.map(rowToNode);
		},
		async updateNode(n) {
			await ctx.write([
				// a new password ends the node's sessions (compared with the stored hash in the same transaction)
				...purge("node_id = ? AND ? <> (SELECT password_hash FROM nodes WHERE id = ?)", [n.id, n.passwordHash, n.id]),
				{
					sql: "UPDATE nodes SET name = ?, login = ?, password_hash = ?, settings = ?, updated_at = ? WHERE id = ?",
					args: [n.name, n.login, n.passwordHash, JSON.stringify(n.settings), n.updatedAt, n.id],
				},
			]);
		},
		async deleteNode(id) {
			const rs = await ctx.write([
				...purge("node_id = ?", [id]),
				{ sql: "DELETE FROM meta WHERE key = ?", args: [floorKey(id)] },
				{ sql: "DELETE FROM node_acks WHERE node_id = ?", args: [id] },
				...purgeIdentities(id),
				{ sql: "DELETE FROM journal WHERE node_id = ?", args: [id] },
				{ sql: "DELETE FROM nodes WHERE id = ?", args: [id] },
			]);
			return (rs.at(-1)?.rowsAffected ?? 0) > 0;
		},
	};
}
