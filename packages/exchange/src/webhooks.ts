/**
 * @module
 * Per-node webhooks: the node's change events are POSTed as JSON to `webhookUrl`, retried with backoff,
 * in the background — never blocking the 1C request. Each POST is aborted after a timeout, so a hanging webhook
 * server cannot keep the delivery (and the runtime's `waitUntil`) open forever.
 */
import type { EximRequest } from "./exim/request.ts";
import { keepAlive } from "./wait-until.ts";

/** Delays between attempts (ms). */
export const WEBHOOK_RETRY_MS = [0, 1_000, 5_000, 25_000];

/** @internal How one delivery is attempted. */
export interface DeliveryOptions {
	/** Per-POST timeout (ms); the request is aborted and counts as a failed attempt. */
	timeoutMs: number;
	/** Delays before each attempt (ms). Default {@link WEBHOOK_RETRY_MS}. */
	retryMs?: readonly number[];
	/** Extra request headers (e.g. the alert signature). */
	headers?: Record<string, string>;
}

/**
 * @internal POSTs the JSON `body` to `url` until a 2xx reply, at most one attempt per `retryMs` entry, each aborted
 * after `timeoutMs`. Resolves `true` when delivered, `false` after the last failed attempt (never rejects).
 */
export async function deliverWebhook(fetchFn: typeof fetch, url: string, body: string, opts: DeliveryOptions): Promise<boolean> {
	for (const delay of opts.retryMs ?? WEBHOOK_RETRY_MS) {
		if (delay) await new Promise((res) => setTimeout(res, delay));
		try {
			const res = await fetchFn(url, {
				method: "POST",
				headers: { "Content-Type": "application/json", ...opts.headers },
				body,
				signal: AbortSignal.timeout(opts.timeoutMs),
			});
			// the body is not needed; cancelling it frees the connection
			await res.body?.cancel().catch(() => {});
			if (res.ok) return true;
		} catch {
			// network error or timeout: retry
		}
	}
	return false;
}

/** @internal Delivers `payload` with retries; uses `waitUntil` where the runtime offers it. */
export function notifyWebhook(r: Pick<EximRequest, "o"> & { c?: EximRequest["c"] }, url: string, payload: unknown): void {
	const body = JSON.stringify(payload);
	const run = async () => {
		if (!(await deliverWebhook(r.o.fetch, url, body, { timeoutMs: r.o.webhookTimeoutMs }))) {
			r.o.onError(new Error(`webhook ${url} failed after ${WEBHOOK_RETRY_MS.length} attempts`));
		}
	};
	const running = run();
	if (r.c) keepAlive(r.c, running); // background work (apply on upload) has no request: the promise runs on its own
}
