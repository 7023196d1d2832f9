/**
 * @module
 * The libSQL implementation of {@link ExchangeStore}.
 */
import { consoleRepo } from "./console-repo.ts";
import { contentRepo } from "./content-repo.ts";
import { withStoreErrors } from "./errors.ts";
import { exportRepo } from "./export-repo.ts";
import { identityRepo } from "./identity-repo.ts";
import { importRepo } from "./import-repo.ts";
import { journalRepo } from "./journal-repo.ts";
import { leaseRepo } from "./lease-repo.ts";
import { loginRepo } from "./login-repo.ts";
import { metaRepo } from "./meta-repo.ts";
import { metricsRepo } from "./metrics-repo.ts";
import { applyMigrations, retryBusy } from "./migrate.ts";
import { nodesRepo } from "./nodes-repo.ts";
import { ordersRepo } from "./orders-repo.ts";
import { sessionRepo } from "./session-repo.ts";
import type { ExchangeStore } from "./store.ts";
import { uploadApplyRepo } from "./upload-apply-repo.ts";
import { createContext, type SqlClient } from "./write-queue.ts";

/**
 * Wraps an open libSQL client as an {@link ExchangeStore}. Call {@link openStore} to also run migrations.
 * Writes go through one in-process mutex; imports are one `batch(…, "write")`. A busy or full database rejects with
 * {@link StoreBusyError} / {@link StoreFullError}.
 */
export function createLibsqlStore(client: SqlClient): ExchangeStore {
	const ctx = createContext(withStoreErrors(client));
	return {
		...ordersRepo(ctx),
		...nodesRepo(ctx),
		...exportRepo(ctx),
		...contentRepo(ctx),
		...identityRepo(ctx),
		...sessionRepo(ctx),
		...importRepo(ctx),
		...uploadApplyRepo(ctx),
		...loginRepo(ctx),
		...journalRepo(ctx),
		...metaRepo(ctx),
		...consoleRepo(ctx),
		...leaseRepo(ctx),
		...metricsRepo(ctx),
		idle: () => ctx.lock.idle(),
		close: () => client.close(),
	};
}

/** Runs the embedded migrations (safe when instances start together, see {@link applyMigrations}), sets WAL for file databases, and returns the store. */
export async function openStore(client: SqlClient, opts: { wal?: boolean } = {}): Promise<ExchangeStore> {
	// several instances may start at once: switching to WAL needs a moment alone with the file
	if (opts.wal) await retryBusy(() => client.execute("PRAGMA journal_mode = WAL"));
	await applyMigrations(client);
	return createLibsqlStore(client);
}
