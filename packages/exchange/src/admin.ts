/**
 * @module
 * `/admin` (the demo admin page) and `/admin/obmen-widget.js` (the widget bundle), both supplied by the
 * runtime entry through `adminAssets`.
 */
import { Hono } from "hono";
import type { ResolvedOptions } from "./options.ts";

/** Routes of `/admin`. */
export function adminRoutes(o: ResolvedOptions): Hono {
	const app = new Hono();
	app.get("/", async (c) => {
		const html = (await o.adminAssets?.page()) ?? null;
		if (html === null) return c.text("Admin page is not built (packages/widget/demo/admin.html missing)", 404);
		return c.html(html);
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
