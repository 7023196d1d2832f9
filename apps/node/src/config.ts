/**
 * @module
 * Reads the server configuration from the environment (only here; the app itself never reads env).
 * The variables are shared with the Bun, Deno and worker entries (see `readHostConfig` in @obmen/exchange).
 */
import { type HostConfig, readHostConfig } from "@obmen/exchange";
import { CHECKOUT_DATA_DIR } from "./paths.ts";

/** Server configuration: the shared host settings plus Node's `--demo` flag. */
export interface ServerConfig extends HostConfig {
	demo: boolean;
}

/** Builds the configuration from `env` and argv (`--demo`). */
export function readConfig(env: Record<string, string | undefined>, argv: string[]): ServerConfig {
	return {
		...readHostConfig(env, { dataDir: CHECKOUT_DATA_DIR, stdoutIsTty: process.stdout.isTTY === true }),
		demo: argv.includes("--demo"),
	};
}
