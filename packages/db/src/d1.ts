/**
 * @module
 * `@obmen/db/d1` — the store on Cloudflare D1 (a Worker's `d1_databases` binding). D1 speaks SQLite, so the libSQL
 * store's repositories run on it unchanged through a small adapter of the client surface they use: `execute` (one
 * prepared statement) and `batch(…, "write")`, which becomes `D1Database.batch()` — one implicit transaction, all
 * statements or none (docs/reliability.md, "D1"). Neither needs an interactive transaction, which D1 does not offer.
 *
 * Runtime-neutral: no Cloudflare types are imported; {@link D1DatabaseLike} is the structural part of `D1Database`.
 */
import type { InArgs, InStatement, InValue, ResultSet, Row } from "@libsql/client";
import { D1_MAX_PARAMETERS } from "./json-rows.ts";
import { createLibsqlStore } from "./libsql-store.ts";
import { applyMigrations, BOOKKEEPING } from "./migrate.ts";
import { type EmbeddedMigration, migrations } from "./migrations.gen.ts";
import type { ExchangeStore } from "./store.ts";
import type { SqlClient } from "./write-queue.ts";

/** The part of a D1 prepared statement the adapter uses. */
export interface D1PreparedStatementLike {
	bind(...values: unknown[]): D1PreparedStatementLike;
	all(): Promise<D1ResultLike>;
}

/** A D1 result: rows as objects, plus the write counters. */
export interface D1ResultLike {
	results?: Record<string, unknown>[];
	meta?: { changes?: number; last_row_id?: number };
}

/** The part of a Workers `D1Database` binding the adapter uses (`env.DB` fits it). */
export interface D1DatabaseLike {
	prepare(sql: string): D1PreparedStatementLike;
	batch(statements: D1PreparedStatementLike[]): Promise<D1ResultLike[]>;
}

/**
 * libSQL argument → a value D1 binds. D1 binds null, numbers, strings and ArrayBuffers; booleans become 0/1 and dates
 * epoch milliseconds as libSQL does, and byte views are copied into their own ArrayBuffer (a chunk is a `subarray`).
 */
function d1Value(v: InValue | undefined): unknown {
	if (v === undefined || v === null) return null;
	if (typeof v === "boolean") return v ? 1 : 0;
	if (typeof v === "bigint") return Number(v);
	if (v instanceof Date) return v.getTime();
	if (ArrayBuffer.isView(v)) return v.buffer.slice(v.byteOffset, v.byteOffset + v.byteLength);
	return v;
}

/** D1 returns a BLOB as an array of byte numbers; libSQL (and the repositories) read an ArrayBuffer. */
function libsqlValue(v: unknown): InValue {
	if (Array.isArray(v)) return new Uint8Array(v as number[]).buffer;
	return v as InValue;
}

function toRow(columns: string[], r: Record<string, unknown>): Row {
	const row: Record<string | number, unknown> = {};
	columns.forEach((c, i) => {
		const v = libsqlValue(r[c]);
		row[c] = v;
		Object.defineProperty(row, i, { value: v, enumerable: false });
	});
	Object.defineProperty(row, "length", { value: columns.length, enumerable: false });
	return row as Row;
}

function toResultSet(res: D1ResultLike): ResultSet {
	const results = res.results ?? [];
	const columns = Object.keys(results[0] ?? {});
	const rows = results.map((r) => toRow(columns, r));
	const lastId = res.meta?.last_row_id;
	return {
		columns,
		columnTypes: columns.map(() => ""),
		rows,
		rowsAffected: res.meta?.changes ?? 0,
		lastInsertRowid: lastId === undefined || lastId === null ? undefined : BigInt(lastId),
		toJSON: () => ({ columns, rows: results, rowsAffected: res.meta?.changes ?? 0 }),
	};
}

/**
 * Wraps a D1 binding as the store's SQL client. Positional (`?`, `?NNN`) arguments only: D1 has no named ones.
 * D1 allows at most 100 bound parameters per statement; the repositories pass long lists as one JSON argument
 * (`json_each`) for that reason.
 */
export function d1Client(d1: D1DatabaseLike): SqlClient {
	const prepare = (stmt: InStatement | [string, InArgs?], extra?: InArgs): D1PreparedStatementLike => {
		const [sql, args] = typeof stmt === "string" ? [stmt, extra] : Array.isArray(stmt) ? stmt : [stmt.sql, stmt.args];
		if (args !== undefined && !Array.isArray(args)) throw new TypeError("D1 takes positional arguments only");
		const prepared = d1.prepare(sql);
		return args && args.length > 0 ? prepared.bind(...args.map(d1Value)) : prepared;
	};
	const client = {
		async execute(stmt: InStatement | string, args?: InArgs) {
			return toResultSet(await prepare(stmt, args).all());
		},
		async batch(stmts: (InStatement | [string, InArgs?])[]) {
			if (stmts.length === 0) return [];
			const results = await d1.batch(stmts.map((s) => prepare(s)));
			return results.map(toResultSet);
		},
		close() {},
		maxParameters: D1_MAX_PARAMETERS,
		// D1 counts every statement of a batch against a Worker's queries: an 8 MiB POST is 8 rows, not 128
		uploadRowBytes: 1024 * 1024,
	};
	return client as SqlClient;
}

/** `wrangler d1 migrations apply`'s bookkeeping table (wrangler 4 creates it exactly so). */
const D1_MIGRATIONS =
	"CREATE TABLE IF NOT EXISTS d1_migrations(id INTEGER PRIMARY KEY AUTOINCREMENT, name TEXT UNIQUE, applied_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP NOT NULL)";

/** The file name `wrangler d1 migrations` knows a migration by (`migrations_dir` is packages/db/drizzle). */
const fileName = (m: EmbeddedMigration) => `${m.tag}.sql`;

/**
 * Makes the two migration books agree, so that either tool may migrate the database: a migration that
 * `wrangler d1 migrations apply` ran (a `d1_migrations` row) gets its drizzle bookkeeping row, so the store does not
 * run it again; and each migration the store runs records its `d1_migrations` row in the same batch (see
 * {@link openD1Store}), so wrangler does not run it again.
 */
async function adoptWranglerMigrations(client: SqlClient): Promise<void> {
	await client.batch([D1_MIGRATIONS, ...BOOKKEEPING], "write");
	const rs = await client.execute("SELECT name FROM d1_migrations");
	const done = new Set(rs.rows.map((r) => String(r.name)));
	const adopted = migrations
		.filter((m) => done.has(fileName(m)))
		.map((m) => ({ sql: "INSERT OR IGNORE INTO `__drizzle_migrations` (hash, created_at) VALUES (?, ?)", args: [m.hash, m.when] }));
	if (adopted.length > 0) await client.batch(adopted, "write");
}

/**
 * Opens the store on a D1 database: applies the embedded migrations (the same ones, under the same lock — each
 * migration is one atomic batch led by its bookkeeping row, see {@link applyMigrations}) and returns the store.
 * Migrations applied with `wrangler d1 migrations apply` (`migrations_dir` = packages/db/drizzle) are recognised,
 * and the ones applied here are recorded for wrangler. Call it at the first request of an isolate (bindings exist
 * only then).
 * @example const store = await openD1Store(env.DB);
 */
export async function openD1Store(d1: D1DatabaseLike): Promise<ExchangeStore> {
	const client = d1Client(d1);
	await adoptWranglerMigrations(client);
	await applyMigrations(client, (m) => [{ sql: "INSERT OR IGNORE INTO d1_migrations (name) VALUES (?)", args: [fileName(m)] }]);
	return createLibsqlStore(client);
}
