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

/** Starts a parse worker thread per big upload. */
export const nodeParseWorker: ParseWorkerFactory = () =>
	// none of the process's flags: a source-resolution condition of a test runner would send the worker to sources
	parseWorkerOf(new Worker(SCRIPT, { resourceLimits: WORKER_LIMITS, execArgv: [] }));
