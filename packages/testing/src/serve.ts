/**
 * @module
 * Serves a fetch handler through `@hono/node-server` (the adapter the Node entry uses), by default on 127.0.0.1 with a
 * free port, for the in-process fake servers of the tests.
 */
import type { Server } from "node:http";
import { serve } from "@hono/node-server";

/** A served fetch handler. */
export interface Served {
	/** `http://<host>:<port>`, no trailing slash. */
	base: string;
	/** The underlying node:http server. */
	server: Server;
	/** Stops listening; resolves once open connections are gone. */
	close(): Promise<void>;
}

/** Starts serving `fetch`; resolves once it listens. */
export function serveFetch(
	fetch: (request: Request) => Response | Promise<Response>,
	at: { port?: number; hostname?: string } = {},
): Promise<Served> {
	const hostname = at.hostname ?? "127.0.0.1";
	return new Promise((resolve) => {
		const server = serve({ fetch, port: at.port ?? 0, hostname }, (info) =>
			resolve({
				base: `http://${hostname}:${info.port}`,
				server: server as Server,
				close: () => new Promise<void>((r) => server.close(() => r())),
			}),
		);
	});
}
