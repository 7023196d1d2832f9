/**
 * @module
 * `mode=query`: the orders for 1C, recorded as this session's pending batch (confirmed by `success`).
 * Without a session cookie and `sessid`, but with valid HTTP Basic credentials, the same XML is returned as a
 * browser preview with no side effects.
 */
import { buildExport, type ExportBatch } from "../export.ts";
import { basicFailure } from "./checkauth.ts";
import { bytesReply, type EximRequest, failure } from "./context.ts";
import { takeExportLease } from "./export-lease.ts";
import { type ActiveSession, resolveSession, verifyBasic } from "./session.ts";

/** @internal */
export async function query(r: EximRequest): Promise<Response> {
	const s = await resolveSession(r);
	if (typeof s === "string") return failure(r, s);
	if (s === null) {
		const v = await verifyBasic(r);
		if (!v.ok) return basicFailure(r, v.reason);
		const batch = await buildExport(r.o.store, v.node, null, r.now);
		return bytesReply(r, batch.bytes, batch.contentType, "preview");
	}
	// one exchange per node at a time, across every instance (export-lease.ts)
	const busy = await takeExportLease(r, s);
	if (busy) return failure(r, busy);
	// the pending batch is recorded together with the identities of orders exported for the first time
	const batch = await repeatableBatch(r, s);
	r.j.ordersSent = batch.candidates.length;
	return bytesReply(r, batch.bytes, batch.contentType, "xml");
}

/**
 * @internal The batch of a `query` in a session, and what a repeated `query` of the same session means.
 *
 * 1C УТ 11 / КА / ERP, УНФ and other clients that did not send `version` on `init` ask once and answer `success`; if
 * they ask again in the same session, the previous reply was lost (timeout, broken connection): the batch is built
 * afresh without excluding what was sent before, so it re-sends every still-unacknowledged order (plus newer ones up
 * to `batchSize`) and replaces the session's pending batch — `success` then confirms exactly what the last reply
 * carried, and an order in a lost reply is never confirmed unseen.
 *
 * Bitrix-module clients (they send `version` on `init`, recorded on the session) poll `query` until an empty answer:
 * for them a repeated `query` is "the next batch" — the orders already sent in this session are left out and added
 * to the pending batch.
 */
async function repeatableBatch(r: EximRequest, s: ActiveSession): Promise<ExportBatch> {
	const pollsUntilEmpty = s.session.version !== null;
	if (!pollsUntilEmpty) await r.o.store.clearPending(s.session.idHash);
	return buildExport(r.o.store, s.node, s.session.idHash, r.now, true, pollsUntilEmpty);
}
