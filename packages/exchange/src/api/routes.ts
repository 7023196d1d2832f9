/**
 * @module
 * The admin API `/api/v1` (JSON, `Authorization: Bearer <admin token>`; CORS only for the origins in
 * `adminCorsOrigins`). Its contract is openapi.ts (generated from schemas.ts), with a reference page at `/docs`.
 */
import { Hono } from "hono";
import { cors } from "hono/cors";
import { sha256Hex, timingSafeEqual } from "../crypto.ts";
import type { ResolvedOptions } from "../options.ts";
import { checkAdminToken } from "./admin-throttle.ts";
import { registerCheck } from "./check.ts";
import { registerConsole } from "./console.ts";
import { registerContent } from "./content.ts";
import { API_DOCS_HTML } from "./docs.ts";
import { ApiError, errorResponse, tooLarge } from "./errors.ts";
import { registerJournalExport } from "./journal-export.ts";
import { registerNodes } from "./nodes.ts";
import { openApiDocument } from "./openapi.ts";
import { registerOrders } from "./orders.ts";
import { registerPreview } from "./preview.ts";
import { registerStatuses } from "./statuses.ts";
import { registerUnmatched } from "./unmatched.ts";

/** @internal Whether `token` is the admin token (`verifyAdminToken`, else `adminTokenHash`). */
export async function adminTokenOk(o: ResolvedOptions, token: string): Promise<boolean> {
	if (o.verifyAdminToken) return o.verifyAdminToken(token);
	if (!o.adminTokenHash) return false;
	const enc = new TextEncoder();
	return timingSafeEqual(enc.encode(await sha256Hex(token)), enc.encode(o.adminTokenHash));
}

/** Routes of `/api/v1`. */
export function apiRoutes(o: ResolvedOptions): Hono {
	const api = new Hono();
	// off unless origins are listed: a browser on another origin gets no CORS headers (preflights included)
	if (o.adminCorsOrigins.length > 0) {
		const allowed = new Set(o.adminCorsOrigins);
		api.use(
			"*",
			cors({
				origin: (origin) => (allowed.has(origin) ? origin : null),
				allowMethods: ["GET", "PUT", "POST", "PATCH", "DELETE", "OPTIONS"],
				allowHeaders: ["Authorization", "Content-Type", "Accept-Language"],
				maxAge: 600,
			}),
		);
	}
	api.onError((e, c) => errorResponse(c, e, o.onError));
	api.notFound((c) => errorResponse(c, new ApiError(404, "not_found", "no such endpoint"), o.onError));
	// a declared body over the limit is refused before the token check and before any byte is read (413); streamed
	// bodies are capped while they are read (errors.ts readBodyCapped)
	api.use("*", async (c, next) => {
		if (Number(c.req.header("Content-Length") ?? 0) > o.limits.maxApiBodyBytes) throw tooLarge(o.limits.maxApiBodyBytes);
		await next();
	});
	api.get("/openapi.json", (c) => c.json(openApiDocument()));
	api.get("/docs", (c) => c.html(API_DOCS_HTML));
	api.use("*", async (c, next) => {
		const m = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "");
		// failed checks are throttled per client address (429), see admin-throttle.ts
		await checkAdminToken(o, c, m?.[1] ?? null, async (token) => adminTokenOk(o, token));
		await next();
	});
	registerOrders(api, o);
	registerContent(api, o);
	registerNodes(api, o);
	registerJournalExport(api, o); // before registerPreview: handles ?format=csv|ndjson of the journal route
	registerPreview(api, o);
	registerUnmatched(api, o);
	registerConsole(api, o);
	registerStatuses(api, o);
	registerCheck(api, o);
	// any other /api/v1 path (or method) is the JSON 404, also when the app mounts this router (see app.ts)
	api.all("*", () => {
		throw new ApiError(404, "not_found", "no such endpoint");
	});
	return api;
}
