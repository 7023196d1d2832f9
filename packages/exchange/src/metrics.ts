/**
 * @module
 * `GET /metrics`: Prometheus text exposition (format 0.0.4), behind the admin token or the separate `metricsToken`.
 *
 * Two kinds of series (docs/deploy.md, "Monitoring"):
 * - **Per instance** (`obmen_exim_*`, `obmen_api_requests_total`, `obmen_instance_start_time_seconds`): counted in the
 *   memory of the app that served the requests, since its start. With several instances each one is scraped on its
 *   own address and the series are summed in queries (`sum by (mode) (rate(...))`); a restart resets them, which
 *   Prometheus' `rate` handles.
 * - **From the database** (`obmen_node_*`, `obmen_sessions`, `obmen_uploads_*`, `obmen_imports_in_progress`,
 *   `obmen_login_failures_last_hour`): read at scrape time, so every instance reports the same global values
 *   (aggregate them with `max`, never `sum`). `obmen_node_import_*_total` come from the import ledger, which is never
 *   pruned, hence counters; the rest are gauges.
 */
import { Hono } from "hono";
import { checkAdminToken } from "./api/admin-throttle.ts";
import { errorResponse } from "./api/errors.ts";
import { adminTokenOk } from "./api/routes.ts";
import { sha256Hex, timingSafeEqual } from "./crypto.ts";
import { BAD_CREDENTIALS, THROTTLED } from "./exim/replies.ts";
import { journalError } from "./journal-codes.ts";
import type { EximLogEntry, HttpLogEntry } from "./log.ts";
import type { ResolvedOptions } from "./options.ts";
import { readSettings } from "./settings.ts";

/** Upper bounds (seconds) of the request duration histogram: a fast `checkauth` up to an `import` time slice. */
export const DURATION_BUCKETS = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30];

/** The modes counted under their own label; any other `mode` value is counted as `other` (bounded label values). */
const MODES = new Set(["checkauth", "init", "query", "success", "file", "import", "info", "complete", "deactivate"]);

/** HTTP methods counted under their own label (others: `other`). */
const METHODS = new Set(["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"]);

interface Histogram {
	buckets: number[];
	sum: number;
	count: number;
}

/** @internal Counters of one app instance (in memory, since its start). */
export class InstanceMetrics {
	readonly startedAt: number;
	readonly requests = new Map<string, number>();
	readonly durations = new Map<string, Histogram>();
	readonly ordersSent = new Map<string, number>();
	readonly ordersAcknowledged = new Map<string, number>();
	readonly ordersImported = new Map<string, number>();
	readonly loginFailures = new Map<string, number>();
	readonly api = new Map<string, number>();

	constructor(startedAt: number) {
		this.startedAt = startedAt;
	}

	/** Counts a finished `/exim_1c` request. */
	exim(e: EximLogEntry): void {
		const mode = e.mode && MODES.has(e.mode) ? e.mode : e.mode ? "other" : "none";
		inc(this.requests, labels({ mode, reply: e.reply }));
		const key = labels({ mode });
		let h = this.durations.get(key);
		if (!h) this.durations.set(key, (h = { buckets: DURATION_BUCKETS.map(() => 0), sum: 0, count: 0 }));
		const s = e.durationMs / 1000;
		DURATION_BUCKETS.forEach((le, i) => {
			if (s <= le) (h.buckets[i] as number)++;
		});
		h.sum += s;
		h.count++;
		if (e.nodeId) {
			const node = labels({ node_id: e.nodeId });
			inc(this.ordersSent, node, e.ordersSent);
			inc(this.ordersAcknowledged, node, e.ordersAcknowledged);
			inc(this.ordersImported, node, e.ordersImported);
		}
		// the journal code of a refusal by `allowedIps` or during a login flood is `other`: its reason still says which
		const reason = e.reason ?? "";
		if (e.code === "auth_failed" || reason.startsWith(BAD_CREDENTIALS)) inc(this.loginFailures, labels({ reason: "auth_failed" }));
		else if (e.code === "throttled" || reason.startsWith(THROTTLED)) inc(this.loginFailures, labels({ reason: "throttled" }));
	}

	/** Counts a finished admin API request. */
	http(e: HttpLogEntry): void {
		const method = METHODS.has(e.method) ? e.method : "other";
		if (e.route.startsWith("/api/")) inc(this.api, labels({ method, status: String(e.status) }));
	}
}

const perApp = new WeakMap<ResolvedOptions, InstanceMetrics>();

/** @internal The in-memory counters of an app (one per options object, i.e. per `createExchangeApp`). */
export function instanceMetrics(o: ResolvedOptions): InstanceMetrics {
	let m = perApp.get(o);
	if (!m) perApp.set(o, (m = new InstanceMetrics(o.clock.now().getTime())));
	return m;
}

function inc(m: Map<string, number>, key: string, by = 1): void {
	if (by > 0 || !m.has(key)) m.set(key, (m.get(key) ?? 0) + by);
}

/** `{a="x",b="y"}` with the exposition format's escaping of `\`, `"` and newlines. */
function labels(l: Record<string, string>): string {
	const parts = Object.entries(l).map(([k, v]) => `${k}="${v.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\n")}"`);
	return parts.length ? `{${parts.join(",")}}` : "";
}

/** @internal The reply word of a journal draft (see `ReplyWord`). */
export function replyWord(reply: string, error: string | null): EximLogEntry["reply"] {
	if (reply === "failure" || reply.startsWith("failure")) return error === "busy, retry" ? "busy" : "failure";
	if (reply === "progress") return "progress";
	if (reply === "xml" || reply === "preview") return "xml";
	return "success";
}

/** @internal The journal code of a failed request, for the log entry and the login failure counter. */
export function failureCode(reply: string, error: string | null): EximLogEntry["code"] {
	return journalError({ reply, error })?.code ?? null;
}

/** Renders the exposition text: the instance's counters and the database snapshot. */
export async function renderMetrics(o: ResolvedOptions, m: InstanceMetrics): Promise<string> {
	const now = o.clock.now().getTime();
	const snap = await o.store.metricsSnapshot(now);
	const nodes = await o.store.listNodes();
	const out: string[] = [];
	const family = (name: string, type: string, help: string, series: [string, number][]) => {
		out.push(`# HELP ${name} ${help}`, `# TYPE ${name} ${type}`);
		for (const [l, v] of series) out.push(`${name}${l} ${Number.isFinite(v) ? v : 0}`);
	};
	const sorted = (mm: Map<string, number>): [string, number][] => [...mm].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));

	family("obmen_instance_start_time_seconds", "gauge", "When this app instance started (unix seconds); per instance.", [
		["", m.startedAt / 1000],
	]);
	family("obmen_exim_requests_total", "counter", "/exim_1c requests by mode and reply word; per instance.", sorted(m.requests));
	out.push(
		"# HELP obmen_exim_request_duration_seconds Duration of /exim_1c requests by mode; per instance.",
		"# TYPE obmen_exim_request_duration_seconds histogram",
	);
	for (const [key, h] of [...m.durations].sort(([a], [b]) => (a < b ? -1 : 1))) {
		const inner = key.slice(1, -1);
		DURATION_BUCKETS.forEach((le, i) => {
			out.push(`obmen_exim_request_duration_seconds_bucket{${inner},le="${le}"} ${h.buckets[i]}`);
		});
		out.push(`obmen_exim_request_duration_seconds_bucket{${inner},le="+Inf"} ${h.count}`);
		out.push(`obmen_exim_request_duration_seconds_sum${key} ${h.sum}`, `obmen_exim_request_duration_seconds_count${key} ${h.count}`);
	}
	family("obmen_exim_orders_sent_total", "counter", "Orders sent to 1C by query, by node; per instance.", sorted(m.ordersSent));
	family(
		"obmen_exim_orders_acknowledged_total",
		"counter",
		"Orders 1C confirmed with success, by node; per instance.",
		sorted(m.ordersAcknowledged),
	);
	family(
		"obmen_exim_orders_imported_total",
		"counter",
		"Store orders changed by imports of 1C documents, by node; per instance.",
		sorted(m.ordersImported),
	);
	family(
		"obmen_exim_login_failures_total",
		"counter",
		"Refused 1C logins (auth_failed: wrong login or password; throttled); per instance.",
		sorted(m.loginFailures),
	);
	family("obmen_api_requests_total", "counter", "Admin API requests by method and HTTP status; per instance.", sorted(m.api));

	const nodeLabel = (id: string) => labels({ node_id: id });
	family(
		"obmen_node_info",
		"gauge",
		"Exchange nodes: name and login by node id (value 1); from the database.",
		nodes.map((n) => [labels({ node_id: n.id, name: n.name, login: n.login }), 1]),
	);
	const waiting: [string, number][] = [];
	for (const n of nodes) {
		const s = readSettings(n.settings);
		waiting.push([nodeLabel(n.id), await o.store.countExport(n.id, { statuses: s.exportStatusFilter, fromNumber: s.exportFromNumber })]);
	}
	family("obmen_node_orders_waiting_export", "gauge", "Orders the next query of the node would send; from the database.", waiting);
	const per = (f: (x: (typeof snap.nodes)[number]) => number): [string, number][] => snap.nodes.map((x) => [nodeLabel(x.nodeId), f(x)]);
	family(
		"obmen_node_orders_awaiting_success",
		"gauge",
		"Orders sent by query and not yet confirmed by success; from the database.",
		per((x) => x.ordersAwaitingSuccess),
	);
	family(
		"obmen_node_orders_acknowledged",
		"gauge",
		"Orders the node acknowledged at some revision; from the database.",
		per((x) => x.ordersAcknowledged),
	);
	family(
		"obmen_node_import_files_total",
		"counter",
		"Distinct 1C files applied by import (import ledger); from the database.",
		per((x) => x.filesImported),
	);
	family(
		"obmen_node_import_documents_total",
		"counter",
		"1C documents of those files applied to store orders; from the database.",
		per((x) => x.documentsImported),
	);
	family("obmen_sessions", "gauge", "Exchange sessions stored (expired ones are purged lazily); from the database.", [["", snap.sessions]]);
	family("obmen_uploads_pending", "gauge", "Uploads applied on upload and not finished; from the database.", [["", snap.uploadsPending]]);
	family("obmen_uploads_applying", "gauge", "Of those, uploads an instance is applying right now; from the database.", [
		["", snap.uploadsApplying],
	]);
	family("obmen_imports_in_progress", "gauge", "Time-sliced imports with staged documents; from the database.", [
		["", snap.importsInProgress],
	]);
	family("obmen_login_failures_last_hour", "gauge", "Failed 1C logins during the last hour, all instances; from the database.", [
		["", snap.loginFailuresLastHour],
	]);
	return `${out.join("\n")}\n`;
}

/** Content type of the exposition format 0.0.4. */
export const METRICS_CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8";

/**
 * The `/metrics` route: `Authorization: Bearer <metrics token or admin token>`; failed checks are throttled per
 * address like the admin API's (401, then 429, with the JSON error envelope).
 */
export function metricsRoutes(o: ResolvedOptions, m: InstanceMetrics): Hono {
	const app = new Hono();
	app.onError((e, c) => errorResponse(c, e, o.onError));
	const enc = new TextEncoder();
	const metricsHash = o.metricsToken ? sha256Hex(o.metricsToken) : null;
	app.get("/", async (c) => {
		const token = /^Bearer\s+(\S+)\s*$/i.exec(c.req.header("Authorization") ?? "")?.[1] ?? null;
		await checkAdminToken(o, c, token, async (t) => {
			if (metricsHash && timingSafeEqual(enc.encode(await sha256Hex(t)), enc.encode(await metricsHash))) return true;
			return adminTokenOk(o, t);
		});
		return c.body(await renderMetrics(o, m), 200, { "Content-Type": METRICS_CONTENT_TYPE, "Cache-Control": "no-store" });
	});
	return app;
}
