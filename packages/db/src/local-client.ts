/**
 * @module
 * The libSQL client of a local database (a file or `:memory:`) on one connection that keeps its prepared statements.
 *
 * `@libsql/client` prepares every statement it executes anew. For most statements that costs microseconds, but an
 * import writes its planning scratch in multi-row INSERTs of up to ~2,700 parameters, and SQLite takes ~1 ms to prepare
 * each: ~0.5 s of a 45,000-order import, on the request's thread. This client is `@libsql/client`'s own local client
 * (`Sqlite3Client`, the same semantics for `execute`, `batch`, `transaction` and errors) over a connection pool whose
 * connections reuse a statement that returns no rows (INSERT, UPDATE, DELETE without RETURNING, transaction control)
 * prepared from the same SQL text (the last {@link STATEMENT_CACHE} of them).
 *
 * Reuse is safe because the client only runs a statement to its end (`run`): SQLite resets a statement before it is
 * bound again, and one whose table was dropped or changed is prepared again by SQLite when it runs
 * (`local-client.test.ts` shows each). Statements that return rows are prepared each time: the client reads their
 * column names before running them, which a kept statement would give as they were when it was prepared.
 */
import { ConnectionPool, Sqlite3Client } from "@libsql/client/sqlite3";

/** A connection of the pool (the `libsql` package's `Database`). */
export type Connection = ReturnType<ConnectionPool["acquireSync"]>;
/** A prepared statement of a connection. */
type Statement = ReturnType<Connection["prepare"]>;

/** How many prepared statements a connection keeps (least recently used dropped first). */
export const STATEMENT_CACHE = 200;

const caching = new WeakSet<Connection>();

/**
 * @internal Makes `db.prepare` return the statement it prepared before from the same SQL text (an LRU of `size`), for
 * statements that return no rows.
 */
export function keepStatements(db: Connection, size: number): Connection {
	if (caching.has(db)) return db;
	caching.add(db);
	const prepare = db.prepare.bind(db);
	const kept = new Map<string, Statement>();
	db.prepare = ((sql: string): Statement => {
		let stmt = kept.get(sql);
		if (stmt) kept.delete(sql);
		else {
			stmt = prepare(sql);
			// a statement that returns rows is not kept: the client reads its column names before stepping it, and a
			// kept one would still name the columns its table had when it was prepared (SQLite prepares it again only
			// when it runs)
			if (stmt.reader) return stmt;
			if (kept.size >= size) {
				const oldest = kept.keys().next();
				if (!oldest.done) kept.delete(oldest.value);
			}
		}
		kept.set(sql, stmt);
		return stmt;
	}) as Connection["prepare"];
	return db;
}

/** `@libsql/client`'s pool whose connections keep their prepared statements. */
class StatementKeepingPool extends ConnectionPool {
	override acquireSync(forTransaction?: boolean): Connection {
		return keepStatements(super.acquireSync(forTransaction), STATEMENT_CACHE);
	}
}

/**
 * Opens a local database on one connection that keeps its prepared statements: `path` is a filesystem path or
 * `:memory:`; `timeout` is the busy timeout in ms (another process holding the file's write lock).
 * Integers come back as JS numbers (the client's default `intMode`).
 */
export function openLocalClient(path: string, opts: { timeout?: number } = {}): Sqlite3Client {
	// as `@libsql/client` opens it: SQLite reads the URI form of an in-memory database
	const pool = new StatementKeepingPool(path === ":memory:" ? "file::memory:" : path, { timeout: opts.timeout }, 1);
	// fail fast if the database cannot be opened at all
	const db = pool.acquireSync();
	try {
		db.prepare("SELECT 1").raw(true).all();
	} catch (e) {
		pool.close();
		throw e;
	} finally {
		pool.release(db);
	}
	return new Sqlite3Client(pool, "number");
}
