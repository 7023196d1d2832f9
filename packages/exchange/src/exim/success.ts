/**
 * @module
 * `mode=success`: 1C loaded the `query` batch. Acknowledge exactly the revisions sent to this session
 * (never the current ones: changes made meanwhile go out next time). Idempotent.
 */
import { replySuccess } from "@obmen/core";
import { sessionWithoutCookie } from "./client.ts";
import { type EximRequest, failure, textReply } from "./context.ts";
import { endExportLease } from "./export-lease.ts";
import { NEED_CHECKAUTH, resolveSession } from "./session.ts";

/** @internal */
export async function success(r: EximRequest): Promise<Response> {
	let s = await resolveSession(r);
	if (s === null) {
		// cloud clients (МойСклад, Класс365): HTTP Basic alone, on the node's current session
		const found = await sessionWithoutCookie(r);
		if (found instanceof Response) return found;
		s = found;
	}
	if (s === null) return failure(r, NEED_CHECKAUTH);
	if (typeof s === "string") return failure(r, s);
	r.j.ordersAcknowledged = await r.o.store.acknowledge(s.session.idHash, s.node.id);
	// orders deleted on the site leave the store once every node has received their deletion mark
	if (r.j.ordersAcknowledged > 0) await r.o.store.purgeDeletedOrders();
	await endExportLease(r, s);
	return textReply(r, replySuccess());
}
