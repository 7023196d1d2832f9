/**
 * @module
 * `mode=query`: the orders for 1C, recorded as this session's pending batch (confirmed by `success`).
 * Without a session cookie and `sessid`, but with valid HTTP Basic credentials, the same XML is returned as a
 * browser preview with no side effects — except for cloud clients (МойСклад, Класс365, see client.ts), whose
 * Basic-only `query` works on the node's current exchange session like a 1C `query` in its session.
 */
import { buildExport, type ExportBatch } from "../export.ts";
import { basicFailure } from "./checkauth.ts";
import { basicOnly } from "./client.ts";
import { takeExportLease } from "./export-lease.ts";
import { bytesReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";
import { type ActiveSession, resolveSession } from "./session.ts";

/** @internal */
export async function query(r: EximRequest): Promise<Response> {
	const s = await resolveSession(r);
	if (s === null) {
		// cloud clients (МойСклад, Класс365) send HTTP Basic alone: they work on the node's current session
		const b = await basicOnly(r);
		if ("refused" in b) throw basicFailure(b.refused);
		if ("session" in b) return sessionBatch(r, b.session);
		const batch = await buildExport(r.o.store, b.node, null, r.now);
		return bytesReply(r, batch.bytes, batch.contentType, "preview");
	}
	return sessionBatch(r, s);
}

/** @internal The batch of a `query` in a session, recorded as its pending batch. */
async function sessionBatch(r: EximRequest, s: ActiveSession): Promise<Response> {
	// one exchange per node at a time, across every instance (export-lease.ts)
	await takeExportLease(r, s);
	// the pending batch is recorded together with the identities of orders exported for the first time
	const batch = await repeatableBatch(r, s);
	r.j.ordersSent = batch.candidates.length;
	// the numbers 1C got, for the journal (capped: a batch can hold thousands)
	if (batch.candidates.length) {
		const sent = batch.candidates.slice(0, 100);
		r.j.detail = { orders: sent.map((c) => batch.identities.get(c.order.id)?.number ?? c.order.number), ids: sent.map((c) => c.order.id) };
	}
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
 * Bitrix-module clients (they send `version` on `init` without `cmlVersion`, recorded on the session) poll `query` until an empty answer:
 * for them a repeated `query` is "the next batch" — the orders already sent in this session are left out and added
 * to the pending batch.
 */
async function repeatableBatch(r: EximRequest, s: ActiveSession): Promise<ExportBatch> {
	// УНФ in Bitrix mode sends `cmlVersion` (and with subordinate documents `version` too) but queries once per run
	const pollsUntilEmpty = s.session.version !== null && s.session.cmlVersion === null;
	if (!pollsUntilEmpty) await r.o.store.clearPending(s.session.idHash);
	return buildExport(r.o.store, s.node, s.session.idHash, r.now, true, pollsUntilEmpty);
}
