/**
 * The Bun entry as a real process: `bun --conditions=@obmen/source src/main.ts` on 127.0.0.1 with a temp file DB,
 * driven through a full exchange by the УТ 11 emulator, then stopped by PID (SIGTERM → clean exit).
 */
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { widgetAssetFiles } from "@obmen/app-node/assets";
import { afterAll, describe, expect, it } from "vitest";
import { idleConnectionSurvives } from "../../../packages/emulator/src/test-support/keep-alive.ts";
import { servesWhatNodeServes } from "../../../packages/emulator/src/test-support/runtime-parity.ts";
import { type ServerProcess, spawnServer } from "../../../packages/emulator/src/test-support/runtime-server.ts";
import { runStoreExchange } from "../../../packages/emulator/src/test-support/store-exchange.ts";

const app = fileURLToPath(new URL("../", import.meta.url));
const bin = fileURLToPath(new URL("../../../node_modules/.bin/bun", import.meta.url));
let server: ServerProcess | undefined;
afterAll(() => server?.stop());

describe("apps/bun", () => {
	it("serves a full 1C exchange from a file database and stops cleanly on SIGTERM", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-bun-"));
		// the database goes where OBMEN_DATA_DIR says; behind a proxy on loopback with a public URL
		const env = {
			HOST: "127.0.0.1",
			PORT: "0",
			OBMEN_DATA_DIR: join(dir, "db"),
			PUBLIC_URL: "https://shop.example/obmen",
			TRUST_PROXY: "loopback",
			LOG_FORMAT: "json",
		};
		const creds = { OBMEN_ADMIN_TOKEN: "bun-admin", OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pw-bun" };
		server = await spawnServer(bin, ["--conditions=@obmen/source", "src/main.ts"], { cwd: app, env: { ...env, ...creds } });
		expect(server.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
		expect(await server.waitFor("admin token: from OBMEN_ADMIN_TOKEN")).toContain('1C node "default" created: login ut');
		expect((await fetch(`${server.url}/exim_1c?type=sale&mode=checkauth`)).status).toBe(401);

		const r = await runStoreExchange({ url: server.url, adminToken: "bun-admin", login: "ut", password: "pw-bun" });
		expect(r.deviations).toEqual([]);
		expect(r).toMatchObject({ putStatus: 201, successSent: true, loaded: 1, delivered: 1, orderStatus: 200 });
		expect(r.order.oneC).toMatchObject({ paid: true, shipped: true, number: r.oneCNumber });
		// one JSON line per request on stdout (LOG_FORMAT), with no token or password in it
		expect(server.output()).toMatch(/^\{"kind":"exim",.*"mode":"import",.*"reply":"success"/m);
		for (const secret of ["bun-admin", "pw-bun"]) expect(server.output()).not.toContain(secret);
		expect(existsSync(join(dir, "db", "obmen.db"))).toBe(true);
		await servesWhatNodeServes(server.url, "bun-admin", new Uint8Array(readFileSync(widgetAssetFiles().widgetJs)));
		// 1C reuses one connection with pauses between requests: an idle keep-alive connection must survive
		expect(await idleConnectionSurvives(server.url, 20_000)).toBe(true);
		expect(await server.stop()).toBe(0);
	}, 120_000);
});
