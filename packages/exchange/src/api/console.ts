/**
 * @module
 * Admin API for the operator's console: send orders to a node again (`resend`, `rewind`), delete an order
 * through 1C, a node's exchange state (last exchange, last success, ok / failed / never / stale), and a newly
 * generated 1C password shown once.
 *
 * Re-sending is safe: 1C matches incoming site orders by their number ("Номер"), so an order it already has is
 * updated, not duplicated.
 */
import type { NodeActivity, RewindFilter } from "@obmen/db";
import type { Hono } from "hono";
import { hashPassword, randomToken } from "../crypto.ts";
import type { ResolvedOptions } from "../options.ts";
import type { NodeSettings } from "../settings.ts";
import { ApiError, jsonBody, parseWith, tr } from "./errors.ts";
import { requireNode } from "./nodes.ts";
import { ResendSchema, RewindSchema } from "./schemas.ts";

/** Length of generated 1C passwords (hex characters: letters and digits only, safe to type into 1C). */
export const GENERATED_PASSWORD_CHARS = 20;

/** A new random password for a 1C node (1C stores it in the exchange node's "Пароль" field). */
export function generatePassword(): string {
	return randomToken(GENERATED_PASSWORD_CHARS / 2);
}

/** The badge of a node: `never` exchanged, latest request `failed`, no success for `staleAfterHours`, else `ok`. */
export type NodeState = "ok" | "failed" | "never" | "stale";

/** @internal The exchange state fields added to a node's view. */
export function nodeStateView(
	a: NodeActivity | undefined,
	settings: Pick<NodeSettings, "staleAfterHours">,
	now: Date,
): { state: NodeState; lastExchange: { at: string; ok: boolean; error: string | null } | null; lastSuccessAt: string | null } {
	const lastExchange = a?.lastAt ? { at: a.lastAt, ok: a.lastOk === true, error: a.lastError } : null;
	const lastSuccessAt = a?.lastSuccessAt ?? null;
	let state: NodeState = "ok";
	if (!lastExchange) state = "never";
	else if (!lastExchange.ok) state = "failed";
	else if (
		settings.staleAfterHours > 0 &&
		(!lastSuccessAt || now.getTime() - Date.parse(lastSuccessAt) > settings.staleAfterHours * 3_600_000)
	)
		state = "stale";
	return { state, lastExchange, lastSuccessAt };
}

/** @internal */
export function registerConsole(api: Hono, o: ResolvedOptions): void {
	const journalAdmin = (nodeId: string, mode: string, count: number, detail: string | null) =>
		o.store.addJournal({
			nodeId,
			at: o.clock.now().toISOString(),
			session: null,
			type: "admin",
			mode,
			filename: detail,
			bytesIn: 0,
			bytesOut: 0,
			reply: "success",
			durationMs: 0,
			ordersSent: count,
			ordersAcknowledged: 0,
			ordersImported: 0,
			error: null,
		});

	api.post("/nodes/:id/resend", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const body = parseWith(c, ResendSchema, await jsonBody(c, o.limits.maxApiBodyBytes));
		const ids = [...new Set(body.orders)];
		const queued = await o.store.resendOrders(node.id, ids);
		const found = new Set(queued);
		const unknown = ids.filter((id) => !found.has(id));
		if (queued.length > 0) await journalAdmin(node.id, "resend", queued.length, queued.slice(0, 20).join(", "));
		return c.json({ queued, unknown });
	});

	api.post("/nodes/:id/rewind", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const r = RewindSchema.safeParse(await jsonBody(c, o.limits.maxApiBodyBytes));
		if (!r.success)
			throw new ApiError(
				400,
				"validation_failed",
				tr(
					c,
					'one of { "fromNumber": "…" }, { "fromDate": "YYYY-MM-DD" } or { "all": true }',
					'одно из { "fromNumber": "…" }, { "fromDate": "ГГГГ-ММ-ДД" } или { "all": true }',
				),
			);
		const filter = r.data as RewindFilter;
		const queued = await o.store.rewindExport(node.id, filter);
		const detail = "all" in filter ? "all" : "fromDate" in filter ? `fromDate ${filter.fromDate}` : `fromNumber ${filter.fromNumber}`;
		await journalAdmin(node.id, "rewind", queued, detail);
		return c.json({ queued });
	});

	api.post("/nodes/:id/password", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const password = generatePassword();
		await o.store.updateNode({
			...node,
			passwordHash: await hashPassword(password, o.passwordIterations),
			updatedAt: o.clock.now().toISOString(),
		});
		return c.json({ password });
	});

	api.delete("/orders/:id", async (c) => {
		const id = c.req.param("id");
		const at = o.clock.now().toISOString();
		const marked = await o.store.markOrderDeleted(id, at);
		if (!marked) throw new ApiError(404, "not_found", "order not found");
		// with no node (or every node already past it) nothing has to reach 1C: removed at once
		await o.store.purgeDeletedOrders();
		const left = await o.store.getOrder(id);
		return c.json({ id, deletedAt: left?.deletedAt ?? at, revision: marked.revision, removed: left === null }, 202);
	});
}
