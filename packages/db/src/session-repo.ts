/**
 * @module
 * Exchange sessions (from `checkauth`) and upload staging (`mode=file` chunks), kept in the DB so any app
 * process can serve any step of an exchange.
 */
import type { InStatement, Row } from "@libsql/client";
import { concatBytes } from "@obmen/core";
import type { ExchangeStore } from "./store.ts";
import type { SessionRecord } from "./types.ts";
import { num, str } from "./values.ts";
import type { StoreContext } from "./write-queue.ts";

type SessionRepo = Pick<
	ExchangeStore,
	| "createSession"
	| "getSession"
	| "getSessionBySessid"
	| "getCurrentSession"
	| "touchSession"
	| "startUploadEpoch"
	| "deleteSession"
	| "appendChunk"
	| "readUpload"
	| "readUploadChunks"
	| "listUploads"
	| "markUploadDone"
>;

/** How many bytes of upload rows one database read returns at most (one bigger row is returned alone). */
const READ_BYTES = 2 * 1024 * 1024;

/** Sessions kept per node: `checkauth` deletes the older ones (with their batches and uploads). */
export const MAX_SESSIONS_PER_NODE = 20;

/** Tables whose rows belong to a session (`session_id`). */
const SESSION_TABLES = [
	"pending_batch",
	"upload_chunks",
	"upload_files",
	"upload_applies",
	"import_docs",
	"import_effects",
	"import_patches",
	"import_creates",
];

/** @internal Statements deleting everything that belongs to sessions matching `where`. */
export function purge(where: string, args: (string | number)[]): InStatement[] {
	const ids = `(SELECT id_hash FROM sessions WHERE ${where})`;
	return [
		...SESSION_TABLES.map((t) => ({
			sql: `DELETE FROM ${t} WHERE session_id IN ${ids} AND ${NOT_APPLYING}`,
			args,
		})),
		{ sql: `DELETE FROM sessions WHERE ${where}`, args },
	];
}

/**
 * @internal A session whose upload is still being applied without `import` keeps its upload, staging and apply rows
 * when the session itself goes (never lost); the apply drops them when it finishes ({@link dropOrphanUploads}).
 */
const NOT_APPLYING = "session_id NOT IN (SELECT session_id FROM upload_applies WHERE state = 'pending')";

/** @internal Statements deleting what a purged session left behind for its apply, once no apply of it is pending. */
export function dropOrphanUploads(sessionId: string): InStatement[] {
	return SESSION_TABLES.map((t) => ({
		sql: `DELETE FROM ${t} WHERE session_id = ? AND NOT EXISTS (SELECT 1 FROM sessions WHERE id_hash = ?) AND ${NOT_APPLYING}`,
		args: [sessionId, sessionId],
	}));
}

/** @internal Statements deleting the sessions `ids` with everything that belongs to them. */
function purgeIds(ids: string[]): InStatement[] {
	// one JSON argument, however many sessions go (D1 binds at most 100 parameters per statement)
	const list = "(SELECT value FROM json_each(?))";
	const args = [JSON.stringify(ids)];
	return [
		...SESSION_TABLES.map((t) => ({ sql: `DELETE FROM ${t} WHERE session_id IN ${list} AND ${NOT_APPLYING}`, args })),
		{ sql: `DELETE FROM sessions WHERE id_hash IN ${list}`, args },
	];
}

function rowToSession(r: Row): SessionRecord {
	return {
		idHash: String(r.id_hash),
		sessidHash: String(r.sessid_hash),
		nodeId: String(r.node_id),
		createdAt: num(r, "created_at"),
		lastSeenAt: num(r, "last_seen_at"),
		uploadEpoch: num(r, "upload_epoch"),
		version: str(r, "version"),
		cmlVersion: str(r, "cml_version"),
		client: str(r, "client"),
	};
}

/** @internal */
export function sessionRepo(ctx: StoreContext): SessionRepo {
	const { client } = ctx;
	return {
		createSession: (s, purgeBefore) =>
			ctx.lock.run(async () => {
				// which sessions go (expired, or beyond the node's newest MAX_SESSIONS_PER_NODE - 1, so with this one it has at
				// most MAX_SESSIONS_PER_NODE) is read first under the write mutex: usually none or one, so the transaction
				// deletes by id instead of running 16 subquery deletes on every checkauth
				const old = await client.execute({
					sql: `SELECT id_hash FROM sessions WHERE created_at < ? OR (node_id = ? AND id_hash NOT IN
						(SELECT id_hash FROM sessions WHERE node_id = ? ORDER BY created_at DESC, rowid DESC LIMIT ?))`,
					args: [purgeBefore, s.nodeId, s.nodeId, MAX_SESSIONS_PER_NODE - 1],
				});
				const ids = old.rows.map((r) => String(r.id_hash));
				await ctx.batchWithRiders([
					...(ids.length > 0 ? purgeIds(ids) : []),
					{
						sql: `INSERT INTO sessions (id_hash, sessid_hash, node_id, created_at, last_seen_at, upload_epoch, version, cml_version, client)
								VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`,
						args: [s.idHash, s.sessidHash, s.nodeId, s.createdAt, s.lastSeenAt, s.uploadEpoch, s.version, s.cmlVersion, s.client ?? null],
					},
				]);
			}),
		async getSession(idHash) {
			const rs = await client.execute({ sql: "SELECT * FROM sessions WHERE id_hash = ?", args: [idHash] });
			return rs.rows[0] ? rowToSession(rs.rows[0]) : null;
		},
		async getSessionBySessid(sessidHash, nodeId) {
			const rs = await client.execute({
				sql: "SELECT * FROM sessions WHERE sessid_hash = ? AND node_id = ? ORDER BY created_at DESC LIMIT 1",
				args: [sessidHash, nodeId],
			});
			return rs.rows[0] ? rowToSession(rs.rows[0]) : null;
		},
		async getCurrentSession(nodeId, kind = "1c") {
			const rs = await client.execute({
				sql: "SELECT * FROM sessions WHERE node_id = ? AND coalesce(client, '1c') = ? ORDER BY created_at DESC, rowid DESC LIMIT 1",
				args: [nodeId, kind],
			});
			return rs.rows[0] ? rowToSession(rs.rows[0]) : null;
		},
		async touchSession(idHash, now) {
			await ctx.write([{ sql: "UPDATE sessions SET last_seen_at = ? WHERE id_hash = ?", args: [now, idHash] }]);
		},
		async startUploadEpoch(idHash, version, cmlVersion) {
			await ctx.write([
				{
					sql: "UPDATE sessions SET upload_epoch = upload_epoch + 1, version = coalesce(?, version), cml_version = coalesce(?, cml_version) WHERE id_hash = ?",
					args: [version, cmlVersion, idHash],
				},
			]);
		},
		async deleteSession(idHash) {
			await ctx.write(purge("id_hash = ?", [idHash]));
		},
		appendChunk: (sessionId, name, epoch, bytes, caps) =>
			ctx.lock.run(async () => {
				const [file, total] = await Promise.all([
					client.execute({ sql: "SELECT epoch, size, done FROM upload_files WHERE session_id = ? AND name = ?", args: [sessionId, name] }),
					client.execute({ sql: "SELECT coalesce(sum(size), 0) AS s FROM upload_files WHERE session_id = ?", args: [sessionId] }),
				]);
				const row = file.rows[0];
				const truncate = !row || num(row, "epoch") !== epoch || num(row, "done") !== 0;
				const oldSize = row ? num(row, "size") : 0;
				const fileSize = (truncate ? 0 : oldSize) + bytes.byteLength;
				const sessionSize = num(total.rows[0]!, "s") - (truncate ? oldSize : 0) + bytes.byteLength;
				if (fileSize > caps.maxFileBytes) return { ok: false, reason: "file" } as const;
				if (sessionSize > caps.maxSessionBytes) return { ok: false, reason: "session" } as const;
				const stmts: InStatement[] = [];
				if (truncate) {
					stmts.push(
						{ sql: "DELETE FROM upload_chunks WHERE session_id = ? AND name = ?", args: [sessionId, name] },
						// entries the import staged from an earlier upload of this name (`<name>\u001f<entry>`) are stale now
						...[`upload_chunks`, `upload_files`].map((t) => ({
							sql: `DELETE FROM ${t} WHERE session_id = ? AND substr(name, 1, length(?)) = ?`,
							args: [sessionId, `${name}\u001f`, `${name}\u001f`],
						})),
						{
							sql: "INSERT OR REPLACE INTO upload_files (session_id, name, epoch, size, done) VALUES (?, ?, ?, ?, 0)",
							args: [sessionId, name, epoch, fileSize],
						},
					);
				} else {
					stmts.push({ sql: "UPDATE upload_files SET size = ? WHERE session_id = ? AND name = ?", args: [fileSize, sessionId, name] });
				}
				// rows of at most the engine's row size, so reading an upload back never needs one big buffer
				const rowBytes = ctx.uploadRowBytes;
				for (let off = 0; off === 0 || off < bytes.byteLength; off += rowBytes) {
					stmts.push({
						sql: `INSERT INTO upload_chunks (session_id, name, seq, data)
							VALUES (?, ?, (SELECT coalesce(max(seq), -1) + 1 FROM upload_chunks WHERE session_id = ? AND name = ?), ?)`,
						args: [sessionId, name, sessionId, name, bytes.subarray(off, off + rowBytes)],
					});
				}
				await client.batch(stmts, "write");
				return { ok: true, fileSize } as const;
			}),
		async readUpload(sessionId, name) {
			const rs = await client.execute({
				sql: "SELECT data FROM upload_chunks WHERE session_id = ? AND name = ? ORDER BY seq",
				args: [sessionId, name],
			});
			if (rs.rows.length === 0) return null;
			return concatBytes(rs.rows.map((r) => new Uint8Array(r.data as ArrayBuffer)));
		},
		async *readUploadChunks(sessionId, name) {
			let after = -1;
			// the sizes of the next rows (length() does not load the blob), read 256 at a time and used up read by read
			let sizes: { seq: number; n: number }[] = [];
			for (;;) {
				if (sizes.length === 0) {
					const rs = await client.execute({
						sql: "SELECT seq, length(data) AS n FROM upload_chunks WHERE session_id = ? AND name = ? AND seq > ? ORDER BY seq LIMIT 256",
						args: [sessionId, name, after],
					});
					if (rs.rows.length === 0) return;
					sizes = rs.rows.map((r) => ({ seq: num(r, "seq"), n: num(r, "n") }));
				}
				// at most READ_BYTES of data (at least one row)
				let last = after;
				let total = 0;
				let taken = 0;
				for (const r of sizes) {
					if (taken > 0 && total + r.n > READ_BYTES) break;
					total += r.n;
					last = r.seq;
					taken++;
				}
				sizes = sizes.slice(taken);
				const rs = await client.execute({
					sql: "SELECT data FROM upload_chunks WHERE session_id = ? AND name = ? AND seq > ? AND seq <= ? ORDER BY seq",
					args: [sessionId, name, after, last],
				});
				after = last;
				for (const r of rs.rows) {
					const data = r.data as ArrayBuffer;
					if (data.byteLength > 0) yield new Uint8Array(data);
				}
			}
		},
		async listUploads(sessionId) {
			const rs = await client.execute({ sql: "SELECT name FROM upload_files WHERE session_id = ? ORDER BY name", args: [sessionId] });
			return rs.rows.map((r) => String(r.name));
		},
		async markUploadDone(sessionId, name) {
			await ctx.write([{ sql: "UPDATE upload_files SET done = 1 WHERE session_id = ? AND name = ?", args: [sessionId, name] }]);
		},
	};
}
