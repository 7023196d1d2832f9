/**
 * @module
 * Exchange sessions and HTTP Basic verification.
 *
 * 1C builds `Cookie: <line2>=<line3>` from the `checkauth` reply and ignores `Set-Cookie`; it appends
 * `&sessid=<line4 value>` (Family A/C) or nothing (Family B "other CMS"). So the session is identified by the cookie,
 * `sessid` is validated only when present, and the id is never rotated during an exchange. A request without the
 * cookie but with `sessid` and the Basic credentials of the session's node is served as that session (a 1C client
 * whose cookie path is broken). Ids are 128-bit random and stored as SHA-256. Failed Basic logins are throttled per
 * IP and per login (≤ N per minute).
 */
import { parseBasicAuth, sanitizeUploadName } from "@obmen/core";
import type { NodeRecord, SessionRecord } from "@obmen/db";
import { getCookie } from "hono/cookie";
import { hashPassword, randomToken, sha256Hex, timingSafeEqual, verifyPassword } from "../crypto.ts";
import type { ResolvedOptions } from "../options.ts";
import { type ClientKind, readSettings } from "../settings.ts";
import { alertExchangeFailed } from "./alerts.ts";
import { EximFailure } from "./failure.ts";
import { ipAllowed } from "./ip-allow.ts";
import {
	BAD_CREDENTIALS,
	INVALID_FILENAME,
	INVALID_SESSID,
	NEED_CHECKAUTH,
	NODE_DELETED,
	SESSION_EXPIRED,
	SESSION_NOT_FOUND,
	THROTTLED,
} from "./replies.ts";
import type { EximRequest } from "./request.ts";
import { attemptKeys, LoginThrottle, TRUST_MS } from "./throttle.ts";
import { VerifiedLogins, verifiedKey } from "./verified-logins.ts";

/** Name of the session cookie (line 2 of the `checkauth` reply). */
export const COOKIE_NAME = "obmen_session";

/** @internal The `sessid` token belonging to a cookie value (derivable, so `init` can repeat it). */
export async function sessidFor(cookieValue: string): Promise<string> {
	return (await sha256Hex(`sessid:${cookieValue}`)).slice(0, 32);
}

/** @internal A resolved exchange session. */
export interface ActiveSession {
	session: SessionRecord;
	node: NodeRecord;
	/** The session's `sessid` token (line 4 of `checkauth`; `init` repeats it to Bitrix-protocol clients). */
	sessid: string;
}

/**
 * @internal Finds the session of this request. `null` = the request carries neither the cookie nor `sessid`.
 * @throws EximFailure when the session is expired, unknown or the `sessid` is wrong
 *
 * The cookie identifies the session; a `sessid` next to it must belong to it. Without the cookie (1C clients whose
 * cookie handling is broken still send `sessid`), the `sessid` identifies the session only together with valid HTTP
 * Basic credentials of the session's own node — never from the query string alone.
 */
export async function resolveSession(r: EximRequest): Promise<ActiveSession | null> {
	const { o, c, now } = r;
	const cookieValue = getCookie(c, COOKIE_NAME);
	const sessidParam = c.req.query("sessid");
	if (!cookieValue && sessidParam === undefined) return null;
	const sessid = sessidParam?.replace(/^sessid=/, "");
	let session: SessionRecord | null;
	let token: string;
	if (cookieValue) {
		session = await o.store.getSession(await sha256Hex(cookieValue));
		token = await sessidFor(cookieValue);
		if (session && sessid !== undefined && !timingSafeEqual(enc.encode(sessid), enc.encode(token))) {
			throw new EximFailure(INVALID_SESSID);
		}
	} else {
		const v = await verifyBasic(r);
		if (!v.ok) throw new EximFailure(v.reason === "missing" ? NEED_CHECKAUTH : v.reason === "throttled" ? THROTTLED : BAD_CREDENTIALS);
		token = sessid ?? "";
		session = token ? await o.store.getSessionBySessid(await sha256Hex(token), v.node.id) : null;
	}
	if (!session) throw new EximFailure(SESSION_NOT_FOUND);
	const idHash = session.idHash;
	r.j.session = idHash.slice(0, 12);
	r.j.nodeId = session.nodeId;
	const t = now.getTime();
	if (t - session.lastSeenAt > o.limits.sessionIdleMs || t - session.createdAt > o.limits.sessionAbsoluteMs) {
		await o.store.deleteSession(idHash);
		throw new EximFailure(SESSION_EXPIRED);
	}
	const node = await o.store.getNode(session.nodeId);
	if (!node) throw new EximFailure(NODE_DELETED);
	r.login = node.login;
	// `last_seen_at` only bounds the idle timeout (30 min): refreshing it at most once a minute (a tenth of the idle
	// timeout when that is shorter) keeps a write transaction off almost every request of an exchange
	if (t - session.lastSeenAt >= touchIntervalMs(o.limits.sessionIdleMs)) await o.store.touchSession(idHash, t);
	r.authenticated = true;
	return { session, node, sessid: token };
}

/**
 * @internal How stale a session's `last_seen_at` may get before a request refreshes it: a minute, or a tenth of the
 * idle timeout when that is shorter (the session then expires at most that much earlier than the idle timeout says).
 */
export function touchIntervalMs(sessionIdleMs: number): number {
	return Math.min(60_000, Math.max(1, Math.floor(sessionIdleMs / 10)));
}

const enc = new TextEncoder();
const DAY_MS = 86_400_000;

/** A hash verified for unknown logins, so they cost the same as a wrong password (per options object). */
const dummyHashes = new WeakMap<ResolvedOptions, Promise<string>>();
/** Positive password verifications of each app (per options object), see verified-logins.ts. */
const verified = new WeakMap<ResolvedOptions, VerifiedLogins>();
/** The login throttle of each app (per options object; failures themselves live in the store). */
const throttles = new WeakMap<ResolvedOptions, LoginThrottle>();

/** @internal The login throttle of an app. */
export function loginThrottle(o: ResolvedOptions): LoginThrottle {
	let t = throttles.get(o);
	if (!t) throttles.set(o, (t = new LoginThrottle(o.store, o.limits.loginFailuresPerMinute)));
	return t;
}

/** @internal The cache of positive password verifications of an app. */
export function verifiedLogins(o: ResolvedOptions): VerifiedLogins {
	let v = verified.get(o);
	if (!v) verified.set(o, (v = new VerifiedLogins()));
	return v;
}

/** @internal Result of a Basic check: the node, or why not. */
export type BasicResult = { ok: true; node: NodeRecord } | { ok: false; reason: "missing" | "bad" | "throttled" };

/**
 * @internal Verifies HTTP Basic credentials against the node logins behind the login throttle (≤ N verifications
 * that can fail per minute per IP and per login, see throttle.ts). Unknown logins verify a dummy hash, so they take
 * as long as a wrong password and get the same reply. A password verified correct within the last 10 minutes against
 * the same stored hash skips PBKDF2 (verified-logins.ts); it is also the only way in while the throttle refuses
 * from an address that logged in as this login within the node's `knownIpDays` (the real node during a flood).
 * With `allowedIps` set, other addresses are refused before the throttle and any password check.
 */
export async function verifyBasic(r: EximRequest): Promise<BasicResult> {
	const { o, c, now } = r;
	const creds = parseBasicAuth(c.req.header("Authorization"));
	if (!creds) return { ok: false, reason: "missing" };
	const ip = o.clientIp(c) ?? "unknown";
	const node = await o.store.getNodeByLogin(creds.login);
	const settings = node ? readSettings(node.settings) : null;
	if (node) {
		r.j.nodeId = node.id;
		r.login = node.login;
	}
	// `allowedIps`: other addresses are refused before any password check and never count against the node's login
	// (the reply is the same as for a wrong password; the journal's counter row says why)
	if (settings && !ipAllowed(o.clientIp(c), settings.allowedIps)) {
		r.j.error = `${BAD_CREDENTIALS} (address ${ip.slice(0, 64)} is not in the node's allowedIps)`;
		return { ok: false, reason: "bad" };
	}
	const trustMs = (settings?.knownIpDays ?? TRUST_MS / DAY_MS) * DAY_MS;
	const slot = await loginThrottle(o).acquire(attemptKeys(ip, creds.login, trustMs), now.getTime());
	if (!slot) {
		// Over the limit: no PBKDF2 and nothing recorded, but a password verified correct recently (this exact password
		// against this very stored hash) from an address known for this login is still let in — 1C sends Basic on every
		// request, so a flood of wrong passwords for its login must not lock the real node out (issue 3: successful
		// checks are never throttled). Other addresses get no free cache lookups, so no unthrottled guessing oracle.
		const cached = node && (await cachedNode(o, node, ip, creds, trustMs, now.getTime()));
		if (!cached) {
			if (node) {
				r.j.error = `${THROTTLED} (login flood)`;
				alertExchangeFailed(
					r,
					node,
					"login_flood",
					`Too many failed logins for "${node.login}": logins are being refused`,
					ip.slice(0, 64),
				);
			}
			return { ok: false, reason: "throttled" };
		}
		r.authenticated = true;
		return { ok: true, node: cached };
	}
	let ok = false;
	try {
		if (node) {
			// a password verified recently against this very hash skips PBKDF2 (only successes are remembered)
			const cache = verifiedLogins(o);
			const key = await verifiedKey(node.id, node.passwordHash, creds.password);
			const hit = cache.has(key, now.getTime());
			ok = hit || (await verifyPassword(creds.password, node.passwordHash));
			if (ok && !hit) cache.add(key, now.getTime());
		} else {
			let dummy = dummyHashes.get(o);
			if (!dummy) dummyHashes.set(o, (dummy = hashPassword("obmen-dummy-password", o.passwordIterations)));
			await verifyPassword(creds.password, await dummy);
		}
	} finally {
		await slot.done(!ok);
	}
	if (!ok || !node) return { ok: false, reason: "bad" };
	r.authenticated = true;
	return { ok: true, node };
}

/**
 * `node` when `ip` logged in as its login within `trustMs` and `creds.password` is in the positive verification cache
 * for the node's current hash, else `null` (the throttled path: no PBKDF2).
 */
async function cachedNode(
	o: ResolvedOptions,
	node: NodeRecord,
	ip: string,
	creds: { login: string; password: string },
	trustMs: number,
	now: number,
): Promise<NodeRecord | null> {
	if (trustMs <= 0 || (await o.store.lastLoginSuccess(ip, creds.login, now - trustMs)) === null) return null;
	return verifiedLogins(o).has(await verifiedKey(node.id, node.passwordHash, creds.password), now) ? node : null;
}

/** @internal Creates a session for a node; returns the cookie value and sessid. */
export async function createSession(
	o: ResolvedOptions,
	node: NodeRecord,
	now: Date,
	/** The client kind opening the session (see `requestClient` in client.ts); `"1c"` is stored as null. */
	client: ClientKind = "1c",
): Promise<{ cookieValue: string; sessid: string; idHash: string }> {
	const cookieValue = randomToken(16);
	const sessid = await sessidFor(cookieValue);
	const idHash = await sha256Hex(cookieValue);
	const t = now.getTime();
	await o.store.createSession(
		{
			idHash,
			sessidHash: await sha256Hex(sessid),
			nodeId: node.id,
			createdAt: t,
			lastSeenAt: t,
			uploadEpoch: 0,
			version: null,
			cmlVersion: null,
			client: client === "1c" ? null : client,
		},
		t - o.limits.sessionAbsoluteMs,
	);
	return { cookieValue, sessid, idHash };
}

/**
 * @internal The common start of `mode=file` and `mode=import`: the exchange session and the sanitised `filename`
 * (docs/reliability.md X10), journaled as sent and then as stored. `withoutSession` finds the session of a request
 * that carries neither the cookie nor `sessid` (null for "call checkauth first").
 * @throws EximFailure without a session, or for an unsafe `filename`
 */
export async function resolveSessionFile(
	r: EximRequest,
	withoutSession?: (r: EximRequest) => Promise<ActiveSession | null>,
): Promise<{ s: ActiveSession; name: string }> {
	const raw = r.c.req.query("filename") ?? "";
	r.j.filename = raw.slice(0, 200) || null;
	let s = await resolveSession(r);
	// a request without the cookie and `sessid` (cloud clients: HTTP Basic alone) gets what `withoutSession` finds
	if (s === null && withoutSession) s = await withoutSession(r);
	if (s === null) throw new EximFailure(NEED_CHECKAUTH);
	const name = sanitizeUploadName(raw);
	if (name === null) throw new EximFailure(INVALID_FILENAME);
	r.j.filename = name;
	return { s, name };
}
