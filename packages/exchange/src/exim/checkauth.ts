/**
 * @module
 * `mode=checkauth` (type `sale` and the `catalog` pre-flight of 1C УТ 11): verify HTTP Basic, open a session,
 * reply `success\n<cookie name>\n<cookie value>\nsessid=<token>\n`.
 */
import { replySuccess } from "@obmen/core";
import { CLIENT_ENDPOINTS, endpointClient, requestClient } from "./client.ts";
import { endClientExportLease } from "./export-lease.ts";
import { EximFailure } from "./failure.ts";
import { BAD_CREDENTIALS, CREDENTIALS_REQUIRED, THROTTLED } from "./replies.ts";
import { textReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";
import { COOKIE_NAME, createSession, verifyBasic } from "./session.ts";

/** Header of the 401 challenge when 1C sent no credentials. */
export const WWW_AUTHENTICATE = 'Basic realm="1C exchange", charset="UTF-8"';

/** @internal The failure to throw for a failed Basic check (a 401 challenge only when credentials are missing). */
export function basicFailure(reason: "missing" | "bad" | "throttled"): EximFailure {
	if (reason === "missing")
		return new EximFailure(CREDENTIALS_REQUIRED, { status: 401, headers: { "WWW-Authenticate": WWW_AUTHENTICATE } });
	return new EximFailure(reason === "throttled" ? THROTTLED : BAD_CREDENTIALS);
}

/** @internal */
export async function checkauth(r: EximRequest): Promise<Response> {
	const v = await verifyBasic(r);
	if (!v.ok) throw basicFailure(v.reason);
	const s = await createSession(r.o, v.node, r.now, requestClient(r, v.node));
	await endClientExportLease(r, v.node.id);
	r.j.session = s.idHash.slice(0, 12);
	// 1C ignores Set-Cookie (it builds the Cookie header from lines 2–3); the attributes protect browsers. The path is
	// the endpoint the request came in on (`/exim_1c`, a cloud client's alias, or the Bitrix-compatible path).
	const endpoint = endpointClient(r);
	const path = r.c.req.path.startsWith("/bitrix/") ? "/bitrix/admin/1c_exchange.php" : CLIENT_ENDPOINTS[endpoint];
	return textReply(r, replySuccess(COOKIE_NAME, s.cookieValue, `sessid=${s.sessid}`), 200, {
		"Set-Cookie": `${COOKIE_NAME}=${s.cookieValue}; Path=${path}; HttpOnly; Secure; SameSite=Strict`,
	});
}
