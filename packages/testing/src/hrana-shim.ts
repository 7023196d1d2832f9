/**
 * @module
 * A small Hrana-over-HTTP server (the protocol of sqld / Turso that `@libsql/client` speaks for `http(s)://` and
 * `libsql://` URLs) over a local SQLite file, for testing the worker offline: no sqld exists on npm or apt.
 *
 * Endpoints: `POST /v2/pipeline` and `POST /v3/pipeline` (JSON), `GET /v2` and `GET /v3` (version probes answer 200),
 * `GET /health`. `/v3-protobuf/*` answers 404, so a client probing for protobuf falls back to JSON; cursors
 * (`/v3/cursor`) are not served (@libsql/client 0.18 speaks v2 over HTTP and never opens one).
 *
 * Stream requests: `execute`, `batch` (conditions `ok`, `error`, `not`, `and`, `or`, `is_autocommit`), `sequence`,
 * `describe`, `store_sql`, `close_sql`, `get_autocommit`, `close`. Each stream has its own SQLite connection (kept
 * across requests by a rotating baton), so interactive transactions (`client.transaction()`) work: while one stream
 * is inside a transaction after its request, other streams wait for it (as sqld's writer lock would), and an
 * abandoned stream is rolled back after `streamIdleMs`.
 */
import Database from "libsql";
import { serveFetch } from "./serve.ts";

type Db = InstanceType<typeof Database>;

/** Hrana value: integers travel as decimal strings, blobs as base64. */
export type HranaValue =
	| { type: "null" }
	| { type: "integer"; value: string }
	| { type: "float"; value: number }
	| { type: "text"; value: string }
	| { type: "blob"; base64: string };

interface HranaStmt {
	sql?: string;
	sql_id?: number;
	args?: HranaValue[];
	named_args?: { name: string; value: HranaValue }[];
	want_rows?: boolean;
}

type BatchCond =
	| { type: "ok" | "error"; step: number }
	| { type: "not"; cond: BatchCond }
	| { type: "and" | "or"; conds: BatchCond[] }
	| { type: "is_autocommit" };

type StreamRequest =
	| { type: "close" }
	| { type: "execute"; stmt: HranaStmt }
	| { type: "batch"; batch: { steps: { condition?: BatchCond | null; stmt: HranaStmt }[] } }
	| { type: "sequence" | "describe"; sql?: string; sql_id?: number }
	| { type: "store_sql"; sql_id: number; sql: string }
	| { type: "close_sql"; sql_id: number }
	| { type: "get_autocommit" };

interface HranaError {
	message: string;
	code?: string;
}

interface StmtResult {
	cols: { name: string; decltype: string | null }[];
	rows: HranaValue[][];
	affected_row_count: number;
	last_insert_rowid: string | null;
}

interface Stream {
	db: Db;
	sqls: Map<number, string>;
	closed: boolean;
	timer: ReturnType<typeof setTimeout> | undefined;
}

/** Counters for tests: what the clients did. */
export interface ShimStats {
	pipelines: number;
	streamsOpened: number;
	/** Streams that ended inside a transaction and were rolled back (baton expired or `close` mid-transaction). */
	rolledBack: number;
	requests: Record<string, number>;
}

/** A running shim. */
export interface HranaShim {
	/** Base URL for `createClient({ url })`, e.g. http://127.0.0.1:39123. */
	url: string;
	stats: ShimStats;
	close(): Promise<void>;
}

/** Options of {@link startHranaShim}. */
export interface HranaShimOptions {
	/** SQLite file (created if missing). */
	path: string;
	host?: string;
	port?: number;
	/** When set, requests must carry `Authorization: Bearer <authToken>`. */
	authToken?: string;
	/** A stream left open longer than this is rolled back and closed (default 10 s). */
	streamIdleMs?: number;
}

class ShimError extends Error {
	constructor(
		message: string,
		readonly code?: string,
	) {
		super(message);
	}
}

function decodeValue(v: HranaValue | undefined): unknown {
	if (!v || v.type === "null") return null;
	if (v.type === "integer") return BigInt(v.value);
	if (v.type === "float") return Number(v.value);
	if (v.type === "text") return v.value;
	if (v.type === "blob") return Buffer.from(v.base64 ?? "", "base64");
	throw new ShimError(`unknown value type ${(v as { type: string }).type}`, "HRANA_PROTO_ERROR");
}

function encodeValue(v: unknown): HranaValue {
	if (v === null || v === undefined) return { type: "null" };
	if (typeof v === "bigint") return { type: "integer", value: v.toString() };
	// Integers arrive as bigint (safeIntegers), so a JS number is always a REAL column value.
	if (typeof v === "number") return { type: "float", value: v };
	if (typeof v === "string") return { type: "text", value: v };
	if (v instanceof Uint8Array) return { type: "blob", base64: Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString("base64") };
	throw new ShimError(`cannot encode ${typeof v}`);
}

function toHranaError(e: unknown): HranaError {
	if (e instanceof ShimError) return e.code ? { message: e.message, code: e.code } : { message: e.message };
	const err = e as { message?: string; code?: string };
	return { message: String(err.message ?? e), ...(typeof err.code === "string" ? { code: err.code } : {}) };
}

function sqlOf(stream: Stream, sql: string | undefined, id: number | undefined): string {
	if (sql !== undefined) return sql;
	const stored = id === undefined ? undefined : stream.sqls.get(id);
	if (stored === undefined) throw new ShimError(`SQL text ${id} is not stored`, "SQL_NOT_FOUND");
	return stored;
}

/** Statements that change rows (their `changes()` count is the affected row count). */
const DML = /^\s*(?:WITH\b[\s\S]*?\b)?(?:INSERT|UPDATE|DELETE|REPLACE)\b/i;
/** Statements that read only (the native driver's `readonly` flag is not available, so this is by the SQL text). */
const READ_ONLY = /^\s*(?:SELECT|VALUES|EXPLAIN)\b/i;

function bindArgs(stmt: HranaStmt): unknown[] {
	const args: unknown[] = (stmt.args ?? []).map(decodeValue);
	if (!stmt.named_args?.length) return args;
	if (args.length) throw new ShimError("the shim cannot mix positional and named arguments", "ARGS_INVALID");
	const named: Record<string, unknown> = {};
	for (const a of stmt.named_args) {
		const name = a.name.replace(/^[:@$]/, "");
		// The native driver aborts the process on names it cannot map (e.g. "1"): refuse them here.
		if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(name)) throw new ShimError(`unsupported parameter name "${a.name}"`, "ARGS_INVALID");
		named[name] = decodeValue(a.value);
	}
	return [named];
}

function execute(stream: Stream, stmt: HranaStmt): StmtResult {
	const sql = sqlOf(stream, stmt.sql, stmt.sql_id);
	const args = bindArgs(stmt);
	const prepared = stream.db.prepare(sql);
	prepared.safeIntegers(true);
	if (prepared.reader) {
		prepared.raw(true);
		const cols = prepared.columns().map((c) => ({ name: c.name, decltype: c.type }));
		const raw = prepared.all(...args) as unknown[][];
		const rows = stmt.want_rows === false ? [] : raw.map((r) => r.map(encodeValue));
		if (!DML.test(sql)) return { cols, rows, affected_row_count: 0, last_insert_rowid: null };
		// INSERT … RETURNING and friends: ask SQLite what the statement changed.
		const info = stream.db.prepare("SELECT changes(), last_insert_rowid()").raw(true).safeIntegers(true).get() as bigint[];
		return { cols, rows, affected_row_count: Number(info[0]), last_insert_rowid: String(info[1]) };
	}
	const info = prepared.run(...args);
	return {
		cols: [],
		rows: [],
		affected_row_count: DML.test(sql) ? info.changes : 0,
		last_insert_rowid: String(info.lastInsertRowid),
	};
}

function holds(cond: BatchCond | null | undefined, results: (StmtResult | null)[], errors: (HranaError | null)[], db: Db): boolean {
	if (!cond) return true;
	switch (cond.type) {
		case "ok":
			return results[cond.step] != null;
		case "error":
			return errors[cond.step] != null;
		case "not":
			return !holds(cond.cond, results, errors, db);
		case "and":
			return cond.conds.every((c) => holds(c, results, errors, db));
		case "or":
			return cond.conds.some((c) => holds(c, results, errors, db));
		case "is_autocommit":
			return !db.inTransaction;
		default:
			throw new ShimError(`unknown batch condition ${(cond as { type: string }).type}`, "HRANA_PROTO_ERROR");
	}
}

/** Runs one stream request; throws for request-level errors (reported as `{type:"error"}` results). */
function handleRequest(stream: Stream, req: StreamRequest): Record<string, unknown> {
	if (stream.closed) throw new ShimError("stream is closed", "STREAM_CLOSED");
	switch (req.type) {
		case "close":
			stream.closed = true;
			return { type: "close" };
		case "execute":
			return { type: "execute", result: execute(stream, req.stmt) };
		case "batch": {
			const results: (StmtResult | null)[] = [];
			const errors: (HranaError | null)[] = [];
			req.batch.steps.forEach((step, i) => {
				results[i] = null;
				errors[i] = null;
				if (!holds(step.condition, results, errors, stream.db)) return;
				try {
					results[i] = execute(stream, step.stmt);
				} catch (e) {
					errors[i] = toHranaError(e);
				}
			});
			return { type: "batch", result: { step_results: results, step_errors: errors } };
		}
		case "sequence":
			stream.db.exec(sqlOf(stream, req.sql, req.sql_id));
			return { type: "sequence" };
		case "describe": {
			const sql = sqlOf(stream, req.sql, req.sql_id);
			const prepared = stream.db.prepare(sql);
			const cols = prepared.reader ? prepared.columns().map((c) => ({ name: c.name, decltype: c.type })) : [];
			const params = [...sql.matchAll(/\?\d*|[:@$][A-Za-z_]\w*/g)].map((m) => ({ name: m[0] === "?" ? null : m[0] }));
			return {
				type: "describe",
				result: {
					params,
					cols,
					is_explain: /^\s*explain\b/i.test(sql),
					is_readonly: READ_ONLY.test(sql) || (/^\s*WITH\b/i.test(sql) && !DML.test(sql)),
				},
			};
		}
		case "store_sql":
			stream.sqls.set(req.sql_id, req.sql);
			return { type: "store_sql" };
		case "close_sql":
			stream.sqls.delete(req.sql_id);
			return { type: "close_sql" };
		case "get_autocommit":
			return { type: "get_autocommit", is_autocommit: !stream.db.inTransaction };
		default:
			throw new ShimError(`unknown request type ${(req as { type: string }).type}`, "HRANA_PROTO_ERROR");
	}
}

/** Starts the shim on `host:port` (default 127.0.0.1, a free port). */
export async function startHranaShim(opts: HranaShimOptions): Promise<HranaShim> {
	const idleMs = opts.streamIdleMs ?? 10_000;
	const stats: ShimStats = { pipelines: 0, streamsOpened: 0, rolledBack: 0, requests: {} };
	const pool: Db[] = [];
	const streams = new Map<string, Stream>();
	/** The stream that is inside a transaction between requests; everyone else waits for `released`. */
	let owner: { stream: Stream; released: Promise<void>; release: () => void } | null = null;

	const first = new Database(opts.path, { timeout: 1000 });
	first.exec("PRAGMA journal_mode = WAL");
	pool.push(first);

	const openStream = (): Stream => {
		stats.streamsOpened++;
		return { db: pool.pop() ?? new Database(opts.path, { timeout: 1000 }), sqls: new Map(), closed: false, timer: undefined };
	};
	const releaseOwner = (stream: Stream) => {
		if (owner?.stream !== stream) return;
		const o = owner;
		owner = null;
		o.release();
	};
	const finish = (stream: Stream) => {
		clearTimeout(stream.timer);
		stream.closed = true;
		if (stream.db.open && stream.db.inTransaction) {
			stats.rolledBack++;
			stream.db.exec("ROLLBACK");
		}
		releaseOwner(stream);
		if (stream.db.open && pool.length < 4) pool.push(stream.db);
		else if (stream.db.open) stream.db.close();
	};

	const pipeline = async (body: { baton?: string | null; requests?: StreamRequest[] }) => {
		stats.pipelines++;
		let stream: Stream;
		if (body.baton) {
			const found = streams.get(body.baton);
			if (!found) throw new ShimError("invalid or expired baton", "STREAM_EXPIRED");
			streams.delete(body.baton);
			clearTimeout(found.timer);
			stream = found;
		} else stream = openStream();
		while (owner && owner.stream !== stream) await owner.released;
		const results = (body.requests ?? []).map((req) => {
			stats.requests[req.type] = (stats.requests[req.type] ?? 0) + 1;
			try {
				return { type: "ok", response: handleRequest(stream, req) };
			} catch (e) {
				return { type: "error", error: toHranaError(e) };
			}
		});
		if (stream.closed) {
			finish(stream);
			return { baton: null, base_url: null, results };
		}
		if (stream.db.inTransaction && !owner) {
			let release = () => {};
			const released = new Promise<void>((r) => {
				release = r;
			});
			owner = { stream, released, release };
		} else if (!stream.db.inTransaction) releaseOwner(stream);
		const baton = crypto.randomUUID();
		streams.set(baton, stream);
		stream.timer = setTimeout(() => {
			streams.delete(baton);
			finish(stream);
		}, idleMs);
		return { baton, base_url: null, results };
	};

	const reply = (status: number, type: string, body: string) => new Response(body, { status, headers: { "content-type": type } });
	const handle = async (req: Request): Promise<Response> => {
		const path = new URL(req.url).pathname;
		if (opts.authToken && req.headers.get("authorization") !== `Bearer ${opts.authToken}`)
			return reply(401, "application/json", JSON.stringify({ message: "Unauthorized", code: "UNAUTHORIZED" }));
		if (req.method === "GET" && (path === "/v2" || path === "/v3" || path === "/health" || path === "/"))
			return reply(200, "text/plain", "");
		if (req.method !== "POST" || (path !== "/v2/pipeline" && path !== "/v3/pipeline")) return reply(404, "text/plain", "Not found");
		let body: { baton?: string | null; requests?: StreamRequest[] };
		try {
			body = JSON.parse(await req.text());
		} catch {
			return reply(400, "text/plain", "Invalid JSON");
		}
		try {
			return reply(200, "application/json", JSON.stringify(await pipeline(body)));
		} catch (e) {
			return reply(400, "application/json", JSON.stringify(toHranaError(e)));
		}
	};
	const served = await serveFetch((req) => handle(req).catch((e) => reply(500, "text/plain", String(e))), {
		port: opts.port ?? 0,
		hostname: opts.host ?? "127.0.0.1",
	});
	return {
		url: served.base,
		stats,
		close: () =>
			new Promise<void>((resolve) => {
				for (const s of streams.values()) finish(s);
				streams.clear();
				for (const db of pool.splice(0)) db.close();
				served.server.close(() => resolve());
				served.server.closeAllConnections();
			}),
	};
}
