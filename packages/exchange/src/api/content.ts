/**
 * @module
 * Admin API: settling a held content conflict (issue #12). `POST /orders/{id}/resolve` with `{ "take": "store" }`
 * (the store's content stays and is exported to 1C again), `{ "take": "1c" }` (the store order takes 1C's content; the
 * node already has it, so nothing is sent back) or `{ "order": { … } }` (a full store order, exported to 1C).
 */
import { safeParseOrder, totalMismatch } from "@obmen/core";
import type { Hono } from "hono";
import { applyContent } from "../content.ts";
import type { HeldConflict } from "../content-sync.ts";
import type { ResolvedOptions } from "../options.ts";
import { readSettings } from "../settings.ts";
import { ApiError, jsonBody, parseParams, requestLang, tr, validationError } from "./errors.ts";

/** @internal */
export function registerContent(api: Hono, o: ResolvedOptions): void {
	api.get("/conflicts", async (c) => {
		const node = c.req.query("node") ?? null;
		const held = await o.store.listHeld(500);
		const items = held
			.filter((s) => node === null || (s.held as { nodeId?: string } | null)?.nodeId === node)
			.map((s) => ({ id: s.order.id, number: s.order.number, held: s.held }));
		return c.json({ items });
	});
	api.post("/orders/:id/resolve", async (c) => {
		const id = c.req.param("id");
		const body = await jsonBody(c, o.limits.maxApiBodyBytes);
		if (!body || typeof body !== "object" || Array.isArray(body))
			throw new ApiError(400, "validation_failed", tr(c, "body must be a JSON object", "тело запроса должно быть JSON-объектом"));
		const input = body as { take?: unknown; order?: unknown };
		const s = await o.store.getOrder(id);
		if (!s) throw new ApiError(404, "not_found", "order not found");
		if (!s.held) throw new ApiError(409, "not_held", "the order holds no content conflict");
		const held = s.held as unknown as HeldConflict;
		const at = o.clock.now().toISOString();
		const event = { source: "site", type: "resolved", nodeId: held.nodeId } as Record<string, unknown>;
		let r: { data: string | null; bump: boolean; ackNodeId: string | null };
		if (input.order !== undefined) {
			if (!input.order || typeof input.order !== "object" || Array.isArray(input.order))
				throw new ApiError(400, "validation_failed", tr(c, "order must be a JSON object", "заказ должен быть JSON-объектом"), "order");
			const parsed = safeParseOrder({ ...(input.order as object), id }, parseParams(c));
			if (!parsed.ok) throw validationError(parsed.issues, "order", requestLang(c));
			const mismatch = totalMismatch(parsed.order);
			if (mismatch)
				throw new ApiError(422, "total_mismatch", `total ${mismatch.total} differs from the lines (${mismatch.computed})`, "order.total");
			r = { data: JSON.stringify(parsed.order), bump: true, ackNodeId: null };
			event.take = "order";
		} else if (input.take === "store") {
			// the store's content is exported to 1C again
			r = { data: null, bump: true, ackNodeId: null };
			event.take = "store";
		} else if (input.take === "1c") {
			const node = await o.store.getNode(held.nodeId);
			const applied = applyContent(s.order, held.oneC, readSettings(node?.settings ?? {}));
			if (!applied.ok) throw new ApiError(422, "content_invalid", `1C's content is not a valid store order: ${applied.reason}`, "take");
			// the node already has 1C's content: it acknowledges the new revision (nothing is sent back)
			r = { data: JSON.stringify(applied.order), bump: true, ackNodeId: node ? held.nodeId : null };
			event.take = "1c";
		} else {
			throw new ApiError(
				400,
				"validation_failed",
				tr(c, 'take must be "store" or "1c", or give a full order', 'take должно быть "store" или "1c", либо передайте заказ целиком'),
				"take",
			);
		}
		if (!(await o.store.resolveHeld(id, { ...r, event }, at))) throw new ApiError(409, "not_held", "the order holds no content conflict");
		const after = await o.store.getOrder(id);
		return c.json({ order: after?.order ?? s.order, revision: after?.revision ?? s.revision });
	});
}
