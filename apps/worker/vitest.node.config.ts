import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";

/** Node-side tests of the worker: `wrangler dev` as a real process (the workerd-side tests are in vitest.config.ts). */
export default mergeConfig(shared, defineProject({ test: { name: "worker-dev", include: ["test-node/**/*.test.ts"] } }));
