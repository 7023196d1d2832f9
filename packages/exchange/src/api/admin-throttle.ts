/**
 * @module
 * Throttling of admin-token guesses on `/api/v1`, like the 1C login throttle: at most
 * `limits.adminFailuresPerMinute` failed token checks per minute per client address (counted in the store under
 * `admin-ip:<address>`, so every app process sees them); beyond that the address gets 429 with the JSON error envelope
 * and `Retry-After`, before its token is even compared (no guessing oracle).
 *
 * Anti lock-out: an address that presented the valid token within {@link ADMIN_TRUST_MS} (the store's successful-login
 * record, login `\u0000admin`) is still let in with the valid token while its address is throttled — the shop's
 * back office behind the same address as a guesser keeps working; any other address only ever sees 429. Requests
 * already in flight when the limit is reached still complete, so a concurrent burst can exceed the limit by its size.
 */
import type { Context } from "hono";
import type { ResolvedOptions } from "../options.ts";
import { ApiError } from "./errors.ts";

/** How long a successful admin-token check keeps its address trusted while it is throttled. */
export const ADMIN_TRUST_MS = 30 * 86_400_000;
/** The name successful admin checks are recorded under in the store's login successes (no node login has a NUL). */
export const ADMIN_LOGIN = "\u0000admin";
/** A trusted address's success is recorded again at most once a day. */
const RENEW_MS = 86_400_000;

/** Last recorded admin success per address in this process (saves a store read per request). */
const recorded = new WeakMap<ResolvedOptions, Map<string, number>>();

/**
 * @internal Checks the bearer token of a request behind the per-address failure limit; throws 429 or 401
 * {@link ApiError}s, resolves when the token is valid.
 */
export async function checkAdminToken(
	o: ResolvedOptions,
	c: Context,
	token: string | null,
	tokenOk: (token: string) => Promise<boolean>,
): Promise<void> {
	const ip = (o.clientIp(c) ?? "unknown").slice(0, 64);
	const key = `admin-ip:${ip}`;
	const now = o.clock.now().getTime();
	const failures = await o.store.countFailures([key], now - 60_000);
	if (failures >= o.limits.adminFailuresPerMinute) {
		const trusted = token !== null && (await o.store.lastLoginSuccess(ip, ADMIN_LOGIN, now - ADMIN_TRUST_MS)) !== null;
		if (!trusted || !(await tokenOk(token))) {
			c.header("Retry-After", "60");
			throw new ApiError(429, "too_many_requests", "too many failed admin token checks from this address; retry in a minute");
		}
		return;
	}
	if (token === null || !(await tokenOk(token))) {
		await o.store.recordFailure([key], now);
		c.header("WWW-Authenticate", 'Bearer realm="obmen admin"');
		throw new ApiError(401, "unauthorized", "a valid admin bearer token is required");
	}
	let seen = recorded.get(o);
	if (!seen) recorded.set(o, (seen = new Map()));
	const last = seen.get(ip);
	if (last === undefined || now - last >= RENEW_MS || now < last) {
		if (seen.size > 10_000) seen.clear();
		seen.set(ip, now);
		await o.store.recordLoginSuccess(ip, ADMIN_LOGIN, now);
	}
}
