/**
 * @module
 * What 1C's content of an order (from its upload) does to the store order (issue #12): compared with the content the
 * node last acknowledged (the base) and the store's current content, both as exported to the node. An import's base is
 * the content as it was sent, kept with an export's acknowledgement (node_acks.content: under the node's settings of
 * that export, which is what 1C has even if the settings changed since); otherwise (no content kept, and always for
 * kept unmatched documents matched later) it is worked out from the order JSON acknowledged.
 *
 * - 1C's content equals the base: nothing (1C sent back what it got; no feed event).
 * - Only 1C changed it: feed event `content` (the structured diff base → 1C); with `contentFrom1C: "apply"` the store
 *   order takes 1C's content and the node acknowledges that revision, so it is not exported back (no echo).
 * - Both changed it: the field-level merge ({@link mergeContent}); non-overlapping edits merge (applied with `apply`,
 *   and exported to 1C because they include the store's edits); overlapping ones are a `conflict` event with the
 *   base, store and 1C versions, settled by the node's `conflicts` setting (`1c-wins`, `store-wins`, `hold`).
 */
import type { Order } from "@obmen/core";
import type { ImportTarget } from "@obmen/db";
import { alignContent, applyContent, contentOfOrder, diffContent, mergeContent, type OrderContent } from "./content.ts";
import type { NodeSettings } from "./settings.ts";

/** The effect of 1C's content on one order: feed event keys, new order JSON, a held conflict. */
export interface ContentOutcome {
	/** Keys added to the feed event; null = no content event. */
	event: Record<string, unknown> | null;
	/** New store order JSON. */
	data?: string;
	/** The node already has `data` (1C's own content). */
	ack?: boolean;
	/** A held conflict (JSON), or "" to clear one. */
	held?: string;
}

/** A held conflict as stored on the order and shown by the API. */
export interface HeldConflict {
	nodeId: string;
	parts: string[];
	base: OrderContent;
	store: OrderContent;
	oneC: OrderContent;
}

function applied(
	order: Order,
	content: OrderContent,
	settings: NodeSettings,
	ack: boolean,
	event: Record<string, unknown>,
): ContentOutcome {
	const r = applyContent(order, content, settings);
	if (!r.ok) return { event: { ...event, applyError: r.reason } };
	return { event: { ...event, applied: true }, data: JSON.stringify(r.order), ack };
}

/** Decides what 1C's content (`oneC`) does to the order `target` (imported from node `nodeId`). */
export function contentOutcome(target: ImportTarget, oneC: OrderContent, settings: NodeSettings, nodeId: string): ContentOutcome {
	const s = target.store;
	if (!s) return { event: null };
	let parsed: Order | undefined;
	const order = () => {
		// not read only where the content the node was sent stands in for it (ImportKeys.sentStandsIn), and then only
		// applying 1C's content would need it
		if (s.data === null) throw new Error(`order ${target.id}: its JSON was not read`);
		parsed ??= JSON.parse(s.data) as Order;
		return parsed;
	};
	// the base: the content the node was sent, as kept with its acknowledgement (node_acks.content), else worked out
	// from the order JSON it acknowledged; never acknowledged by this node, the store's current content
	const sent = s.ackedContent ? (JSON.parse(s.ackedContent) as OrderContent) : null;
	// the store's content: the one sent when the order is the JSON acknowledged (`ackedData` null), so that the order's
	// JSON is read only when 1C's content is applied to it
	const store = sent && s.ackedData === null ? sent : contentOfOrder(order(), settings);
	const base = sent ?? (s.ackedData && s.ackedData !== s.data ? contentOfOrder(JSON.parse(s.ackedData) as Order, settings) : store);
	// 1C's lines keyed like the store's (1C sends its own product GUIDs)
	oneC = alignContent(oneC, base, store);
	const fromOneC = diffContent(base, oneC);
	if (!fromOneC) return { event: null };
	const fromStore = diffContent(base, store);
	if (!fromStore) {
		const event = { content: fromOneC };
		return settings.contentFrom1C === "apply" ? applied(order(), oneC, settings, true, event) : { event };
	}
	const m = mergeContent(base, store, oneC);
	if (m.ok) {
		const event = { content: fromOneC, merged: true };
		// the merge holds the store's edits too: it goes to 1C (no acknowledgement)
		return settings.contentFrom1C === "apply" ? applied(order(), m.content, settings, false, event) : { event };
	}
	const conflict: HeldConflict = { nodeId, parts: m.conflicts, base, store, oneC };
	const event = { content: fromOneC, conflict: { ...conflict, resolution: settings.conflicts } };
	if (settings.conflicts === "1c-wins") return applied(order(), oneC, settings, true, event);
	if (settings.conflicts === "store-wins") return { event };
	return { event, held: JSON.stringify(conflict) };
}
