/**
 * The store conformance suite on Cloudflare D1: miniflare's local D1 (Cloudflare's own local implementation) inside
 * workerd, through `@obmen/db/d1`. Every test starts from an empty database that the store migrates itself.
 */

import { applyD1Migrations, env } from "cloudflare:test";
import { type D1DatabaseLike, d1Client, openD1Store } from "@obmen/db/d1";
import { migrations } from "@obmen/db/migrations";
import { describeExchangeStore } from "@obmen/db/test-support/store-conformance";
import { describe, expect, it } from "vitest";

const db = (env as unknown as { CONFORMANCE_DB: D1DatabaseLike }).CONFORMANCE_DB;
const client = d1Client(db);

/** Drops every table (and trigger) of the conformance database. */
async function dropAll() {
	const rs = await client.execute(
		"SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
	);
	const drops = rs.rows.map((r) => `DROP ${r.type === "trigger" ? "TRIGGER" : "TABLE"} IF EXISTS \`${String(r.name)}\``);
	await client.batch(
		drops.sort((a, b) => (a.includes("TRIGGER") ? 0 : 1) - (b.includes("TRIGGER") ? 0 : 1)),
		"write",
	);
}

/** An empty database, opened — and so migrated — by the store. */
async function fresh() {
	await dropAll();
	return { store: await openD1Store(db), client };
}

describeExchangeStore("Cloudflare D1 (miniflare, local)", fresh);

describe("D1 migrations: the store's book and `wrangler d1 migrations`' book agree", () => {
	// applyD1Migrations is Cloudflare's own implementation of `wrangler d1 migrations apply` (table d1_migrations)
	const asWrangler = (n: number) => migrations.slice(0, n).map((m) => ({ name: `${m.tag}.sql`, queries: m.statements }));
	const count = async (table: string) => Number((await client.execute(`SELECT count(*) AS n FROM ${table}`)).rows[0]?.n);

	it("the store adopts what wrangler applied and applies (and records for wrangler) the rest", async () => {
		await dropAll();
		await applyD1Migrations(db as never, asWrangler(6));
		expect(await count("d1_migrations")).toBe(6);
		const store = await openD1Store(db);
		expect(await count("__drizzle_migrations")).toBe(migrations.length);
		expect(await count("d1_migrations")).toBe(migrations.length);
		// nothing is left for wrangler (it would fail on "table already exists" otherwise), nor for the next isolate
		await applyD1Migrations(db as never, asWrangler(migrations.length));
		await openD1Store(db);
		expect([await count("__drizzle_migrations"), await count("d1_migrations")]).toEqual([migrations.length, migrations.length]);
		await store.setMeta("k", "v"); // the schema is complete
		expect(await store.getMeta("k")).toBe("v");
	});
});
