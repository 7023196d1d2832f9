/**
 * `cd apps/worker && npx wrangler dev` out of the box, offline: the worker comes up on a local D1 database (the `DB`
 * binding of wrangler.jsonc, persisted in a temp directory), answers /health and serves a full УТ 11 exchange; the
 * schema it migrated itself is recorded for `wrangler d1 migrations apply`, which then finds nothing to do.
 */
import { execFile } from "node:child_process";
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type ServerProcess, spawnServer } from "@obmen/testing/spawn";
import { runStoreExchange } from "@obmen/testing/store-exchange";
import { afterAll, describe, expect, it } from "vitest";

const app = fileURLToPath(new URL("../", import.meta.url));
const bin = fileURLToPath(new URL("../../../node_modules/.bin/wrangler", import.meta.url));
const persist = mkdtempSync(join(tmpdir(), "obmen-wrangler-"));
let server: ServerProcess | undefined;
afterAll(async () => {
	await server?.stop(5000);
	rmSync(persist, { recursive: true, force: true });
});

/** A port free on 127.0.0.1 at this moment (wrangler dev takes no port 0). */
function freePort(): Promise<number> {
	return new Promise((resolve, reject) => {
		const s = createServer();
		s.once("error", reject);
		s.listen(0, "127.0.0.1", () => {
			const address = s.address();
			s.close(() => (typeof address === "object" && address ? resolve(address.port) : reject(new Error("no port"))));
		});
	});
}

/** Runs a short wrangler command in apps/worker; resolves with its output. */
function wrangler(args: string[]): Promise<string> {
	return new Promise((resolve, reject) =>
		execFile(bin, args, { cwd: app, env: { ...process.env, ...WRANGLER_ENV }, timeout: 90_000 }, (e, stdout, stderr) =>
			e ? reject(new Error(`wrangler ${args.join(" ")}: ${e.message}\n${stdout}${stderr}`)) : resolve(`${stdout}${stderr}`),
		),
	);
}

/** Offline and non-interactive: no metrics, no prompts. */
const WRANGLER_ENV = { WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" };

/** Failures that are the machine's, not our code's: wrangler or workerd cannot run here at all. */
const ENVIRONMENT = /requires at least Node|GLIBC|ENOENT|EACCES|cannot execute binary|spawn .*workerd/i;

describe("apps/worker under wrangler dev", () => {
	it("serves /health and a full 1C exchange offline on a local D1 database", async (ctx) => {
		const port = await freePort();
		const args = ["dev", "--ip", "127.0.0.1", "--port", String(port), "--persist-to", persist];
		const vars = { OBMEN_ADMIN_TOKEN: "dev-admin", OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pw-dev" };
		for (const [k, v] of Object.entries(vars)) args.push("--var", `${k}:${v}`);
		try {
			server = await spawnServer(bin, args, {
				cwd: app,
				env: WRANGLER_ENV,
				ready: /Ready on (http:\/\/\S+)/,
				timeoutMs: 90_000,
			});
		} catch (e) {
			const text = e instanceof Error ? e.message : String(e);
			if (ENVIRONMENT.test(text)) ctx.skip(`wrangler dev cannot start on this machine: ${text.split("\n")[0]}`);
			throw e;
		}
		expect(server.url).toBe(`http://127.0.0.1:${port}`);
		expect(server.output()).toMatch(/env\.DB \(obmen\)\s+D1 Database\s+local/);

		const health = await fetch(`${server.url}/health`);
		expect(health.status).toBe(200);
		expect(await health.json()).toMatchObject({ ok: true });
		const r = await runStoreExchange({ url: server.url, adminToken: "dev-admin", login: "ut", password: "pw-dev" });
		expect(r.deviations).toEqual([]);
		expect(r).toMatchObject({ putStatus: 201, successSent: true, loaded: 1, delivered: 1, orderStatus: 200 });
		expect(r.order.oneC).toMatchObject({ paid: true, shipped: true, number: r.oneCNumber });
		// the orders live in the local D1 database under --persist-to
		const d1 = join(persist, "v3", "d1", "miniflare-D1DatabaseObject");
		expect(existsSync(d1) && readdirSync(d1).some((f) => f.endsWith(".sqlite"))).toBe(true);
		expect(await server.stop(5000)).not.toBe(1);
		const apply = await wrangler(["d1", "migrations", "apply", "DB", "--local", "--persist-to", persist]);
		expect(apply).toMatch(/No migrations to apply/);
	}, 180_000);
});
