/**
 * The few Deno globals the entry uses (declared here instead of pulling in Deno's lib.deno.d.ts). The `node:*`
 * modules that @obmen/db/node imports are typed by @types/node: Deno implements them.
 */
interface DenoHttpServer {
	readonly finished: Promise<void>;
	shutdown(): Promise<void>;
}

declare const Deno: {
	readonly env: { toObject(): Record<string, string> };
	readonly stdout: { isTerminal(): boolean };
	serve(
		options: {
			port: number;
			hostname: string;
			onListen?: (addr: { hostname: string; port: number }) => void;
		},
		handler: (request: Request, info: { remoteAddr: { hostname: string; port: number } }) => Response | Promise<Response>,
	): DenoHttpServer;
	addSignalListener(signal: "SIGINT" | "SIGTERM", handler: () => void): void;
	exit(code?: number): never;
};
