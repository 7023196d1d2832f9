/**
 * @module
 * Reads the server configuration from the environment (only here; the app itself never reads env).
 * The variables are shared with the Bun, Deno and worker entries (see `readHostConfig` in @obmen/exchange).
 */
import { type HostConfig, readHostConfig } from "@obmen/exchange";
import { CHECKOUT_DATA_DIR } from "./paths.ts";

/** Server configuration: the shared host settings plus Node's `--demo` flag and parse worker. */
export interface ServerConfig extends HostConfig {
	demo: boolean;
	/**
	 * Big 1C order files are parsed on a worker thread while the request's thread plans and writes them
	 * (`OBMEN_PARSE_WORKER`: `on`, the default, or `off`, e.g. on a one-core machine; parse-thread.ts).
	 */
	parseWorker?: boolean;
}

/** `OBMEN_PARSE_WORKER`: `on` (default) or `off`; throws on anything else. */
export function parseWorkerSetting(v: string | undefined): boolean {
	if (v === undefined || v === "" || v === "on") return true;
	if (v === "off") return false;
	throw new Error(`OBMEN_PARSE_WORKER must be on or off, got ${v}`);
}

/** Builds the configuration from `env` and argv (`--demo`). */
export function readConfig(env: Record<string, string | undefined>, argv: string[]): ServerConfig {
	return {
		...readHostConfig(env, { dataDir: CHECKOUT_DATA_DIR, stdoutIsTty: process.stdout.isTTY === true }),
		demo: argv.includes("--demo"),
		parseWorker: parseWorkerSetting(env.OBMEN_PARSE_WORKER),
	};
}
