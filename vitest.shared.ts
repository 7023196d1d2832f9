import { defineConfig } from "vitest/config";

/** Shared vitest config: resolve workspace packages from their TypeScript sources. */
export default defineConfig({
	resolve: { conditions: ["@obmen/source"] },
	ssr: { resolve: { conditions: ["@obmen/source"] } },
	test: { testTimeout: 30_000, hookTimeout: 60_000 },
});
