import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const ROOT = fileURLToPath(new URL("../../../", import.meta.url));
const SUITE = fileURLToPath(new URL("./test-support/runtime-suite.ts", import.meta.url));
const bin = (name: string) => `${ROOT}node_modules/.bin/${name}`;

const runtimes: Array<[string, string[]]> = [
	["bun", ["--conditions=@obmen/source", SUITE]],
	["deno", ["run", "--conditions=@obmen/source", "-A", SUITE]],
];

describe("@obmen/core under other runtimes (runtime-suite.ts)", () => {
	it.each(runtimes)("%s: fixtures, round trip, cp1251, zip and hostile inputs pass", (name, args) => {
		expect(existsSync(bin(name)), `${name} is a pinned devDependency`).toBe(true);
		const r = spawnSync(bin(name), args, {
			cwd: ROOT,
			encoding: "utf8",
			timeout: 60_000,
			env: { ...process.env, DENO_NO_UPDATE_CHECK: "1", NO_COLOR: "1" },
		});
		expect(r.status, r.stderr).toBe(0);
		const line = r.stdout.trim().split("\n").at(-1) ?? "";
		const result = JSON.parse(line) as { runtime: string; passed: number; failed: number; failures: string[] };
		expect(result.runtime.startsWith(name)).toBe(true);
		expect(result.failures).toEqual([]);
		expect(result.passed).toBeGreaterThanOrEqual(23);
	});
});
