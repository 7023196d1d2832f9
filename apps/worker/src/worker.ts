/**
 * @module
 * workerd (Cloudflare Workers) entry. Bindings exist only at request time, so the exchange app is built on the
 * first fetch: open the database — the D1 binding `DB` (the default, `d1_databases` in wrangler.jsonc), or a remote
 * libSQL database when `DATABASE_URL` is set (`libsql://`, `https://` or `http://` — a worker has no filesystem) —
 * run the embedded migrations, bootstrap the admin token and the `default` 1C node, and keep the app for the
 * isolate's lifetime. Nothing else is kept in memory: sessions, uploads and the import ledger live in the database,
 * so any isolate can serve any step of a 1C exchange. The Cron Trigger (`triggers.crons` in
 * wrangler.jsonc) calls `scheduled`, which runs the app's background work (uploads applied on upload, journal
 * retention); its leases in the database make it run once across isolates.
 *
 * Timeouts: client connections are held by the platform's front end (Cloudflare's edge, or the proxy in front of a
 * self-hosted workerd), not by this code, which can set no idle or request timeout. 1C pauses between requests on one
 * connection (УНФ 3.0: 5 s before each `import` poll) and waits 180 s (УТ) / 1800 s (УНФ): a proxy in front needs a
 * keep-alive of at least 65 s and no shorter request timeout.
 */
import { createClient } from "@libsql/client/web";
import { type ExchangeStore, openStore } from "@obmen/db";
import { type D1DatabaseLike, openD1Store } from "@obmen/db/d1";
import { bootExchange, type ExchangeApp, lineLogger, readHostConfig } from "@obmen/exchange";
import type { Hono } from "hono";

/**
 * Worker bindings: `DB` (a D1 database, `d1_databases`), or `DATABASE_URL` as a var for a remote libSQL database
 * instead (it wins when both are set), `DATABASE_AUTH_TOKEN`, `OBMEN_ADMIN_TOKEN` and `OBMEN_1C_PASSWORD` as
 * secrets (`wrangler secret put`), `OBMEN_1C_LOGIN` as a var.
 */
export interface WorkerEnv {
	/** The D1 database (`d1_databases` binding `DB`); used unless `DATABASE_URL` is set. */
	DB?: D1DatabaseLike;
	DATABASE_URL?: string;
	DATABASE_AUTH_TOKEN?: string;
	OBMEN_ADMIN_TOKEN?: string;
	OBMEN_1C_LOGIN?: string;
	OBMEN_1C_PASSWORD?: string;
	/** The public base URL of the exchange URL shown to the operator (e.g. `https://obmen.shop.example`). */
	PUBLIC_URL?: string;
	/** Request log lines (`json` default, `pretty`, `off`), see docs/deploy.md "Logs". */
	LOG_FORMAT?: string;
	/** A bearer token for `GET /metrics` besides the admin token (a secret). */
	METRICS_TOKEN?: string;
	/** Origins of admin panels allowed to call `/api/v1` from a browser (comma list; default none: CORS off). */
	ADMIN_CORS_ORIGINS?: string;
}

/** URL schemes a worker can reach libSQL with. */
const REMOTE_SCHEMES = /^(libsql|https?):\/\//i;

/** The worker's part of the `ExecutionContext` workerd passes to `fetch`. */
export interface WaitUntilContext {
	waitUntil(promise: Promise<unknown>): void;
}

/** A built app and its store. */
export interface WorkerApp {
	app: ExchangeApp;
	store: ExchangeStore;
}

/** Builds the app from the bindings (once per isolate); a failed start is retried on the next request. */
export async function buildWorkerApp(env: WorkerEnv): Promise<WorkerApp> {
	const cfg = readHostConfig(env as Record<string, unknown>);
	const store = await openWorkerStore(env, cfg);
	// Cloudflare's edge sets CF-Connecting-IP itself (a client cannot spoof it), so no TRUST_PROXY here
	const boot = await bootExchange(store, cfg, {
		clientIp: (c) => c.req.header("cf-connecting-ip"),
		...(cfg.publicUrl ? { publicUrl: cfg.publicUrl } : {}),
		// one JSON line per request in the Workers logs (LOG_FORMAT, default json), /metrics also for METRICS_TOKEN
		logger: lineLogger(cfg.logFormat ?? "json", (line) => console.log(line)),
		metricsToken: cfg.metricsToken,
		...(cfg.adminCorsOrigins?.length ? { adminCorsOrigins: cfg.adminCorsOrigins } : {}),
	});
	if (boot.generatedAdminToken)
		console.log(`Obmen admin token (shown once, stored hashed; set OBMEN_ADMIN_TOKEN to choose one): ${boot.generatedAdminToken}`);
	return { app: boot.app, store };
}

/** The store: remote libSQL when `DATABASE_URL` is set, else the D1 binding `DB`. */
async function openWorkerStore(env: WorkerEnv, cfg: ReturnType<typeof readHostConfig>): Promise<ExchangeStore> {
	if (env.DATABASE_URL) {
		if (!REMOTE_SCHEMES.test(cfg.databaseUrl))
			throw new Error(`DATABASE_URL must be a libsql://, https:// or http:// URL in a worker, got "${env.DATABASE_URL}"`);
		return openStore(createClient({ url: cfg.databaseUrl, authToken: cfg.databaseAuthToken }));
	}
	if (env.DB) return openD1Store(env.DB);
	throw new Error("no database: bind a D1 database as DB (d1_databases in wrangler.jsonc) or set DATABASE_URL to a remote libSQL URL");
}

let built: Promise<WorkerApp> | null = null;

/** The isolate's app, built on first use; a failed build is forgotten so that the next event retries it. */
async function workerApp(env: WorkerEnv): Promise<WorkerApp> {
	const started = built ?? buildWorkerApp(env);
	built = started;
	try {
		return await started;
	} catch (e) {
		if (built === started) built = null;
		throw e;
	}
}

export default {
	async fetch(request: Request, env: WorkerEnv, ctx: WaitUntilContext): Promise<Response> {
		let ready: WorkerApp;
		try {
			ready = await workerApp(env);
		} catch (e) {
			console.error(e);
			return new Response(`failure\nserver not configured: ${e instanceof Error ? e.message : String(e)}\n`, {
				status: 503,
				headers: { "content-type": "text/plain; charset=utf-8" },
			});
		}
		const response = await ready.app.fetch(request, env, ctx as Parameters<Hono["fetch"]>[2]);
		// The exchange writes its journal row after answering. workerd cancels a request's I/O once the response is
		// sent, which would leave that write — and the store's write queue behind it — hanging for every later
		// request of the isolate: keep the request alive until the queued writes are done.
		ctx.waitUntil(ready.store.idle());
		return response;
	},

	/** Cron Trigger: the background work of the app (see `ExchangeApp.runBackgroundWork`), once across isolates. */
	async scheduled(_controller: unknown, env: WorkerEnv, ctx: WaitUntilContext): Promise<void> {
		const ready = await workerApp(env);
		const work = ready.app.runBackgroundWork().then(() => ready.store.idle());
		ctx.waitUntil(work);
		await work;
	},
};
