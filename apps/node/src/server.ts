/**
 * @module
 * Starts Obmen on Node: open the DB (migrations run), bootstrap credentials, serve the exchange app.
 */
import { mkdtempSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { pendingMigrations } from "@obmen/db";
import { openClient, openDb } from "@obmen/db/node";
import { type Clock, createExchangeApp, type ExchangeLimits, type Logger, lineLogger, storedAdminTokenCheck } from "@obmen/exchange";
import { diskAdminAssets } from "./assets.ts";
import { ensureAdminToken, ensureDefaultNode } from "./bootstrap.ts";
import type { ServerConfig } from "./config.ts";
import { nodeParseWorker } from "./parse-thread.ts";
import { nodeSha256 } from "./sha256.ts";

/** A running server. */
export interface RunningServer {
	/** Base URL, e.g. http://127.0.0.1:8080. */
	url: string;
	port: number;
	/** Lines to print at start (URLs, credentials). */
	banner: string[];
	/** The socket timeouts the HTTP server actually runs with (ms; 0 = none), as Node reports them. */
	timeouts: { keepAlive: number; headers: number; request: number; socket: number };
	close(): Promise<void>;
}

/**
 * Default keep-alive idle time (ms). 1C keeps one connection across its requests: УНФ 3.0 pauses 5 s before each
 * `import` poll, УТ reuses the connection across its own load time; Node's 5 s default would race with both.
 */
export const KEEP_ALIVE_TIMEOUT_MS = 75_000;
/**
 * Default longest time for one request while it is transferring (ms): no shorter than the clients' own timeouts
 * (180 s УТ 11 / КА / ERP, 1800 s УНФ), so a slow but live upload is never cut by the server first.
 */
export const REQUEST_TIMEOUT_MS = 1_800_000;

/**
 * Socket limits and app limits that deployments rarely change and tests shrink (the slow-trickle test uses ~2 s).
 * Node checks the request and header timeouts every `min(30 s, requestTimeoutMs / 4)`.
 */
export interface ServerTuning {
	/** Longest time to receive one whole request, headers and body (1C: 180 s УТ, 1800 s УНФ). Default {@link REQUEST_TIMEOUT_MS}. */
	requestTimeoutMs?: number;
	/** Longest time to receive the request headers, counted from their first byte. Default 76 000 (above the keep-alive time). */
	headersTimeoutMs?: number;
	/** A socket with no traffic at all during a request for this long is closed. Default {@link REQUEST_TIMEOUT_MS}. */
	idleTimeoutMs?: number;
	/** An idle keep-alive connection between requests is closed after this long. Default {@link KEEP_ALIVE_TIMEOUT_MS}. */
	keepAliveTimeoutMs?: number;
	/** Exchange limits passed to the app (import slice, session TTLs, throttling). */
	limits?: Partial<ExchangeLimits>;
	/** PBKDF2 iterations for newly set node passwords. */
	passwordIterations?: number;
	/** Time source of the app (tests pin it so that two runs write identical rows). */
	clock?: Clock;
	/** How often the app's background work (uploads applied on upload, see `runBackgroundWork`) is resumed. Default 5 000. */
	backgroundTickMs?: number;
	/** Receives the request log entries instead of stdout (tests capture them). Default: lines on stdout per `cfg.logFormat`. */
	logger?: Logger;
}

/** Opens the database and starts listening. */
export async function startServer(cfg: ServerConfig, tuning: ServerTuning = {}): Promise<RunningServer> {
	const databaseUrl = cfg.demo ? `file:${join(mkdtempSync(join(tmpdir(), "obmen-demo-")), "demo.db")}` : cfg.databaseUrl;
	// the migrations this start applies are named in the banner (an upgrade shows what it changed)
	const probe = databaseUrl.includes(":memory:") ? null : openClient(databaseUrl, { authToken: cfg.databaseAuthToken });
	const pending = probe ? await pendingMigrations(probe).finally(() => probe.close()) : [];
	const { store } = await openDb(databaseUrl, { authToken: cfg.databaseAuthToken });
	const now = new Date();
	const admin = await ensureAdminToken(store, cfg.demo ? undefined : cfg.adminToken);
	const banner: string[] = [];
	if (pending.length) banner.push(`  database migrations applied: ${pending.join(", ")}`);
	if (cfg.oneCLogin && cfg.oneCPassword) {
		const r = await ensureDefaultNode(store, cfg.oneCLogin, cfg.oneCPassword, now);
		banner.push(`  1C node "default" ${r}: login ${cfg.oneCLogin} (password from OBMEN_1C_PASSWORD)`);
	}
	// The demo (and through it the 1C emulator) is loaded only for `--demo`: the production server never imports it.
	const demoModule = cfg.demo ? await import("./demo.ts") : null;
	const demo = demoModule ? await demoModule.seedDemo(store, now) : null;
	const app = createExchangeApp({
		store,
		limits: tuning.limits,
		...(tuning.clock ? { clock: tuning.clock } : {}),
		...(tuning.passwordIterations ? { passwordIterations: tuning.passwordIterations } : {}),
		adminTokenHash: admin.hash,
		// a stored token is re-read on every check: `obmen admin reset-token` takes effect without a restart
		...(cfg.demo || !cfg.adminToken ? { verifyAdminToken: storedAdminTokenCheck(store) } : {}),
		adminAssets: diskAdminAssets(),
		// one line per request on stdout (LOG_FORMAT; a config built without it logs nothing)
		logger: tuning.logger ?? lineLogger(cfg.logFormat ?? "off", (line) => console.log(line)),
		metricsToken: cfg.metricsToken,
		sha256: nodeSha256,
		...(cfg.parseWorker === false ? {} : { parseWorker: nodeParseWorker }),
		...(cfg.trustProxy ? { trustProxy: cfg.trustProxy } : {}),
		...(cfg.publicUrl ? { publicUrl: cfg.publicUrl } : {}),
		...(cfg.adminCorsOrigins?.length ? { adminCorsOrigins: cfg.adminCorsOrigins } : {}),
		clientIp: (c) => {
			try {
				return getConnInfo(c).remote.address;
			} catch {
				return undefined;
			}
		},
	});
	// uploads applied on upload that did not fit one time slice, also those a previous process left unfinished
	const tick = setInterval(() => void app.runBackgroundWork(), tuning.backgroundTickMs ?? 5000);
	tick.unref();
	void app.runBackgroundWork();
	// the stale check: an internal request once a minute lets the app run its spaced-out checks (the
	// `exchange.stale` alert) even when nobody calls the server
	const staleTick = setInterval(() => void Promise.resolve(app.request("/health")).catch(() => {}), 60_000);
	staleTick.unref();
	// No timeout shorter than the clients' (180 s УТ, 1800 s УНФ) while a request is transferring; slow-loris headers are
	// still cut by headersTimeout. Keep-alive ≥ 65 s: 1C reuses one connection with pauses between requests.
	const requestTimeout = tuning.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
	const keepAliveTimeout = tuning.keepAliveTimeoutMs ?? KEEP_ALIVE_TIMEOUT_MS;
	const serverOptions = {
		requestTimeout,
		headersTimeout: Math.min(tuning.headersTimeoutMs ?? keepAliveTimeout + 1_000, requestTimeout),
		keepAliveTimeout,
		connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
	};
	const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
		const s = serve({ fetch: app.fetch, port: cfg.port, hostname: cfg.host, serverOptions }, () => resolve(s));
	});
	const http = server as HttpServer;
	http.setTimeout(tuning.idleTimeoutMs ?? REQUEST_TIMEOUT_MS, (socket: Socket) => socket.destroy());
	http.keepAliveTimeout = keepAliveTimeout;
	const timeouts = { keepAlive: http.keepAliveTimeout, headers: http.headersTimeout, request: http.requestTimeout, socket: http.timeout };
	const addr = server.address();
	const port = typeof addr === "object" && addr ? addr.port : cfg.port;
	const shownHost = cfg.host === "0.0.0.0" || cfg.host === "::" ? "localhost" : cfg.host;
	const url = `http://${shownHost}:${port}`;
	let demoExchange: { ok: boolean } | null = null;
	if (demo && demoModule) {
		// one real exchange over the socket, so the admin page opens with the journal populated
		const localHost =
			cfg.host === "0.0.0.0" ? "127.0.0.1" : cfg.host === "::" ? "[::1]" : cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host;
		demoExchange = await demoModule.runDemoExchange(store, `http://${localHost}:${port}`, demo).catch((e: unknown) => {
			console.error("demo exchange failed:", e);
			return { ok: false };
		});
	}
	const shown = cfg.publicUrl ?? url;
	banner.unshift(
		`Obmen is listening on ${url} (database ${databaseUrl})`,
		`  1C exchange URL (УТ 11 / КА 2 / ERP / УНФ "адрес сайта"): ${shown}/exim_1c`,
		`  admin page: ${shown}/admin    admin API: ${shown}/api/v1 (OpenAPI: ${shown}/api/v1/openapi.json)`,
	);
	if (admin.generated)
		banner.push(
			`  admin token (shown once, stored hashed; use "Authorization: Bearer <token>"): ${admin.generated}`,
			// the page stores the token in the browser and drops it from the address bar
			`  open the admin page (first time, logs you in): ${url}/admin?token=${encodeURIComponent(admin.generated)}`,
		);
	else
		banner.push(
			cfg.adminToken ? "  admin token: from OBMEN_ADMIN_TOKEN" : "  admin token: the one printed at first start (or set OBMEN_ADMIN_TOKEN)",
		);
	if (demo)
		banner.push(
			`  demo 1C node: login ${demo.login}, password ${demo.password}`,
			`  try: curl -u ${demo.login}:${demo.password} "${url}/exim_1c?type=sale&mode=query"`,
			`  demo exchange by the 1C emulator (УТ 11): ${demoExchange?.ok ? "done, see the journal" : "had deviations, see the journal"}`,
		);
	else if (!cfg.oneCLogin)
		banner.push("  1C login: create a 1C node on the admin page (or POST /api/v1/nodes, or set OBMEN_1C_LOGIN and OBMEN_1C_PASSWORD)");
	return {
		url,
		port,
		banner,
		timeouts,
		close: () =>
			new Promise<void>((resolve) => {
				clearInterval(tick);
				clearInterval(staleTick);
				server.close(() => {
					void app.runBackgroundWork().finally(() => {
						store.close();
						resolve();
					});
				});
				if ("closeIdleConnections" in server) server.closeIdleConnections();
			}),
	};
}
