import { basic, type Harness } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { createCheckedHarness as createHarness } from "../test-support/contract.ts";

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON bodies in assertions
type Json = Record<string, any>;
const json = async (r: Response) => (await r.json()) as Json;
const cp1251 = async (r: Response) => new TextDecoder("windows-1251").decode(new Uint8Array(await r.arrayBuffer()));

/** One 1C run of the export half: checkauth → query → success; returns the numbers 1C got. */
async function exchange(h: Harness): Promise<{ numbers: string[]; xml: string }> {
	const { cookie } = await h.login();
	const xml = await cp1251(await h.exim("type=sale&mode=query", { cookie }));
	expect(await h.text("type=sale&mode=success", { cookie })).toBe("success\n");
	return { numbers: [...xml.matchAll(/<Номер>([^<]+)<\/Номер>/g)].map((m) => m[1] as string), xml };
}
const previewNumbers = async (h: Harness) =>
	(await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`))).orders.map((o: Json) => o.number);

describe("operator's console API", () => {
	it("resend: the listed orders go again in the preview and the next query; unknown ids are reported; journalled", async () => {
		const h = await createHarness();
		for (const id of ["o1", "o2", "o3"]) await h.putOrder({ id });
		expect((await exchange(h)).numbers).toEqual(["1", "2", "3"]);
		expect(await previewNumbers(h)).toEqual([]);
		const res = await json(await h.api("POST", `/nodes/${h.nodeId}/resend`, { orders: ["o3", "o1", "nope"] }));
		expect(res).toEqual({ queued: ["o1", "o3"], unknown: ["nope"] });
		expect(await previewNumbers(h)).toEqual(["1", "3"]);
		expect((await exchange(h)).numbers).toEqual(["1", "3"]);
		expect((await exchange(h)).numbers).toEqual([]);
		const journal = await json(await h.api("GET", `/nodes/${h.nodeId}/journal`));
		expect(journal.items.find((i: Json) => i.type === "admin")).toMatchObject({ mode: "resend", ordersSent: 2, filename: "o1, o3" });
		for (const body of [{}, { orders: [] }, { orders: "o1" }, { orders: ["o1"], extra: 1 }]) {
			const bad = await h.api("POST", `/nodes/${h.nodeId}/resend`, body);
			expect(bad.status).toBe(400);
			expect((await json(bad)).error.code).toBe("validation_failed");
		}
		expect((await h.api("POST", "/nodes/missing/resend", { orders: ["o1"] })).status).toBe(404);
	});

	it("rewind from a number, from a date, or all; bad bodies are refused and change nothing", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o5", createdAt: "2026-11-01T10:00:00+03:00" });
		await h.putOrder({ id: "o9", createdAt: "2026-11-20T10:00:00+03:00" });
		await h.putOrder({ id: "o10", createdAt: "2026-11-25T10:00:00+03:00" });
		await exchange(h);
		expect(await json(await h.api("POST", `/nodes/${h.nodeId}/rewind`, { fromNumber: "9" }))).toEqual({ queued: 2 });
		expect(await previewNumbers(h)).toEqual(["9", "10"]);
		expect((await exchange(h)).numbers).toEqual(["9", "10"]);
		expect(await json(await h.api("POST", `/nodes/${h.nodeId}/rewind`, { fromDate: "2026-11-21" }))).toEqual({ queued: 1 });
		expect((await exchange(h)).numbers).toEqual(["10"]);
		const before = await h.digest();
		for (const body of [{}, { fromNumber: "" }, { fromDate: "yesterday" }, { all: false }, { all: true, fromNumber: "1" }]) {
			expect((await h.api("POST", `/nodes/${h.nodeId}/rewind`, body)).status).toBe(400);
		}
		expect(await h.digest()).toBe(before);
		expect(await json(await h.api("POST", `/nodes/${h.nodeId}/rewind`, { all: true }))).toEqual({ queued: 3 });
		expect((await exchange(h)).numbers).toEqual(["5", "9", "10"]);
	});

	it("DELETE an order: it reaches 1C once more with ПометкаУдаления, then leaves the store after success", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		await h.putOrder({ id: "o2" });
		await exchange(h);
		const del = await h.api("DELETE", "/orders/o1");
		expect(del.status).toBe(202);
		expect(await json(del)).toMatchObject({ id: "o1", removed: false, deletedAt: "2026-11-28T12:00:00.000Z" });
		expect((await json(await h.api("GET", "/orders/o1"))).deletedAt).toBe("2026-11-28T12:00:00.000Z");
		const preview = await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`));
		expect(preview.orders).toEqual([expect.objectContaining({ id: "o1", deleted: true })]);
		const { cookie } = await h.login();
		const xml = await cp1251(await h.exim("type=sale&mode=query", { cookie }));
		expect(xml).toMatch(/<Наименование>ПометкаУдаления<\/Наименование><Значение>true<\/Значение>/);
		expect(xml).not.toContain("<Номер>2</Номер>");
		// no success yet: the order is still there (at-least-once)
		expect((await h.api("GET", "/orders/o1")).status).toBe(200);
		expect(await h.text("type=sale&mode=success", { cookie })).toBe("success\n");
		expect((await h.api("GET", "/orders/o1")).status).toBe(404);
		expect((await h.api("GET", "/orders/o2")).status).toBe(200);
		expect((await h.api("DELETE", "/orders/o1")).status).toBe(404);
	});

	it("DELETE waits for every node; with no node at all the order is removed at once", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		const second = await json(await h.api("POST", "/nodes", { name: "second", login: "second", password: "second-pass" }));
		await h.api("DELETE", "/orders/o1");
		await exchange(h);
		expect((await h.api("GET", "/orders/o1")).status).toBe(200); // the second node has not got it yet
		const auth = basic("second", "second-pass");
		const lines = (await h.text("type=sale&mode=checkauth", { auth })).split("\n");
		const cookie = `${lines[1]}=${lines[2]}`;
		expect(await cp1251(await h.exim("type=sale&mode=query", { cookie, auth }))).toContain("ПометкаУдаления");
		expect(await h.text("type=sale&mode=success", { cookie, auth })).toBe("success\n");
		expect((await h.api("GET", "/orders/o1")).status).toBe(404);

		for (const n of (await json(await h.api("GET", "/nodes"))).items) await h.api("DELETE", `/nodes/${n.id}`);
		expect(second.id).toBeTruthy();
		await h.putOrder({ id: "o2" });
		expect(await json(await h.api("DELETE", "/orders/o2"))).toMatchObject({ removed: true });
		expect((await h.api("GET", "/orders/o2")).status).toBe(404);
	});

	it("a PUT after DELETE brings the order back", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		await h.api("DELETE", "/orders/o1");
		await h.putOrder({ id: "o1", status: "processing" });
		expect((await json(await h.api("GET", "/orders/o1"))).deletedAt).toBeNull();
		expect((await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`))).orders[0].deleted).toBe(false);
	});

	it("nodes: a generated password is returned once and works; state never → ok → stale, failed", async () => {
		const h = await createHarness({ settings: { staleAfterHours: 2 } });
		const created = await json(await h.api("POST", "/nodes", { name: "Розница", login: "retail" }));
		expect(created.password).toMatch(/^[0-9a-f]{20}$/);
		expect((await h.text("type=sale&mode=checkauth", { auth: basic("retail", created.password) })).startsWith("success")).toBe(true);
		expect(JSON.stringify(await json(await h.api("GET", `/nodes/${created.id}`)))).not.toContain(created.password);

		const state = async () => {
			const n = await json(await h.api("GET", `/nodes/${h.nodeId}`));
			return [n.state, n.lastExchange?.ok ?? null, n.lastSuccessAt];
		};
		expect(await state()).toEqual(["never", null, null]);
		await exchange(h);
		expect(await state()).toEqual(["ok", true, "2026-11-28T12:00:00.000Z"]);
		h.clock.advance(3 * 3_600_000);
		expect(await state()).toEqual(["stale", true, "2026-11-28T12:00:00.000Z"]);
		const { cookie } = await h.login();
		expect(await h.text("type=sale&mode=import&filename=missing.xml", { cookie })).toMatch(/^failure/);
		const failed = await json(await h.api("GET", `/nodes/${h.nodeId}`));
		expect(failed).toMatchObject({ state: "failed", lastExchange: { ok: false } });
		expect(failed.lastExchange.error).toBeTruthy();
		// admin actions do not count as exchanges
		await h.api("POST", `/nodes/${h.nodeId}/rewind`, { all: true });
		expect((await json(await h.api("GET", `/nodes/${h.nodeId}`))).state).toBe("failed");
		const list = await json(await h.api("GET", "/nodes"));
		const byId = Object.fromEntries(list.items.map((n: Json) => [n.id, n.state]));
		expect(byId).toEqual({ [h.nodeId]: "failed", [created.id]: "ok" }); // the other node logged in 3 h ago, stale after 24 h
	});

	it("POST /nodes/{id}/password: a new generated password replaces the old one", async () => {
		const h = await createHarness();
		const { password } = await json(await h.api("POST", `/nodes/${h.nodeId}/password`));
		expect(password).toMatch(/^[0-9a-f]{20}$/);
		expect((await h.text("type=sale&mode=checkauth")).startsWith("failure")).toBe(true);
		const n = await json(await h.api("GET", `/nodes/${h.nodeId}`));
		expect((await h.text("type=sale&mode=checkauth", { auth: basic(n.login, password) })).startsWith("success")).toBe(true);
		expect((await h.api("POST", "/nodes/missing/password")).status).toBe(404);
	});

	it('exportFromNumber must be an order number: "abc" is refused and nothing changes', async () => {
		const h = await createHarness();
		const bad = await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { exportFromNumber: "abc" } });
		expect(bad.status).toBe(400);
		expect((await json(bad)).error.path).toBe("settings.exportFromNumber");
		expect((await json(await h.api("GET", `/nodes/${h.nodeId}`))).settings.exportFromNumber).toBeNull();
		for (const v of ["1000", "SHOP-100", null]) {
			expect((await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { exportFromNumber: v } })).status).toBe(200);
		}
	});

	it("status dictionary: set before any order has the status; the pickers list it first with names", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1", status: "processing" });
		const items = [
			{ code: "new", name: "Новый" },
			{ code: "paid", name: "Оплачен" },
		];
		expect(await json(await h.api("PUT", "/statuses", { items }))).toEqual({ items });
		expect(await json(await h.api("GET", "/statuses"))).toEqual({ items });
		expect((await json(await h.api("GET", "/meta/statuses"))).items).toEqual([
			{ code: "new", count: 0, name: "Новый" },
			{ code: "paid", count: 0, name: "Оплачен" },
			{ code: "processing", count: 1, name: null },
		]);
		for (const body of [{ items: [{ code: "a" }, { code: "a" }] }, { items: [{ code: "" }] }, { items: "x" }, {}]) {
			expect((await h.api("PUT", "/statuses", body)).status).toBe(400);
		}
		expect(await json(await h.api("GET", "/statuses"))).toEqual({ items });
	});

	it("preview: this batch of all waiting orders, and its byte size", async () => {
		const h = await createHarness({ settings: { batchSize: 2, exportFromNumber: "2" } });
		for (const id of ["o1", "o2", "o3", "o4", "o5"]) await h.putOrder({ id });
		const p = await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`));
		expect(p).toMatchObject({ count: 2, waiting: 4 });
		const xml = await h.api("GET", `/nodes/${h.nodeId}/preview`);
		expect(p.bytes).toBe((await xml.arrayBuffer()).byteLength);
		await exchange(h);
		expect(await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`))).toMatchObject({ count: 2, waiting: 2 });
	});

	it("every console route is in the OpenAPI document", async () => {
		const h = await createHarness();
		const doc = await json(await h.app.request("/api/v1/openapi.json"));
		expect(Object.keys(doc.paths)).toEqual(
			expect.arrayContaining(["/nodes/{id}/resend", "/nodes/{id}/rewind", "/nodes/{id}/password", "/statuses"]),
		);
		expect(doc.paths["/orders/{id}"].delete).toBeTruthy();
	});
});
