/**
 * @module Admin assets from disk: the widget bundle (packages/widget/dist/obmen-widget.js) and the demo admin page
 * (packages/widget/demo/admin.html), read on each request so a rebuilt widget is picked up.
 */
import { readFile } from "node:fs/promises";
import type { AdminAssets } from "@obmen/exchange";

const root = new URL("../../../", import.meta.url);

async function readOrNull<T>(url: URL, read: (u: URL) => Promise<T>): Promise<T | null> {
	try {
		return await read(url);
	} catch {
		return null;
	}
}

/** Assets served under /admin. */
export function diskAdminAssets(base: URL = root): AdminAssets {
	return {
		page: () => readOrNull(new URL("packages/widget/demo/admin.html", base), (u) => readFile(u, "utf8")),
		widgetJs: async () => {
			const b = await readOrNull(new URL("packages/widget/dist/obmen-widget.js", base), (u) => readFile(u));
			return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
		},
	};
}
