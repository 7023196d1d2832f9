import { ADMIN_TOKEN, basic, oneCFile, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { createCheckedHarness as createHarness } from "../test-support/contract.ts";

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON bodies in assertions
type Json = Record<string, any>;
const json = async (r: Response) => (await r.json()) as Json;

describe("admin API /api/v1", () => {
	it("requires the bearer token; errors are { error: { code, message } }", async () => {
		const h = await createHarness();
		for (const auth of [undefined, "Bearer wrong", `Basic ${btoa("a:b")}`]) {
			const res = await h.app.request("/api/v1/orders", { headers: auth ? { Authorization: auth } : {} });
			expect(res.status).toBe(401);
			expect((await json(res)).error.code).toBe("unauthorized");
		}
		expect((await h.app.request("/api/v1/orders", { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).status).toBe(200);
		expect((await h.api("GET", "/nope")).status).toBe(404);
	});

	it("orders: PUT creates (201) / updates (200) / identical PUT keeps the revision; validation names the path", async () => {
		const h = await createHarness();
		const a = await h.api("PUT", "/orders/o1", sampleOrder("o1"));
		expect(a.status).toBe(201);
		expect((await json(a)).revision).toBe(1);
		const same = await h.api("PUT", "/orders/o1", sampleOrder("o1"));
		expect(same.status).toBe(200);
		expect((await json(same)).revision).toBe(1);
		const b = await h.api("PUT", "/orders/o1", sampleOrder("o1", { status: "processing" }));
		expect((await json(b)).revision).toBe(2);
		const got = await json(await h.api("GET", "/orders/o1"));
		expect(got).toMatchObject({ id: "o1", status: "processing", revision: 2, oneC: null, total: "100" });
		const bad = await h.api("PUT", "/orders/o2", {
			...sampleOrder("o2"),
			items: [{ productId: "p", name: "x", quantity: 1, price: "abc" }],
		});
		expect(bad.status).toBe(400);
		expect((await json(bad)).error).toMatchObject({ code: "validation_failed", path: "items.0.price" });
		const mismatch = await h.api("PUT", "/orders/o3", sampleOrder("other"));
		expect((await json(mismatch)).error.path).toBe("id");
		const broken = await h.app.request("/api/v1/orders/o4", {
			method: "PUT",
			headers: { Authorization: `Bearer ${ADMIN_TOKEN}` },
			body: "{",
		});
		expect(broken.status).toBe(400);
		expect((await h.api("GET", "/orders/missing")).status).toBe(404);
	});

	it("orders list pages with a cursor; changes feed lists site and 1C changes", async () => {
		const h = await createHarness();
		for (const id of ["o1", "o2", "o3"]) await h.putOrder({ id });
		const p1 = await json(await h.api("GET", "/orders?limit=2"));
		expect(p1.items.map((o: Json) => o.id)).toEqual(["o1", "o2"]);
		const p2 = await json(await h.api("GET", `/orders?limit=2&cursor=${p1.nextCursor}`));
		expect(p2.items.map((o: Json) => o.id)).toEqual(["o3"]);
		expect(p2.nextCursor).toBeNull();
		expect((await h.api("GET", "/orders?limit=0")).status).toBe(400);
		const { cookie } = await h.login();
		await uploadAndImport(
			h,
			cookie,
			"orders-1.xml",
			new TextEncoder().encode(oneCFile([{ number: "2", requisites: [["Оплачен", "true"]] }])),
			10_000,
		);
		const feed = await json(await h.api("GET", "/changes?after=0"));
		expect(feed.items).toHaveLength(4);
		expect(feed.items[3]).toMatchObject({
			orderId: "o2",
			nodeId: h.nodeId,
			changes: { source: "1c", fields: { paid: { from: null, to: true } } },
		});
		const rest = await json(await h.api("GET", `/changes?after=${feed.items[2].cursor}`));
		expect(rest.items.map((i: Json) => i.cursor)).toEqual([feed.items[3].cursor]);
		expect(await json(await h.api("GET", "/meta/statuses"))).toEqual({ items: [{ code: "new", count: 3, name: null }] });
	});

	it("nodes: create, list, get, patch (settings merged), delete; never return the password", async () => {
		const h = await createHarness();
		const created = await h.api("POST", "/nodes", { name: "УТ 11", login: "ut11", password: "p4ssword", settings: { batchSize: 50 } });
		expect(created.status).toBe(201);
		const node = await json(created);
		expect(node).toMatchObject({
			name: "УТ 11",
			login: "ut11",
			settings: { batchSize: 50, shipping: "paid", zip: true, encoding: "windows-1251" },
		});
		expect(node.exchangeUrl).toMatch(/\/exim_1c$/);
		expect(JSON.stringify(node)).not.toMatch(/p4ssword|passwordHash|pbkdf2/);
		const list = await json(await h.api("GET", "/nodes"));
		expect(JSON.stringify(list)).not.toMatch(/pbkdf2/);
		expect(list.items).toHaveLength(2);
		const patched = await json(
			await h.api("PATCH", `/nodes/${node.id}`, {
				settings: { statusMap: { export: { new: "Новый" } }, exportFromNumber: "100" },
				password: "newpass1",
			}),
		);
		expect(patched.settings).toMatchObject({ batchSize: 50, exportFromNumber: "100", statusMap: { export: { new: "Новый" }, import: [] } });
		// the new password works for 1C
		expect((await h.text("type=sale&mode=checkauth", { auth: basic("ut11", "newpass1") })).startsWith("success")).toBe(true);
		const bad = await h.api("PATCH", `/nodes/${node.id}`, { settings: { fileLimit: 10 } });
		expect(bad.status).toBe(400);
		expect((await json(bad)).error.path).toBe("settings.fileLimit");
		expect((await h.api("PATCH", `/nodes/${node.id}`, { settings: { nonsense: 1 } })).status).toBe(400);
		expect((await h.api("POST", "/nodes", { name: "x", login: "ut11", password: "p4ssword" })).status).toBe(409);
		expect((await h.api("POST", "/nodes", { name: "y", login: "a:b", password: "p4ssword" })).status).toBe(400);
		expect((await h.api("DELETE", `/nodes/${node.id}`)).status).toBe(204);
		expect((await h.api("GET", `/nodes/${node.id}`)).status).toBe(404);
		expect((await h.api("DELETE", `/nodes/${node.id}`)).status).toBe(404);
	});

	it("preview: XML in the node encoding or JSON with warnings; filters apply; no side effects", async () => {
		const h = await createHarness({ settings: { exportFromNumber: "10", exportStatusFilter: ["new"] } });
		await h.putOrder({ id: "a", number: "9" });
		await h.putOrder({ id: "b", number: "10" });
		await h.putOrder({ id: "c", number: "123456789012" });
		await h.putOrder({ id: "d", number: "20", status: "done" });
		const before = await h.digest();
		const xml = await h.api("GET", `/nodes/${h.nodeId}/preview`);
		expect(xml.headers.get("content-type")).toBe("application/xml; charset=windows-1251");
		const text = new TextDecoder("windows-1251").decode(new Uint8Array(await xml.arrayBuffer()));
		expect(text.match(/<Номер>/g)).toHaveLength(2);
		const j = await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`));
		expect(j).toMatchObject({ count: 2, encoding: "windows-1251", schemaVersion: "2.05" });
		expect(j.orders.map((o: Json) => o.number)).toEqual(["10", "123456789012"]);
		expect(j.orders[0].warnings).toEqual([]);
		// an `ut` node (default): a number over 11 characters goes out as an alias of at most 11
		expect(j.orders[1].warnings).toEqual([
			expect.objectContaining({ code: "NUMBER_ALIASED", params: expect.objectContaining({ reason: "cut", exported: "23456789012" }) }),
		]);
		expect(j.orders[1].exported).toEqual({ number: "23456789012", date: expect.any(String) });
		expect(j.orders[1].warnings[0].message).toMatch(/11/);
		expect(await h.digest()).toBe(before);
		const { cookie } = await h.login();
		expect(
			new TextDecoder("windows-1251")
				.decode(new Uint8Array(await (await h.exim("type=sale&mode=query", { cookie })).arrayBuffer()))
				.match(/<Номер>/g),
		).toHaveLength(2);
	});

	it("preview status1C: mapped by own keys only (a code like constructor is sent as is), null when statuses are off", async () => {
		const h = await createHarness({ settings: { statusMap: { export: { new: "Новый", done: "Выполнен" }, import: [] } } });
		await h.putOrder({ id: "a", number: "1", status: "new" });
		await h.putOrder({ id: "b", number: "2", status: "constructor" });
		await h.putOrder({ id: "c", number: "3", status: "toString" });
		const statuses = async () =>
			(await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`))).orders.map((o: Json) => [o.status, o.status1C]);
		expect(await statuses()).toEqual([
			["new", "Новый"],
			["constructor", "constructor"],
			["toString", "toString"],
		]);
		expect((await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { exportStatuses: false } })).status).toBe(200);
		expect(await statuses()).toEqual([
			["new", null],
			["constructor", null],
			["toString", null],
		]);
	});

	it("serves the OpenAPI document and /admin assets (CORS: cors.test.ts)", async () => {
		const seen: string[] = [];
		const h = await createHarness({
			adminAssets: {
				page: async () => "<html>admin</html>",
				widgetJs: async () => {
					seen.push("js");
					return new TextEncoder().encode("customElements.define('x', class extends HTMLElement {})");
				},
			},
		});
		const doc = await json(await h.app.request("/api/v1/openapi.json"));
		expect(doc.openapi).toBe("3.1.0");
		expect(Object.keys(doc.paths)).toContain("/nodes/{id}/preview");
		expect(await (await h.app.request("/admin")).text()).toBe("<html>admin</html>");
		const js = await h.app.request("/admin/obmen-widget.js");
		expect(js.headers.get("content-type")).toMatch(/javascript/);
		expect(seen).toEqual(["js"]);
		const none = await createHarness();
		expect((await none.app.request("/admin/obmen-widget.js")).status).toBe(404);
	});

	it("webhook receives the node's 1C change events, retried, without blocking 1C", async () => {
		const calls: Json[] = [];
		let fail = 1;
		const h = await createHarness({
			settings: { webhookUrl: "https://shop.example/hook" },
			fetch: (async (_url: string, init: RequestInit) => {
				calls.push(JSON.parse(String(init.body)) as Json);
				if (fail-- > 0) throw new Error("network down");
				return new Response("ok");
			}) as typeof fetch,
		});
		await h.putOrder({ id: "o1" });
		const { cookie } = await h.login();
		const replies = await uploadAndImport(
			h,
			cookie,
			"orders-1.xml",
			new TextEncoder().encode(oneCFile([{ number: "1", requisites: [["Оплачен", "true"]] }])),
			10_000,
		);
		expect(replies.at(-1)).toMatch(/^success/);
		await new Promise((r) => setTimeout(r, 1200));
		expect(calls).toHaveLength(2);
		expect(calls[1]).toMatchObject({ event: "1c.import", nodeId: h.nodeId, items: [{ orderId: "o1", changes: { source: "1c" } }] });
	});

	it("node settings reach the XML: status map, shipping line, options, schema version, batch size", async () => {
		const h = await createHarness({
			settings: { statusMap: { export: { new: "Принят" } }, shipping: "always", exportOptions: true, schemaVersion: "2.08", batchSize: 2 },
		});
		for (const id of ["o1", "o2", "o3"]) {
			await h.putOrder({
				id,
				items: [{ productId: "p", name: "Футболка", quantity: 1, price: "10", options: [{ name: "Размер", value: "XL" }] }],
			});
		}
		const xmlOf = async (r: Response) => new TextDecoder("windows-1251").decode(new Uint8Array(await r.arrayBuffer()));
		const xml = await xmlOf(await h.api("GET", `/nodes/${h.nodeId}/preview`));
		expect(xml).toContain('ВерсияСхемы="2.08"');
		expect(xml.match(/<Документ>/g)).toHaveLength(2);
		expect(xml).toMatch(/<Наименование>Статус заказа<\/Наименование>\s*<Значение>Принят<\/Значение>/);
		expect(xml).toContain("ORDER_DELIVERY");
		expect(xml).toContain("Размер");
		await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { shipping: "none", exportOptions: false, exportStatuses: false } });
		const plain = await xmlOf(await h.api("GET", `/nodes/${h.nodeId}/preview`));
		expect(plain).not.toContain("ORDER_DELIVERY");
		expect(plain).not.toContain("Размер");
		expect(plain).not.toContain("Статус заказа");
	});
});
