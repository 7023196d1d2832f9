/**
 * @module
 * Bun entry: `bun --conditions=@obmen/source apps/bun/src/main.ts` (no build step). Reads the same env as the
 * Node entry (PORT, HOST, OBMEN_DATA_DIR, DATABASE_URL, DATABASE_AUTH_TOKEN, OBMEN_ADMIN_TOKEN, OBMEN_1C_LOGIN,
 * OBMEN_1C_PASSWORD, PUBLIC_URL, TRUST_PROXY, LOG_FORMAT, METRICS_TOKEN), opens (and migrates) libSQL, bootstraps credentials and serves the exchange app with `Bun.serve`.
 */

import { diskAdminAssets } from "@obmen/app-node/assets";
import { CHECKOUT_DATA_DIR } from "@obmen/app-node/paths";
import { nodeSha256 } from "@obmen/app-node/sha256";
import { openDb } from "@obmen/db/node";
import { bootExchange, lineLogger, readHostConfig, startBanner } from "@obmen/exchange";

/** What Bun passes to the app as `c.env`. */
interface BunBindings {
	ip: string | undefined;
}

const cfg = readHostConfig(Bun.env, { dataDir: CHECKOUT_DATA_DIR, stdoutIsTty: process.stdout.isTTY === true });
const { store } = await openDb(cfg.databaseUrl, { authToken: cfg.databaseAuthToken });
const boot = await bootExchange(store, cfg, {
	clientIp: (c) => (c.env as BunBindings).ip,
	...(cfg.trustProxy ? { trustProxy: cfg.trustProxy } : {}),
	...(cfg.publicUrl ? { publicUrl: cfg.publicUrl } : {}),
	...(cfg.adminCorsOrigins?.length ? { adminCorsOrigins: cfg.adminCorsOrigins } : {}),
	// the admin page and the widget bundle, exactly as the Node entry serves them
	adminAssets: diskAdminAssets(),
	// one line per request on stdout (LOG_FORMAT), /metrics also for METRICS_TOKEN
	logger: lineLogger(cfg.logFormat ?? "off", (line) => console.log(line)),
	metricsToken: cfg.metricsToken,
	// the upload hash on node:crypto (Bun and Deno provide it), ~10× the pure-JS default
	sha256: nodeSha256,
});
const server = Bun.serve({
	port: cfg.port,
	hostname: cfg.host,
	// Seconds a connection may stay silent, between requests (keep-alive) or within one. Bun's maximum, 255: 1C keeps
	// one connection across its requests (УНФ 3.0 pauses 5 s before each `import` poll, УТ reuses it across its own
	// load time) and waits up to 180 s (УТ) / 1800 s (УНФ) for an answer; Bun's 10 s default would cut both. Bun has no
	// separate whole-request timeout, so a live transfer is never cut.
	idleTimeout: 255,
	maxRequestBodySize: 256 * 1024 * 1024,
	fetch: (request, srv) => boot.app.fetch(request, { ip: srv.requestIP(request)?.address } satisfies BunBindings),
});
// uploads applied on upload that did not fit one time slice (also those a previous process left unfinished)
const tick = setInterval(() => void boot.app.runBackgroundWork(), 5000);
const shownHost = cfg.host === "0.0.0.0" || cfg.host === "::" ? "localhost" : cfg.host;
console.log(startBanner(`http://${shownHost}:${server.port}`, cfg.databaseUrl, cfg, boot).join("\n"));
const stop = () => {
	clearInterval(tick);
	server.stop(true).then(() => {
		store.close();
		process.exit(0);
	});
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
