/**
 * @module
 * The entry of a parse worker thread (started by parse-thread.ts): parses the 1C order file the importing thread
 * hands it and sends back its staged documents (`serveParseWorker` of `@obmen/exchange`).
 */
import { parentPort } from "node:worker_threads";
import { serveParseWorker, warmUpParser } from "@obmen/exchange/parse-worker";

const port = parentPort;
// the parser is compiled first (messages wait on the port meanwhile); a warm-up that fails changes nothing
if (port)
	void warmUpParser()
		.catch(() => undefined)
		.then(() => serveParseWorker({ post: (m) => port.postMessage(m), listen: (f) => port.on("message", f) }));
