import { defineConfig } from "vitest/config";
import { locateConformance } from "./scripts/conformance.ts";

const conformance = locateConformance();

/**
 * Shared vitest config: resolve workspace packages from their TypeScript sources, and tell the conformance tests
 * (`*.conformance.test.ts`) where the corpus is: `OBMEN_CONFORMANCE_CORPUS` (empty when absent) and
 * `OBMEN_CONFORMANCE_REASON` (see scripts/conformance.ts). Servers started by tests (in process or as children) write no
 * request log lines unless a test asks for them (`LOG_FORMAT`): the suite's output stays readable.
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
