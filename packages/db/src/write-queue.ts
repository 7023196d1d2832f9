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
 * Largest row an upload (a `mode=file` POST of up to `file_limit`, 8 MiB by default) is stored in on libSQL: 64 KiB,
 * under glibc's mmap threshold as the deploy files set it (`MALLOC_MMAP_THRESHOLD_=131072`, docs/deploy.md). Each
 * buffer over the threshold is mapped fresh and unmapped when freed, and the driver allocates one per row it writes
 * or reads: 1 MiB rows made reading a 100 MB upload back ~1.2 s, 64 KiB rows ~0.1 s, and writing it twice as fast.
 */
export const UPLOAD_ROW_BYTES = 64 * 1024;

/**
 * The part of a libSQL `Client` the store uses: single statements and atomic batches, never an interactive
 * transaction. An `@libsql/client` client is one; so is the D1 adapter (`@obmen/db/d1`).
 */
export type SqlClient = Pick<Client, "execute" | "batch" | "close"> & {
	/**
	 * True when the client runs every call on one and the same connection, so that connection's TEMP tables persist
	 * from one call to the next: a local `@libsql/client` client made with `concurrency: 1`, as `openDb` makes it. The
	 * import then plans into TEMP tables (import-repo.ts). Remote libSQL and D1 may serve each call on another
	 * connection: unset.
	 */
	singleConnection?: boolean;
};

/** @internal What each repository of the libSQL store works with. */
export interface StoreContext {
	client: SqlClient;
	/** Bound parameters a statement may have on this engine (multi-row INSERTs are cut to fit, see json-rows.ts). */
	maxParameters: number;
	/** Largest row an upload is stored in on this engine ({@link UPLOAD_ROW_BYTES} unless the client states its own). */
	uploadRowBytes: number;
	/** The client's {@link SqlClient.singleConnection}. */
	singleConnection: boolean;
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
		uploadRowBytes: (client as { uploadRowBytes?: number }).uploadRowBytes ?? UPLOAD_ROW_BYTES,
		singleConnection: client.singleConnection === true,
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
