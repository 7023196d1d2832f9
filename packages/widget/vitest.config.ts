import { playwright } from "@vitest/browser-playwright";
import { defineProject, mergeConfig } from "vitest/config";
import shared from "../../vitest.shared.ts";
import { e2eCommands } from "./test/e2e-commands.ts";

/**
 * The widget's tests run in real headless Chromium (the Debian package at /usr/bin/chromium)
 * through vitest browser mode and Playwright. The e2e commands run on the Node side and drive
 * a second page against the real exchange server started by `test/global-setup.ts`.
 */
export default mergeConfig(
	shared,
	defineProject({
		test: {
			name: "widget",
			include: ["src/**/*.test.ts", "test/**/*.test.ts"],
			globalSetup: ["./test/global-setup.ts"],
			browser: {
				enabled: true,
				headless: true,
				screenshotFailures: false,
				provider: playwright({
					actionTimeout: 5_000,
					// big enough that vitest never scales the test iframe down, so screenshots are 1:1
					contextOptions: { viewport: { width: 1400, height: 2900 } },
					launchOptions: {
						executablePath: process.env.CHROMIUM_PATH ?? "/usr/bin/chromium",
						args: [
							"--no-sandbox",
							"--disable-gpu",
							"--disable-quic",
							"--no-first-run",
							"--disable-background-networking",
							"--disable-component-update",
							"--disable-sync",
						],
					},
				}),
				viewport: { width: 1100, height: 2700 },
				instances: [{ browser: "chromium" }],
				commands: e2eCommands,
			},
		},
	}),
);
