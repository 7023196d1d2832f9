/**
 * @module
 * Building the `query` answer for a node: select the batch (store revisions newer than the node
 * acknowledged, filtered by the node settings), give each order its export identity on the node (see numbers.ts)
 * and render it with the core CommerceML writer.
 */
import { type ExportOrder, writeOrdersXmlBytes, xmlContentType } from "@obmen/core";
import type { ExchangeStore, ExportCandidate, ExportIdentity, NodeRecord } from "@obmen/db";
import { contentOfOrder } from "./content.ts";
import { assignIdentities, withIdentity } from "./numbers.ts";
import { exportSettings, type NodeSettings, readSettings } from "./settings.ts";

/** A rendered batch. */
export interface ExportBatch {
	settings: NodeSettings;
	candidates: ExportCandidate[];
	/** The `Номер`/date each order of the batch is exported with, by order id. */
	identities: Map<string, ExportIdentity>;
	bytes: Uint8Array<ArrayBuffer>;
	contentType: string;
}

/**
 * The writer's view of a stored order: its 1C identity and revision (`НомерВерсии` for schema ≥ 2.07), and the
 * `Номер`/date it is exported with to the node (`Документ/Ид` stays the store order id).
 */
export function toExportOrder(c: ExportCandidate, identity?: ExportIdentity): ExportOrder {
	return withIdentity({ ...c.order, oneC: c.oneC, version: c.revision, ...(c.deleted ? { deleted: true } : {}) }, identity);
}

/**
 * The content of an order as the node receives it ({@link contentOfOrder}, as content.ts `contentText` writes it), kept with the
 * acknowledgement: when 1C sends back this very text, an import knows nothing changed without reading the order's JSON.
 * None for an order whose content cannot be worked out (its import then compares the JSON, as without one).
 */
export function sentContent(c: ExportCandidate, settings: NodeSettings): string | undefined {
	try {
		// contentOfOrder's content is canonical already (lines sorted by key, fields in contentText's order): its JSON
		// is its contentText, without the copy (the export pays this for every order it sends)
		return JSON.stringify(contentOfOrder(c.order, settings));
	} catch {
		return undefined;
	}
}

/**
 * Selects and renders the next batch for `node`. With `record` (a `query` of a session), the identities of orders
 * exported for the first time and the pending batch are stored in one transaction; without it (previews) nothing is
 * stored. With `excludeSent` (default) orders already pending in `session` are left out (the next batch); without it
 * the batch is built afresh (a repeated `query` re-sending what a lost reply carried).
 */
export async function buildExport(
	store: ExchangeStore,
	node: NodeRecord,
	session: string | null,
	now: Date,
	record = false,
	excludeSent = true,
): Promise<ExportBatch> {
	const settings = readSettings(node.settings);
	const candidates = await store.selectExport(node.id, {
		statuses: settings.exportStatusFilter,
		fromNumber: settings.exportFromNumber,
		limit: settings.batchSize,
		session: excludeSent ? session : null,
	});
	const identities = await assignIdentities(
		store,
		node.id,
		settings.configuration,
		candidates,
		now,
		record && session !== null ? { sessionId: session, contentOf: (c) => sentContent(c, settings) } : null,
	);
	const bytes = await writeOrdersXmlBytes(
		candidates.map((c) => toExportOrder(c, identities.get(c.order.id))),
		exportSettings(settings, now),
	);
	return { settings, candidates, identities, bytes, contentType: xmlContentType(settings.encoding) };
}
