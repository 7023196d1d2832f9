/**
 * @module
 * Pacing of long loops: the local libSQL driver is synchronous and the parser never waits for I/O, so a long import
 * would hold the event loop for seconds; a {@link pacer} lets timers and other requests run in between (every
 * {@link YIELD_MS}). The import's hashing and parsing loops and its page-by-page planning share it.
 */

/** Longest a loop runs before it lets the event loop run (ms). */
export const YIELD_MS = 50;

/** Resolves on a later turn of the event loop (a macrotask, not a microtask). */
export function yieldToEventLoop(): Promise<void> {
	return new Promise((resolve) => setTimeout(resolve, 0));
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
