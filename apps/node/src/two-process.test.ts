/**
 * Two Node processes on one DB file serve alternate steps of one exchange: the app keeps nothing in memory between
 * requests (sessions, pending batches, upload chunks, import ledger all live in libSQL).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { adminApi, storeOrder } from "@obmen/testing/obmen";
import { ensureBuilt, type ServerProcess, startBuiltServer } from "@obmen/testing/spawn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const children: ServerProcess[] = [];

/** Starts the built server; resolves with its URL once it listens. */
async function startProcess(env: Record<string, string>): Promise<string> {
	const server = await startBuiltServer(env);
	children.push(server);
	return server.url;
}

beforeAll(ensureBuilt, 120_000);

afterAll(async () => {
	await Promise.all(children.map((c) => c.stop()));
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
		const put = await adminApi(a, "tok")("PUT", "/api/v1/orders/o1", storeOrder(42, { id: "o1" }));
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
