import { execFile } from "node:child_process";
import { fileURLToPath } from "node:url";
import { describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../../", import.meta.url));
const script = fileURLToPath(new URL("../test-support/runtime-smoke.ts", import.meta.url));

describe("the exchange app under Bun", () => {
	it("runs the protocol smoke sequence with a :memory: libSQL store", async () => {
		const stdout = await new Promise<string>((resolve, reject) => {
			execFile(
				`${root}node_modules/.bin/bun`,
				["--conditions=@obmen/source", script],
				{ cwd: root, timeout: 60_000 },
				(err, out, errOut) => (err ? reject(new Error(`${err.message}\n${errOut}`)) : resolve(out)),
			);
		});
		const result = JSON.parse(stdout.trim().split("\n").at(-1) ?? "{}");
		expect(result).toEqual({
			runtime: "bun",
			noAuthStatus: 401,
			checkauth: "success",
			catalog: "success",
			init: "zip=yes\nfile_limit=8388608\n",
			put: 201,
			queryType: "application/xml; charset=windows-1251",
			queryHasOrder: true,
			success: "success\n",
			queryAfter: false,
			file: "success\n",
			import: "success",
			paid: true,
			unknown: "failure\nUnknown mode: zzz\n",
		});
	});
});
