/**
 * @module `mode=query`: the orders for 1C, recorded as this session's pending batch (confirmed by `success`).
 * Without a session cookie and `sessid`, but with valid HTTP Basic credentials, the same XML is returned as a
 * browser preview with no side effects.
 */
import { buildExport } from "../export.ts";
import { basicFailure } from "./checkauth.ts";
import { bytesReply, type EximRequest, failure } from "./context.ts";
import { resolveSession, verifyBasic } from "./session.ts";

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
	const batch = await buildExport(r.o.store, s.node, s.session.idHash, r.now);
	await r.o.store.recordPending(
		s.session.idHash,
		batch.candidates.map((c) => ({ orderId: c.order.id, revision: c.revision })),
	);
	r.j.ordersSent = batch.candidates.length;
	// the numbers 1C got, for the journal (capped: a batch can hold thousands)
	if (batch.candidates.length) {
		const sent = batch.candidates.slice(0, 100);
		r.j.detail = { orders: sent.map((c) => c.order.number), ids: sent.map((c) => c.order.id) };
	}
	return bytesReply(r, batch.bytes, batch.contentType, "xml");
}
