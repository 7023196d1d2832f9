import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { diskAdminAssets, widgetAssetFiles } from "./assets.ts";

describe("admin assets from disk", () => {
	it("reads the widget bundle and the demo page, null when missing", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-assets-"));
		const files = { page: join(dir, "admin.html"), widgetJs: join(dir, "obmen-widget.js") };
		const assets = diskAdminAssets(files);
		expect(await assets.page()).toBeNull();
		expect(await assets.widgetJs()).toBeNull();
		writeFileSync(files.widgetJs, "export const x = 'виджет';");
		writeFileSync(files.page, "<h1>Админка</h1>");
		expect(await assets.page()).toBe("<h1>Админка</h1>");
		expect(new TextDecoder().decode((await assets.widgetJs()) ?? new Uint8Array())).toBe("export const x = 'виджет';");
	});

	it("finds the files through @obmen/widget's exports, not by a path into the repository", async () => {
		const files = widgetAssetFiles();
		expect(files.widgetJs).toMatch(/[\\/]widget[\\/]dist[\\/]obmen-widget\.js$/);
		expect(files.page).toMatch(/[\\/]widget[\\/]demo[\\/]admin\.html$/);
		expect(await diskAdminAssets().page()).toBe(readFileSync(files.page, "utf8"));
	});
});
