/**
 * @module
 * Admin API: what the next `query` of a node would send (XML in the node's encoding, or a JSON summary with
 * the `Номер`/date each order is exported with and warnings, e.g. a number the node's configuration would cut or key
 * together with another order) and the node's exchange journal. No side effects.
 */
import { orderWarnings } from "@obmen/core";
import type { Hono } from "hono";
import { buildExport } from "../export.ts";
import { journalError } from "../journal-codes.ts";
import { keySharedWith, numberWarnings } from "../numbers.ts";
import type { ResolvedOptions } from "../options.ts";
import { cursorParam, intParam } from "./errors.ts";
import { requireNode } from "./nodes.ts";

/** @internal */
export function registerPreview(api: Hono, o: ResolvedOptions): void {
	api.get("/nodes/:id/preview", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const batch = await buildExport(o.store, node, null, o.clock.now());
		if (c.req.query("format") !== "json") {
			return new Response(batch.bytes, {
				headers: { "Content-Type": batch.contentType, "Content-Length": String(batch.bytes.byteLength) },
			});
		}
		const map = batch.settings.statusMap.export;
		const config = batch.settings.configuration;
		const orders = [];
		for (const { order, revision, deleted } of batch.candidates) {
			const identity = batch.identities.get(order.id);
			const numbers = identity
				? numberWarnings(config, order.number, identity, await keySharedWith(o.store, node.id, config, identity))
				: [];
			orders.push({
				id: order.id,
				number: order.number,
				// the Номер and date/time 1C gets (fixed at the first export to this node)
				exported: identity ? { number: identity.number, date: identity.date } : null,
				date: order.createdAt,
				buyer: order.customer.name,
				total: order.total,
				currency: order.currency,
				status: order.status,
				// what "Статус заказа" will say (null when statuses are not exported); own keys only, so a code like
				// "constructor" never picks up Object.prototype
				status1C: batch.settings.exportStatuses
					? ((Object.hasOwn(map, order.status) ? map[order.status] : undefined) ?? order.status)
					: null,
				revision,
				deleted: deleted === true,
				lines: order.items.length,
				// the 11-character rule depends on the configuration: numberWarnings replace core's NUMBER_TOO_LONG
				warnings: [
					...numbers,
					...orderWarnings(order, {
						configuration: batch.settings.configuration,
						vat: batch.settings.vat,
						exportOptions: batch.settings.exportOptions,
					}).filter((w) => w.code !== "NUMBER_TOO_LONG"),
				],
			});
		}
		return c.json({
			orders,
			count: batch.candidates.length,
			// every order waiting for this node (the batch holds at most batchSize; the rest go in later sessions)
			waiting: await o.store.countExport(node.id, {
				statuses: batch.settings.exportStatusFilter,
				fromNumber: batch.settings.exportFromNumber,
			}),
			bytes: batch.bytes.byteLength,
			encoding: batch.settings.encoding,
			schemaVersion: batch.settings.schemaVersion,
		});
	});
	api.get("/nodes/:id/journal", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const limit = intParam(c.req.query("limit"), 50, 1, 500, "limit");
		// `cursor`; `before` is its old name, still read for one release (widgets of the previous release send it)
		const before = cursorParam(c, "before");
		const errorsOnly = c.req.query("errors") === "1" || c.req.query("errors") === "true";
		await o.store.idle();
		const rows = await o.store.listJournal(node.id, { limit, before: before || null, errorsOnly });
		const items = rows.map(({ nodeId: _n, ...row }) => {
			const e = journalError(row);
			return { ...row, code: e?.code ?? null, params: e?.params ?? null };
		});
		const next = rows.length === limit ? (rows.at(-1)?.id ?? null) : null;
		return c.json({ items, nextCursor: next === null ? null : String(next), nextBefore: next });
	});
}
