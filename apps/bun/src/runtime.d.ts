/**
 * The few Bun globals the entry uses (declared here instead of pulling in @types/bun). `process` and the `node:*`
 * modules that @obmen/db/node imports come from @types/node: Bun implements them.
 */
interface BunServer {
	readonly port: number;
	requestIP(request: Request): { address: string } | null;
	stop(closeActiveConnections?: boolean): Promise<void>;
}

declare const Bun: {
	readonly env: Record<string, string | undefined>;
	serve(options: {
		port: number;
		hostname: string;
		/** Seconds a connection may stay silent (Bun's default is 10; max 255). */
		idleTimeout?: number;
		/** Largest request body in bytes. */
		maxRequestBodySize?: number;
		fetch(request: Request, server: BunServer): Response | Promise<Response>;
	}): BunServer;
};
