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
import { ApiError, cursorParam, intParam, jsonBody, parseParams, requestLang, tr, validationError } from "./errors.ts";
import { mergeStatuses, statusDictionary } from "./statuses.ts";

/** @internal The JSON view of what 1C reported about an order (its content, stored as JSON text, as an object). */
export function oneCView(oneC: StoredOrder["oneC"]): Record<string, unknown> | null {
	// 1C's content is stored as canonical JSON text: shown as an object (null until 1C sends one)
	return oneC ? { ...oneC, content: oneC.content ? (JSON.parse(oneC.content) as unknown) : null } : null;
}

/** @internal The JSON view of a stored order. */
export function orderView(s: StoredOrder): Record<string, unknown> {
	return { ...s.order, revision: s.revision, oneC: oneCView(s.oneC), held: s.held ?? null, deletedAt: s.deletedAt ?? null };
}

/** @internal `GET /orders/{id}`: the order's view with, per node, the `Номер`/date it is (or would be) exported with. */
async function orderWithExports(o: ResolvedOptions, id: string): Promise<Record<string, unknown>> {
	const s = await o.store.getOrder(id);
	if (!s) throw new ApiError(404, "not_found", "order not found");
	return { ...orderView(s), exports: await nodeExports(o.store, s.order, o.clock.now()) };
}

/** @internal */
export function registerOrders(api: Hono, o: ResolvedOptions): void {
	api.put("/orders/:id", async (c) => {
		const id = c.req.param("id");
		const body = await jsonBody(c, o.limits.maxApiBodyBytes);
		if (!body || typeof body !== "object" || Array.isArray(body))
			throw new ApiError(400, "validation_failed", tr(c, "order must be a JSON object", "заказ должен быть JSON-объектом"));
		const input = body as Record<string, unknown>;
		if (input.id !== undefined && input.id !== id)
			throw new ApiError(400, "validation_failed", tr(c, "body id differs from the URL id", "id в теле не совпадает с id в адресе"), "id");
		const parsed = safeParseOrder({ ...input, id }, parseParams(c));
		if (!parsed.ok) throw validationError(parsed.issues, "", requestLang(c));
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
		// the same shape as GET /orders/{id}
		return c.json(await orderWithExports(o, id), res.created ? 201 : 200);
	});
	api.get("/orders/:id", async (c) => c.json(await orderWithExports(o, c.req.param("id"))));
	api.get("/orders", async (c) => {
		const limit = intParam(c.req.query("limit"), 50, 1, 500, "limit");
		const page = await o.store.listOrders({ limit, cursor: c.req.query("cursor") ?? null });
		return c.json({ items: page.items.map(orderView), nextCursor: page.nextCursor });
	});
	api.get("/changes", async (c) => {
		// `cursor`; `after` is its old name, still read for one release
		const after = cursorParam(c, "after");
		const limit = intParam(c.req.query("limit"), 100, 1, 1000, "limit");
		await o.store.idle();
		const items = await o.store.listChanges({ after, limit });
		return c.json({ items, nextCursor: items.at(-1)?.cursor ?? after });
	});
	api.get("/meta/statuses", async (c) => c.json({ items: mergeStatuses(await statusDictionary(o.store), await o.store.statusCounts()) }));
}
