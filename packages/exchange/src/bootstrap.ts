/**
 * @module
 * First-start setup shared by every runtime entry: the admin token (from env, or generated once and stored
 * hashed), the `default` 1C node from `OBMEN_1C_LOGIN` / `OBMEN_1C_PASSWORD` (the credentials an operator types into
 * the 1C exchange node: УТ 11 "Обмен с сайтами", УНФ "Обмен с сайтом"), then the app itself and the start banner.
 */
import type { ExchangeStore } from "@obmen/db";
import { createExchangeApp, type ExchangeApp } from "./app.ts";
import { hashPassword, randomToken, sha256Hex, timingSafeEqual, verifyPassword } from "./crypto.ts";
import type { HostConfig } from "./host-config.ts";
import type { ExchangeAppOptions } from "./options.ts";
import { defaultSettings } from "./settings.ts";

/** Meta key of the stored admin token hash. */
export const ADMIN_TOKEN_KEY = "admin_token_sha256";

/** Resolves the admin token hash; `generated` is the plain token when it was created just now (print it once). */
export async function ensureAdminToken(
	store: ExchangeStore,
	envToken: string | undefined,
): Promise<{ hash: string; generated: string | null }> {
	if (envToken) return { hash: await sha256Hex(envToken), generated: null };
	const stored = await store.getMeta(ADMIN_TOKEN_KEY);
	if (stored) return { hash: stored, generated: null };
	const token = randomToken(24);
	const hash = await sha256Hex(token);
	// several instances starting at once: the first stored token wins, the others print none
	const storedNow = await store.initMeta(ADMIN_TOKEN_KEY, hash);
	return storedNow === hash ? { hash, generated: token } : { hash: storedNow, generated: null };
}

/**
 * The admin token check of a server whose token is stored (not from `OBMEN_ADMIN_TOKEN`): the stored hash is read on
 * every check, so `obmen admin reset-token` takes effect at once on every running server.
 */
export function storedAdminTokenCheck(store: ExchangeStore): (token: string) => Promise<boolean> {
	const enc = new TextEncoder();
	return async (token) => {
		const stored = await store.getMeta(ADMIN_TOKEN_KEY);
		return stored !== null && timingSafeEqual(enc.encode(await sha256Hex(token)), enc.encode(stored));
	};
}

/**
 * Creates or updates the node named `default` with these credentials. Safe when several instances start at once: the
 * instance that loses the creation race (unique `name`/`login`) finds the winner's node and compares against it.
 */
export async function ensureDefaultNode(
	store: ExchangeStore,
	login: string,
	password: string,
	now: Date,
): Promise<"created" | "updated" | "unchanged"> {
	const at = now.toISOString();
	let existing = await store.getNodeByName("default");
	if (!existing) {
		try {
			await store.createNode({
				id: randomToken(8),
				name: "default",
				login,
				passwordHash: await hashPassword(password),
				settings: defaultSettings(),
				createdAt: at,
				updatedAt: at,
			});
			return "created";
		} catch (e) {
			existing = await store.getNodeByName("default");
			if (!existing) throw e;
		}
	}
	if (existing.login === login && (await verifyPassword(password, existing.passwordHash))) return "unchanged";
	await store.updateNode({ ...existing, login, passwordHash: await hashPassword(password), updatedAt: at });
	return "updated";
}

/** A booted exchange: the app plus what the entry should tell the operator. */
export interface BootedExchange {
	app: ExchangeApp;
	/** The admin token generated at this start (print once), else null. */
	generatedAdminToken: string | null;
	/** What happened to the `default` 1C node; null when no 1C credentials are configured. */
	defaultNode: "created" | "updated" | "unchanged" | null;
}

/**
 * Bootstraps credentials in an opened (migrated) store and builds the app; the entry then serves `app.fetch`.
 * @example const { app } = await bootExchange(store, readHostConfig(env)); Bun.serve({ fetch: app.fetch });
 */
export async function bootExchange(
	store: ExchangeStore,
	cfg: Pick<HostConfig, "adminToken" | "oneCLogin" | "oneCPassword">,
	options: Omit<ExchangeAppOptions, "store" | "adminTokenHash"> = {},
	now: Date = new Date(),
): Promise<BootedExchange> {
	const admin = await ensureAdminToken(store, cfg.adminToken);
	const defaultNode = cfg.oneCLogin && cfg.oneCPassword ? await ensureDefaultNode(store, cfg.oneCLogin, cfg.oneCPassword, now) : null;
	const app = createExchangeApp({
		...options,
		store,
		adminTokenHash: admin.hash,
		...(cfg.adminToken ? {} : { verifyAdminToken: storedAdminTokenCheck(store) }),
	});
	return { app, generatedAdminToken: admin.generated, defaultNode };
}

/** The start banner: the URLs to type into 1C and the admin API, and where the credentials come from. */
export function startBanner(
	url: string,
	databaseUrl: string,
	cfg: Pick<HostConfig, "adminToken" | "oneCLogin"> & Partial<Pick<HostConfig, "publicUrl">>,
	boot: BootedExchange,
): string[] {
	const shown = cfg.publicUrl ?? url;
	const lines = [
		`Obmen is listening on ${url} (database ${databaseUrl})`,
		`  1C exchange URL (УТ 11 / КА 2 / ERP / УНФ "адрес сайта"): ${shown}/exim_1c`,
		`  admin page: ${shown}/admin    admin API: ${shown}/api/v1 (OpenAPI: ${shown}/api/v1/openapi.json)`,
	];
	if (boot.defaultNode) lines.push(`  1C node "default" ${boot.defaultNode}: login ${cfg.oneCLogin} (password from OBMEN_1C_PASSWORD)`);
	else lines.push("  1C login: create a node via POST /api/v1/nodes, or set OBMEN_1C_LOGIN and OBMEN_1C_PASSWORD");
	if (boot.generatedAdminToken)
		lines.push(`  admin token (shown once, stored hashed; use "Authorization: Bearer <token>"): ${boot.generatedAdminToken}`);
	else lines.push(cfg.adminToken ? "  admin token: from OBMEN_ADMIN_TOKEN" : "  admin token: the one printed at first start");
	return lines;
}
