/**
 * @module Building the `query` answer for a node: select the batch (store revisions newer than the node
 * acknowledged, filtered by the node settings) and render it with the core CommerceML writer.
 */
import { type ExportOrder, writeOrdersXmlBytes, xmlContentType } from "@obmen/core";
import type { ExchangeStore, ExportCandidate, NodeRecord } from "@obmen/db";
import { exportSettings, type NodeSettings, readSettings } from "./settings.ts";

/** A rendered batch. */
export interface ExportBatch {
	settings: NodeSettings;
	candidates: ExportCandidate[];
	bytes: Uint8Array<ArrayBuffer>;
	contentType: string;
}

/** The writer's view of a stored order: its 1C identity and revision (`НомерВерсии` for schema ≥ 2.07). */
export function toExportOrder(c: ExportCandidate): ExportOrder {
	return { ...c.order, oneC: c.oneC, version: c.revision, ...(c.deleted ? { deleted: true } : {}) };
}

/** Selects and renders the next batch for `node`. No side effects (recording it as pending is the caller's job). */
export async function buildExport(store: ExchangeStore, node: NodeRecord, session: string | null, now: Date): Promise<ExportBatch> {
	const settings = readSettings(node.settings);
	const candidates = await store.selectExport(node.id, {
		statuses: settings.exportStatusFilter,
		fromNumber: settings.exportFromNumber,
		limit: settings.batchSize,
		session,
	});
	const bytes = await writeOrdersXmlBytes(candidates.map(toExportOrder), exportSettings(settings, now));
	return { settings, candidates, bytes, contentType: xmlContentType(settings.encoding) };
}
