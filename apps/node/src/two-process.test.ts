/**
 * Two Node processes on one DB file serve alternate steps of one exchange: the app keeps nothing in memory between
 * requests (sessions, pending batches, upload chunks, import ledger all live in libSQL).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const children: ChildProcess[] = [];

function startProcess(env: Record<string, string>): Promise<string> {
	const child = spawn(process.execPath, [join(root, "apps/node/dist/main.js")], {
		cwd: root,
		env: { ...process.env, HOST: "127.0.0.1", PORT: "0", ...env },
		stdio: ["ignore", "pipe", "pipe"],
	});
	children.push(child);
	return new Promise((resolve, reject) => {
		let out = "";
		const timer = setTimeout(() => reject(new Error(`server did not start: ${out}`)), 20_000);
		child.stdout?.on("data", (d) => {
			out += String(d);
			const m = /listening on (http:\/\/\S+)/.exec(out);
			if (m?.[1]) {
				clearTimeout(timer);
				resolve(m[1]);
			}
		});
		child.stderr?.on("data", (d) => {
			out += String(d);
		});
		child.on("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
	});
}

beforeAll(() => {
	// Node 20 cannot run .ts: build the dist the processes run (incremental, fast when up to date).
	execFileSync(
		process.execPath,
		[join(root, "node_modules/typescript/bin/tsc"), "-b", "packages/core", "packages/db", "packages/exchange", "apps/node"],
		{
			cwd: root,
			stdio: "pipe",
		},
	);
}, 120_000);

afterAll(() => {
	for (const c of children) c.kill("SIGTERM");
});

const basic = `Basic ${Buffer.from("ut:pass-1").toString("base64")}`;
const dec = new TextDecoder("windows-1251");

describe("two processes, one DB file", () => {
	it("serve alternate steps of one exchange", async () => {
		const db = `file:${join(mkdtempSync(join(tmpdir(), "obmen-2p-")), "obmen.db")}`;
		const env = { DATABASE_URL: db, OBMEN_ADMIN_TOKEN: "tok", OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pass-1" };
		const a = await startProcess(env);
		const b = await startProcess(env);
		expect(a).not.toBe(b);
		const put = await fetch(`${a}/api/v1/orders/o1`, {
			method: "PUT",
			headers: { Authorization: "Bearer tok", "Content-Type": "application/json" },
			body: JSON.stringify({
				number: "42",
				createdAt: "2026-11-27T10:00:00+03:00",
				status: "new",
				customer: { name: "Сидоров" },
				items: [{ productId: "p", name: "Лампа", quantity: 1, price: 10 }],
			}),
		});
		expect(put.status).toBe(201);
		const x = (base: string, q: string, init: RequestInit = {}) => fetch(`${base}/exim_1c?type=sale&${q}`, init);
		const lines = (await (await x(a, "mode=checkauth", { headers: { Authorization: basic } })).text()).split("\n");
		const headers = { Cookie: `${lines[1]}=${lines[2]}` };
		const sessid = lines[3];
		// download phase: query on B, success on A
		expect(dec.decode(new Uint8Array(await (await x(b, `mode=query&${sessid}`, { headers })).arrayBuffer()))).toContain(
			"<Номер>42</Номер>",
		);
		expect(await (await x(a, `mode=success&${sessid}`, { headers })).text()).toBe("success\n");
		expect(dec.decode(new Uint8Array(await (await x(b, "mode=query", { headers })).arrayBuffer()))).not.toContain("<Документ>");
		// upload phase: init on B, chunks alternating A/B, import on A
		expect(await (await x(b, "mode=init", { headers })).text()).toBe("zip=yes\nfile_limit=8388608\n");
		const file = new TextEncoder().encode(
			'<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2026-11-28T12:00:00"><Документ><Ид>g-42</Ид><Номер>42</Номер><Дата>2026-11-27</Дата><ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Валюта>руб</Валюта><Курс>1</Курс><Сумма>10</Сумма><ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Оплачен</Наименование><Значение>true</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Документ></КоммерческаяИнформация>',
		);
		const cut = [0, 101, 233, file.length];
		for (let i = 0; i < 3; i++) {
			const res = await x(i % 2 ? b : a, "mode=file&filename=orders-1.xml", {
				method: "POST",
				headers,
				body: file.slice(cut[i], cut[i + 1]),
			});
			expect(await res.text()).toBe("success\n");
		}
		expect((await (await x(a, "mode=import&filename=orders-1.xml", { headers })).text()).split("\n")[0]).toBe("success");
		expect(await (await x(b, "mode=import&filename=orders-1.xml", { headers })).text()).toBe("success\nalready imported\n");
		const o1 = (await (await fetch(`${b}/api/v1/orders/o1`, { headers: { Authorization: "Bearer tok" } })).json()) as {
			oneC: { paid: boolean; id: string };
		};
		expect(o1.oneC).toMatchObject({ paid: true, id: "g-42" });
		const journal = (await (await fetch(`${a}/api/v1/nodes`, { headers: { Authorization: "Bearer tok" } })).json()) as {
			items: { id: string }[];
		};
		const j = (await (
			await fetch(`${b}/api/v1/nodes/${journal.items[0]?.id}/journal?limit=100`, { headers: { Authorization: "Bearer tok" } })
		).json()) as { items: unknown[] };
		expect(j.items.length).toBeGreaterThanOrEqual(10);
	}, 60_000);
});
