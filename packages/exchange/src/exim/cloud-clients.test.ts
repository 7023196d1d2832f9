/**
 * МойСклад and Класс365 as exchange clients (node setting `client`, issue 15): HTTP Basic alone on every request (no
 * cookie, no `sessid`) on the node's current session, two-phase `query`/`success`, uploads applied during `mode=file`
 * (never `progress`, never an `import`), statuses through `statusMap.import`; `"1c"` nodes unchanged.
 */

import { basic, createHarness, type Harness, oneCFile } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import type { NodeSettingsInput } from "../settings.ts";

const enc = new TextEncoder();
const CLOUD = [
	{ client: "moysklad", path: "/exim_moysklad" },
	{ client: "class365", path: "/exim_class" },
] as const;

const STATUS_RULES: NodeSettingsInput["statusMap"] = {
	export: {},
	import: [
		{ on: "status", value: "Отгружен", status: "shipped" },
		{ on: "status", value: "Отменен", status: "cancelled" },
	],
};

/** A request as a cloud client sends it: HTTP Basic, no cookie, no `sessid`. */
async function call(h: Harness, path: string, query: string, init: { body?: Uint8Array<ArrayBuffer>; auth?: string | null } = {}) {
	const headers: Record<string, string> = {};
	const auth = init.auth === undefined ? basic() : init.auth;
	if (auth) headers.Authorization = auth;
	const res = await h.app.request(`${path}?${query}`, { method: init.body ? "POST" : "GET", headers, body: init.body });
	return { status: res.status, text: await res.text() };
}

/** Site numbers of the documents in a `query` answer (the harness nodes export UTF-8). */
const numbersIn = (xml: string) => [...xml.matchAll(/<Документ>\s*<Ид>[^<]*<\/Ид>\s*<Номер>([^<]*)<\/Номер>/g)].map((m) => m[1]);

async function cloudHarness(settings: NodeSettingsInput = {}, limits = {}): Promise<Harness> {
	const h = await createHarness({ settings: { encoding: "utf-8", statusMap: STATUS_RULES, ...settings }, limits });
	for (const id of ["o1", "o2"]) expect((await h.putOrder({ id })).status).toBe(201);
	return h;
}

const statusOf = async (h: Harness, id: string) => ((await (await h.api("GET", `/orders/${id}`)).json()) as { status: string }).status;

async function journal(h: Harness) {
	await h.store.idle();
	return (await h.store.listJournal(h.nodeId, { limit: 100 })).reverse();
}

const statusFile = (docs: [number: string, status: string][]) =>
	enc.encode(oneCFile(docs.map(([number, status]) => ({ number, requisites: [["Статус заказа", status]] as [string, string][] }))));

describe.each(CLOUD)("$client through $path with HTTP Basic only", ({ client, path }) => {
	it("query without checkauth returns the orders; a re-query without success returns them again; success acknowledges", async () => {
		const h = await cloudHarness({ client });
		const first = await call(h, path, "type=sale&mode=query");
		expect(first.status).toBe(200);
		expect(numbersIn(first.text).sort()).toEqual(["1", "2"]);
		const again = await call(h, path, "type=sale&mode=query");
		expect(numbersIn(again.text).sort()).toEqual(["1", "2"]);
		expect(await call(h, path, "type=sale&mode=success")).toEqual({ status: 200, text: "success\n" });
		expect(numbersIn((await call(h, path, "type=sale&mode=query")).text)).toEqual([]);
		const rows = await journal(h);
		expect(rows.map((j) => [j.mode, j.ordersSent, j.ordersAcknowledged])).toEqual([
			["query", 2, 0],
			["query", 2, 0],
			["success", 0, 2],
			["query", 0, 0],
		]);
		// one implicit session carries the whole exchange
		expect(new Set(rows.map((j) => j.session)).size).toBe(1);
	});

	it("checkauth opens the session the following Basic-only requests work on", async () => {
		const h = await cloudHarness({ client });
		const auth = await call(h, path, "type=sale&mode=checkauth");
		expect(auth.text.split("\n")[0]).toBe("success");
		expect(numbersIn((await call(h, path, "type=sale&mode=query")).text).sort()).toEqual(["1", "2"]);
		expect((await call(h, path, "type=sale&mode=success")).text).toBe("success\n");
		const rows = await journal(h);
		expect(rows.map((j) => j.mode)).toEqual(["checkauth", "query", "success"]);
		expect(new Set(rows.map((j) => j.session)).size).toBe(1);
	});

	it("an uploaded file with «Статус заказа» changes the mapped store status during mode=file, without import", async () => {
		const h = await cloudHarness({ client });
		const replies = [
			(await call(h, path, "type=sale&mode=checkauth")).text.split("\n")[0],
			(await call(h, path, "type=sale&mode=init")).text.split("\n")[0],
			(await call(h, path, "type=sale&mode=file&filename=orders.xml", { body: statusFile([["1", "Отгружен"]]) })).text,
		];
		expect(replies).toEqual(["success", "zip=yes", "success\n"]);
		expect(await statusOf(h, "o1")).toBe("shipped");
		expect(await statusOf(h, "o2")).toBe("new");
		// the next upload under the same name is a new file (the first one was applied), also without init
		expect((await call(h, path, "type=sale&mode=file&filename=orders.xml", { body: statusFile([["2", "Отменен"]]) })).text).toBe(
			"success\n",
		);
		expect(await statusOf(h, "o2")).toBe("cancelled");
		const rows = await journal(h);
		expect(rows.some((j) => j.mode === "import")).toBe(false);
		expect(rows.filter((j) => j.mode === "file").map((j) => j.ordersImported)).toEqual([1, 1]);
	});

	it("a big upload is applied to the end within the request (never progress), also with applyOnUpload: never", async () => {
		const n = 30;
		const h = await createHarness({
			settings: { client, encoding: "utf-8", statusMap: STATUS_RULES, applyOnUpload: "never" },
			limits: { importSliceMs: 0 },
		});
		for (let i = 1; i <= n; i++) expect((await h.putOrder({ id: `o${i}` })).status).toBe(201);
		const docs = Array.from({ length: n }, (_, i) => [String(i + 1), "Отгружен"] as [string, string]);
		const bytes = statusFile(docs);
		// sent in two pieces under one name: the first is incomplete and only stored
		const cut = Math.floor(bytes.length / 2);
		expect((await call(h, path, "type=sale&mode=file&filename=big.xml", { body: bytes.slice(0, cut) })).text).toBe("success\n");
		expect(await statusOf(h, "o1")).toBe("new");
		expect((await call(h, path, "type=sale&mode=file&filename=big.xml", { body: bytes.slice(cut) })).text).toBe("success\n");
		for (let i = 1; i <= n; i++) expect(await statusOf(h, `o${i}`)).toBe("shipped");
		expect((await journal(h)).map((j) => j.reply)).not.toContain("progress");
	});

	it("a file that is not a valid order file gets failure with the reason and changes nothing", async () => {
		const h = await cloudHarness({ client });
		const before = await h.digest();
		const bad = enc.encode('<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация><Документ><Номер>');
		const broken = enc.encode(`${new TextDecoder().decode(bad)}</КоммерческаяИнформация>`);
		const r = await call(h, path, "type=sale&mode=file&filename=bad.xml", { body: broken });
		expect(r.text.split("\n")[0]).toBe("failure");
		expect(r.text.split("\n")[1]?.length).toBeGreaterThan(0);
		expect(await h.digest()).toBe(before);
	});

	it("uploads never create orders unless createOrdersFrom1C is on", async () => {
		const h = await cloudHarness({ client });
		expect((await call(h, path, "type=sale&mode=file&filename=a.xml", { body: statusFile([["777", "Отгружен"]]) })).text).toBe("success\n");
		expect((await h.api("GET", "/orders/777")).status).toBe(404);
		const listed = (await (await h.api("GET", "/orders")).json()) as { items: unknown[] };
		expect(listed.items).toHaveLength(2);
	});

	it("credentials: missing → 401 challenge, wrong → failure; nothing is sent", async () => {
		const h = await cloudHarness({ client });
		const none = await call(h, path, "type=sale&mode=query", { auth: null });
		expect(none.status).toBe(401);
		expect(none.text.split("\n")[0]).toBe("failure");
		const wrong = await call(h, path, "type=sale&mode=success", { auth: basic("exchange1c", "wrong-password") });
		expect(wrong.text).toBe("failure\nНеверный логин или пароль\n");
		expect((await journal(h)).every((j) => j.ordersSent === 0)).toBe(true);
	});

	it("the endpoint alias selects the profile for a node whose client is 1c", async () => {
		const h = await cloudHarness({ client: "1c" });
		expect(numbersIn((await call(h, path, "type=sale&mode=query")).text).sort()).toEqual(["1", "2"]);
		expect((await call(h, path, "type=sale&mode=success")).text).toBe("success\n");
		expect(numbersIn((await call(h, path, "type=sale&mode=query")).text)).toEqual([]);
	});

	it("on an alias, a 1c node's live 1C session is never continued: a cloud success cannot acknowledge 1C's batch", async () => {
		const h = await cloudHarness({ client: "1c" });
		// 1C pulls both orders and has not confirmed yet
		const { cookie } = await h.login();
		expect(numbersIn(await h.text("type=sale&mode=query", { cookie })).sort()).toEqual(["1", "2"]);
		// a cloud client on the alias with the node's credentials works in its own session: its success acknowledges
		// only what it was sent itself (nothing, before its own query)
		expect((await call(h, path, "type=sale&mode=success")).text).toBe("success\n");
		// 1C's batch is still pending and unacknowledged: 1C's re-query in its session sends both again
		expect(numbersIn(await h.text("type=sale&mode=query", { cookie })).sort()).toEqual(["1", "2"]);
		// while 1C's exchange holds the node's export, the cloud client's query is turned away with a reason
		const cloud = await call(h, path, "type=sale&mode=query");
		expect(cloud.text.split("\n")[0], cloud.text).toBe("failure");
		expect(numbersIn(cloud.text)).toEqual([]);
	});

	it("on /exim_1c the node's client setting selects the profile", async () => {
		const h = await cloudHarness({ client });
		expect(numbersIn((await call(h, "/exim_1c", "type=sale&mode=query")).text).sort()).toEqual(["1", "2"]);
		expect((await call(h, "/exim_1c", "type=sale&mode=success")).text).toBe("success\n");
		expect(numbersIn((await call(h, "/exim_1c", "type=sale&mode=query")).text)).toEqual([]);
	});

	it("the admin shows the client's exchange URL", async () => {
		const h = await cloudHarness({ client });
		const node = (await (await h.api("GET", `/nodes/${h.nodeId}`)).json()) as { exchangeUrl: string; settings: { client: string } };
		expect(new URL(node.exchangeUrl).pathname).toBe(path);
		expect(node.settings.client).toBe(client);
	});
});

describe('"1c" nodes keep their behaviour', () => {
	it("a Basic-only query is a preview: nothing pending, success and file need checkauth", async () => {
		const h = await cloudHarness();
		expect(numbersIn((await call(h, "/exim_1c", "type=sale&mode=query")).text).sort()).toEqual(["1", "2"]);
		expect((await call(h, "/exim_1c", "type=sale&mode=success")).text.split("\n")[0]).toBe("failure");
		expect((await call(h, "/exim_1c", "type=sale&mode=file&filename=a.xml", { body: statusFile([["1", "Отгружен"]]) })).text).toMatch(
			/^failure\nНет сессии обмена/,
		);
		expect(await statusOf(h, "o1")).toBe("new");
		const rows = await journal(h);
		expect(rows.map((j) => j.reply)).toEqual(["preview", "failure", "failure"]);
		// a preview recorded nothing: the orders are still unacknowledged for a real exchange
		const { cookie } = await h.login();
		expect(numbersIn(await h.text("type=sale&mode=query", { cookie })).sort()).toEqual(["1", "2"]);
	});

	it("the admin shows /exim_1c", async () => {
		const h = await cloudHarness();
		const node = (await (await h.api("GET", `/nodes/${h.nodeId}`)).json()) as { exchangeUrl: string };
		expect(new URL(node.exchangeUrl).pathname).toBe("/exim_1c");
	});
});
