/**
 * @module
 * Alerts to the node's `webhookUrl` (same delivery and retries as the change events): `exchange.failed` when a
 * 1C request was answered `failure` or an import applied with errors (unknown orders), and `exchange.stale` when 1C
 * has not exchanged successfully for `staleAfterHours`. Each POST carries `X-Obmen-Event` and, when the node has a
 * `webhookSecret`, `X-Obmen-Signature: sha256=<hex HMAC-SHA256 of the exact body>`. Sent alerts are journalled (type
 * `admin`, mode = the event). Repeats are damped through `meta` keys (the app keeps nothing in memory between
 * requests): one `exchange.failed` per node and error code per {@link FAILED_ALERT_EVERY_MS}, one `exchange.stale` per
 * node and last success.
 */
import type { ExchangeStore, NodeRecord } from "@obmen/db";
import { claimInterval } from "./background-lease.ts";
import { journalError } from "./journal-codes.ts";
import type { ResolvedOptions } from "./options.ts";
import { readSettings } from "./settings.ts";
import { deliverWebhook } from "./webhooks.ts";

/** Least time between two `exchange.failed` alerts of one node for the same error code. */
export const FAILED_ALERT_EVERY_MS = 15 * 60_000;
/** Least time between two stale checks of one process (they read every node's last exchange). */
export const STALE_CHECK_EVERY_MS = 60_000;

const enc = new TextEncoder();

/** `sha256=<hex>`: HMAC-SHA256 of `body` with `secret` (what a receiver recomputes to verify an alert). */
export async function signBody(secret: string, body: string): Promise<string> {
	const key = await crypto.subtle.importKey("raw", enc.encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
	const mac = new Uint8Array(await crypto.subtle.sign("HMAC", key, enc.encode(body)));
	return `sha256=${Array.from(mac, (b) => b.toString(16).padStart(2, "0")).join("")}`;
}

/** Posts one alert (signed when the node has a secret) and journals it; resolves when delivered or given up. */
async function sendAlert(o: ResolvedOptions, node: NodeRecord, payload: { event: string } & Record<string, unknown>): Promise<void> {
	const settings = readSettings(node.settings);
	if (!settings.webhookUrl) return;
	const body = JSON.stringify(payload);
	const headers: Record<string, string> = { "X-Obmen-Event": payload.event };
	if (settings.webhookSecret) headers["X-Obmen-Signature"] = await signBody(settings.webhookSecret, body);
	await o.store.addJournal({
		nodeId: node.id,
		at: o.clock.now().toISOString(),
		session: null,
		type: "admin",
		mode: payload.event,
		filename: settings.webhookUrl,
		bytesIn: 0,
		bytesOut: body.length,
		reply: "success",
		durationMs: 0,
		ordersSent: 0,
		ordersAcknowledged: 0,
		ordersImported: 0,
		error: null,
	});
	if (!(await deliverWebhook(o.fetch, settings.webhookUrl, body, { timeoutMs: o.webhookTimeoutMs, headers }))) {
		o.onError(new Error(`alert ${payload.event} to ${settings.webhookUrl} failed`));
	}
}

/** True (and the mark moved to `value`) when `meta[key]` did not already say `value`-or-later. */
async function claim(store: ExchangeStore, key: string, fresh: (old: string | null) => boolean, value: string): Promise<boolean> {
	// claims of one key are serialised in this process, so a burst of failed requests (a password flood) sends one alert
	const prev = claiming.get(key) ?? Promise.resolve(false);
	const next = prev
		.catch(() => false)
		.then(async () => {
			const old = await store.getMeta(key);
			if (!fresh(old)) return false;
			await store.setMeta(key, value);
			return true;
		});
	claiming.set(key, next);
	try {
		return await next;
	} finally {
		if (claiming.get(key) === next) claiming.delete(key);
	}
}

/** The claim in progress per key (see {@link claim}). */
const claiming = new Map<string, Promise<boolean>>();

/**
 * After a journalled `/exim_1c` request: an `exchange.failed` alert when it failed (or an import had errors) and the
 * node has a `webhookUrl`; resolves when delivered or given up (hand it to `waitUntil`).
 */
export async function alertExchangeFailed(
	o: ResolvedOptions,
	row: { nodeId: string | null; mode: string | null; reply: string; error: string | null; at: string },
): Promise<void> {
	if (!row.nodeId) return;
	const e = journalError(row);
	if (!e) return;
	const node = await o.store.getNode(row.nodeId);
	if (!node || !readSettings(node.settings).webhookUrl) return;
	const now = o.clock.now().getTime();
	// once per node and code per interval across every instance on the database (a lease row, background-lease.ts)
	if (!(await claimInterval(o, `alert_failed:${node.id}:${e.code}`, new Date(now), FAILED_ALERT_EVERY_MS))) return;
	await sendAlert(o, node, {
		event: "exchange.failed",
		nodeId: node.id,
		nodeName: node.name,
		at: row.at,
		mode: row.mode,
		code: e.code,
		params: e.params,
		error: row.error,
	});
}

/** When each app (by its resolved options) last ran the stale check: only to space the checks out. */
const lastStaleCheck = new WeakMap<ResolvedOptions, number>();

/**
 * Whether the app should run {@link checkStaleNodes} now: the first request of an app only starts the clock, then at
 * most once per {@link STALE_CHECK_EVERY_MS}. Synchronous, so a request that does not check adds no background work.
 */
export function staleCheckDue(o: ResolvedOptions): boolean {
	const now = o.clock.now().getTime();
	const last = lastStaleCheck.get(o);
	if (last !== undefined && now - last < STALE_CHECK_EVERY_MS) return false;
	lastStaleCheck.set(o, now);
	return last !== undefined;
}

/**
 * Sends `exchange.stale` for every node with a `webhookUrl` whose last successful exchange (or, never exchanged, its
 * creation) is older than its `staleAfterHours` — once per node and last success. Call it when
 * {@link staleCheckDue} says so (on requests) and from a periodic tick where the runtime has one.
 */
export async function checkStaleNodes(o: ResolvedOptions): Promise<number> {
	const now = o.clock.now();
	const nodes = (await o.store.listNodes()).filter((n) => {
		const s = readSettings(n.settings);
		return s.webhookUrl && s.staleAfterHours > 0;
	});
	if (nodes.length === 0) return 0;
	await o.store.idle();
	const activity = await o.store.nodeActivity();
	let sent = 0;
	for (const node of nodes) {
		const hours = readSettings(node.settings).staleAfterHours;
		const since = activity.get(node.id)?.lastSuccessAt ?? null;
		const from = since ?? node.createdAt;
		if (now.getTime() - Date.parse(from) <= hours * 3_600_000) continue;
		const mark = since ?? `never:${node.createdAt}`;
		if (!(await claim(o.store, `alert_stale:${node.id}`, (old) => old !== mark, mark))) continue;
		await sendAlert(o, node, {
			event: "exchange.stale",
			nodeId: node.id,
			nodeName: node.name,
			at: now.toISOString(),
			lastSuccessAt: since,
			staleAfterHours: hours,
		});
		sent++;
	}
	return sent;
}
