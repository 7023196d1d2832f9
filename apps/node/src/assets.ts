/**
 * @module
 * Admin assets from disk: the widget bundle and the demo admin page of `@obmen/widget`, located through that
 * package's `exports` (`@obmen/widget/obmen-widget.js`, `@obmen/widget/demo/admin.html`) and read on each request,
 * so a rebuilt widget is picked up.
 */
import { readFile } from "node:fs/promises";
import { createRequire } from "node:module";
import type { AdminAssets } from "@obmen/exchange";

/** Where the two files are. */
export interface AdminAssetFiles {
	/** The admin page (HTML). */
	page: string;
	/** The widget's ES module bundle. */
	widgetJs: string;
}

/** The files as the installed `@obmen/widget` exports them (the bundle exists once the widget is built). */
export function widgetAssetFiles(): AdminAssetFiles {
	const require = createRequire(import.meta.url);
	return {
		page: require.resolve("@obmen/widget/demo/admin.html"),
		widgetJs: require.resolve("@obmen/widget/obmen-widget.js"),
	};
}

async function readOrNull<T>(read: () => Promise<T>): Promise<T | null> {
	try {
		return await read();
	} catch {
		return null;
	}
}

/** Assets served under /admin; a missing file is served as "not found" (null). */
export function diskAdminAssets(files: AdminAssetFiles = widgetAssetFiles()): AdminAssets {
	return {
		page: () => readOrNull(() => readFile(files.page, "utf8")),
		widgetJs: async () => {
			const b = await readOrNull(() => readFile(files.widgetJs));
			return b ? new Uint8Array(b.buffer, b.byteOffset, b.byteLength) : null;
		},
	};
}
