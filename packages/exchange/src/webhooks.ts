/**
 * @module Per-node webhooks: the node's change events are POSTed as JSON to `webhookUrl`, retried with backoff,
 * in the background — never blocking the 1C request.
 */
import type { EximRequest } from "./exim/context.ts";
import { keepAlive } from "./wait-until.ts";

/** Delays between attempts (ms). */
export const WEBHOOK_RETRY_MS = [0, 1_000, 5_000, 25_000];

/** @internal Delivers `payload` with retries; uses `waitUntil` where the runtime offers it. */
export function notifyWebhook(r: EximRequest, url: string, payload: unknown): void {
	const body = JSON.stringify(payload);
	const run = async () => {
		for (const delay of WEBHOOK_RETRY_MS) {
			if (delay) await new Promise((res) => setTimeout(res, delay));
			try {
				const res = await r.o.fetch(url, { method: "POST", headers: { "Content-Type": "application/json" }, body });
				if (res.ok) return;
			} catch {
				// retry
			}
		}
		r.o.onError(new Error(`webhook ${url} failed after ${WEBHOOK_RETRY_MS.length} attempts`));
	};
	keepAlive(r.c, run());
}
