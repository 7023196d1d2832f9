/**
 * The store conformance suite on Cloudflare D1: miniflare's local D1 (Cloudflare's own local implementation) inside
 * workerd, through `@obmen/db/d1`. Every test starts from an empty database that the store migrates itself.
 */

import { env } from "cloudflare:test";
import { type D1DatabaseLike, d1Client, openD1Store } from "@obmen/db/d1";
import { describeExchangeStore } from "../../../packages/db/src/test-support/store-conformance.ts";

const db = (env as unknown as { CONFORMANCE_DB: D1DatabaseLike }).CONFORMANCE_DB;
const client = d1Client(db);

/** Drops every table (and trigger) of the conformance database, then opens — and so migrates — the store on it. */
async function fresh() {
	const rs = await client.execute(
		"SELECT type, name FROM sqlite_master WHERE type IN ('table', 'trigger') AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%'",
	);
	const drops = rs.rows.map((r) => `DROP ${r.type === "trigger" ? "TRIGGER" : "TABLE"} IF EXISTS \`${String(r.name)}\``);
	await client.batch(
		drops.sort((a, b) => (a.includes("TRIGGER") ? 0 : 1) - (b.includes("TRIGGER") ? 0 : 1)),
		"write",
	);
	return { store: await openD1Store(db), client };
}

describeExchangeStore("Cloudflare D1 (miniflare, local)", fresh);
