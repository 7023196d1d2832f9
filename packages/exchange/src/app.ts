/**
 * @module
 * `createExchangeApp`: the stateless Hono app of Obmen — `/exim_1c` for 1C, `/api/v1` for the store and the
 * admin widget, `/admin` for the demo page. Everything kept between requests lives in the injected store.
 */
import { type Context, Hono } from "hono";
import { matchedRoutes, routePath } from "hono/route";
import { adminRoutes } from "./admin.ts";
import { checkStaleNodes, staleCheckDue } from "./alerts.ts";
import { apiRoutes } from "./api/routes.ts";
import { backgroundWork } from "./exim/apply-on-upload.ts";
import { pruneIfDue } from "./exim/journal.ts";
import { eximRoutes } from "./exim/routes.ts";
import { emitLog, type HttpLogEntry } from "./log.ts";
import { instanceMetrics, metricsRoutes } from "./metrics.ts";
import { type ExchangeAppOptions, resolveOptions } from "./options.ts";
import { keepAlive } from "./wait-until.ts";

/** The exchange app: a Hono app plus the background work its host drives. */
export type ExchangeApp = Hono & {
	/**
	 * Works on uploads applied on upload (`applyOnUpload`) that did not fit the `file` request's time slice, until none
	 * is left whose lease is free; resolves when done, never rejects (errors go to `onError`). The work is staged in the
	 * database, so any app process on it may do it and a restart resumes it. Every request also starts it (at most
	 * once a second); hosts call it on an interval as well (apps/node, Bun, Deno: every few seconds; Workers: the Cron
	 * Trigger's `scheduled` handler), so a pause of 1C does not leave it waiting. It also runs journal retention when
	 * due, once per interval across every instance on the database (background-lease.ts).
	 */
	runBackgroundWork(): Promise<void>;
};

/**
 * Builds the app. Runtime entries (apps/node, Bun, Deno, workers) read their env, open the store and serve `app.fetch`.
 * @example const app = createExchangeApp({ store, adminTokenHash }); serve({ fetch: app.fetch, port: 8080 });
 */
export function createExchangeApp(options: ExchangeAppOptions): ExchangeApp {
	const o = resolveOptions(options);
	const app = new Hono();
	const background = backgroundWork(o);
	// work left by an earlier request (or a process that died) is resumed by the next request of any kind
	app.use("*", async (c, next) => {
		await next();
		const work = background.kick();
		if (work) keepAlive(c, work);
		// the `exchange.stale` alerts are checked on requests (spaced out) in the background; runtimes with a timer also tick
		if (staleCheckDue(o)) keepAlive(c, checkStaleNodes(o).catch(o.onError));
	});
	const metrics = instanceMetrics(o);
	/** The pattern of the route that answered (`/api/v1/orders/:id`), not of a catch-all (`/api/v1/*`) matched too. */
	const handlerRoute = (c: Context) => {
		const own = matchedRoutes(c).filter((r) => r.method !== "ALL" || !r.path.endsWith("*"));
		return own.at(-1)?.path || routePath(c, -1) || "(none)";
	};
	const eximPaths = ["/exim_1c", "/bitrix/admin/1c_exchange.php", "/exim_moysklad", "/exim_class"];
	// one log entry per request of the admin API and page (exim/routes.ts logs `/exim_1c` with its details); health
	// checks and scrapes are left out (noise), so is every query string (the first-login link carries the token)
	app.use("*", async (c, next) => {
		const path = c.req.path;
		if (path === "/health" || path === "/metrics" || eximPaths.some((p) => path === p || path.startsWith(`${p}/`))) return next();
		const t0 = performance.now();
		const at = o.clock.now().toISOString();
		await next();
		const entry: HttpLogEntry = {
			kind: "http",
			at,
			method: c.req.method,
			route: handlerRoute(c),
			status: c.res.status,
			durationMs: Math.round(performance.now() - t0),
			ip: o.clientIp(c) ?? null,
		};
		metrics.http(entry);
		emitLog(o, entry);
	});
	const exim = eximRoutes(o);
	// 1C УТ 11 defaults to the Bitrix path when the site address has none; УНФ calls `mode=info` on it hard-coded.
	// Both are also served with a trailing slash (a site address typed as `…/exim_1c/`).
	// МойСклад and Класс365 have their own aliases, which select that client's profile (exim/client.ts).
	for (const path of eximPaths) {
		app.route(path, exim);
		app.route(`${path}/`, exim);
	}
	app.route("/api/v1", apiRoutes(o));
	app.route("/admin", adminRoutes(o));
	app.get("/health", (c) => c.json({ ok: true }));
	app.route("/metrics", metricsRoutes(o, metrics));
	app.get("/", (c) => c.redirect("/admin"));
	// the host's tick (Node/Bun/Deno) or Cron Trigger (Workers) also runs journal retention, once across instances
	const runBackgroundWork = async () => {
		await background.run();
		await pruneIfDue(o, o.clock.now(), true);
	};
	return Object.assign(app, { runBackgroundWork });
}
