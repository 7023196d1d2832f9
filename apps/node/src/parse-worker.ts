/**
 * @module
 * The entry of a parse worker thread (started by parse-thread.ts): parses the 1C order file the importing thread
 * hands it and sends back its staged documents (`serveParseWorker` of `@obmen/exchange`).
 */
import { parentPort } from "node:worker_threads";
import { serveParseWorker } from "@obmen/exchange/parse-worker";

const port = parentPort;
if (port) serveParseWorker({ post: (m) => port.postMessage(m), listen: (f) => port.on("message", f) });
