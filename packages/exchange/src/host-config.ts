/**
 * @module
 * The host configuration every runtime entry (Node, Bun, Deno, workerd) reads from its environment: where
 * the libSQL database is, the admin token and the `default` 1C node's credentials (the УТ 11 / УНФ "пользователь" and
 * "пароль" of the exchange node). Pure: the caller passes its env object (`process.env`, `Bun.env`,
 * `Deno.env.toObject()`, or the worker's bindings); the app itself never reads env.
 */

/** Settings shared by all runtime entries. */
export interface HostConfig {
	/** TCP port to listen on (`PORT`, default 8080; 0 = any free port). Ignored by workers. */
	port: number;
	/** Interface to bind (`HOST`, default 0.0.0.0). Ignored by workers. */
	host: string;
	/** libSQL URL (`DATABASE_URL`): `file:…`, `:memory:`, `libsql://…`, `http(s)://…`. Default `file:./data/obmen.db`. */
	databaseUrl: string;
	/** Token of a remote libSQL database (`DATABASE_AUTH_TOKEN`). */
	databaseAuthToken: string | undefined;
	/** Admin API bearer token (`OBMEN_ADMIN_TOKEN`); without it one is generated at first start and stored hashed. */
	adminToken: string | undefined;
	/** Login of the `default` 1C node (`OBMEN_1C_LOGIN`), typed into 1C's exchange node settings. */
	oneCLogin: string | undefined;
	/** Its password (`OBMEN_1C_PASSWORD`). */
	oneCPassword: string | undefined;
}

/** Environment-like input: any record of optional strings (worker bindings may hold other types; they are ignored). */
export type EnvLike = Record<string, unknown>;

const text = (env: EnvLike, key: string): string | undefined => {
	const v = env[key];
	return typeof v === "string" && v !== "" ? v : undefined;
};

/** Reads {@link HostConfig} from `env`; throws on an invalid `PORT`. */
export function readHostConfig(env: EnvLike): HostConfig {
	const rawPort = text(env, "PORT");
	const port = Number(rawPort ?? 8080);
	if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`PORT must be 0..65535, got ${rawPort}`);
	return {
		port,
		host: text(env, "HOST") ?? "0.0.0.0",
		databaseUrl: text(env, "DATABASE_URL") ?? "file:./data/obmen.db",
		databaseAuthToken: text(env, "DATABASE_AUTH_TOKEN"),
		adminToken: text(env, "OBMEN_ADMIN_TOKEN"),
		oneCLogin: text(env, "OBMEN_1C_LOGIN"),
		oneCPassword: text(env, "OBMEN_1C_PASSWORD"),
	};
}
