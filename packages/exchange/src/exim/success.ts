/**
 * @module
 * `mode=success`: 1C loaded the `query` batch. Acknowledge exactly the revisions sent to this session
 * (never the current ones: changes made meanwhile go out next time). Idempotent.
 */
import { replySuccess } from "@obmen/core";
import { requireSession } from "./client.ts";
import { endExportLease } from "./export-lease.ts";
import { textReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";

/** @internal */
export async function success(r: EximRequest): Promise<Response> {
	// cloud clients (МойСклад, Класс365): HTTP Basic alone, on the node's current session
	const s = await requireSession(r);
	r.j.ordersAcknowledged = await r.o.store.acknowledge(s.session.idHash, s.node.id);
	// orders deleted on the site leave the store once every node has received their deletion mark
	if (r.j.ordersAcknowledged > 0) await r.o.store.purgeDeletedOrders();
	await endExportLease(r, s);
	return textReply(r, replySuccess());
}
