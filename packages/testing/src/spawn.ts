/**
 * @module
 * The one way tests start a server process (the built Node server, Bun, Deno, `wrangler dev`, the reliability child):
 * spawn it, wait for the URL it prints, read what it printed, stop it by PID. Also builds the dist such processes run.
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, rmdirSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

/** The repository root (with a trailing slash). */
export const ROOT = fileURLToPath(new URL("../../../", import.meta.url));

/** A spawned server process. */
export interface ServerProcess {
	/** Base URL taken from the banner, e.g. http://127.0.0.1:41234. */
	url: string;
	child: ChildProcess;
	/** Everything the process printed so far (stdout and stderr). */
	output(): string;
	/** Resolves with the output once it matches `pattern` (output arrives in chunks: the banner may not be complete yet). */
	waitFor(pattern: RegExp | string, timeoutMs?: number): Promise<string>;
	/** SIGTERM, then SIGKILL after `graceMs`; resolves with the exit code (null when killed by a signal). */
	stop(graceMs?: number): Promise<number | null>;
	/** SIGKILL (a crash: no shutdown runs); resolves once the process is gone. */
	kill9(): Promise<void>;
}

/** Options of {@link spawnServer}. */
export interface SpawnOptions {
	/** Working directory (default: the repository root). */
	cwd?: string;
	/** Added to this process's environment. */
	env?: Record<string, string>;
	/** Pattern whose first group is the base URL (default: Obmen's "listening on <url>" banner). */
	ready?: RegExp;
	/** How long to wait for the ready line (default 20 s). */
	timeoutMs?: number;
	/** Open an IPC channel to the child (`child.send`, `child.on("message")`). */
	ipc?: boolean;
}

/** Starts `command args…` and resolves once its output matches `ready`; rejects (and kills it) on exit or timeout. */
export function spawnServer(command: string, args: string[], opts: SpawnOptions = {}): Promise<ServerProcess> {
	const child = spawn(command, args, {
		cwd: opts.cwd ?? ROOT,
		env: { ...process.env, ...opts.env },
		stdio: opts.ipc ? ["ignore", "pipe", "pipe", "ipc"] : ["ignore", "pipe", "pipe"],
	});
	let out = "";
	const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
	const stop = async (graceMs = 3000): Promise<number | null> => {
		if (child.exitCode !== null || child.signalCode !== null) return child.exitCode;
		child.kill("SIGTERM");
		const timer = setTimeout(() => child.kill("SIGKILL"), graceMs);
		const code = await exited;
		clearTimeout(timer);
		return code;
	};
	const kill9 = async (): Promise<void> => {
		if (child.exitCode === null && child.signalCode === null) child.kill("SIGKILL");
		await exited;
	};
	const ready = opts.ready ?? /listening on (http:\/\/\S+)/i;
	const waitFor = async (pattern: RegExp | string, timeoutMs = 5000): Promise<string> => {
		const hit = () => (typeof pattern === "string" ? out.includes(pattern) : pattern.test(out));
		const deadline = Date.now() + timeoutMs;
		while (!hit()) {
			if (Date.now() > deadline) throw new Error(`output never matched ${pattern}:\n${out}`);
			await new Promise((r) => setTimeout(r, 20));
		}
		return out;
	};
	return new Promise((resolve, reject) => {
		const fail = (why: string) => {
			clearTimeout(timer);
			void stop(500);
			reject(new Error(`${command} ${args.join(" ")}: ${why}\n${out}`));
		};
		const timer = setTimeout(() => fail("no ready line in time"), opts.timeoutMs ?? 20_000);
		const onData = (d: Buffer) => {
			out += String(d);
			const m = ready.exec(out);
			if (m?.[1]) {
				clearTimeout(timer);
				resolve({ url: m[1], child, output: () => out, waitFor, stop, kill9 });
			}
		};
		child.stdout?.on("data", onData);
		child.stderr?.on("data", onData);
		child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
		child.once("error", (e) => fail(e.message));
	});
}

/**
 * Builds the dist that spawned Node servers run (Node 20 cannot run .ts): `tsc -b` of core, db, exchange and
 * apps/node, incremental (fast when up to date); a lock directory keeps parallel suites from building at once.
 */
export async function ensureBuilt(): Promise<void> {
	const lock = join(tmpdir(), `obmen-build-lock-${Buffer.from(ROOT).toString("hex").slice(-24)}`);
	const t0 = Date.now();
	for (;;) {
		try {
			mkdirSync(lock);
			break;
		} catch {
			if (Date.now() - t0 > 120_000) break; // a stale lock: build anyway
			await new Promise((r) => setTimeout(r, 200));
		}
	}
	try {
		execFileSync(
			process.execPath,
			[join(ROOT, "node_modules/typescript/bin/tsc"), "-b", "packages/core", "packages/db", "packages/exchange", "apps/node"],
			{ cwd: ROOT, stdio: "pipe" },
		);
	} finally {
		try {
			rmdirSync(lock);
		} catch {}
	}
}

/**
 * Starts the built Node server (`apps/node/dist/main.js`, see {@link ensureBuilt}) on 127.0.0.1 with a free port,
 * configured by `env` like in production.
 */
export function startBuiltServer(env: Record<string, string>, opts: Omit<SpawnOptions, "env"> = {}): Promise<ServerProcess> {
	return spawnServer(process.execPath, [join(ROOT, "apps/node/dist/main.js")], {
		timeoutMs: 30_000,
		...opts,
		env: { HOST: "127.0.0.1", PORT: "0", ...env },
	});
}
