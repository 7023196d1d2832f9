/**
 * @module
 * Deno entry: `deno run --conditions=@obmen/source --allow-net --allow-env --allow-read --allow-write
 * --allow-sys --allow-ffi apps/deno/src/main.ts` (no build step; npm packages come from node_modules). Reads the same
 * env as the Node entry (PORT, HOST, OBMEN_DATA_DIR, DATABASE_URL, DATABASE_AUTH_TOKEN, OBMEN_ADMIN_TOKEN,
 * OBMEN_1C_LOGIN, OBMEN_1C_PASSWORD, PUBLIC_URL, TRUST_PROXY), opens (and migrates) libSQL, bootstraps credentials and serves the exchange app with `Deno.serve`.
 */

import { diskAdminAssets } from "@obmen/app-node/assets";
import { CHECKOUT_DATA_DIR } from "@obmen/app-node/paths";
import { nodeSha256 } from "@obmen/app-node/sha256";
import { openDb } from "@obmen/db/node";
import { bootExchange, lineLogger, readHostConfig, startBanner } from "@obmen/exchange";

/** What Deno passes to the app as `c.env`. */
interface DenoBindings {
	ip: string;
}

const cfg = readHostConfig(Deno.env.toObject(), { dataDir: CHECKOUT_DATA_DIR, stdoutIsTty: Deno.stdout.isTerminal() });
const { store } = await openDb(cfg.databaseUrl, { authToken: cfg.databaseAuthToken });
const boot = await bootExchange(store, cfg, {
	clientIp: (c) => (c.env as DenoBindings).ip,
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
// Timeouts: `Deno.serve` (checked with Deno 2.9.6) has no option for them. Its HTTP/1.1 server keeps an idle keep-alive
// connection open until the client closes it (one reused after 70 s idle in a manual check) and sets no whole-request
// timeout, so 1C's pauses between requests on one connection (УНФ 3.0: 5 s before each `import` poll) and its
// 180 s / 1800 s transfers are never cut by the server.
const server = Deno.serve(
	{
		port: cfg.port,
		hostname: cfg.host,
		onListen: ({ port }) => {
			const shownHost = cfg.host === "0.0.0.0" || cfg.host === "::" ? "localhost" : cfg.host;
			console.log(startBanner(`http://${shownHost}:${port}`, cfg.databaseUrl, cfg, boot).join("\n"));
		},
	},
	(request, info) => boot.app.fetch(request, { ip: info.remoteAddr.hostname } satisfies DenoBindings),
);
// uploads applied on upload that did not fit one time slice (also those a previous process left unfinished)
const tick = setInterval(() => void boot.app.runBackgroundWork(), 5000);
const stop = () => {
	clearInterval(tick);
	server.shutdown().then(() => {
		store.close();
		Deno.exit(0);
	});
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
