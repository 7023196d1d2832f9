/**
 * @module
 * Bun entry: `bun --conditions=@obmen/source apps/bun/src/main.ts` (no build step). Reads the same env as the
 * Node entry (PORT, HOST, DATABASE_URL, DATABASE_AUTH_TOKEN, OBMEN_ADMIN_TOKEN, OBMEN_1C_LOGIN, OBMEN_1C_PASSWORD),
 * opens (and migrates) libSQL, bootstraps credentials and serves the exchange app with `Bun.serve`.
 */
import { openDb } from "@obmen/db/node";
import { bootExchange, readHostConfig, startBanner } from "@obmen/exchange";

/** What Bun passes to the app as `c.env`. */
interface BunBindings {
	ip: string | undefined;
}

const cfg = readHostConfig(Bun.env);
const { store } = await openDb(cfg.databaseUrl, { authToken: cfg.databaseAuthToken });
const boot = await bootExchange(store, cfg, { clientIp: (c) => (c.env as BunBindings).ip });
const server = Bun.serve({
	port: cfg.port,
	hostname: cfg.host,
	// 1C waits up to 180 s for an answer; Bun's 10 s default would cut slow `file` uploads and `import` polls.
	idleTimeout: 170,
	maxRequestBodySize: 256 * 1024 * 1024,
	fetch: (request, srv) => boot.app.fetch(request, { ip: srv.requestIP(request)?.address } satisfies BunBindings),
});
const shownHost = cfg.host === "0.0.0.0" || cfg.host === "::" ? "localhost" : cfg.host;
console.log(startBanner(`http://${shownHost}:${server.port}`, cfg.databaseUrl, cfg, boot).join("\n"));
const stop = () => {
	server.stop(true).then(() => {
		store.close();
		process.exit(0);
	});
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
