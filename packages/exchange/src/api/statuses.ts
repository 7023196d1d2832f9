/**
 * @module
 * Admin API: the store's status dictionary (`PUT/GET /api/v1/statuses`, code → name), so the settings panel can
 * map statuses before any order has them. `GET /api/v1/meta/statuses` lists the dictionary first, then the codes seen
 * on orders, each with its order count. Stored as one `meta` value (a shop has tens of statuses, not thousands).
 */
import type { ExchangeStore } from "@obmen/db";
import type { Hono } from "hono";
import type { z } from "zod";
import type { ResolvedOptions } from "../options.ts";
import { jsonBody, parseWith } from "./errors.ts";
import { StatusDictionarySchema as DictionarySchema, type StoreStatusSchema } from "./schemas.ts";

/** `meta` key of the dictionary. */
const KEY = "status_dictionary";

/** One store status: its code (what orders carry in `status`) and the name the shop shows. */
export type StoreStatus = z.output<typeof StoreStatusSchema>;

/** The stored dictionary (empty when none was set). */
export async function statusDictionary(store: ExchangeStore): Promise<StoreStatus[]> {
	const raw = await store.getMeta(KEY);
	if (!raw) return [];
	try {
		return DictionarySchema.parse(JSON.parse(raw)).items;
	} catch {
		return [];
	}
}

/** Dictionary statuses first (in their order, count 0 when no order has them), then the other codes seen on orders. */
export function mergeStatuses(
	dictionary: StoreStatus[],
	seen: { code: string; count: number }[],
): { code: string; count: number; name: string | null }[] {
	const counts = new Map(seen.map((s) => [s.code, s.count]));
	const known = new Set(dictionary.map((d) => d.code));
	return [
		...dictionary.map((d) => ({ code: d.code, count: counts.get(d.code) ?? 0, name: d.name || null })),
		...seen.filter((s) => !known.has(s.code)).map((s) => ({ ...s, name: null })),
	];
}

/** @internal */
export function registerStatuses(api: Hono, o: ResolvedOptions): void {
	api.get("/statuses", async (c) => c.json({ items: await statusDictionary(o.store) }));
	api.put("/statuses", async (c) => {
		const body = parseWith(c, DictionarySchema, await jsonBody(c, o.limits.maxApiBodyBytes));
		await o.store.setMeta(KEY, JSON.stringify({ items: body.items }));
		return c.json({ items: body.items });
	});
}
