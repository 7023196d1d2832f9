/**
 * The Bun entry as a real process: `bun --conditions=@obmen/source src/main.ts` on 127.0.0.1 with a temp file DB,
 * driven through a full exchange by the УТ 11 emulator, then stopped by PID (SIGTERM → clean exit).
 */
import { checkRuntimeEntry } from "@obmen/testing/runtime-entry";
import type { ServerProcess } from "@obmen/testing/spawn";
import { afterAll, describe, it } from "vitest";

let server: ServerProcess | undefined;
afterAll(() => server?.stop());

describe("apps/bun", () => {
	it("serves a full 1C exchange from a file database and stops cleanly on SIGTERM", async () => {
		await checkRuntimeEntry({ runtime: "bun", args: () => ["--conditions=@obmen/source", "src/main.ts"] }, (s) => {
			server = s;
		});
	}, 120_000);
});
