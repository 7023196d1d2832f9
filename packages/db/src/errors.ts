/**
 * @module
 * The store's typed failures: what a caller may answer differently from an internal error. The libSQL driver's
 * SQLite result codes are read here, once, so the exchange app never sniffs driver messages.
 */

/**
 * Another process holds the database's write lock past the busy timeout (`SQLITE_BUSY`, "database is locked"):
 * nothing was written; the same request may simply be retried. 1C gets `failure\nbusy, retry`.
 */
export class StoreBusyError extends Error {
	override readonly name = "StoreBusyError";
}

/**
 * The database cannot grow (`SQLITE_FULL`, "database or disk is full"): nothing was written; retry once space is
 * freed.
 */
export class StoreFullError extends Error {
	override readonly name = "StoreFullError";
}

/** @internal The typed error for a driver error (the driver error as `cause`), or the error itself. */
export function storeError(e: unknown): unknown {
	if (e instanceof StoreBusyError || e instanceof StoreFullError) return e;
	const cause = (e as { cause?: { message?: unknown } })?.cause;
	const text = `${(e as { code?: unknown })?.code ?? ""} ${(e as Error)?.message ?? ""} ${cause?.message ?? ""}`;
	const message = (e as Error)?.message ?? String(e);
	if (/SQLITE_BUSY|database is locked/i.test(text)) return new StoreBusyError(message, { cause: e });
	if (/SQLITE_FULL|database or disk is full/i.test(text)) return new StoreFullError(message, { cause: e });
	return e;
}

/** @internal The part of a libSQL client the store's repositories call. */
interface Statements {
	execute(...args: never[]): Promise<unknown>;
	batch(...args: never[]): Promise<unknown>;
}

/**
 * @internal The same client whose `execute` and `batch` reject with {@link StoreBusyError} / {@link StoreFullError}
 * instead of the driver's busy and full errors (everything else passes through unchanged).
 */
export function withStoreErrors<C extends Statements>(client: C): C {
	return new Proxy(client, {
		get(target, prop) {
			const v = Reflect.get(target, prop, target);
			if (prop !== "execute" && prop !== "batch") return typeof v === "function" ? v.bind(target) : v;
			return (...args: never[]) =>
				(v as (...a: never[]) => Promise<unknown>).apply(target, args).catch((e: unknown) => {
					throw storeError(e);
				});
		},
	});
}
