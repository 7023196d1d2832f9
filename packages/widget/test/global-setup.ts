/**
 * Starts the real Obmen server (apps/node's `startServer`, in-process, port 0, a temporary libSQL file)
 * for the widget's end-to-end test, after building `dist/obmen-widget.js` that it serves at
 * `/admin/obmen-widget.js`. Seeds it through the public admin API: the demo orders and one 1C node.
 *
 * If anything is missing (e.g. the server package cannot start), the e2e test is skipped with the reason.
 * Set OBMEN_WIDGET_E2E=0 to skip it on purpose.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import type { TestProject } from "vitest/node";

/** What the browser-side e2e test gets through `inject("obmenServer")`. */
export interface E2eServer {
	url: string;
	token: string;
	nodeId: string;
	login: string;
	password: string;
}

/** Node-side helpers the browser commands call (they live in the same process as this setup). */
export interface E2eHelpers {
	runEmulator(): Promise<{ ok: boolean; steps: string[]; deviations: string[] }>;
}

/** @internal */
export const E2E_HELPERS = Symbol.for("obmen.widget.e2e");

declare module "vitest" {
	export interface ProvidedContext {
		obmenServer: E2eServer | null;
		obmenServerSkip: string;
		/** A second server with no 1C node (a fresh `npm start`). */
		obmenFreshServer: { url: string; token: string } | null;
		/** A third server with no 1C node, for a test that sets up its own node and orders (content conflicts). */
		obmenScratchServer: { url: string; token: string } | null;
	}
}

const widgetRoot = fileURLToPath(new URL("..", import.meta.url));

interface Started {
	server: E2eServer | null;
	fresh: { url: string; token: string } | null;
	scratch: { url: string; token: string } | null;
	skip: string;
	stop: () => Promise<void>;
}

const SHARED = Symbol.for("obmen.widget.e2e.server");

/**
 * vitest runs global setups for the browser project and for its chromium instance; both must see the
 * same server (the commands reach it through one global), so it is started once and reference-counted.
 */
export default async function setup(project: TestProject): Promise<() => Promise<void>> {
	const g = globalThis as Record<symbol, unknown>;
	const shared = (g[SHARED] ??= { users: 0, started: start() }) as { users: number; started: Promise<Started> };
	shared.users++;
	const started = await shared.started;
	project.provide("obmenServer", started.server);
	project.provide("obmenServerSkip", started.skip);
	project.provide("obmenFreshServer", started.fresh);
	project.provide("obmenScratchServer", started.scratch);
	return async () => {
		if (--shared.users > 0) return;
		delete g[SHARED];
		await started.stop();
	};
}

async function start(): Promise<Started> {
	if (process.env.OBMEN_WIDGET_E2E === "0")
		return { server: null, fresh: null, scratch: null, skip: "OBMEN_WIDGET_E2E=0", stop: async () => {} };
	const dir = mkdtempSync(join(tmpdir(), "obmen-widget-e2e-"));
	let close: (() => Promise<void>) | null = null;
	let closeFresh: (() => Promise<void>) | null = null;
	let closeScratch: (() => Promise<void>) | null = null;
	const stop = async () => {
		delete (globalThis as Record<symbol, unknown>)[E2E_HELPERS];
		await close?.();
		await closeFresh?.();
		await closeScratch?.();
		rmSync(dir, { recursive: true, force: true });
	};
	try {
		const { build } = await import("vite");
		await build({ configFile: join(widgetRoot, "vite.config.ts"), root: widgetRoot, logLevel: "warn", build: { emptyOutDir: false } });

		const app = await import("@obmen/app-node");
		const token = `e2e-${crypto.randomUUID()}`;
		const server = await app.startServer({
			port: 0,
			host: "127.0.0.1",
			databaseUrl: `file:${join(dir, "e2e.db")}`,
			databaseAuthToken: undefined,
			adminToken: token,
			oneCLogin: undefined,
			oneCPassword: undefined,
			demo: false,
		});
		close = server.close;
		const url = server.url;
		const api = async (method: string, path: string, body?: unknown) => {
			const res = await fetch(`${url}${path}`, {
				method,
				headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
				body: body === undefined ? null : JSON.stringify(body),
			});
			if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
			return res.json() as Promise<Record<string, unknown>>;
		};
		for (const order of app.demoOrders(new Date())) await api("PUT", `/api/v1/orders/${encodeURIComponent(String(order.id))}`, order);
		const login = "e2e-1c";
		const password = "e2e-password";
		const node = await api("POST", "/api/v1/nodes", { name: "УТ 11 (e2e)", login, password, settings: { shipping: "none" } });
		const nodeId = String(node.id);

		const freshToken = `e2e-fresh-${crypto.randomUUID()}`;
		const fresh = await app.startServer({
			port: 0,
			host: "127.0.0.1",
			databaseUrl: `file:${join(dir, "fresh.db")}`,
			databaseAuthToken: undefined,
			adminToken: freshToken,
			oneCLogin: undefined,
			oneCPassword: undefined,
			demo: false,
		});
		closeFresh = fresh.close;
		const scratchToken = `e2e-scratch-${crypto.randomUUID()}`;
		const scratch = await app.startServer({
			port: 0,
			host: "127.0.0.1",
			databaseUrl: `file:${join(dir, "scratch.db")}`,
			databaseAuthToken: undefined,
			adminToken: scratchToken,
			oneCLogin: undefined,
			oneCPassword: undefined,
			demo: false,
		});
		closeScratch = scratch.close;

		const helpers: E2eHelpers = {
			async runEmulator() {
				const emu = await import("@obmen/emulator");
				// 1C loads the orders, then a manager marks order 1001 paid, so the upload half (file → import) runs too
				const report = await emu.sync("ut11", {
					url: `${url}/exim_1c`,
					login,
					password,
					infobase: new emu.Infobase(),
					beforeUpload: (base) => void base.pay("1001"),
				});
				return {
					ok: report.ok,
					steps: report.steps.map((s) => `${s.step} ${s.status} ${s.summary}`),
					deviations: report.deviations.map((d) => JSON.stringify(d)),
				};
			},
		};
		(globalThis as Record<symbol, unknown>)[E2E_HELPERS] = helpers;
		return {
			server: { url, token, nodeId, login, password },
			fresh: { url: fresh.url, token: freshToken },
			scratch: { url: scratch.url, token: scratchToken },
			skip: "",
			stop,
		};
	} catch (e) {
		await stop();
		// In CI a broken server must fail the run, not turn the end-to-end test into a silent skip.
		if (process.env.CI) throw e;
		return {
			server: null,
			fresh: null,
			scratch: null,
			skip: `real server unavailable: ${e instanceof Error ? e.message : String(e)}`,
			stop: async () => {},
		};
	}
}
