/**
 * @module
 * Pacing of long loops: the local libSQL driver is synchronous and the parser never waits for I/O, so a long import
 * would hold the event loop for seconds; a {@link pacer} lets timers and other requests run in between (every
 * {@link YIELD_MS}). The import's hashing and parsing loops and its page-by-page planning share it.
 */

/** Longest a loop runs before it lets the event loop run (ms). */
export const YIELD_MS = 50;

/**
 * Schedules a macrotask: `setImmediate` where the runtime has it (Node, Bun, Deno, and Workers with `nodejs_compat`:
 * after pending I/O, with no timer clamp), else `setTimeout(0)`. A timer waits at least 1 ms, idle: a 100 MB import
 * yields a few hundred times.
 */
const macrotask: (run: () => void) => void =
	typeof (globalThis as { setImmediate?: unknown }).setImmediate === "function"
		? (run) => (globalThis as unknown as { setImmediate(f: () => void): void }).setImmediate(run)
		: (run) => setTimeout(run, 0);

/** Resolves on a later turn of the event loop (a macrotask, not a microtask), after the I/O waiting for it. */
function yieldToEventLoop(): Promise<void> {
	return new Promise((resolve) => macrotask(resolve));
}

/**
 * A pacer for a long loop: each `await pace()` yields to the event loop when {@link YIELD_MS} passed since the last
 * yield (or since the pacer was made), and resolves at once otherwise.
 */
export function pacer(): () => Promise<void> {
	let last = Date.now();
	return async () => {
		if (Date.now() - last < YIELD_MS) return;
		await yieldToEventLoop();
		last = Date.now();
	};
}
