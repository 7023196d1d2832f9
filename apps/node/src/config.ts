/**
 * @module Reads the server configuration from the environment (only here; the app itself never reads env).
 */

/** Server configuration. */
export interface ServerConfig {
	port: number;
	host: string;
	/** libSQL URL: `file:…`, `:memory:`, `libsql://…`, `http(s)://…`. */
	databaseUrl: string;
	databaseAuthToken: string | undefined;
	adminToken: string | undefined;
	oneCLogin: string | undefined;
	oneCPassword: string | undefined;
	demo: boolean;
}

/** Builds the configuration from `env` and argv (`--demo`). */
export function readConfig(env: Record<string, string | undefined>, argv: string[]): ServerConfig {
	const port = Number(env.PORT ?? 8080);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0..65535, got ${env.PORT}`);
	return {
		port,
		host: env.HOST || "0.0.0.0",
		databaseUrl: env.DATABASE_URL || "file:./data/obmen.db",
		databaseAuthToken: env.DATABASE_AUTH_TOKEN || undefined,
		adminToken: env.OBMEN_ADMIN_TOKEN || undefined,
		oneCLogin: env.OBMEN_1C_LOGIN || undefined,
		oneCPassword: env.OBMEN_1C_PASSWORD || undefined,
		demo: argv.includes("--demo"),
	};
}
