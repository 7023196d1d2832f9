/**
 * @module
 * Which kind of exchange client a request comes from (node setting `client`, docs/cloud-clients.md): 1C:Enterprise
 * (`"1c"`), or the cloud systems МойСклад (`"moysklad"`) and Класс365 / Бизнес.Ру (`"class365"`). The cloud systems
 * speak the same `type=sale` protocol but log in with HTTP Basic on every request and are not known to send the
 * session cookie or `sessid` back, never call `mode=import` and must never get `progress`. Each has its own endpoint
 * alias (`/exim_moysklad`, `/exim_class`); a request on an alias is served with that client's profile whatever the
 * node's setting, a request on `/exim_1c` with the node's `client`.
 */
import type { NodeRecord } from "@obmen/db";
import { type ClientKind, readSettings } from "../settings.ts";
import { basicFailure } from "./checkauth.ts";
import { EximFailure } from "./failure.ts";
import { NEED_CHECKAUTH } from "./replies.ts";
import type { EximRequest } from "./request.ts";
import { type ActiveSession, type BasicResult, createSession, resolveSession, touchIntervalMs, verifyBasic } from "./session.ts";

/** The exchange endpoint of each client kind (the admin shows it as the node's `exchangeUrl`). */
export const CLIENT_ENDPOINTS: Record<ClientKind, string> = {
	"1c": "/exim_1c",
	moysklad: "/exim_moysklad",
	class365: "/exim_class",
};

/** The client kind an endpoint alias selects, or `"1c"` for `/exim_1c` and the Bitrix path. */
export function endpointClient(r: EximRequest): ClientKind {
	const path = r.c.req.path.replace(/\/+$/, "");
	if (path === CLIENT_ENDPOINTS.moysklad) return "moysklad";
	if (path === CLIENT_ENDPOINTS.class365) return "class365";
	return "1c";
}

/** The client kind this request is served as: the endpoint alias when it has one, else the node's `client`. */
export function requestClient(r: EximRequest, node: NodeRecord): ClientKind {
	const e = endpointClient(r);
	return e !== "1c" ? e : readSettings(node.settings).client;
}

/** True when the request is served as a cloud client (МойСклад or Класс365). */
export function isCloudRequest(r: EximRequest, node: NodeRecord): boolean {
	return requestClient(r, node) !== "1c";
}

/**
 * @internal What HTTP Basic alone gives a request that carries neither the session cookie nor `sessid`:
 * - `{ session }`: a cloud client's node — its current exchange session (see {@link currentSession});
 * - `{ node }`: a `"1c"` node with valid credentials (a browser preview of `query`);
 * - `{ refused }`: bad or missing credentials on `/exim_1c`, handled there as before (no password check at all
 *   when the request has no `Authorization` header).
 *
 * Bad or missing credentials on a cloud endpoint throw the failure to send ({@link basicFailure}).
 */
export type BasicOnly = { session: ActiveSession } | { node: NodeRecord } | { refused: BasicRefusal };

/** @internal Why HTTP Basic did not identify a node. */
export type BasicRefusal = Extract<BasicResult, { ok: false }>["reason"];

/** @internal See {@link BasicOnly}. */
export async function basicOnly(r: EximRequest): Promise<BasicOnly> {
	const cloudEndpoint = endpointClient(r) !== "1c";
	if (!cloudEndpoint && !r.c.req.header("Authorization")) return { refused: "missing" };
	const v = await verifyBasic(r);
	if (!v.ok) {
		if (cloudEndpoint) throw basicFailure(v.reason);
		return { refused: v.reason };
	}
	if (!isCloudRequest(r, v.node)) return { node: v.node };
	return { session: await currentSession(r, v.node) };
}

/**
 * @internal The node's current exchange session for a cloud client: the session created last (by `checkauth` or
 * implicitly) while it is within the idle and absolute timeouts, else a new one. Pending `query` batches and uploads
 * belong to it as to a 1C session, so `query` → `success` is two-phase as for 1C.
 */
export async function currentSession(r: EximRequest, node: NodeRecord): Promise<ActiveSession> {
	const { o, now } = r;
	const t = now.getTime();
	// only a session this kind of client opened: a 1C session's pending batch is 1C's to acknowledge (a "1c" node
	// addressed on an alias must not take over the exchange 1C is running)
	const kind = requestClient(r, node);
	let session = await o.store.getCurrentSession(node.id, kind);
	if (session && (t - session.lastSeenAt > o.limits.sessionIdleMs || t - session.createdAt > o.limits.sessionAbsoluteMs)) {
		session = null;
	}
	if (session) {
		if (t - session.lastSeenAt >= touchIntervalMs(o.limits.sessionIdleMs)) await o.store.touchSession(session.idHash, t);
	} else {
		const created = await createSession(o, node, now, kind);
		session = await o.store.getSession(created.idHash);
		if (!session) throw new Error("session vanished right after it was created");
		r.j.note = "session opened implicitly (cloud client without checkauth)";
	}
	r.j.session = session.idHash.slice(0, 12);
	r.j.nodeId = node.id;
	r.login = node.login;
	r.authenticated = true;
	// the `sessid` token cannot be derived from the stored hash; cloud clients are not known to use it
	return { session, node, sessid: "" };
}

/**
 * @internal The session of a request without the cookie and `sessid`, for `init`, `success` and `file`: the cloud
 * client's current session, or null ("call checkauth first", as for 1C).
 * @throws EximFailure for bad or missing credentials on a cloud endpoint
 */
export async function sessionWithoutCookie(r: EximRequest): Promise<ActiveSession | null> {
	const b = await basicOnly(r);
	return "session" in b ? b.session : null;
}

/**
 * @internal The session of `init` and `success`: the one of the cookie or `sessid`, else (cloud clients, HTTP Basic
 * alone) the node's current session.
 * @throws EximFailure without a session ("call checkauth first"), or when the session is expired or unknown
 */
export async function requireSession(r: EximRequest): Promise<ActiveSession> {
	const s = (await resolveSession(r)) ?? (await sessionWithoutCookie(r));
	if (s === null) throw new EximFailure(NEED_CHECKAUTH);
	return s;
}
