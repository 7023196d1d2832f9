/**
 * The embedded migrations (what every runtime applies at start, without a file system) must be exactly what
 * scripts/embed-migrations.mjs makes of drizzle/*.sql: a changed SQL file or journal without re-running the script fails here.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { GENERATED_FILE, renderMigrations } from "../scripts/embed-migrations.mjs";
import { migrations } from "./migrations.gen.ts";

describe("migrations.gen.ts", () => {
	it("matches drizzle/*.sql as embedded by scripts/embed-migrations.mjs (run `npm run db:generate -w @obmen/db`)", () => {
		const { text, count } = renderMigrations();
		expect(count).toBe(migrations.length);
		expect(readFileSync(GENERATED_FILE, "utf8")).toBe(text);
	});
});
