/** Webhook delivery: a hanging webhook server is aborted per POST and retried, never keeping the delivery open. */
import { describe, expect, it } from "vitest";
import { deliverWebhook } from "./webhooks.ts";

/** A fetch that never answers: it only settles (rejects) when its request is aborted. */
function hangingFetch(signals: AbortSignal[]): typeof fetch {
	return ((_url: string, init?: RequestInit) =>
		new Promise<Response>((_resolve, reject) => {
			const signal = init?.signal;
			if (!signal) return; // without a signal the promise stays open forever
			signals.push(signal);
			signal.addEventListener("abort", () => reject(signal.reason));
		})) as typeof fetch;
}

describe("deliverWebhook", () => {
	it("aborts each POST to a hanging server after the timeout, retries, and resolves false", async () => {
		const signals: AbortSignal[] = [];
		const outcome = await Promise.race([
			deliverWebhook(hangingFetch(signals), "https://shop.example/hook", "{}", { timeoutMs: 30, retryMs: [0, 5, 5] }),
			new Promise((resolve) => setTimeout(() => resolve("still open"), 2000)),
		]);
		expect(outcome).toBe(false);
		expect(signals).toHaveLength(3);
		expect(signals.every((s) => s.aborted)).toBe(true);
	});

	it("a server answering after a hanging attempt gets the delivery", async () => {
		const signals: AbortSignal[] = [];
		const hang = hangingFetch(signals);
		let n = 0;
		const f = ((url: string, init?: RequestInit) => (n++ === 0 ? hang(url, init) : Promise.resolve(new Response("ok")))) as typeof fetch;
		expect(await deliverWebhook(f, "https://shop.example/hook", "{}", { timeoutMs: 30, retryMs: [0, 0] })).toBe(true);
		expect(n).toBe(2);
	});
});
