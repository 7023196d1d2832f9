/**
 * @module
 * `@obmen/db/node` — opens a libSQL database on Node/Bun/Deno: `:memory:`, `file:` (directory created) or a
 * remote `libsql://` / `http(s)://` URL, runs migrations and returns the store.
 */
import { mkdirSync } from "node:fs";
import { dirname } from "node:path";
import { fileURLToPath } from "node:url";
import { type Client, createClient } from "@libsql/client";
import { openStore } from "./libsql-store.ts";
import { openLocalClient } from "./local-client.ts";
import type { ExchangeStore } from "./store.ts";
import type { SqlClient } from "./write-queue.ts";

/** An open database: the store plus the raw client (for digests and tests). */
export interface OpenDb {
	store: ExchangeStore;
	client: Client;
}

/** @internal Filesystem path of a `file:` URL (relative paths stay relative to the cwd). */
function filePath(url: string): string | null {
	if (!url.startsWith("file:")) return null;
	if (url.startsWith("file://")) return fileURLToPath(url);
	return url.slice("file:".length).split("?")[0] ?? null;
}

/**
 * Opens (and migrates) a database. File databases get WAL and a 1 s busy timeout for cross-process contention.
 * A local database is opened on one connection (each call is synchronous, so a pool gains nothing) that keeps its
 * prepared statements ({@link openLocalClient}), whose TEMP tables then hold an import's planning scratch
 * ({@link SqlClient.singleConnection}).
 * @example const { store } = await openDb("file:./data/obmen.db");
 */
export async function openDb(url: string, opts: { authToken?: string } = {}): Promise<OpenDb> {
	const path = filePath(url);
	if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
	const local = path !== null || url === ":memory:";
	// a local database whose URL is a plain path (`@libsql/client` checks parameters and decodes `%` escapes): one
	// connection keeping its statements
	const client: Client =
		local && !/[?#%]/.test(url)
			? openLocalClient(path ?? url, { timeout: path ? 1000 : undefined })
			: createClient({
					url,
					authToken: opts.authToken,
					timeout: path ? 1000 : undefined,
					concurrency: local ? 1 : undefined,
				} as Parameters<typeof createClient>[0]);
	if (local) {
		Object.assign(client, { singleConnection: true } satisfies Pick<SqlClient, "singleConnection">);
		// TEMP tables (an import's planning scratch) spill to a temporary file, not to memory (this libSQL build's default)
		await client.execute("PRAGMA temp_store = FILE");
	}
	const store = await openStore(client, { wal: path !== null && path !== ":memory:" });
	return { store, client };
}

/**
 * Opens a database WITHOUT migrating it (for operations such as a backup before an upgrade, or listing the pending
 * migrations): a raw libSQL client, `file:` databases with a 5 s busy timeout.
 */
export function openClient(url: string, opts: { authToken?: string } = {}): Client {
	const path = filePath(url);
	if (path && path !== ":memory:") mkdirSync(dirname(path), { recursive: true });
	return createClient({ url, authToken: opts.authToken, timeout: path ? 5000 : undefined } as Parameters<typeof createClient>[0]);
}

/** A fresh in-memory database (each call is independent). */
export function createMemoryDb(): Promise<OpenDb> {
	return openDb(":memory:");
}
