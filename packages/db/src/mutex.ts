/**
 * @module
 * In-process async mutex. The libSQL local driver is synchronous, so a SQLite busy wait would freeze the
 * event loop (docs/reliability.md §3.3): every write of the store runs through one queue instead.
 */

/** A FIFO lock: `run(fn)` starts `fn` after every previously queued task has settled. */
export class Mutex {
	#tail: Promise<unknown> = Promise.resolve();

	/** Runs `fn` exclusively; its result or error is passed through. */
	run<T>(fn: () => Promise<T>): Promise<T> {
		const result = this.#tail.then(fn, fn);
		this.#tail = result.catch(() => undefined);
		return result;
	}

	/** Resolves when the queue is empty at the moment of the call. */
	idle(): Promise<void> {
		return this.#tail.then(() => undefined);
	}
}
