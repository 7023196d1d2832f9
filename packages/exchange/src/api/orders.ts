/**
 * @module
 * Admin API: store orders. `PUT` is the site-originated change that bumps the export revision (unless the
 * content is identical) and applies kept 1C documents that name the order; `GET` shows the order with what 1C
 * reported about it and, per node, the `Номер`/date it is (or would be) exported with and the number warnings.
 */
import { safeParseOrder, totalMismatch } from "@obmen/core";
import type { StoredOrder } from "@obmen/db";
import type { Hono } from "hono";
import { nodeExports } from "../numbers.ts";
import type { ResolvedOptions } from "../options.ts";
import { rematchForOrder } from "../unmatched.ts";
import { ApiError, intParam, jsonBody, validationError } from "./errors.ts";
import { mergeStatuses, statusDictionary } from "./statuses.ts";

/** @internal The JSON view of a stored order. */
export function orderView(s: StoredOrder): Record<string, unknown> {
	// 1C's content is stored as canonical JSON text: shown as an object (null until 1C sends one)
	const oneC = s.oneC ? { ...s.oneC, content: s.oneC.content ? (JSON.parse(s.oneC.content) as unknown) : null } : null;
	return { ...s.order, revision: s.revision, oneC, held: s.held ?? null, deletedAt: s.deletedAt ?? null };
}

/** @internal */
export function registerOrders(api: Hono, o: ResolvedOptions): void {
	api.put("/orders/:id", async (c) => {
		const id = c.req.param("id");
		const body = await jsonBody(c, o.limits.maxApiBodyBytes);
		if (!body || typeof body !== "object" || Array.isArray(body))
			throw new ApiError(400, "validation_failed", "order must be a JSON object");
		const input = body as Record<string, unknown>;
		if (input.id !== undefined && input.id !== id) throw new ApiError(400, "validation_failed", "body id differs from the URL id", "id");
		const parsed = safeParseOrder({ ...input, id });
		if (!parsed.ok) throw validationError(parsed.issues);
		// 1C recomputes the total from the lines and would silently replace a different one
		const mismatch = totalMismatch(parsed.order);
		if (mismatch) {
			throw new ApiError(
				422,
				"total_mismatch",
				`total ${mismatch.total} differs from lines − discounts + shipping = ${mismatch.computed}; 1C computes the order total from its lines`,
				"total",
			);
		}
		const at = o.clock.now().toISOString();
		const res = await o.store.upsertOrder(parsed.order, at);
		// 1C documents that arrived before this order (kept as unmatched) are applied now
		await rematchForOrder(o.store, parsed.order, at);
		const stored = await o.store.getOrder(id);
		return c.json({ order: parsed.order, revision: res.revision, oneC: stored?.oneC ?? null }, res.created ? 201 : 200);
	});
	api.get("/orders/:id", async (c) => {
		const s = await o.store.getOrder(c.req.param("id"));
		if (!s) throw new ApiError(404, "not_found", "order not found");
		return c.json({ ...orderView(s), exports: await nodeExports(o.store, s.order, o.clock.now()) });
	});
	api.get("/orders", async (c) => {
		const limit = intParam(c.req.query("limit"), 50, 1, 500, "limit");
		const page = await o.store.listOrders({ limit, cursor: c.req.query("cursor") ?? null });
		return c.json({ items: page.items.map(orderView), nextCursor: page.nextCursor });
	});
	api.get("/changes", async (c) => {
		const after = intParam(c.req.query("after"), 0, 0, Number.MAX_SAFE_INTEGER, "after");
		const limit = intParam(c.req.query("limit"), 100, 1, 1000, "limit");
		await o.store.idle();
		const items = await o.store.listChanges({ after, limit });
		return c.json({ items, nextCursor: items.at(-1)?.cursor ?? after });
	});
	api.get("/meta/statuses", async (c) => c.json({ items: mergeStatuses(await statusDictionary(o.store), await o.store.statusCounts()) }));
}
