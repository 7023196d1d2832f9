/**
 * @module
 * The host configuration every runtime entry (Node, Bun, Deno, workerd) reads from its environment: where
 * the libSQL database is, the admin token and the `default` 1C node's credentials (the УТ 11 / УНФ "пользователь" and
 * "пароль" of the exchange node). Pure: the caller passes its env object (`process.env`, `Bun.env`,
 * `Deno.env.toObject()`, or the worker's bindings); the app itself never reads env.
 */

import { type LogFormat, parseLogFormat } from "./log.ts";
import { parsePublicUrl, parseTrustProxy, type TrustProxy } from "./proxy.ts";

/** Settings shared by all runtime entries. */
export interface HostConfig {
	/** TCP port to listen on (`PORT`, default 8080; 0 = any free port). Ignored by workers. */
	port: number;
	/** Interface to bind (`HOST`, default 0.0.0.0). Ignored by workers. */
	host: string;
	/**
	 * Directory of the local database (`OBMEN_DATA_DIR`). Default: the entry's own default (the `data` directory at the
	 * root of the checkout for Node, Bun and Deno; `/data` in the Docker image), else `./data`.
	 */
	dataDir?: string;
	/** libSQL URL (`DATABASE_URL`): `file:…`, `:memory:`, `libsql://…`, `http(s)://…`. Default `file:<dataDir>/obmen.db`. */
	databaseUrl: string;
	/** Token of a remote libSQL database (`DATABASE_AUTH_TOKEN`). */
	databaseAuthToken: string | undefined;
	/** Admin API bearer token (`OBMEN_ADMIN_TOKEN`); without it one is generated at first start and stored hashed. */
	adminToken: string | undefined;
	/** Login of the `default` 1C node (`OBMEN_1C_LOGIN`), typed into 1C's exchange node settings. */
	oneCLogin: string | undefined;
	/** Its password (`OBMEN_1C_PASSWORD`). */
	oneCPassword: string | undefined;
	/** Public base URL (`PUBLIC_URL`, e.g. `https://shop.example/obmen`) of the exchange URL and admin links. */
	publicUrl?: string | undefined;
	/** Proxies trusted for the client address, scheme and host (`TRUST_PROXY`: off, a hop count or addresses). */
	trustProxy?: TrustProxy;
	/**
	 * Request logs on stdout (`LOG_FORMAT`: `json` one object per line, `pretty`, or `off`); default `pretty` on a
	 * terminal, else `json`. See log.ts.
	 */
	logFormat?: LogFormat;
	/** A bearer token for `GET /metrics` besides the admin token (`METRICS_TOKEN`). */
	metricsToken?: string | undefined;
	/** Origins of admin panels allowed to call `/api/v1` from a browser (`ADMIN_CORS_ORIGINS`, comma list; default none). */
	adminCorsOrigins?: string[];
}

/** Environment-like input: any record of optional strings (worker bindings may hold other types; they are ignored). */
export type EnvLike = Record<string, unknown>;

const text = (env: EnvLike, key: string): string | undefined => {
	const v = env[key];
	return typeof v === "string" && v !== "" ? v : undefined;
};

/**
 * Reads {@link HostConfig} from `env`; throws on an invalid `PORT`, `PUBLIC_URL`, `TRUST_PROXY` or `LOG_FORMAT`.
 * `defaults.dataDir` is the entry's default database directory (used when `OBMEN_DATA_DIR` is not set);
 * `defaults.stdoutIsTty` picks the default log format (`pretty` on a terminal, else `json`).
 */
export function readHostConfig(env: EnvLike, defaults: { dataDir?: string; stdoutIsTty?: boolean } = {}): HostConfig {
	const rawPort = text(env, "PORT");
	const port = Number(rawPort ?? 8080);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0..65535, got ${rawPort}`);
	const dataDir = (text(env, "OBMEN_DATA_DIR") ?? defaults.dataDir ?? "./data").replace(/\/+$/, "") || "/";
	return {
		port,
		host: text(env, "HOST") ?? "0.0.0.0",
		dataDir,
		databaseUrl: text(env, "DATABASE_URL") ?? `file:${dataDir === "/" ? "" : dataDir}/obmen.db`,
		databaseAuthToken: text(env, "DATABASE_AUTH_TOKEN"),
		adminToken: text(env, "OBMEN_ADMIN_TOKEN"),
		oneCLogin: text(env, "OBMEN_1C_LOGIN"),
		oneCPassword: text(env, "OBMEN_1C_PASSWORD"),
		publicUrl: parsePublicUrl(text(env, "PUBLIC_URL")),
		trustProxy: parseTrustProxy(text(env, "TRUST_PROXY")),
		logFormat: parseLogFormat(text(env, "LOG_FORMAT"), defaults.stdoutIsTty ?? false),
		metricsToken: text(env, "METRICS_TOKEN"),
		adminCorsOrigins: parseOrigins(text(env, "ADMIN_CORS_ORIGINS")),
	};
}

/** `ADMIN_CORS_ORIGINS`: a comma list of origins (`https://shop.example`, `http://localhost:3000`); throws on a non-origin. */
export function parseOrigins(v: string | undefined): string[] {
	const list = (v ?? "")
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);
	for (const origin of list) {
		let ok = false;
		try {
			const u = new URL(origin);
			ok = (u.protocol === "http:" || u.protocol === "https:") && u.origin === origin;
		} catch {}
		if (!ok) throw new Error(`ADMIN_CORS_ORIGINS: "${origin}" is not an origin (scheme://host[:port], no path or trailing slash)`);
	}
	return list;
}
