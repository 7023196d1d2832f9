/**
 * @module
 * `@obmen/db` — storage of the Obmen exchange: drizzle schema, embedded migrations, the `ExchangeStore` port
 * and its libSQL implementation. Runtime-neutral: takes an already opened libSQL `Client` (see `@obmen/db/node`).
 */
export { backupInto, pendingMigrations } from "./backup.ts";
export { DOMAIN_TABLES, domainDigest } from "./digest.ts";
export { StoreBusyError, StoreFullError } from "./errors.ts";
export { createLibsqlStore, openStore } from "./libsql-store.ts";
export { applyMigrations } from "./migrate.ts";
export { Mutex } from "./mutex.ts";
export { bpKeyChars, bpKeyPart, bpOrderKey, CUT_LENGTH, cutNumber } from "./order-keys.ts";
export * as schema from "./schema.ts";
export type { ExchangeStore, UpsertResult } from "./store.ts";
export { JOURNAL_ERROR_MAX, JOURNAL_FIELD_MAX, LOGIN_SUCCESS_KEEP_MS } from "./store.ts";
export type * from "./types.ts";
