/**
 * Runtime smoke harness: spawns an Obmen server process (Node, Bun, Deno or `wrangler dev`), waits for the URL it
 * prints, and stops it by PID. Used by the apps' tests that serve the exchange on a real runtime.
 */
import { type ChildProcess, spawn } from "node:child_process";

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
}

/** Options of {@link spawnServer}. */
export interface SpawnOptions {
	cwd: string;
	env: Record<string, string>;
	/** Pattern whose first group is the base URL (default: Obmen's "listening on <url>" banner). */
	ready?: RegExp;
	timeoutMs?: number;
}

/** Starts `command args…` and resolves once its output matches `ready`; rejects (and kills it) on exit or timeout. */
export function spawnServer(command: string, args: string[], opts: SpawnOptions): Promise<ServerProcess> {
	const child = spawn(command, args, { cwd: opts.cwd, env: { ...process.env, ...opts.env }, stdio: ["ignore", "pipe", "pipe"] });
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
				resolve({ url: m[1], child, output: () => out, waitFor, stop });
			}
		};
		child.stdout?.on("data", onData);
		child.stderr?.on("data", onData);
		child.once("exit", (code, signal) => fail(`exited (${code ?? signal}) before it was ready`));
		child.once("error", (e) => fail(e.message));
	});
}
