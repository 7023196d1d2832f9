import { readdirSync, readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

describe("library modules", () => {
	it("use no node:* imports outside the CLI (so the library runs on any runtime)", () => {
		const dir = new URL("./", import.meta.url);
		const files = readdirSync(dir, { recursive: true, encoding: "utf8" }).filter(
			(f) => f.endsWith(".ts") && !f.endsWith(".test.ts") && !f.startsWith("test-support") && !f.startsWith("e2e") && f !== "cli.ts",
		);
		expect(files.length).toBeGreaterThan(8);
		const offenders = files.filter((f) =>
			/from\s+"node:|import\("node:|\bBuffer\b|\bprocess\./.test(readFileSync(new URL(f, dir), "utf8")),
		);
		expect(offenders).toEqual([]);
	});
});
