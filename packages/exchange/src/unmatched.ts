/**
 * @module
 * 1C documents kept because they matched no store order (an order 1C uploads before the store sent it, a
 * payment whose `Основание` names an unknown number…): matched again when their order appears (`PUT /orders`, the next
 * import of the node) or attached by an operator, then applied exactly as an import would apply them — 1C's content
 * included: compared with what the node got, it makes the `content` / `conflict` feed event, is applied with
 * `contentFrom1C: "apply"` or held (issue #12).
 */
import type { ExchangeStore, NodeRecord, UnmatchedDocument } from "@obmen/db";
import { keysOf, type PlanReport, patchFor, planPage, targetOf, withContent } from "./apply.ts";
import { readSettings } from "./settings.ts";
import type { StagedDoc } from "./staged-doc.ts";

/** Kept documents looked at per re-match pass. */
const REMATCH_MAX = 200;

/** The staged record of a kept document. */
function stagedOf(u: UnmatchedDocument): StagedDoc {
	return JSON.parse(u.doc) as StagedDoc;
}

/**
 * Applies a kept document to the order with id `orderId` and forgets it; false when the order does not exist. With
 * `skipSuperseded` (automatic re-match), a kept order document older than the order's last import is only forgotten:
 * 1C has sent a newer state of that order since (payments and shipments only add facts, so they still apply).
 */
export async function applyUnmatchedTo(
	store: ExchangeStore,
	node: NodeRecord,
	u: UnmatchedDocument,
	orderId: string,
	at: string,
	skipSuperseded = false,
) {
	const stored = await store.getOrder(orderId);
	if (!stored) return false;
	const d = stagedOf(u);
	const set = d.k === "x" ? {} : d.s;
	const last = stored.oneC?.lastImportAt ?? null;
	if (skipSuperseded && d.k === "o" && last !== null && last > u.lastSeen) return store.resolveUnmatched(u.id, node.id, null, at);
	const settings = readSettings(node.settings);
	// what the node last acknowledged of the order is the base its 1C content is compared with
	const ack = await store.getAck(node.id, orderId);
	const target = targetOf(stored);
	if (target.store) target.store = { ...target.store, ackedRevision: ack?.revision ?? null, ackedData: ack?.data ?? null };
	const planned = patchFor(target, [set], settings);
	const patch = planned ? withContent(planned, target, settings, node.id) : null;
	return store.resolveUnmatched(u.id, node.id, patch, at, stored.revision);
}

/**
 * Tries kept documents again (matching exactly as an import does, for the node that uploaded them) and applies the
 * ones whose order now exists. Returns how many were applied.
 */
export async function rematchUnmatched(store: ExchangeStore, docs: UnmatchedDocument[], at: string): Promise<number> {
	let applied = 0;
	const nodes = new Map<string, NodeRecord | null>();
	for (const u of docs) {
		if (!nodes.has(u.nodeId)) nodes.set(u.nodeId, await store.getNode(u.nodeId));
		const node = nodes.get(u.nodeId);
		if (!node) continue;
		const d = stagedOf(u);
		const targets = await store.findImportTargets({ ...keysOf([d]), nodeId: node.id });
		const report: PlanReport = { unknown: [], unknownCount: 0, errors: [] };
		// creation is off here: a kept order document waits for its store order (or an operator)
		const settings = { ...readSettings(node.settings), createOrdersFrom1C: false };
		const { effects } = planPage([{ seq: 0, d }], targets, settings, report);
		const target = effects[0]?.orderId;
		if (target && (await applyUnmatchedTo(store, node, u, target, at, true))) applied++;
	}
	return applied;
}

/** Re-matches the kept documents that name an order just written by the store (its number or id). */
export async function rematchForOrder(store: ExchangeStore, order: { id: string; number: string }, at: string): Promise<number> {
	const docs = await store.findUnmatched([...new Set([order.number, order.id])]);
	return docs.length ? rematchUnmatched(store, docs, at) : 0;
}

/** Re-matches a node's kept documents (after each import of that node: its orders may have been exported meanwhile). */
export async function rematchNode(store: ExchangeStore, nodeId: string, at: string): Promise<number> {
	const docs = await store.listRematchable(nodeId, REMATCH_MAX);
	return docs.length ? rematchUnmatched(store, docs, at) : 0;
}
