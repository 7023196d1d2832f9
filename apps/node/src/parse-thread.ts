/**
 * @module
 * The `parseWorker` option of `createExchangeApp` on `node:worker_threads`, as the Node server passes it: a big upload
 * is parsed on its own thread while the request's thread plans and writes its documents.
 */
import { Worker } from "node:worker_threads";
import type { ParseWorker, ParseWorkerFactory } from "@obmen/exchange";

/**
 * The worker's script: `parse-worker.js` beside this module once built. Run from the sources (the tests), this module
 * is `src/parse-thread.ts` and the built script is in `dist/` (built by `npm ci`/`npm run build`).
 */
const SCRIPT = new URL(import.meta.url.endsWith(".ts") ? "../dist/parse-worker.js" : "./parse-worker.js", import.meta.url);

/**
 * The worker's V8 heap (MB). The parse streams: the worker holds at most 8 MiB of the file in pieces of 64 KiB and a
 * few batches of at most 4 MiB of it, so a small heap is enough, and it keeps the server's peak RSS within its budget (a thread that runs
 * out of it fails, and the import falls back to parsing on the request's thread).
 */
const WORKER_LIMITS = { maxOldGenerationSizeMb: 24, maxYoungGenerationSizeMb: 6 };

/**
 * The importer's end of a started parse thread (its `exit` before `terminate` is a failure). A thread may be started
 * before the importer listens (while the file is hashed): what it says or suffers meanwhile is kept for the listener.
 */
export function parseWorkerOf(worker: Worker): ParseWorker {
	let stopped = false;
	const early: unknown[] = [];
	let failure: { e: unknown } | null = null;
	let onMessage: ((m: unknown) => void) | null = null;
	let onFail: ((e: unknown) => void) | null = null;
	const fail = (e: unknown) => {
		if (stopped || failure) return;
		failure = { e };
		onFail?.(e);
	};
	worker.on("message", (m) => (onMessage ? onMessage(m) : early.push(m)));
	worker.on("error", fail);
	// a message that could not be read would otherwise be waited for forever
	worker.on("messageerror", fail);
	worker.on("exit", (code) => fail(new Error(`parse worker exited with code ${code}`)));
	return {
		post: (m, transfer) => worker.postMessage(m, transfer),
		listen(message, failed) {
			onMessage = message;
			onFail = failed;
			for (const m of early.splice(0)) message(m);
			if (failure) failed(failure.e);
		},
		terminate() {
			stopped = true;
			void worker.terminate();
		},
	};
}

/** Starts a parse thread running the worker script. */
export function startParseThread(): Worker {
	// none of the process's flags: a source-resolution condition of a test runner would send the worker to sources
	return new Worker(SCRIPT, { resourceLimits: WORKER_LIMITS, execArgv: [] });
}

/** How long a thread started ahead waits to be taken before it is stopped. */
const SPARE_IDLE_MS = 60_000;

/** A {@link ParseWorkerFactory} whose `prepare` keeps one thread started ahead, and `spare` tells whether one is. */
export type NodeParseWorkerFactory = ParseWorkerFactory & { prepare(): void; spare(): boolean };

/**
 * Starts a parse worker thread per big upload. `prepare` (called by the exchange app as a big upload arrives) starts
 * one ahead: the thread loads its modules while 1C is still sending, so the import's parse starts at once (~0.1–0.3 s
 * sooner on a busy 2-core machine than a thread started when the import begins). At most one waits; unused for
 * `spareIdleMs` it is stopped, and it never keeps the process alive.
 */
export function createNodeParseWorker(opts: { spareIdleMs?: number; start?: () => Worker } = {}): NodeParseWorkerFactory {
	const idleMs = opts.spareIdleMs ?? SPARE_IDLE_MS;
	let spare: { worker: Worker; timer: ReturnType<typeof setTimeout> } | null = null;
	const start = opts.start ?? startParseThread;
	const drop = (worker: Worker) => {
		if (spare?.worker !== worker) return;
		clearTimeout(spare.timer);
		spare = null;
	};
	const factory = () => {
		const taken = spare;
		if (!taken) return parseWorkerOf(start());
		drop(taken.worker);
		taken.worker.ref();
		return parseWorkerOf(taken.worker);
	};
	return Object.assign(factory, {
		prepare() {
			if (spare) {
				spare.timer.refresh();
				return;
			}
			const worker = start();
			worker.unref();
			const timer = setTimeout(() => {
				drop(worker);
				void worker.terminate();
			}, idleMs);
			timer.unref();
			spare = { worker, timer };
			// a thread that failed while it waited is not handed out
			worker.once("error", () => drop(worker));
			worker.once("exit", () => drop(worker));
		},
		spare: () => spare !== null,
	});
}

/** The Node server's parse threads ({@link createNodeParseWorker}). */
export const nodeParseWorker: NodeParseWorkerFactory = createNodeParseWorker();
