/**
 * @module
 * Deno entry: `deno run --conditions=@obmen/source --allow-net --allow-env --allow-read --allow-write
 * --allow-sys --allow-ffi apps/deno/src/main.ts` (no build step; npm packages come from node_modules). Reads the same
 * env as the Node entry (PORT, HOST, DATABASE_URL, DATABASE_AUTH_TOKEN, OBMEN_ADMIN_TOKEN, OBMEN_1C_LOGIN,
 * OBMEN_1C_PASSWORD), opens (and migrates) libSQL, bootstraps credentials and serves the exchange app with `Deno.serve`.
 */
import { openDb } from "@obmen/db/node";
import { bootExchange, readHostConfig, startBanner } from "@obmen/exchange";

/** What Deno passes to the app as `c.env`. */
interface DenoBindings {
	ip: string;
}

const cfg = readHostConfig(Deno.env.toObject());
const { store } = await openDb(cfg.databaseUrl, { authToken: cfg.databaseAuthToken });
const boot = await bootExchange(store, cfg, { clientIp: (c) => (c.env as DenoBindings).ip });
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
const stop = () => {
	server.shutdown().then(() => {
		store.close();
		Deno.exit(0);
	});
};
Deno.addSignalListener("SIGINT", stop);
Deno.addSignalListener("SIGTERM", stop);
