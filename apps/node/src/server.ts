/**
 * @module Starts Obmen on Node: open the DB (migrations run), bootstrap credentials, serve the exchange app.
 */
import { mkdtempSync } from "node:fs";
import type { Server as HttpServer } from "node:http";
import type { Socket } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { serve } from "@hono/node-server";
import { getConnInfo } from "@hono/node-server/conninfo";
import { openDb } from "@obmen/db/node";
import { type Clock, createExchangeApp, type ExchangeLimits } from "@obmen/exchange";
import { diskAdminAssets } from "./assets.ts";
import { ensureAdminToken, ensureDefaultNode } from "./bootstrap.ts";
import type { ServerConfig } from "./config.ts";
import { runDemoExchange, seedDemo } from "./demo.ts";

/** A running server. */
export interface RunningServer {
	/** Base URL, e.g. http://127.0.0.1:8080. */
	url: string;
	port: number;
	/** Lines to print at start (URLs, credentials). */
	banner: string[];
	close(): Promise<void>;
}

/**
 * Socket limits and app limits that deployments rarely change and tests shrink (the slow-trickle test uses ~2 s).
 * Node checks the request and header timeouts every `min(30 s, requestTimeoutMs / 4)`.
 */
export interface ServerTuning {
	/** Longest time to receive one whole request, headers and body (1C's own timeout is 180 s). Default 170 000. */
	requestTimeoutMs?: number;
	/** Longest time to receive the request headers. Default 60 000. */
	headersTimeoutMs?: number;
	/** A socket with no traffic at all for this long is closed. Default 120 000. */
	idleTimeoutMs?: number;
	/** Exchange limits passed to the app (import slice, session TTLs, throttling). */
	limits?: Partial<ExchangeLimits>;
	/** PBKDF2 iterations for newly set node passwords. */
	passwordIterations?: number;
	/** Time source of the app (tests pin it so that two runs write identical rows). */
	clock?: Clock;
}

/** Opens the database and starts listening. */
export async function startServer(cfg: ServerConfig, tuning: ServerTuning = {}): Promise<RunningServer> {
	const databaseUrl = cfg.demo ? `file:${join(mkdtempSync(join(tmpdir(), "obmen-demo-")), "demo.db")}` : cfg.databaseUrl;
	const { store } = await openDb(databaseUrl, { authToken: cfg.databaseAuthToken });
	const now = new Date();
	const admin = await ensureAdminToken(store, cfg.demo ? undefined : cfg.adminToken);
	const banner: string[] = [];
	if (cfg.oneCLogin && cfg.oneCPassword) {
		const r = await ensureDefaultNode(store, cfg.oneCLogin, cfg.oneCPassword, now);
		banner.push(`  1C node "default" ${r}: login ${cfg.oneCLogin} (password from OBMEN_1C_PASSWORD)`);
	}
	const demo = cfg.demo ? await seedDemo(store, now) : null;
	const app = createExchangeApp({
		store,
		limits: tuning.limits,
		...(tuning.clock ? { clock: tuning.clock } : {}),
		...(tuning.passwordIterations ? { passwordIterations: tuning.passwordIterations } : {}),
		adminTokenHash: admin.hash,
		adminAssets: diskAdminAssets(),
		clientIp: (c) => {
			try {
				return getConnInfo(c).remote.address;
			} catch {
				return undefined;
			}
		},
	});
	// the periodic tick: an internal request once a minute lets the app run its spaced-out checks (the
	// `exchange.stale` alert) even when nobody calls the server
	const tick = setInterval(() => void Promise.resolve(app.request("/health")).catch(() => {}), 60_000);
	tick.unref();
	// 1C's own timeout is 180 s (Family A); cut slow-trickle uploads well before a worker is tied up forever.
	const requestTimeout = tuning.requestTimeoutMs ?? 170_000;
	const serverOptions = {
		requestTimeout,
		headersTimeout: Math.min(tuning.headersTimeoutMs ?? 60_000, requestTimeout),
		connectionsCheckingInterval: Math.max(100, Math.min(30_000, Math.floor(requestTimeout / 4))),
	};
	const server = await new Promise<ReturnType<typeof serve>>((resolve) => {
		const s = serve({ fetch: app.fetch, port: cfg.port, hostname: cfg.host, serverOptions }, () => resolve(s));
	});
	(server as HttpServer).setTimeout(tuning.idleTimeoutMs ?? 120_000, (socket: Socket) => socket.destroy());
	const addr = server.address();
	const port = typeof addr === "object" && addr ? addr.port : cfg.port;
	const shownHost = cfg.host === "0.0.0.0" || cfg.host === "::" ? "localhost" : cfg.host;
	const url = `http://${shownHost}:${port}`;
	let demoExchange: { ok: boolean } | null = null;
	if (demo) {
		// one real exchange over the socket, so the admin page opens with the journal populated
		const localHost =
			cfg.host === "0.0.0.0" ? "127.0.0.1" : cfg.host === "::" ? "[::1]" : cfg.host.includes(":") ? `[${cfg.host}]` : cfg.host;
		demoExchange = await runDemoExchange(store, `http://${localHost}:${port}`, demo).catch((e: unknown) => {
			console.error("demo exchange failed:", e);
			return { ok: false };
		});
	}
	banner.unshift(
		`Obmen is listening on ${url} (database ${databaseUrl})`,
		`  1C exchange URL (УТ 11 / КА 2 / ERP / УНФ "адрес сайта"): ${url}/exim_1c`,
		`  admin page: ${url}/admin    admin API: ${url}/api/v1 (OpenAPI: ${url}/api/v1/openapi.json)`,
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
		close: () =>
			new Promise<void>((resolve) => {
				clearInterval(tick);
				server.close(() => {
					store.close();
					resolve();
				});
				if ("closeIdleConnections" in server) server.closeIdleConnections();
			}),
	};
}
