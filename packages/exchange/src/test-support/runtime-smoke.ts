/**
 * Protocol smoke sequence run under another runtime (Bun): prints one JSON line with what it observed.
 * Usage: bun --conditions=@obmen/source packages/exchange/src/test-support/runtime-smoke.ts
 */
import { createMemoryDb } from "@obmen/db/node";
import { oneCFile, sampleOrder } from "@obmen/testing/harness";
import { createExchangeApp } from "../app.ts";
import { hashPassword, sha256Hex } from "../crypto.ts";
import { defaultSettings } from "../settings.ts";

const { store } = await createMemoryDb();
const now = new Date().toISOString();
await store.createNode({
	id: "n1",
	name: "main",
	login: "u",
	passwordHash: await hashPassword("pw", 1000),
	settings: defaultSettings(),
	createdAt: now,
	updatedAt: now,
});
const app = createExchangeApp({ store, adminTokenHash: await sha256Hex("tok"), passwordIterations: 1000 });
const auth = `Basic ${btoa("u:pw")}`;
const call = async (q: string, init: RequestInit = {}) => app.fetch(new Request(`http://x/exim_1c?${q}`, init));
const out: Record<string, unknown> = { runtime: typeof (globalThis as { Bun?: unknown }).Bun !== "undefined" ? "bun" : "other" };

out.noAuthStatus = (await call("type=sale&mode=checkauth")).status;
const lines = (await (await call("type=sale&mode=checkauth", { headers: { Authorization: auth } })).text()).split("\n");
out.checkauth = lines[0];
const cookie = `${lines[1]}=${lines[2]}`;
out.catalog = (await (await call("type=catalog&mode=checkauth", { headers: { Authorization: auth } })).text()).split("\n")[0];
out.init = await (await call("type=sale&mode=init", { headers: { Cookie: cookie } })).text();
const put = await app.fetch(
	new Request("http://x/api/v1/orders/o1", {
		method: "PUT",
		headers: { Authorization: "Bearer tok" },
		body: JSON.stringify(sampleOrder("o1")),
	}),
);
out.put = put.status;
const q = await call("type=sale&mode=query", { headers: { Cookie: cookie } });
out.queryType = q.headers.get("content-type");
out.queryHasOrder = new TextDecoder("windows-1251").decode(new Uint8Array(await q.arrayBuffer())).includes("<Номер>1</Номер>");
out.success = await (await call("type=sale&mode=success", { headers: { Cookie: cookie } })).text();
out.queryAfter = new TextDecoder("windows-1251")
	.decode(new Uint8Array(await (await call("type=sale&mode=query", { headers: { Cookie: cookie } })).arrayBuffer()))
	.includes("<Документ>");
const file = new TextEncoder().encode(oneCFile([{ number: "1", requisites: [["Оплачен", "true"]] }]));
out.file = await (
	await call("type=sale&mode=file&filename=orders-1.xml", { method: "POST", headers: { Cookie: cookie }, body: file })
).text();
out.import = (await (await call("type=sale&mode=import&filename=orders-1.xml", { headers: { Cookie: cookie } })).text()).split("\n")[0];
const o1 = (await (await app.fetch(new Request("http://x/api/v1/orders/o1", { headers: { Authorization: "Bearer tok" } }))).json()) as {
	oneC: { paid: boolean };
};
out.paid = o1.oneC.paid;
out.unknown = await (await call("type=sale&mode=zzz", { headers: { Cookie: cookie } })).text();
console.log(JSON.stringify(out));
store.close();
