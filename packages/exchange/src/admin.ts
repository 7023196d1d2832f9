/**
 * @module
 * `/admin` (the demo admin page) and `/admin/obmen-widget.js` (the widget bundle), both supplied by the
 * runtime entry through `adminAssets`.
 */
import { Hono } from "hono";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { ResolvedOptions } from "./options.ts";

/**
 * @internal Security headers of `/admin`: a CSP allowing only this origin's scripts (plus the page's own inline module
 * script, through a per-response nonce), styles of the page (inline `<style>`), this origin's API; `frame-ancestors`
 * from `adminFrameAncestors` (default `'self'`: embedding the page elsewhere must be allowed explicitly), with the
 * matching `X-Frame-Options` for old browsers (SAMEORIGIN / DENY; omitted for other lists, which it cannot express);
 * `X-Content-Type-Options: nosniff`; `Referrer-Policy: no-referrer` (the page may carry `?token=` once).
 */
export function adminSecureHeaders(o: ResolvedOptions) {
	const ancestors = o.adminFrameAncestors;
	const only = ancestors.length === 1 ? ancestors[0] : null;
	return secureHeaders({
		contentSecurityPolicy: {
			defaultSrc: ["'self'"],
			scriptSrc: ["'self'", NONCE],
			styleSrc: ["'self'", "'unsafe-inline'"],
			imgSrc: ["'self'", "data:"],
			connectSrc: ["'self'"],
			objectSrc: ["'none'"],
			baseUri: ["'none'"],
			formAction: ["'self'"],
			frameAncestors: ancestors,
		},
		xFrameOptions: only === "'self'" ? "SAMEORIGIN" : only === "'none'" ? "DENY" : false,
		xContentTypeOptions: true,
		referrerPolicy: "no-referrer",
		crossOriginResourcePolicy: false,
		crossOriginOpenerPolicy: false,
		crossOriginEmbedderPolicy: false,
	});
}

/** Routes of `/admin`. */
export function adminRoutes(o: ResolvedOptions): Hono<{ Variables: { secureHeadersNonce?: string } }> {
	const app = new Hono<{ Variables: { secureHeadersNonce?: string } }>();
	app.use("/", adminSecureHeaders(o));
	app.get("/", async (c) => {
		const html = (await o.adminAssets?.page()) ?? null;
		if (html === null) return c.text("Admin page is not built (packages/widget/demo/admin.html missing)", 404);
		// the page's own inline scripts carry this response's CSP nonce
		const nonce = c.get("secureHeadersNonce") ?? "";
		return c.html(html.replace(/<script(?=[\s>])/gi, `<script nonce="${nonce}"`));
	});
	app.get("/obmen-widget.js", async (c) => {
		const js = (await o.adminAssets?.widgetJs()) ?? null;
		if (js === null) return c.text("// obmen-widget.js is not built (npm run build)", 404);
		return new Response(js as Uint8Array<ArrayBuffer>, {
			headers: { "Content-Type": "text/javascript; charset=utf-8", "Cache-Control": "no-cache", "Access-Control-Allow-Origin": "*" },
		});
	});
	return app;
}
