/**
 * Admin API and `query` behaviour for what 1C needs in every order (issue 17 §4–§6): the total check, the payment
 * fields, "Финальный статус" kept as `oneC.final`, the node's `vat` and `configuration` reaching the writer and preview.
 */

import { oneCFile, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { createCheckedHarness as createHarness } from "../test-support/contract.ts";

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON bodies in assertions
type Json = Record<string, any>;
const json = async (r: Response) => (await r.json()) as Json;

describe("PUT /api/v1/orders/{id}: the total must be what 1C computes from the lines", () => {
	const order = sampleOrder("o1", {
		items: [
			{ productId: "p1", name: "Чайник", quantity: 2, price: "100.00", discount: "10" },
			{ productId: "p2", name: "Кружка", quantity: 1, price: "50.50" },
		],
		discount: "20",
		shipping: { method: "Курьер", price: "300" },
	});

	it("refuses (422, both sums, path total) a total that differs from lines − discounts + shipping, and stores nothing", async () => {
		const h = await createHarness();
		const res = await h.api("PUT", "/orders/o1", { ...order, total: "530.50" });
		expect(res.status).toBe(422);
		const { error } = await json(res);
		expect(error).toMatchObject({ code: "total_mismatch", path: "total" });
		expect(error.message).toContain("530.50");
		expect(error.message).toContain("520.50");
		expect((await h.api("GET", "/orders/o1")).status).toBe(404);
	});

	it("accepts the matching total (in any decimal spelling) and an absent one", async () => {
		const h = await createHarness();
		expect((await h.api("PUT", "/orders/o1", { ...order, total: 520.5 })).status).toBe(201);
		expect((await h.api("PUT", "/orders/o2", { ...order, id: "o2", total: "520.500" })).status).toBe(201);
		const absent = await h.api("PUT", "/orders/o3", { ...order, id: "o3" });
		expect(absent.status).toBe(201);
		expect((await json(absent)).total).toBe("520.5");
	});

	it("an existing order is not changed by a refused update", async () => {
		const h = await createHarness();
		await h.api("PUT", "/orders/o1", order);
		const refused = await h.api("PUT", "/orders/o1", { ...order, status: "paid", total: "1.00" });
		expect(refused.status).toBe(422);
		const got = await json(await h.api("GET", "/orders/o1"));
		expect(got).toMatchObject({ status: "new", total: "520.5", revision: 1 });
	});
});

describe("payment fields in the order API", () => {
	it("methodId, paidAt and documentNumber are stored, returned and exported beside Метод оплаты", async () => {
		const h = await createHarness({ settings: { encoding: "utf-8" } });
		const payment = { method: "Картой онлайн", methodId: "card", paid: true, paidAt: "2026-11-27T10:05:00+03:00", documentNumber: "TX-9" };
		expect((await h.api("PUT", "/orders/o1", sampleOrder("o1", { payment }))).status).toBe(201);
		expect((await json(await h.api("GET", "/orders/o1"))).payment).toEqual(payment);
		const { cookie } = await h.login();
		const xml = await h.text("type=sale&mode=query", { cookie });
		for (const [name, value] of [
			["Метод оплаты", "Картой онлайн"],
			["Метод оплаты ИД", "card"],
			["Заказ оплачен", "true"],
			["Дата оплаты", "2026-11-27 10:05:00"],
			["Номер платежного документа", "TX-9"],
		]) {
			expect(xml).toContain(`<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>`);
		}
		const bad = await h.api("PUT", "/orders/o2", sampleOrder("o2", { payment: { ...payment, paidAt: "yesterday" } }));
		expect(bad.status).toBe(400);
		expect((await json(bad)).error.path).toBe("payment.paidAt");
	});
});

describe("Финальный статус from 1C", () => {
	it("is kept as oneC.final (reader → db column → API) and reported in the changes feed", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o7" });
		expect((await json(await h.api("GET", "/orders/o7"))).oneC).toBeNull();
		const { cookie } = await h.login();
		const file = oneCFile([{ number: "7", requisites: [["Финальный статус", "true"]] }]);
		const replies = await uploadAndImport(h, cookie, "orders-1.xml", new TextEncoder().encode(file), 100_000);
		expect(replies.at(-1)?.split("\n")[0]).toBe("success");
		const got = await json(await h.api("GET", "/orders/o7"));
		expect(got.oneC).toMatchObject({ final: true, id: "guid-7" });
		const feed = await json(await h.api("GET", "/changes?after=0"));
		expect(feed.items.at(-1).changes.fields.final).toEqual({ from: null, to: true });
		// a later "false" is a change too
		const again = oneCFile([{ number: "7", requisites: [["Финальный статус", "false"]] }], "2026-11-28T13:00:00");
		await uploadAndImport(h, cookie, "orders-2.xml", new TextEncoder().encode(again), 100_000);
		expect((await json(await h.api("GET", "/orders/o7"))).oneC.final).toBe(false);
	});
});

describe("node settings vat and configuration reach the export", () => {
	const withRate = sampleOrder("o1", { items: [{ productId: "p1", name: "Чайник", quantity: 1, price: "100.00", vatRate: 22 }] });

	it("vat none: every line Без НДС in the query answer; the document still says prices include VAT", async () => {
		const h = await createHarness({ settings: { vat: "none", encoding: "utf-8" } });
		await h.api("PUT", "/orders/o1", withRate);
		const { cookie } = await h.login();
		const xml = await h.text("type=sale&mode=query", { cookie });
		expect(xml).toContain("<СтавкиНалогов><СтавкаНалога><Наименование>НДС</Наименование><Ставка>Без НДС</Ставка>");
		expect(xml).toContain("<Налоги><Налог><Наименование>НДС</Наименование><УчтеноВСумме>true</УчтеноВСумме><Сумма>0.00</Сумма>");
		expect(xml).toMatch(/<Контрагент><Ид>order-[0-9A-Z]{12}<\/Ид>/);
	});

	it("the preview warns per node about a rate its configuration cannot read", async () => {
		for (const [configuration, warned] of [
			["ut", true],
			["unf", true],
			["bp", false],
		] as const) {
			const h = await createHarness({ settings: { configuration } });
			await h.api("PUT", "/orders/o1", withRate);
			const preview = await json(await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`));
			const codes = preview.orders[0].warnings.map((w: Json) => w.code);
			expect(codes.includes("VAT_RATE_UNREADABLE")).toBe(warned);
		}
	});
});
