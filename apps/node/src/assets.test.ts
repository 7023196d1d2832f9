import { mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import { describe, expect, it } from "vitest";
import { diskAdminAssets } from "./assets.ts";

describe("admin assets from disk", () => {
	it("reads the widget bundle and the demo page, null when missing", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-assets-"));
		const base = pathToFileURL(`${dir}/`);
		const assets = diskAdminAssets(base);
		expect(await assets.page()).toBeNull();
		expect(await assets.widgetJs()).toBeNull();
		mkdirSync(join(dir, "packages/widget/dist"), { recursive: true });
		mkdirSync(join(dir, "packages/widget/demo"), { recursive: true });
		writeFileSync(join(dir, "packages/widget/dist/obmen-widget.js"), "export const x = 'виджет';");
		writeFileSync(join(dir, "packages/widget/demo/admin.html"), "<h1>Админка</h1>");
		expect(await assets.page()).toBe("<h1>Админка</h1>");
		expect(new TextDecoder().decode((await assets.widgetJs()) ?? new Uint8Array())).toBe("export const x = 'виджет';");
	});
});
