import { createMemoryDb } from "@obmen/db/node";
import { describe, expect, it } from "vitest";
import { ADMIN_TOKEN_KEY, bootExchange, startBanner } from "./bootstrap.ts";
import { sha256Hex } from "./crypto.ts";
import { readHostConfig } from "./host-config.ts";

const basic = (login: string, password: string) => ({ Authorization: `Basic ${btoa(`${login}:${password}`)}` });
const checkauth = async (app: Awaited<ReturnType<typeof bootExchange>>["app"], login: string, password: string) =>
	(await (await app.request("/exim_1c?type=sale&mode=checkauth", { headers: basic(login, password) })).text()).split("\n")[0];

describe("readHostConfig", () => {
	it("reads the shared variables, ignores empty and non-string bindings, and rejects a bad PORT", () => {
		expect(readHostConfig({})).toEqual({
			port: 8080,
			host: "0.0.0.0",
			dataDir: "./data",
			databaseUrl: "file:./data/obmen.db",
			databaseAuthToken: undefined,
			adminToken: undefined,
			oneCLogin: undefined,
			oneCPassword: undefined,
			publicUrl: undefined,
			trustProxy: { kind: "off" },
			logFormat: "json",
			metricsToken: undefined,
			adminCorsOrigins: [],
		});
		expect(readHostConfig({ ADMIN_CORS_ORIGINS: "https://shop.example" }).adminCorsOrigins).toEqual(["https://shop.example"]);
		expect(() => readHostConfig({ ADMIN_CORS_ORIGINS: "https://shop.example/admin" })).toThrow(/ADMIN_CORS_ORIGINS/);
		const worker = {
			DATABASE_URL: "libsql://db.example",
			OBMEN_ADMIN_TOKEN: "",
			OBMEN_1C_LOGIN: "ut",
			OBMEN_1C_PASSWORD: { secret: 1 },
			PORT: "0",
		};
		expect(readHostConfig(worker)).toMatchObject({
			port: 0,
			databaseUrl: "libsql://db.example",
			adminToken: undefined,
			oneCLogin: "ut",
			oneCPassword: undefined,
		});
		expect(() => readHostConfig({ PORT: "70000" })).toThrow(/PORT/);
	});
});

describe("bootExchange", () => {
	it("generates the admin token once, prefers the env token, and keeps the default node in step with env", async () => {
		const { store, client } = await createMemoryDb();
		const first = await bootExchange(store, { adminToken: undefined, oneCLogin: "ut", oneCPassword: "pw-1" });
		expect(first.defaultNode).toBe("created");
		expect(first.generatedAdminToken).toMatch(/^[0-9a-f]{48}$/);
		expect(await store.getMeta(ADMIN_TOKEN_KEY)).toBe(await sha256Hex(first.generatedAdminToken ?? ""));
		const bearer = (t: string) => ({ headers: { Authorization: `Bearer ${t}` } });
		expect((await first.app.request("/api/v1/nodes", bearer(first.generatedAdminToken ?? ""))).status).toBe(200);
		expect(await checkauth(first.app, "ut", "pw-1")).toBe("success");
		const sessions = async () => Number((await client.execute("SELECT count(*) AS n FROM sessions")).rows[0]?.n);
		expect(await sessions()).toBe(1);

		const again = await bootExchange(store, { adminToken: undefined, oneCLogin: "ut", oneCPassword: "pw-1" });
		expect(again).toMatchObject({ generatedAdminToken: null, defaultNode: "unchanged" });
		expect(await sessions()).toBe(1);
		expect((await again.app.request("/api/v1/nodes", bearer(first.generatedAdminToken ?? ""))).status).toBe(200);

		const changed = await bootExchange(store, { adminToken: "from-env", oneCLogin: "ut", oneCPassword: "pw-2" });
		expect(changed).toMatchObject({ generatedAdminToken: null, defaultNode: "updated" });
		// a new OBMEN_1C_PASSWORD ends the node's existing sessions
		expect(await sessions()).toBe(0);
		expect((await changed.app.request("/api/v1/nodes", bearer("from-env"))).status).toBe(200);
		expect((await changed.app.request("/api/v1/nodes", bearer(first.generatedAdminToken ?? ""))).status).toBe(401);
		expect(await checkauth(changed.app, "ut", "pw-1")).toBe("failure");
		expect(await checkauth(changed.app, "ut", "pw-2")).toBe("success");

		const banner = startBanner("http://127.0.0.1:1", "file:x.db", { adminToken: "from-env", oneCLogin: "ut" }, changed).join("\n");
		expect(banner).toContain("http://127.0.0.1:1/exim_1c");
		expect(banner).toContain('1C node "default" updated: login ut');
		expect(banner).not.toContain("pw-2");
		await store.idle();
		store.close();
	});

	it("two instances booting at once on one fresh database: one token generated, one node created, both accept them", async () => {
		const { store } = await createMemoryDb();
		const cfg = { adminToken: undefined, oneCLogin: "ut", oneCPassword: "pw-1" };
		const boots = await Promise.all([bootExchange(store, cfg), bootExchange(store, cfg)]);
		const tokens = boots.map((b) => b.generatedAdminToken).filter((t) => t !== null);
		expect(tokens).toHaveLength(1);
		expect(boots.map((b) => b.defaultNode).sort()).toEqual(["created", "unchanged"]);
		expect(await store.listNodes()).toHaveLength(1);
		for (const b of boots) {
			expect((await b.app.request("/api/v1/nodes", { headers: { Authorization: `Bearer ${tokens[0]}` } })).status).toBe(200);
			expect(await checkauth(b.app, "ut", "pw-1")).toBe("success");
		}
	});
});
