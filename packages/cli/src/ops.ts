/**
 * @module
 * Operations on the server's database, reading the same environment as the server (`OBMEN_DATA_DIR`, `DATABASE_URL`,
 * `DATABASE_AUTH_TOKEN`): `obmen db backup <file>` (a consistent online copy, safe while the server runs and 1C
 * imports), `obmen db migrate [--dry-run]` (applies, or lists, the migrations a start would apply) and
 * `obmen admin reset-token` (a new admin API token; the old one stops working at once, on every running server).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { applyMigrations, backupInto, pendingMigrations } from "@obmen/db";
import { openClient } from "@obmen/db/node";
import { ADMIN_TOKEN_KEY, randomToken, readHostConfig, sha256Hex } from "@obmen/exchange";
import { UsageError } from "./args.ts";
import type { CliIo } from "./io.ts";

/** The checkout's `data/` directory, the servers' default (this file is `packages/cli/{src,dist}/`). */
const CHECKOUT_DATA_DIR = fileURLToPath(new URL("../../../data", import.meta.url));

function database(io: CliIo) {
	const cfg = readHostConfig(io.env ?? {}, { dataDir: CHECKOUT_DATA_DIR });
	return { url: cfg.databaseUrl, client: openClient(cfg.databaseUrl, { authToken: cfg.databaseAuthToken }), cfg };
}

/** `obmen db backup <file>`: `VACUUM INTO` the file (refused when it exists). */
export async function dbBackup(rest: string[], io: CliIo): Promise<number> {
	const [target, extra] = rest;
	if (!target || extra !== undefined) throw new UsageError("obmen db backup needs exactly one target file");
	const file = resolve(target);
	if (existsSync(file)) {
		io.stderr(`obmen: ${file} exists; a backup never overwrites a file\n`);
		return 1;
	}
	const { url, client } = database(io);
	try {
		await backupInto(client, file);
	} finally {
		client.close();
	}
	io.stderr(`obmen: ${url} backed up to ${file} (restore: stop the server, DATABASE_URL=file:${file} or copy it to obmen.db)\n`);
	return 0;
}

/** `obmen db migrate [--dry-run]`: prints the pending migrations, applies them unless `--dry-run`. */
export async function dbMigrate(dryRun: boolean, io: CliIo): Promise<number> {
	const { url, client } = database(io);
	try {
		const pending = await pendingMigrations(client);
		if (pending.length === 0) {
			await io.stdout(`${url}: up to date, no pending migration\n`);
			return 0;
		}
		await io.stdout(`${url}: ${pending.length} pending migration(s):\n${pending.map((t) => `  ${t}\n`).join("")}`);
		if (dryRun) return 0;
		const applied = await applyMigrations(client);
		await io.stdout(`applied ${applied}\n`);
		return 0;
	} finally {
		client.close();
	}
}

/** `obmen admin reset-token`: stores the hash of a new token and prints the token once. */
export async function adminResetToken(io: CliIo): Promise<number> {
	const { client, cfg } = database(io);
	try {
		if ((await pendingMigrations(client)).length > 0) {
			io.stderr("obmen: the database is not migrated (start the server once, or run obmen db migrate)\n");
			return 1;
		}
		const token = randomToken(24);
		await client.execute({
			sql: "INSERT INTO meta (key, value) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET value = excluded.value",
			args: [ADMIN_TOKEN_KEY, await sha256Hex(token)],
		});
		await io.stdout(`${token}\n`);
		io.stderr(
			cfg.adminToken
				? "obmen: stored, but OBMEN_ADMIN_TOKEN is set: the servers use that one until it is removed from their environment\n"
				: "obmen: new admin token stored (shown once); the old one no longer works\n",
		);
		return 0;
	} finally {
		client.close();
	}
}
