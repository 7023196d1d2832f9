/**
 * @module
 * The per-node export lease: between a session's `query` and its `success`, no other session of the same node gets
 * a batch. Two 1C bases misconfigured with one login, or a retry racing the original exchange, would otherwise both
 * receive the same unacknowledged orders and both confirm them. The lease lives in the database (table `leases`),
 * so it holds across every instance serving the node. It ends at the holder's `success`, at a new `checkauth` of the
 * node from the same client address (the same 1C base started over after a crash), or `exportLeaseMs` after the
 * holder's last `query`.
 */
import { EximFailure } from "./failure.ts";
import { exportBusy } from "./replies.ts";
import type { EximRequest } from "./request.ts";
import type { ActiveSession } from "./session.ts";

/** @internal The lease name of a node's export. */
export function exportLeaseName(nodeId: string): string {
	return `export:${nodeId}`;
}

function clientOf(r: EximRequest): string {
	return (r.o.clientIp(r.c) ?? "").slice(0, 64);
}

/**
 * @internal `query` in a session: takes or renews the node's export lease.
 * @throws EximFailure when another session of the node holds it
 */
export async function takeExportLease(r: EximRequest, s: ActiveSession): Promise<void> {
	const now = r.now.getTime();
	const res = await r.o.store.acquireLease(
		{ name: exportLeaseName(s.node.id), holder: s.session.idHash, owner: clientOf(r) },
		now,
		r.o.limits.exportLeaseMs,
	);
	if (!res.acquired) throw new EximFailure(exportBusy(res.lease?.since ?? now, res.lease?.until ?? now));
}

/** @internal `success`: the session's batch is confirmed, the node's export is free again. */
export async function endExportLease(r: EximRequest, s: ActiveSession): Promise<void> {
	await r.o.store.releaseLease(exportLeaseName(s.node.id), { holder: s.session.idHash });
}

/** @internal `checkauth` of a node: the same client starting over ends the lease its earlier session held. */
export async function endClientExportLease(r: EximRequest, nodeId: string): Promise<void> {
	await r.o.store.releaseLease(exportLeaseName(nodeId), { owner: clientOf(r) });
}
