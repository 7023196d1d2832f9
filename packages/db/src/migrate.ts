/**
 * @module
 * Applies the embedded drizzle-kit migrations (works on every runtime, no `node:fs`).
 * Compatible with drizzle's own migrator: same `__drizzle_migrations` table and rows.
 *
 * Safe when several instances start at the same moment on one database: each migration is ONE atomic batch that
 * begins with its bookkeeping row, and a unique index on `hash` makes that row the migration's lock. A racing
 * instance's batch fails on that row (or on a table its winner created) and rolls back as a whole; the instance then
 * re-reads what is applied and goes on. Batches only, no interactive transaction, so the same code runs over
 * Hrana/HTTP and on D1.
 */
import { type EmbeddedMigration, migrations } from "./migrations.gen.ts";

/** @internal The part of a libSQL `Client` (or a D1 adapter) that migrations need. */
export interface MigrationClient {
	execute(sql: string): Promise<{ rows: ArrayLike<Record<string, unknown>> }>;
	batch(stmts: (string | { sql: string; args: (string | number)[] })[], mode: "write"): Promise<unknown>;
}

/** How often a migration batch is retried after a lost race or a busy database before the error is passed on. */
const ATTEMPTS = 20;

/** SQLite's "database is locked" / "busy" (another process holds the write lock past the busy timeout). */
function isBusy(e: unknown): boolean {
	const text = `${(e as { code?: unknown })?.code ?? ""} ${(e as Error)?.message ?? ""} ${String((e as { cause?: unknown })?.cause ?? "")}`;
	return /SQLITE_BUSY|database is locked|busy/i.test(text);
}

async function lastApplied(client: MigrationClient): Promise<number> {
	const last = await client.execute("SELECT created_at FROM `__drizzle_migrations` ORDER BY created_at DESC LIMIT 1");
	const row = last.rows[0];
	return row ? Number(row.created_at) : 0;
}

/** @internal The bookkeeping table of drizzle's migrator, with the unique index that makes its rows the migration lock. */
export const BOOKKEEPING = [
	"CREATE TABLE IF NOT EXISTS `__drizzle_migrations` (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)",
	"CREATE UNIQUE INDEX IF NOT EXISTS `__drizzle_migrations_hash` ON `__drizzle_migrations` (hash)",
];

/**
 * Creates the bookkeeping table and runs every migration newer than the last applied one. Idempotent. `record` adds
 * statements to each migration's batch (the D1 store records the migration for `wrangler d1 migrations` too).
 */
export async function applyMigrations(
	client: MigrationClient,
	record: (m: EmbeddedMigration) => { sql: string; args: (string | number)[] }[] = () => [],
): Promise<number> {
	await retryBusy(() => client.batch(BOOKKEEPING, "write"));
	let applied = 0;
	for (const m of migrations) {
		for (let attempt = 1; ; attempt++) {
			if (m.when <= (await retryBusy(() => lastApplied(client)))) break;
			try {
				await client.batch(
					[
						{ sql: "INSERT INTO `__drizzle_migrations` (hash, created_at) VALUES (?, ?)", args: [m.hash, m.when] },
						...m.statements,
						...record(m),
					],
					"write",
				);
				applied++;
				break;
			} catch (e) {
				// another instance applied it meanwhile (its row or its tables exist): the loop re-reads and moves on
				if (attempt >= ATTEMPTS) throw e;
				await pause(attempt);
			}
		}
	}
	return applied;
}

/** @internal Runs `fn`, retrying while the database is busy (another instance holds the write lock). */
export async function retryBusy<T>(fn: () => Promise<T>): Promise<T> {
	for (let attempt = 1; ; attempt++) {
		try {
			return await fn();
		} catch (e) {
			if (!isBusy(e) || attempt >= ATTEMPTS) throw e;
			await pause(attempt);
		}
	}
}

function pause(attempt: number): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, Math.min(500, 20 * attempt) + Math.random() * 30));
}
