/**
 * @module First-start setup: the admin token (from env, or generated once and stored hashed) and the `default`
 * 1C node from `OBMEN_1C_LOGIN` / `OBMEN_1C_PASSWORD`.
 */
import type { ExchangeStore } from "@obmen/db";
import { defaultSettings, hashPassword, randomToken, sha256Hex, verifyPassword } from "@obmen/exchange";

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
	await store.setMeta(ADMIN_TOKEN_KEY, hash);
	return { hash, generated: token };
}

/** Creates or updates the node named `default` with these credentials. */
export async function ensureDefaultNode(
	store: ExchangeStore,
	login: string,
	password: string,
	now: Date,
): Promise<"created" | "updated" | "unchanged"> {
	const at = now.toISOString();
	const existing = await store.getNodeByName("default");
	if (!existing) {
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
	}
	if (existing.login === login && (await verifyPassword(password, existing.passwordHash))) return "unchanged";
	await store.updateNode({ ...existing, login, passwordHash: await hashPassword(password), updatedAt: at });
	return "updated";
}
