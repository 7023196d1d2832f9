import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parseOrder } from "@obmen/core";
import { bpKeyPart, type ExportCandidate } from "@obmen/db";
import { openDb } from "@obmen/db/node";
import { type Harness, oneCFile, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { afterEach, describe, expect, it } from "vitest";
import { assignIdentities, candidateNumber } from "./numbers.ts";
import type { NodeSettingsInput } from "./settings.ts";
import { createCheckedHarness as createHarness } from "./test-support/contract.ts";

const enc = new TextEncoder();

interface Sent {
	id: string;
	number: string;
	date: string;
	time: string;
}

/** The documents of a `query` answer (UTF-8 nodes): `Ид`, `Номер`, `Дата`, `Время` of each. */
function documents(xml: string): Sent[] {
	return [...xml.matchAll(/<Документ>([\s\S]*?)<\/Документ>/g)].map(([, body = ""]) => ({
		id: /<Ид>([^<]*)<\/Ид>/.exec(body)?.[1] ?? "",
		number: /<Номер>([^<]*)<\/Номер>/.exec(body)?.[1] ?? "",
		date: /<Дата>([^<]*)<\/Дата>/.exec(body)?.[1] ?? "",
		time: /<Время>([^<]*)<\/Время>/.exec(body)?.[1] ?? "",
	}));
}

async function harness(settings: NodeSettingsInput = {}): Promise<Harness> {
	return createHarness({ settings: { encoding: "utf-8", ...settings } });
}

/** One 1C download run: checkauth → query → success; the documents sent, by order id. */
async function exchange(h: Harness): Promise<Map<string, Sent>> {
	const { cookie } = await h.login();
	const xml = await h.text("type=sale&mode=query", { cookie });
	expect(await h.text("type=sale&mode=success", { cookie })).toMatch(/^success/);
	return new Map(documents(xml).map((d) => [d.id, d]));
}

async function put(h: Harness, id: string, over: Parameters<typeof sampleOrder>[1] = {}) {
	const r = await h.putOrder({ id, ...over });
	expect(r.status).toBeLessThan(300);
}

/** An order stored before the upgrade that introduced export identities (no API call, so no identity is read). */
async function storeBefore(h: Harness, id: string, over: Parameters<typeof sampleOrder>[1] = {}) {
	await h.store.upsertOrder(parseOrder(sampleOrder(id, over)), h.clock.now().toISOString());
}

async function importDocs(h: Harness, docs: Parameters<typeof oneCFile>[0], name: string) {
	const { cookie } = await h.login();
	return (await uploadAndImport(h, cookie, name, enc.encode(oneCFile(docs)), 100_000)).at(-1) ?? "";
}

async function oneC(h: Harness, id: string) {
	return ((await (await h.api("GET", `/orders/${id}`)).json()) as { oneC: Record<string, unknown> | null }).oneC;
}

const length = (s: string) => [...s].length;

describe("candidate numbers per configuration", () => {
	it("ut/retail: ≤ 11 as is, longer → the last 11 characters, then suffixed aliases ≤ 11", () => {
		expect(candidateNumber("ut", "12345678901", 0)).toBe("12345678901");
		expect(candidateNumber("retail", "SHOP-2024-000123", 0)).toBe("2024-000123");
		for (let i = 0; i < 200; i++) expect(length(candidateNumber("ut", "SHOP-2024-000123456", i) ?? "")).toBeLessThanOrEqual(11);
	});
	it("unf: the number as is (up to 100 characters)", () => {
		const long = "INTERNET-SHOP-ORDER-2026-000001";
		expect(candidateNumber("unf", long, 0)).toBe(long);
	});
	it("bp: as is only when P has ≤ 6 characters; aliases are numeric", () => {
		expect(candidateNumber("bp", "ORD-100", 0)).toBe("ORD-100");
		expect(candidateNumber("bp", "1000001", 0)).toMatch(/^\d{1,6}$/);
		expect(candidateNumber("bp", "SHOP-2024-1", 0)).toMatch(/^\d{1,6}$/);
		expect(bpKeyPart("1000001")).toBe(bpKeyPart("1000002"));
		expect(bpKeyPart("ORD-100")).toBe(bpKeyPart("ORD-1000"));
		expect(bpKeyPart("a100")).toBe(bpKeyPart("100"));
	});
});

describe("exported numbers per configuration (issue #17 §3)", () => {
	it("ut: a long number gets a stable alias ≤ 11, unique per node (also when two numbers share their tail); Ид stays the order id", async () => {
		const h = await harness();
		await put(h, "a", { number: "SHOP-2024-000123456" });
		await put(h, "b", { number: "SHOP-2025-000123456" });
		await put(h, "c", { number: "100" });
		const sent = await exchange(h);
		const a = sent.get("a")?.number ?? "";
		const b = sent.get("b")?.number ?? "";
		expect(length(a)).toBeLessThanOrEqual(11);
		expect(length(b)).toBeLessThanOrEqual(11);
		expect(a).not.toBe(b);
		expect(sent.get("c")?.number).toBe("100");
		// an alias taken by another order cannot be used again: a new order whose store number IS that alias gets one too
		await put(h, "d", { number: a });
		const again = await exchange(h);
		expect(again.get("d")?.number).not.toBe(a);
		expect(length(again.get("d")?.number ?? "")).toBeLessThanOrEqual(11);
	});

	it("stability: a changed order (even renumbered, new date) is re-exported with its first number and date", async () => {
		const h = await harness();
		await put(h, "a", { number: "SHOP-2024-000123456" });
		const first = (await exchange(h)).get("a");
		await put(h, "a", { number: "NEW-NUMBER-2", createdAt: "2026-11-29T18:45:00+03:00", comment: "changed" });
		const second = (await exchange(h)).get("a");
		expect(second).toEqual(first);
	});

	it("retail: the exported date/time never changes", async () => {
		const h = await harness({ configuration: "retail" });
		await put(h, "a", { number: "42" });
		const first = (await exchange(h)).get("a");
		expect(first).toMatchObject({ number: "42", date: "2026-11-27", time: "10:00:00" });
		await put(h, "a", { createdAt: "2026-12-01T08:15:00+03:00" });
		expect((await exchange(h)).get("a")).toEqual(first);
	});

	it("unf: a long number as is", async () => {
		const h = await harness({ configuration: "unf" });
		const long = "INTERNET-SHOP-ORDER-2026-000001";
		await put(h, "a", { number: long });
		expect((await exchange(h)).get("a")?.number).toBe(long);
	});

	it.each([
		["1000001", "1000002"],
		["ORD-100", "ORD-1000"],
		["a100", "100"],
		["SHOP-2024-1", "SHOP-2024-2"],
	])("bp: %s and %s never share an invoice key in one year", async (n1, n2) => {
		const h = await harness({ configuration: "bp" });
		await put(h, "a", { number: n1 });
		await put(h, "b", { number: n2 });
		const sent = await exchange(h);
		const a = sent.get("a")?.number ?? "";
		const b = sent.get("b")?.number ?? "";
		expect(bpKeyPart(a)).not.toBe(bpKeyPart(b));
		for (const [store, exported] of [
			[n1, a],
			[n2, b],
		] as const) {
			// as is only when P has ≤ 6 characters; else a numeric alias
			if (exported !== store) expect(exported).toMatch(/^\d{1,6}$/);
		}
		if (n1 === "ORD-100") expect(a).toBe("ORD-100");
		if (n1 === "SHOP-2024-1") expect(a).not.toBe(n1);
	});

	it("bp: the same key in different calendar years is fine", async () => {
		const h = await harness({ configuration: "bp" });
		await put(h, "a", { number: "a100", createdAt: "2025-06-01T10:00:00+03:00" });
		await put(h, "b", { number: "100", createdAt: "2026-06-01T10:00:00+03:00" });
		await put(h, "c", { number: "b100", createdAt: "2026-07-01T10:00:00+03:00" });
		const sent = await exchange(h);
		expect(sent.get("a")?.number).toBe("a100");
		expect(sent.get("b")?.number).toBe("100");
		// …but within one year the same P is not
		expect(bpKeyPart(sent.get("c")?.number ?? "")).not.toBe(bpKeyPart("100"));
	});

	it("two concurrent queries (two sessions) never hand out one number", async () => {
		const h = await harness();
		for (let i = 0; i < 20; i++) await put(h, `o${i}`, { number: `SHOP-${2000 + i}-000777` });
		const [s1, s2] = [await h.login(), await h.login()];
		const [x1, x2] = await Promise.all([
			h.text("type=sale&mode=query", { cookie: s1.cookie }),
			h.text("type=sale&mode=query", { cookie: s2.cookie }),
		]);
		const byOrder = new Map<string, string>();
		for (const d of [...documents(x1), ...documents(x2)]) {
			const seen = byOrder.get(d.id);
			if (seen !== undefined) expect(d.number).toBe(seen); // the same order: the same number in both answers
			byOrder.set(d.id, d.number);
		}
		expect(byOrder.size).toBe(20);
		expect(new Set(byOrder.values()).size).toBe(20);
	});

	it("two processes on one database assigning at once never store one number twice", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-numbers-"));
		cleanup.push(() => rmSync(dir, { recursive: true, force: true }));
		const url = `file:${join(dir, "db.sqlite")}`;
		const one = await openDb(url);
		const two = await openDb(url);
		cleanup.push(() => {
			one.client.close();
			two.client.close();
		});
		const at = "2026-11-28T12:00:00.000Z";
		await one.store.createNode({ id: "n", name: "n", login: "n", passwordHash: "x", settings: {}, createdAt: at, updatedAt: at });
		const cands = (prefix: string): ExportCandidate[] =>
			Array.from({ length: 10 }, (_, i) => ({
				order: { ...sampleOrder(`${prefix}${i}`), number: `SHOP-2024-00000${i}` } as ExportCandidate["order"],
				revision: 1,
				oneC: { id: null, number: null },
			}));
		const now = new Date(at);
		const [m1, m2] = await Promise.all([
			assignIdentities(one.store, "n", "ut", cands("x"), now, { sessionId: "s1" }),
			assignIdentities(two.store, "n", "ut", cands("y"), now, { sessionId: "s2" }),
		]);
		const numbers = [...m1.values(), ...m2.values()].map((x) => x.number);
		expect(numbers).toHaveLength(20);
		expect(new Set(numbers).size).toBe(20);
	});

	it("orders exported before identities existed keep the number they were exported with", async () => {
		const h = await harness();
		// stored and exported before the upgrade, straight in the store: an API answer reads identities (GET and PUT
		// show the order's exports), which would record the upgrade before this legacy export is simulated
		await storeBefore(h, "old", { number: "SHOP-2024-000123456" });
		// exported and acknowledged the old way (no identity row)
		await h.store.recordPending("legacy-session", [{ orderId: "old", revision: 1 }]);
		await h.store.acknowledge("legacy-session", h.nodeId);
		await put(h, "old", { number: "SHOP-2024-000123456", comment: "changed after the upgrade" });
		expect((await exchange(h)).get("old")?.number).toBe("SHOP-2024-000123456");
		const view = (await (await h.api("GET", "/orders/old")).json()) as { exports: { number: string; warnings: { code: string }[] }[] };
		expect(view.exports[0]?.number).toBe("SHOP-2024-000123456");
		expect(view.exports[0]?.warnings.map((w) => w.code)).toContain("NUMBER_CUT");
	});
});

const cleanup: (() => void)[] = [];
afterEach(() => {
	for (const f of cleanup.splice(0)) f();
});

describe("mapping 1C documents back (issue #17 §3)", () => {
	it("by the alias the order was exported with", async () => {
		const h = await harness();
		await put(h, "a", { number: "SHOP-2024-000123456" });
		const alias = (await exchange(h)).get("a")?.number ?? "";
		expect(alias).not.toBe("SHOP-2024-000123456");
		await importDocs(h, [{ number: alias, id: "guid-a", requisites: [["Проведен", "true"]] }], "o1.xml");
		expect(await oneC(h, "a")).toMatchObject({ id: "guid-a", posted: true });
		// a payment naming the alias in Основание
		await importDocs(h, [{ number: "ПКО-1", id: "pay-1", operation: "Выплата безналичных денег", basis: alias }], "p1.xml");
		expect(await oneC(h, "a")).toMatchObject({ paid: true, paymentNumber: "ПКО-1" });
	});

	it("by the 11-character cut Розница sends back (an order exported with a longer number before aliases)", async () => {
		const h = await harness({ configuration: "retail" });
		await storeBefore(h, "old", { number: "SHOP-2024-000123456" });
		await h.store.recordPending("legacy-session", [{ orderId: "old", revision: 1 }]);
		await h.store.acknowledge("legacy-session", h.nodeId);
		await exchange(h); // nothing to send, the legacy identity is recorded
		await importDocs(h, [{ number: "SHOP-2024-0", id: "guid-r", requisites: [["Оплачен", "true"]] }], "r.xml");
		expect(await oneC(h, "old")).toMatchObject({ id: "guid-r", paid: true });
	});
});

describe("kept unmatched documents (issue #17 §3)", () => {
	it("are listed with the reason and shown in the journal, then applied when their order appears", async () => {
		const h = await harness();
		const reply = await importDocs(
			h,
			[
				{ number: "777", id: "guid-777", requisites: [["Проведен", "true"]] },
				{ number: "ПКО-9", id: "pay-9", operation: "Выплата безналичных денег", basis: "777" },
			],
			"u.xml",
		);
		expect(reply).toMatch(/unknown: 2/);
		const list = (await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as {
			items: { id: number; kind: string; number: string | null; basis: string | null; reason: string }[];
		};
		expect(list.items.map((i) => i.kind).sort()).toEqual(["order", "payment"]);
		expect(list.items.find((i) => i.kind === "order")?.reason).toMatch(/no order with Номер "777"/);
		const journal = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?errors=1`)).json()) as { items: { error: string }[] };
		expect(journal.items.some((j) => /kept unmatched: 777 \(no order/.test(j.error ?? ""))).toBe(true);
		// the same upload again does not duplicate them
		await importDocs(h, [{ number: "777", id: "guid-777", requisites: [["Проведен", "true"]] }], "u2.xml");
		expect(((await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as { items: unknown[] }).items).toHaveLength(2);

		await put(h, "o777", { number: "777" });
		expect(await oneC(h, "o777")).toMatchObject({ id: "guid-777", posted: true, paid: true, paymentNumber: "ПКО-9" });
		expect(((await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as { items: unknown[] }).items).toHaveLength(0);
	});

	it("are re-matched at the next import once their order was exported", async () => {
		const h = await harness();
		await put(h, "a", { number: "SHOP-2024-000123456" });
		// 1C names the order by an alias that does not exist yet (e.g. a document from another export)…
		await importDocs(h, [{ number: "ПКО-3", id: "pay-3", operation: "Выплата безналичных денег", basis: "4-000123456" }], "p.xml");
		expect(await oneC(h, "a")).toBeNull();
		const alias = (await exchange(h)).get("a")?.number;
		expect(alias).toBe("4-000123456");
		await importDocs(h, [{ number: "zzz", id: "guid-other" }], "next.xml");
		expect(await oneC(h, "a")).toMatchObject({ paid: true, paymentNumber: "ПКО-3" });
	});

	it("a kept order document older than a state 1C sent since is forgotten, not applied over it", async () => {
		const h = await harness();
		await put(h, "a", { number: "SHOP-2024-000123456" });
		await importDocs(h, [{ number: "4-000123456", id: "guid-a", requisites: [["Статус заказа", "Новый"]] }], "old.xml");
		const alias = (await exchange(h)).get("a")?.number ?? "";
		expect(alias).toBe("4-000123456");
		h.clock.advance(60_000);
		// the newer state matches directly; the older kept one must not overwrite it afterwards
		await importDocs(h, [{ number: alias, id: "guid-a", requisites: [["Статус заказа", "Закрыт"]] }], "new.xml");
		expect(await oneC(h, "a")).toMatchObject({ status: "Закрыт" });
		expect(((await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as { items: unknown[] }).items).toHaveLength(0);
	});

	it("are attached by an operator, which applies them; a missing order changes nothing", async () => {
		const h = await harness();
		await put(h, "o1", { number: "1" });
		await importDocs(h, [{ number: "ЧУЖОЙ-5", id: "guid-5", requisites: [["Отменен", "true"]] }], "x.xml");
		const [doc] = ((await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as { items: { id: number }[] }).items;
		expect(doc).toBeDefined();
		const missing = await h.api("POST", `/nodes/${h.nodeId}/unmatched/${doc?.id}/attach`, { orderId: "nope" });
		expect(missing.status).toBe(404);
		expect(((await missing.json()) as { error: { path: string } }).error.path).toBe("orderId");
		expect(await oneC(h, "o1")).toBeNull();
		const bad = await h.api("POST", `/nodes/${h.nodeId}/unmatched/${doc?.id}/attach`, {});
		expect(bad.status).toBe(400);
		const ok = await h.api("POST", `/nodes/${h.nodeId}/unmatched/${doc?.id}/attach`, { orderId: "o1" });
		expect(ok.status).toBe(200);
		expect(await oneC(h, "o1")).toMatchObject({ id: "guid-5", cancelled: true });
		expect(((await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as { items: unknown[] }).items).toHaveLength(0);
		// later documents of that 1C order now match by its Ид
		await importDocs(h, [{ number: "ЧУЖОЙ-5", id: "guid-5", requisites: [["Проведен", "true"]] }], "y.xml");
		expect(await oneC(h, "o1")).toMatchObject({ posted: true });
	});
});

describe("API and preview show the exported number with warnings", () => {
	it("GET /orders/{id} lists per node the number it would get; the preview shows it without storing it", async () => {
		const h = await harness({ configuration: "bp" });
		await put(h, "a", { number: "ORD-100" });
		await put(h, "b", { number: "ORD-1000" });
		const preview = (await (await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`)).json()) as {
			orders: { id: string; exported: { number: string }; warnings: { code: string; params: Record<string, unknown> }[] }[];
		};
		const pb = preview.orders.find((o) => o.id === "b");
		expect(pb?.exported.number).toMatch(/^\d+$/);
		expect(pb?.warnings.find((w) => w.code === "NUMBER_ALIASED")?.params).toMatchObject({ reason: "key" });
		// side-effect free: nothing stored, the query then assigns the same numbers
		expect(await h.store.orderExportIdentities("b")).toEqual([]);
		const sent = await exchange(h);
		expect(sent.get("b")?.number).toBe(pb?.exported.number);
		const view = (await (await h.api("GET", "/orders/b")).json()) as {
			exports: { nodeId: string; number: string; assigned: boolean; warnings: { code: string }[] }[];
		};
		expect(view.exports).toEqual([
			expect.objectContaining({ nodeId: h.nodeId, number: pb?.exported.number, assigned: true, policy: "bp" }),
		]);
		expect(view.exports[0]?.warnings.map((w) => w.code)).toEqual(["NUMBER_ALIASED"]);
	});
});
