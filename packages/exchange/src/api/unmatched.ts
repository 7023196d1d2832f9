/**
 * @module
 * Admin API: 1C documents of a node that matched no store order (kept by imports), and attaching one to an
 * order by hand (which applies it as an import would).
 */
import type { UnmatchedDocument } from "@obmen/db";
import type { Hono } from "hono";
import type { ResolvedOptions } from "../options.ts";
import { applyUnmatchedTo } from "../unmatched.ts";
import { ApiError, cursorParam, intParam, jsonBody, parseWith } from "./errors.ts";
import { requireNode } from "./nodes.ts";
import { oneCView } from "./orders.ts";
import { AttachSchema } from "./schemas.ts";

/** @internal The JSON view of a kept document (its staged record parsed). */
export function unmatchedView(u: UnmatchedDocument): Record<string, unknown> {
	const { nodeId: _n, doc, ...rest } = u;
	return { ...rest, document: JSON.parse(doc) as unknown };
}

/** @internal */
export function registerUnmatched(api: Hono, o: ResolvedOptions): void {
	api.get("/nodes/:id/unmatched", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const limit = intParam(c.req.query("limit"), 50, 1, 500, "limit");
		// `cursor`; `after` is its old name, still read for one release
		const after = cursorParam(c, "after");
		await o.store.idle();
		const rows = await o.store.listUnmatched(node.id, { limit, after });
		const next = rows.length === limit ? (rows.at(-1)?.id ?? null) : null;
		return c.json({ items: rows.map(unmatchedView), nextCursor: next === null ? null : String(next), nextAfter: next });
	});
	api.post("/nodes/:id/unmatched/:docId/attach", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const docId = Number(c.req.param("docId"));
		const doc = Number.isSafeInteger(docId) ? await o.store.getUnmatched(node.id, docId) : null;
		if (!doc) throw new ApiError(404, "not_found", "unmatched document not found");
		const body = parseWith(c, AttachSchema, await jsonBody(c, o.limits.maxApiBodyBytes));
		if (!(await applyUnmatchedTo(o.store, node, doc, body.orderId, o.clock.now().toISOString())))
			throw new ApiError(404, "not_found", "order not found", "orderId");
		const stored = await o.store.getOrder(body.orderId);
		return c.json({ attached: docId, orderId: body.orderId, oneC: oneCView(stored?.oneC ?? null) });
	});
}
