/**
 * @module
 * Operations on a live database: an online backup (`VACUUM INTO`, a consistent snapshot taken in one read transaction,
 * safe while the server writes — WAL lets both run) and the list of migrations a start would apply.
 */
import type { Client } from "@libsql/client";
import { migrations } from "./migrations.gen.ts";

/**
 * Writes a consistent, compacted copy of the database to `file` (which must not exist). The copy is a plain SQLite
 * file: point `DATABASE_URL=file:<copy>` at it to restore.
 */
export async function backupInto(client: Client, file: string): Promise<void> {
	await client.execute({ sql: "VACUUM INTO ?", args: [file] });
}

/** Tags of the embedded migrations not yet applied to this database, in the order a start would apply them. */
export async function pendingMigrations(client: Client): Promise<string[]> {
	const table = await client.execute("SELECT name FROM sqlite_master WHERE type = 'table' AND name = '__drizzle_migrations'");
	if (table.rows.length === 0) return migrations.map((m) => m.tag);
	const last = await client.execute("SELECT created_at FROM `__drizzle_migrations` ORDER BY created_at DESC LIMIT 1");
	const lastWhen = last.rows[0] ? Number(last.rows[0].created_at) : 0;
	return migrations.filter((m) => m.when > lastWhen).map((m) => m.tag);
}
