/**
 * @module Shared plumbing of the libSQL store: the client, the write mutex and row helpers.
 */
import type { Client, InStatement, Row } from "@libsql/client";
import { Mutex } from "./mutex.ts";

/** @internal What each repository of the libSQL store works with. */
export interface StoreContext {
	client: Client;
	lock: Mutex;
	/** Runs statements as one `batch(…, "write")` (BEGIN IMMEDIATE … COMMIT) inside the write mutex. */
	write(stmts: InStatement[]): Promise<import("@libsql/client").ResultSet[]>;
}

/** @internal */
export function createContext(client: Client): StoreContext {
	const lock = new Mutex();
	return {
		client,
		lock,
		write: (stmts) => lock.run(() => client.batch(stmts, "write")),
	};
}

/** @internal Nullable string column. */
export function str(row: Row, col: string): string | null {
	const v = row[col];
	return v === null || v === undefined ? null : String(v);
}

/** @internal Nullable boolean column (0/1). */
export function bool(row: Row, col: string): boolean | null {
	const v = row[col];
	return v === null || v === undefined ? null : Number(v) !== 0;
}

/** @internal Number column. */
export function num(row: Row, col: string): number {
	return Number(row[col] ?? 0);
}

/** @internal Boolean → SQLite integer or NULL. */
export function sqlBool(v: boolean | null | undefined): number | null {
	return v === null || v === undefined ? null : v ? 1 : 0;
}
