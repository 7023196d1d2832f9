/**
 * The Deno entry as a real process: `deno run --conditions=@obmen/source <narrow permissions> src/main.ts` on
 * 127.0.0.1 with a temp file DB (writes allowed only there), driven through a full exchange by the УТ 11 emulator,
 * then stopped by PID (SIGTERM → clean exit).
 */
import { checkRuntimeEntry } from "@obmen/testing/runtime-entry";
import type { ServerProcess } from "@obmen/testing/spawn";
import { afterAll, describe, it } from "vitest";

let server: ServerProcess | undefined;
afterAll(() => server?.stop());

describe("apps/deno", () => {
	it("serves a full 1C exchange from a file database and stops cleanly on SIGTERM", async () => {
		const permissions = (dir: string) => [
			"--allow-net=127.0.0.1",
			"--allow-env",
			"--allow-read",
			`--allow-write=${dir}`,
			"--allow-sys",
			"--allow-ffi",
		];
		await checkRuntimeEntry(
			{
				runtime: "deno",
				args: (dir) => ["run", "--conditions=@obmen/source", ...permissions(dir), "src/main.ts"],
				env: { DENO_NO_UPDATE_CHECK: "1" },
			},
			(s) => {
				server = s;
			},
		);
	}, 120_000);
});
