import { cloudflareTest } from "@cloudflare/vitest-pool-workers";
import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

/**
 * Tests run inside workerd (the worker's own runtime). The worker's store is miniflare's local D1 (the `DB` binding of
 * wrangler.jsonc); `CONFORMANCE_DB` is a second local D1 database for the store conformance suite. Remote libSQL is
 * served by the Hrana shim started in globalSetup.
 */
export default mergeConfig(
	shared,
	defineProject({
		plugins: [
			cloudflareTest(() => ({
				wrangler: { configPath: "./wrangler.jsonc" },
				miniflare: {
					d1Databases: { CONFORMANCE_DB: "conformance" },
					bindings: {
						OBMEN_ADMIN_TOKEN: "worker-admin",
						OBMEN_1C_LOGIN: "ut",
						OBMEN_1C_PASSWORD: "pw-worker",
					},
				},
			})),
		],
		// The shared config's ssr conditions would hide the plugin's worker conditions (and pick Node builds, e.g. `ws`).
		ssr: { resolve: { conditions: ["workerd", "worker", "module", "browser"] } },
		test: { name: "worker", include: ["src/**/*.test.ts", "test-support/**/*.test.ts"], globalSetup: ["./test-support/global-setup.ts"] },
	}),
);
