/**
 * @module
 * One check for the Bun and Deno entries as real processes: `apps/<runtime>/src/main.ts` from sources on 127.0.0.1
 * with a temp file database (`OBMEN_DATA_DIR`), behind a trusted loopback proxy with a public URL, driven through a
 * full exchange by the УТ 11 emulator, checked to serve what the Node entry serves and to keep an idle connection,
 * writing one JSON log line per request with no secret in it, then stopped by PID (SIGTERM → clean exit).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { widgetAssetFiles } from "@obmen/app-node/assets";
import { expect } from "vitest";
import { idleConnectionSurvives } from "./keep-alive.ts";
import { servesWhatNodeServes } from "./runtime-parity.ts";
import { ROOT, type ServerProcess, spawnServer } from "./spawn.ts";
import { runStoreExchange } from "./store-exchange.ts";

/** A runtime entry to check. */
export interface RuntimeEntry {
	/** Names the binary (`node_modules/.bin/<runtime>`), the app folder (`apps/<runtime>`) and the credentials. */
	runtime: "bun" | "deno";
	/** The binary's arguments; `dir` is the temp directory that holds the database. */
	args(dir: string): string[];
	/** Extra environment. */
	env?: Record<string, string>;
}

/** Runs the check; `started` receives the process as soon as it listens (for the test's `afterAll` to stop it). */
export async function checkRuntimeEntry(entry: RuntimeEntry, started: (server: ServerProcess) => void): Promise<void> {
	const { runtime } = entry;
	const dir = mkdtempSync(join(tmpdir(), `obmen-${runtime}-`));
	// the database goes where OBMEN_DATA_DIR says; behind a proxy on loopback with a public URL
	const env = {
		HOST: "127.0.0.1",
		PORT: "0",
		OBMEN_DATA_DIR: join(dir, "db"),
		PUBLIC_URL: "https://shop.example/obmen",
		TRUST_PROXY: "loopback",
		LOG_FORMAT: "json",
	};
	const adminToken = `${runtime}-admin`;
	const password = `pw-${runtime}`;
	const creds = { OBMEN_ADMIN_TOKEN: adminToken, OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: password };
	const server = await spawnServer(join(ROOT, "node_modules/.bin", runtime), entry.args(dir), {
		cwd: join(ROOT, "apps", runtime),
		env: { ...env, ...creds, ...entry.env },
	});
	started(server);
	expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
	expect(await server.waitFor("admin token: from OBMEN_ADMIN_TOKEN")).toContain('1C node "default" created: login ut');
	expect((await fetch(`${server.url}/exim_1c?type=sale&mode=checkauth`)).status).toBe(401);

	const r = await runStoreExchange({ url: server.url, adminToken, login: "ut", password });
	expect(r.deviations).toEqual([]);
	expect(r).toMatchObject({ putStatus: 201, successSent: true, loaded: 1, delivered: 1, orderStatus: 200 });
	expect(r.order.oneC).toMatchObject({ paid: true, shipped: true, number: r.oneCNumber });
	// one JSON line per request on stdout (LOG_FORMAT), with no token or password in it
	expect(server.output()).toMatch(/^\{"kind":"exim",.*"mode":"import",.*"reply":"success"/m);
	for (const secret of [adminToken, password]) expect(server.output()).not.toContain(secret);
	expect(existsSync(join(dir, "db", "obmen.db"))).toBe(true);
	await servesWhatNodeServes(server.url, adminToken, new Uint8Array(readFileSync(widgetAssetFiles().widgetJs)));
	// 1C reuses one connection with pauses between requests: an idle keep-alive connection must survive
	expect(await idleConnectionSurvives(server.url, 20_000)).toBe(true);
	expect(await server.stop()).toBe(0);
}
