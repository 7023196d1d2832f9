/**
 * @module
 * The write queue of the libSQL store: the client, the in-process write mutex, and the group commit of low-value
 * rows riding along with the next write transaction.
 */
import type { Client, InStatement, ResultSet } from "@libsql/client";
import { SQLITE_MAX_PARAMETERS } from "./json-rows.ts";
import { Mutex } from "./mutex.ts";

/** @internal A statement waiting to be committed with the next write transaction (see {@link StoreContext.ride}). */
interface Rider {
	stmt: InStatement;
	resolve(): void;
	reject(e: unknown): void;
}

/**
 * The part of a libSQL `Client` the store uses: single statements and atomic batches, never an interactive
 * transaction. An `@libsql/client` client is one; so is the D1 adapter (`@obmen/db/d1`).
 */
export type SqlClient = Pick<Client, "execute" | "batch" | "close">;

/** @internal What each repository of the libSQL store works with. */
export interface StoreContext {
	client: SqlClient;
	/** Bound parameters a statement may have on this engine (multi-row INSERTs are cut to fit, see json-rows.ts). */
	maxParameters: number;
	lock: Mutex;
	/**
	 * Runs statements as one `batch(…, "write")` (BEGIN IMMEDIATE … COMMIT) inside the write mutex; waiting riders
	 * are committed in the same transaction.
	 */
	write(stmts: InStatement[]): Promise<ResultSet[]>;
	/**
	 * Inside the write mutex only: `client.batch(stmts, "write")` plus the waiting riders, committed together; the
	 * result sets are those of `stmts`. When the transaction fails the riders are retried on their own.
	 */
	batchWithRiders(stmts: InStatement[]): Promise<ResultSet[]>;
	/**
	 * Group commit of a low-value row (the exchange journal): the statement is committed with the next write
	 * transaction of the store. A flush is queued on the write mutex at once, so it is written as soon as the mutex is
	 * free even when no other write comes, and `lock.idle()` (hence `store.idle()`) always covers it. Under load one
	 * commit — one WAL fsync — carries many riders instead of one each. Settles when committed.
	 */
	ride(stmt: InStatement): Promise<void>;
}

/** @internal */
export function createContext(client: SqlClient): StoreContext {
	const lock = new Mutex();
	let riders: Rider[] = [];
	const take = () => {
		const taken = riders;
		riders = [];
		return taken;
	};
	const settle = (taken: Rider[], e?: unknown) => {
		for (const r of taken) e === undefined ? r.resolve() : r.reject(e);
	};
	/** Commits riders alone (the flush queued by `ride`, or a retry after a failed shared transaction). */
	const flushRiders = async (taken: Rider[]) => {
		if (taken.length === 0) return;
		try {
			await client.batch(
				taken.map((r) => r.stmt),
				"write",
			);
			settle(taken);
		} catch (e) {
			settle(taken, e);
		}
	};
	const batchWithRiders = async (stmts: InStatement[]) => {
		const taken = take();
		if (taken.length === 0) return client.batch(stmts, "write");
		let rs: ResultSet[];
		try {
			rs = await client.batch([...stmts, ...taken.map((r) => r.stmt)], "write");
		} catch (e) {
			await flushRiders(taken); // the riders must not fail because of someone else's statement
			throw e;
		}
		settle(taken);
		return rs.slice(0, stmts.length);
	};
	return {
		client,
		// a client may state its engine's limit (the D1 adapter does); libSQL/SQLite's otherwise
		maxParameters: (client as { maxParameters?: number }).maxParameters ?? SQLITE_MAX_PARAMETERS,
		lock,
		write: (stmts) => lock.run(() => batchWithRiders(stmts)),
		batchWithRiders,
		ride: (stmt) =>
			new Promise<void>((resolve, reject) => {
				riders.push({ stmt, resolve, reject });
				if (riders.length === 1) void lock.run(() => flushRiders(take()));
			}),
	};
}
