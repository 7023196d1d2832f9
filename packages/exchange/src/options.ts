/**
 * @module
 * Options of {@link createExchangeApp}: injected clock, limits and hooks (the app never reads env).
 */
import type { ExchangeStore } from "@obmen/db";
import type { Context } from "hono";
import type { Logger } from "./log.ts";
import type { ParseWorkerFactory } from "./parse-worker.ts";
import { clientView, publicBase, type TrustProxy } from "./proxy.ts";
import { nobleSha256, type Sha256Factory } from "./sha256.ts";

/** Time source; tests inject a fake one to expire sessions and throttling windows. */
export interface Clock {
	now(): Date;
}

/** Resource limits of the exchange endpoint. */
export interface ExchangeLimits {
	/**
	 * Largest upload file (sum of its `mode=file` chunks, counted as they arrive). Default 128 MiB, so a 100 MB order
	 * file of ~100k documents fits; imports stream it from its chunk rows in bounded memory. Also caps the announced
	 * `file_limit`.
	 */
	maxFileBytes: number;
	/** Largest total of all uploads of one session. Default 256 MiB. */
	maxSessionBytes: number;
	/** Time budget of one `mode=import` call before answering `progress`. Default 5000 ms. */
	importSliceMs: number;
	/**
	 * Lease of one worker on an apply on upload (`applyOnUpload`): another app process takes the work over once a
	 * lease ran out (its holder died). Longer than any slice, including the final write transaction. Default 60 s.
	 */
	applyLeaseMs: number;
	/**
	 * Longest hold of a node's export by one session between its `query` and `success` (renewed by each `query`):
	 * meanwhile another session of the node gets `failure` on `query` (exim/export-lease.ts). Default 15 min.
	 */
	exportLeaseMs: number;
	/** Session idle timeout (refreshed by every request). Default 30 min. */
	sessionIdleMs: number;
	/** Session absolute lifetime. Default 4 h. */
	sessionAbsoluteMs: number;
	/** Failed logins per minute per IP and per login before verification is refused. Default 10. */
	loginFailuresPerMinute: number;
	/**
	 * Largest request body of the admin API `/api/v1` (an order JSON, a node): larger ones get 413 with the JSON error
	 * envelope, refused by `Content-Length` or cut off while streaming. Default 1 MiB.
	 */
	maxApiBodyBytes: number;
	/** Failed admin-token checks per minute per client IP before `/api/v1` answers 429. Default 10. */
	adminFailuresPerMinute: number;
	/**
	 * Smallest xml parsed on a worker thread when the runtime gave a `parseWorker` (smaller ones are parsed on the
	 * request's thread: starting a thread costs more than it saves). Default 4 MiB.
	 */
	parseWorkerMinBytes: number;
}

/** Defaults of {@link ExchangeLimits}. */
export const DEFAULT_LIMITS: ExchangeLimits = {
	maxFileBytes: 128 * 1024 * 1024,
	maxSessionBytes: 256 * 1024 * 1024,
	importSliceMs: 5000,
	applyLeaseMs: 60_000,
	exportLeaseMs: 15 * 60_000,
	sessionIdleMs: 30 * 60_000,
	sessionAbsoluteMs: 4 * 3_600_000,
	loginFailuresPerMinute: 10,
	maxApiBodyBytes: 1024 * 1024,
	adminFailuresPerMinute: 10,
	parseWorkerMinBytes: 4 * 1024 * 1024,
};

/** Files served under `/admin` (the demo admin page and the widget bundle), read by the runtime entry. */
export interface AdminAssets {
	page(): Promise<string | null>;
	widgetJs(): Promise<Uint8Array | null>;
}

/** Everything `createExchangeApp` needs. */
export interface ExchangeAppOptions {
	store: ExchangeStore;
	clock?: Clock;
	limits?: Partial<ExchangeLimits>;
	/** SHA-256 hex of the admin bearer token; without it (and without `verifyAdminToken`) the admin API answers 401. */
	adminTokenHash?: string | null;
	/** Custom admin token check (overrides `adminTokenHash`). */
	verifyAdminToken?: (token: string) => Promise<boolean> | boolean;
	adminAssets?: AdminAssets;
	/**
	 * The peer's address (runtime-specific, e.g. `getConnInfo` on Node; `CF-Connecting-IP` on Workers). With
	 * `trustProxy`, a trusted peer's `X-Forwarded-For` / `Forwarded` replaces it as the client address used by login
	 * throttling, `allowedIps` and the journal. Default: "unknown".
	 */
	clientIp?: (c: Context) => string | undefined;
	/** Which peers may report the client address, scheme and host (`TRUST_PROXY`, see `parseTrustProxy`). Default off. */
	trustProxy?: TrustProxy;
	/** The public base URL (`PUBLIC_URL`) the exchange URL and admin links are built from; default: from the request. */
	publicUrl?: string;
	/** PBKDF2 iterations for newly set node passwords. Default 100 000. */
	passwordIterations?: number;
	/** `fetch` used for webhooks. Default: global fetch. */
	fetch?: typeof fetch;
	/** How long one webhook POST may take before it is aborted and retried (ms). Default 10 000. */
	webhookTimeoutMs?: number;
	/** Called for unexpected errors (default console.error). */
	onError?: (err: unknown) => void;
	/**
	 * Origins (e.g. `https://shop.example`) of admin panels allowed to call `/api/v1` from a browser (CORS, preflight
	 * included). Default none: CORS is off and only same-origin pages (like `/admin`) can call the API. Apps read the
	 * comma-separated `ADMIN_CORS_ORIGINS`.
	 */
	adminCorsOrigins?: string[];
	/**
	 * CSP `frame-ancestors` of the `/admin` page: who may embed it in a frame (default `["'self'"]`; e.g.
	 * `["'self'", "https://shop.example"]` when the shop's back office frames it). `X-Frame-Options` follows.
	 */
	adminFrameAncestors?: string[];
	/**
	 * Receives one structured entry per request (log.ts: `/exim_1c` with node, session, mode, reply, reason, status,
	 * duration and bytes; the admin API and page with method, route, status, duration). Default: no logging. Entries
	 * never carry a password, token, cookie or `sessid` value.
	 */
	logger?: Logger | undefined;
	/**
	 * A bearer token accepted by `GET /metrics` besides the admin token (`METRICS_TOKEN`), so that the scraper needs no
	 * admin rights. Default: only the admin token.
	 */
	metricsToken?: string | undefined;
	/**
	 * The incremental SHA-256 of uploads (the import ledger's content hash). Default: pure JS on every runtime; Node,
	 * Bun and Deno pass `node:crypto`'s (`() => { const h = createHash("sha256"); return { update: (b) => h.update(b),
	 * hex: () => h.digest("hex") }; }`), ~10× faster. Any implementation must give the same digest.
	 */
	sha256?: Sha256Factory;
	/**
	 * Starts a thread that parses a big upload while this one plans and writes its documents (parse-worker.ts): the
	 * Node server passes one on `worker_threads`. Default: none, the import parses on the request's thread. Files
	 * under `limits.parseWorkerMinBytes` are always parsed on the request's thread.
	 */
	parseWorker?: ParseWorkerFactory;
}

/** @internal Options with defaults applied. */
export interface ResolvedOptions
	extends Required<
		Omit<
			ExchangeAppOptions,
			| "adminAssets"
			| "verifyAdminToken"
			| "adminTokenHash"
			| "limits"
			| "adminFrameAncestors"
			| "trustProxy"
			| "publicUrl"
			| "logger"
			| "metricsToken"
			| "adminCorsOrigins"
			| "parseWorker"
		>
	> {
	limits: ExchangeLimits;
	adminAssets: AdminAssets | null;
	verifyAdminToken: ((token: string) => Promise<boolean> | boolean) | null;
	adminTokenHash: string | null;
	adminCorsOrigins: string[];
	adminFrameAncestors: string[];
	trustProxy: TrustProxy;
	publicUrl: string | undefined;
	logger: Logger | null;
	metricsToken: string | null;
	parseWorker: ParseWorkerFactory | null;
	/** The public base URL for this request (`publicUrl`, else the request's, corrected by a trusted proxy). */
	baseUrl: (c: Context) => string;
}

/** @internal */
export function resolveOptions(o: ExchangeAppOptions): ResolvedOptions {
	const trustProxy = o.trustProxy ?? { kind: "off" };
	const peer = o.clientIp ?? (() => undefined);
	const view = (c: Context) => clientView(trustProxy, peer(c), c.req.raw.headers);
	return {
		store: o.store,
		clock: o.clock ?? { now: () => new Date() },
		limits: { ...DEFAULT_LIMITS, ...o.limits },
		adminTokenHash: o.adminTokenHash ?? null,
		verifyAdminToken: o.verifyAdminToken ?? null,
		adminAssets: o.adminAssets ?? null,
		clientIp: trustProxy.kind === "off" ? peer : (c) => view(c).ip,
		trustProxy,
		publicUrl: o.publicUrl,
		baseUrl: (c) =>
			publicBase(o.publicUrl, c.req.url, trustProxy.kind === "off" ? { ip: undefined, proto: undefined, host: undefined } : view(c)),
		passwordIterations: o.passwordIterations ?? 100_000,
		fetch: o.fetch ?? ((...a) => fetch(...a)),
		webhookTimeoutMs: o.webhookTimeoutMs ?? 10_000,
		onError: o.onError ?? ((e) => console.error(e)),
		sha256: o.sha256 ?? nobleSha256,
		adminCorsOrigins: o.adminCorsOrigins ?? [],
		adminFrameAncestors: o.adminFrameAncestors ?? ["'self'"],
		logger: o.logger ?? null,
		metricsToken: o.metricsToken || null,
		parseWorker: o.parseWorker ?? null,
	};
}
