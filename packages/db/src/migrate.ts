/**
 * @module
 * Applies the embedded drizzle-kit migrations (works on every runtime, no `node:fs`).
 * Compatible with drizzle's own migrator: same `__drizzle_migrations` table and rows.
 */
import type { Client } from "@libsql/client";
import { migrations } from "./migrations.gen.ts";

/** Creates the bookkeeping table and runs every migration newer than the last applied one. Idempotent. */
export async function applyMigrations(client: Client): Promise<number> {
	await client.execute(
		"CREATE TABLE IF NOT EXISTS `__drizzle_migrations` (id INTEGER PRIMARY KEY AUTOINCREMENT, hash text NOT NULL, created_at numeric)",
	);
	const last = await client.execute("SELECT created_at FROM `__drizzle_migrations` ORDER BY created_at DESC LIMIT 1");
	const lastWhen = last.rows[0] ? Number(last.rows[0].created_at) : 0;
	let applied = 0;
	for (const m of migrations) {
		if (m.when <= lastWhen) continue;
		await client.batch(
			[...m.statements, { sql: "INSERT INTO `__drizzle_migrations` (hash, created_at) VALUES (?, ?)", args: [m.hash, m.when] }],
			"write",
		);
		applied++;
	}
	return applied;
}
