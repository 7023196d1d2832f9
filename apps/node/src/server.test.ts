import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { adminApi, storeOrder } from "@obmen/testing/obmen";
import { afterEach, describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";
import { type RunningServer, startServer } from "./server.ts";

const running: RunningServer[] = [];
afterEach(async () => {
	while (running.length) await running.pop()?.close();
});

function tmpDb(): string {
	return `file:${join(mkdtempSync(join(tmpdir(), "obmen-node-")), "data", "obmen.db")}`;
}

async function start(env: Record<string, string>, argv: string[] = []) {
	const s = await startServer(readConfig({ HOST: "127.0.0.1", PORT: "0", ...env }, argv));
	running.push(s);
	return s;
}

const basic = (l: string, p: string) => `Basic ${Buffer.from(`${l}:${p}`).toString("base64")}`;

describe("apps/node", () => {
	it("config defaults", () => {
		// the database defaults to data/ at the repository root, whatever the working directory (not inside apps/*)
		const root = fileURLToPath(new URL("../../../", import.meta.url));
		expect(readConfig({}, [])).toMatchObject({ port: 8080, host: "0.0.0.0", databaseUrl: `file:${root}data/obmen.db`, demo: false });
		expect(readConfig({ OBMEN_DATA_DIR: "/var/lib/obmen" }, []).databaseUrl).toBe("file:/var/lib/obmen/obmen.db");
		expect(readConfig({ PORT: "9" }, ["--demo"])).toMatchObject({ port: 9, demo: true });
		expect(() => readConfig({ PORT: "x" }, [])).toThrow();
	});

	it("serves the protocol over a real socket; admin token generated once; default node from env", async () => {
		const db = tmpDb();
		const s = await start({ DATABASE_URL: db, OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pass-1" });
		const token = /admin token \(shown once.*\): (\S+)/.exec(s.banner.join("\n"))?.[1];
		expect(token).toMatch(/^[0-9a-f]{48}$/);
		expect(s.banner.join("\n")).toContain(`${s.url}/exim_1c`);
		expect(s.banner.join("\n")).toContain(`${s.url}/admin?token=${token}`);
		// a new database: the start names the migrations it applied
		expect(s.banner.join("\n")).toMatch(/database migrations applied: 0000_\w+, 0001_/);
		const u = (q: string) => `${s.url}/exim_1c?${q}`;
		expect((await fetch(u("type=sale&mode=checkauth"))).status).toBe(401);
		const lines = (await (await fetch(u("type=sale&mode=checkauth"), { headers: { Authorization: basic("ut", "pass-1") } })).text()).split(
			"\n",
		);
		expect(lines[0]).toBe("success");
		const cookie = `${lines[1]}=${lines[2]}`;
		const put = await adminApi(s.url, token ?? "")(
			"PUT",
			"/api/v1/orders/o1",
			storeOrder(5, { id: "o1", customer: { name: "ООО «Вектор»" } }),
		);
		expect(put.status).toBe(201);
		expect(await (await fetch(u("type=sale&mode=init"), { headers: { Cookie: cookie } })).text()).toBe("zip=yes\nfile_limit=8388608\n");
		const q = await fetch(u(`type=sale&mode=query&${lines[3]}`), { headers: { Cookie: cookie } });
		const xml = new TextDecoder("windows-1251").decode(new Uint8Array(await q.arrayBuffer()));
		expect(xml).toContain("ООО «Вектор»");
		expect(await (await fetch(u("type=sale&mode=success"), { headers: { Cookie: cookie } })).text()).toBe("success\n");
		// chunked upload over HTTP (no Content-Length: a stream body)
		const body = new ReadableStream({
			start(c) {
				c.enqueue(new TextEncoder().encode('<?xml version="1.0"?>'));
				c.enqueue(new TextEncoder().encode('<КоммерческаяИнформация ВерсияСхемы="2.07"></КоммерческаяИнформация>'));
				c.close();
			},
		});
		const f = await fetch(u("type=sale&mode=file&filename=orders-1.xml"), {
			method: "POST",
			headers: { Cookie: cookie },
			body,
			duplex: "half",
		} as RequestInit);
		expect(await f.text()).toBe("success\n");
		expect(
			(await (await fetch(u("type=sale&mode=import&filename=orders-1.xml"), { headers: { Cookie: cookie } })).text()).split("\n")[0],
		).toBe("success");
		await running.pop()?.close();

		// second start on the same DB: token not regenerated; node unchanged; data kept
		const s2 = await start({ DATABASE_URL: db, OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pass-1" });
		expect(s2.banner.join("\n")).not.toContain("shown once");
		expect(s2.banner.join("\n")).not.toContain("migrations applied");
		expect(s2.banner.join("\n")).toContain('"default" unchanged');
		const got = await fetch(`${s2.url}/api/v1/orders/o1`, { headers: { Authorization: `Bearer ${token}` } });
		expect(got.status).toBe(200);
		await running.pop()?.close();
		const s3 = await start({ DATABASE_URL: db, OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pass-2" });
		expect(s3.banner.join("\n")).toContain('"default" updated');
		const ok = await fetch(`${s3.url}/exim_1c?type=sale&mode=checkauth`, { headers: { Authorization: basic("ut", "pass-2") } });
		expect((await ok.text()).split("\n")[0]).toBe("success");
		// wrong credentials over the socket: identical bodies, throttled after 10 failures from this IP
		const bad = async (l: string) =>
			(await fetch(`${s3.url}/exim_1c?type=sale&mode=checkauth`, { headers: { Authorization: basic(l, "nope") } })).text();
		expect(await bad("ut")).toBe(await bad("ghost"));
		for (let i = 0; i < 8; i++) await bad("ut");
		expect(await bad("ut")).toMatch(/^failure\nСлишком много/);
		// the throttle lives in the DB: it survives a restart
		await running.pop()?.close();
		const s4 = await start({ DATABASE_URL: db });
		expect(
			await (await fetch(`${s4.url}/exim_1c?type=sale&mode=checkauth`, { headers: { Authorization: basic("ut", "pass-2") } })).text(),
		).toMatch(/^failure\nСлишком много/);
	});

	it("--demo seeds realistic orders and a demo node", async () => {
		const s = await start({}, ["--demo"]);
		const text = s.banner.join("\n");
		const [, login, password] = /demo 1C node: login (\S+), password (\S+)/.exec(text) ?? [];
		expect(login).toBe("demo");
		expect(text).toContain("demo exchange by the 1C emulator (УТ 11): done");
		// the preview still has orders for 1C: the one the shop changed after the demo exchange and a new one
		const q = await fetch(`${s.url}/exim_1c?type=sale&mode=query`, { headers: { Authorization: basic(login!, password!) } });
		const xml = new TextDecoder("windows-1251").decode(new Uint8Array(await q.arrayBuffer()));
		expect(xml.match(/<Документ>/g)).toHaveLength(2);
		expect(xml).toContain("<ИНН>7701234567</ИНН>");
		expect(xml).toContain("<Номер>1005</Номер>");
		expect(xml).toContain("Иванов Иван Иванович");
		expect(xml).toContain("ORDER_DELIVERY");
		// the journal of the demo node shows the whole exchange the emulator ran
		const token = /admin token \(shown once.*\): (\S+)/.exec(text)?.[1];
		const admin = { Authorization: `Bearer ${token}` };
		const nodes = (await (await fetch(`${s.url}/api/v1/nodes`, { headers: admin })).json()) as unknown;
		const list = (Array.isArray(nodes) ? nodes : ((nodes as { items?: unknown[] }).items ?? [])) as { id: string; name: string }[];
		const node = list.find((n) => n.name === "demo");
		const journal = await (await fetch(`${s.url}/api/v1/nodes/${node?.id}/journal?limit=100`, { headers: admin })).text();
		for (const mode of ["checkauth", "init", "query", "success", "file", "import"]) expect(journal).toContain(`"mode":"${mode}"`);
		// 1C paid 1002 and shipped 1001 in the demo exchange
		const paid = (await (await fetch(`${s.url}/api/v1/orders/demo-1002`, { headers: admin })).json()) as { order?: { status?: string } };
		expect(JSON.stringify(paid)).toContain('"paid"');
	});

	it("protocol shapes over the socket: pre-flight, 2/4-line init, no-cookie variants, unknown modes, info", async () => {
		const s = await start({ DATABASE_URL: tmpDb(), OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pass-1" });
		const auth = { Authorization: basic("ut", "pass-1") };
		const get = async (q: string, headers: Record<string, string> = {}) => {
			const res = await fetch(`${s.url}/exim_1c?${q}`, { headers });
			return { status: res.status, type: res.headers.get("content-type"), body: await res.text() };
		};
		expect((await get("type=catalog&mode=checkauth", auth)).body.split("\n")[0]).toBe("success");
		expect((await get("type=catalog&mode=import", auth)).body).toMatch(/^failure\n/);
		const lines = (await get("type=sale&mode=checkauth", auth)).body.split("\n");
		const cookie = { Cookie: `${lines[1]}=${lines[2]}` };
		const sessid = lines[3]?.slice("sessid=".length);
		expect((await get("type=sale&mode=init", cookie)).body.split("\n").filter(Boolean)).toHaveLength(2);
		expect((await get(`type=sale&mode=init&sessid=${sessid}&version=2.08`, cookie)).body).toBe(
			`zip=yes\nfile_limit=8388608\nsessid=${sessid}\nversion=2.05\n`,
		);
		expect((await get("type=sale&mode=success", auth)).body).toMatch(/^failure\n.*checkauth/);
		expect((await get(`type=sale&mode=success&sessid=${sessid}`, cookie)).body).toBe("success\n");
		const preview = await get("type=sale&mode=query", auth);
		expect(preview).toMatchObject({ status: 200, type: "application/xml; charset=windows-1251" });
		expect((await get("type=sale&mode=query")).status).toBe(401);
		expect(await get("type=sale&mode=nope", cookie)).toEqual({
			status: 200,
			type: "text/plain; charset=utf-8",
			body: "failure\nUnknown mode: nope\n",
		});
		expect((await get("type=x&mode=checkauth", auth)).body).toBe("failure\nUnknown type: x\n");
		expect((await get("type=sale&mode=info", cookie)).body).toContain("<Справочник>");
	});
});
