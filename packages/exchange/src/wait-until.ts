/**
 * @module
 * Keeping background work of a request alive on runtimes that cancel it after the response (workerd).
 *
 * The `/exim_1c` journal row is written after the reply is built and webhooks are delivered in the background.
 * Cloudflare Workers cancel a request's I/O once its response is sent unless the promise is handed to
 * `ExecutionContext.waitUntil`; Node, Bun and Deno have no execution context and simply let the promise run
 * (Hono throws when `c.executionCtx` is read there).
 */
import type { Context } from "hono";

/**
 * Hands `promise` to the request's `waitUntil` when the runtime has an execution context; never throws. Callers report
 * their errors through `onError` first; a rejection that still reaches here (an `onError` that throws, or work cut off
 * by a closing store) is dropped: background work must never become an unhandled rejection, which ends a Node process.
 */
export function keepAlive(c: Context, work: Promise<unknown>): void {
	const promise = work.catch(() => undefined);
	let ctx: { waitUntil(p: Promise<unknown>): void } | undefined;
	try {
		ctx = c.executionCtx;
	} catch {
		return; // no execution context (Node, Bun, Deno): the promise runs on its own
	}
	ctx.waitUntil(promise);
}
