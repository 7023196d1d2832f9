import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { defineConfig } from "vitest/config";
import { locateConformance } from "./scripts/conformance.ts";

const conformance = locateConformance();

// Every temporary file of the run (databases, uploads, servers' files, browser profiles), made by tests, their worker
// threads or their child processes through `os.tmpdir()`, lands in one directory of this run, removed when it ends.
// The process that runs the suite evaluates this module once per project config (each is bundled on its own), before
// any test starts: the first makes the directory, the others find it in TMPDIR (nested directories would make paths
// too long for a browser's socket).
const RUN_TMP_PREFIX = "obmen-test-run-";
if (!basename(tmpdir()).startsWith(RUN_TMP_PREFIX)) {
	const runTmp = mkdtempSync(join(tmpdir(), RUN_TMP_PREFIX));
	// TMPDIR on POSIX; Windows reads TEMP/TMP
	for (const name of ["TMPDIR", "TEMP", "TMP"]) process.env[name] = runTmp;
	process.on("exit", () => {
		try {
			rmSync(runTmp, { recursive: true, force: true, maxRetries: 3 });
		} catch {
			// a process of a test still writing there: the directory stays, the run's result does not change
		}
	});
}

/**
 * Shared vitest config: resolve workspace packages from their TypeScript sources, and tell the conformance tests
 * (`*.conformance.test.ts`) where the corpus is: `OBMEN_CONFORMANCE_CORPUS` (empty when absent) and
 * `OBMEN_CONFORMANCE_REASON` (see scripts/conformance.ts). Servers started by tests (in process or as children) write no
 * request log lines unless a test asks for them (`LOG_FORMAT`): the suite's output stays readable. Temporary files go
 * to a directory of the run (`TMPDIR`), removed at its end.
 */
export default defineConfig({
	resolve: { conditions: ["@obmen/source"] },
	ssr: { resolve: { conditions: ["@obmen/source"] } },
	test: {
		testTimeout: 30_000,
		hookTimeout: 60_000,
		env: {
			OBMEN_CONFORMANCE_CORPUS: conformance.dir ?? "",
			OBMEN_CONFORMANCE_REASON: conformance.reason,
			LOG_FORMAT: "off",
		},
	},
});
