/**
 * @module
 * The `exchange.failed` webhook alert: something stops the node's exchange and the shop should know (the
 * node's `webhookUrl`, POST JSON, retried in the background). Today: a password flood against the node's login that
 * makes the login throttle refuse logins (`reason: "login_flood"`). At most one alert per node and reason per
 * {@link ALERT_INTERVAL_MS} across every instance on the database (checked in process first, then by the lease
 * `bg:alert:<node>:<reason>`), so the alert itself cannot be used to flood the shop.
 */
import type { NodeRecord } from "@obmen/db";
import { claimInterval } from "../background-lease.ts";
import type { ResolvedOptions } from "../options.ts";
import { readSettings } from "../settings.ts";
import { keepAlive } from "../wait-until.ts";
import { notifyWebhook } from "../webhooks.ts";
import type { EximRequest } from "./request.ts";

/** Least time between two alerts of one node and reason (ms). */
export const ALERT_INTERVAL_MS = 15 * 60_000;

/** Why the exchange of a node is failing. */
export type ExchangeFailedReason = "login_flood";

/** Body of the `exchange.failed` webhook. */
export interface ExchangeFailedEvent {
	event: "exchange.failed";
	nodeId: string;
	at: string;
	reason: ExchangeFailedReason;
	message: string;
	/** The client address that triggered the alert (for `login_flood`: the refused one). */
	ip: string | null;
}

const lastAlerts = new WeakMap<ResolvedOptions, Map<string, number>>();

/** @internal Sends `exchange.failed` for `node` unless one with this reason went out within the interval. */
export function alertExchangeFailed(
	r: EximRequest,
	node: NodeRecord,
	reason: ExchangeFailedReason,
	message: string,
	ip: string | null,
): boolean {
	const url = readSettings(node.settings).webhookUrl;
	if (!url) return false;
	let seen = lastAlerts.get(r.o);
	if (!seen) lastAlerts.set(r.o, (seen = new Map()));
	const key = `${node.id}\u0000${reason}`;
	const t = r.now.getTime();
	const last = seen.get(key);
	if (last !== undefined && t - last < ALERT_INTERVAL_MS && t >= last) return false;
	if (seen.size > 10_000) seen.clear();
	seen.set(key, t);
	const event: ExchangeFailedEvent = { event: "exchange.failed", nodeId: node.id, at: r.now.toISOString(), reason, message, ip };
	const send = claimInterval(r.o, `alert:${node.id}:${reason}`, r.now, ALERT_INTERVAL_MS).then(
		(won) => {
			if (won) notifyWebhook(r, url, event);
		},
		(e: unknown) => r.o.onError(e),
	);
	keepAlive(r.c, send);
	return true;
}
