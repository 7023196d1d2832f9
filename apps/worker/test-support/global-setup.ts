/**
 * vitest globalSetup of the "worker" project (runs in Node, before workerd starts): two Hrana shims on 127.0.0.1 over
 * temp SQLite files — one is the worker's `DATABASE_URL`, the other is for the shim's own protocol tests.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startHranaShim } from "@obmen/testing/hrana-shim";
import type { TestProject } from "vitest/node";

declare module "vitest" {
	export interface ProvidedContext {
		/** Hrana URL the worker's DATABASE_URL binding points at. */
		appDbUrl: string;
		/** A separate, empty Hrana database for the shim tests. */
		shimDbUrl: string;
	}
}

export default async function setup(project: TestProject) {
	const dir = mkdtempSync(join(tmpdir(), "obmen-worker-"));
	const app = await startHranaShim({ path: join(dir, "app.db") });
	const shim = await startHranaShim({ path: join(dir, "shim.db"), authToken: "shim-token", streamIdleMs: 1000 });
	project.provide("appDbUrl", app.url);
	project.provide("shimDbUrl", shim.url);
	return async () => {
		await Promise.all([app.close(), shim.close()]);
		rmSync(dir, { recursive: true, force: true });
	};
}
