import { createHarness, type Harness, oneCFile, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

const enc = new TextEncoder();
const xmlOf = async (r: Response) => new TextDecoder("windows-1251").decode(new Uint8Array(await r.arrayBuffer()));

async function importDocs(h: Harness, docs: Parameters<typeof oneCFile>[0], name = "orders-1.xml") {
	const { cookie } = await h.login();
	return (await uploadAndImport(h, cookie, name, enc.encode(oneCFile(docs)), 100_000)).at(-1) ?? "";
}

async function get(h: Harness, id: string) {
	return (await (await h.api("GET", `/orders/${id}`)).json()) as {
		status: string;
		revision: number;
		statusChangedAt?: string;
		oneC: Record<string, unknown> | null;
	};
}

const rules = [
	{ on: "posted" as const, status: "confirmed" },
	{ on: "paid" as const, status: "paid" },
	{ on: "shipped" as const, status: "shipped" },
	{ on: "cancelled" as const, status: "cancelled" },
];

describe("applying 1C documents (docs/protocol.md §7.3)", () => {
	it("maps flags to a store status, last matching rule wins; absent flags keep earlier values", async () => {
		const h = await createHarness({ settings: { statusMap: { import: rules } } });
		await h.putOrder({ id: "o1" });
		await importDocs(h, [
			{
				number: "1",
				requisites: [
					["Проведен", "true"],
					["Оплачен", "true"],
				],
			},
		]);
		expect(await get(h, "o1")).toMatchObject({
			status: "paid",
			revision: 1,
			statusChangedAt: "2026-11-28T12:00:00.000Z",
			oneC: { posted: true, paid: true, paidAt: null },
		});
		await importDocs(
			h,
			[
				{
					number: "1",
					requisites: [
						["Дата отгрузки по 1С", "2026-11-29T10:00:00"],
						["Номер отгрузки по 1С", "РТУ-7"],
					],
				},
			],
			"orders-2.xml",
		);
		expect(await get(h, "o1")).toMatchObject({
			status: "shipped",
			oneC: { posted: true, paid: true, shipped: true, shippedAt: "2026-11-29T10:00:00", shipmentNumber: "РТУ-7" },
		});
	});

	it("importStatuses off: 1C state stored, store status untouched", async () => {
		const h = await createHarness({ settings: { importStatuses: false, statusMap: { import: rules } } });
		await h.putOrder({ id: "o1" });
		await importDocs(h, [{ number: "1", requisites: [["Оплачен", "true"]] }]);
		expect(await get(h, "o1")).toMatchObject({ status: "new", oneC: { paid: true } });
	});

	it("status rules on the 1C status string; ПометкаУдаления sets deleted + cancelled", async () => {
		const h = await createHarness({
			settings: {
				statusMap: {
					import: [
						{ on: "status", value: "Закрыт", status: "done" },
						{ on: "cancelled", status: "cancelled" },
					],
				},
			},
		});
		await h.putOrder({ id: "o1" });
		await h.putOrder({ id: "o2" });
		await importDocs(h, [
			{ number: "1", requisites: [["Статус заказа", "Закрыт"]] },
			{ number: "2", requisites: [["ПометкаУдаления", "true"]] },
		]);
		expect(await get(h, "o1")).toMatchObject({ status: "done", oneC: { status: "Закрыт" } });
		expect(await get(h, "o2")).toMatchObject({ status: "cancelled", oneC: { deleted: true, cancelled: true } });
	});

	it("finds orders by stored 1C Ид; payment documents by Основание = site number, never by the 1C number alone", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		await importDocs(h, [{ number: "1", id: "guid-A", requisites: [["Номер по 1С", "УТ-1"]] }]);
		// a later document without the site number, matched by its 1C Ид
		await importDocs(h, [{ number: "zzz", id: "guid-A", requisites: [["Проведен", "true"]] }], "orders-2.xml");
		expect((await get(h, "o1")).oneC).toMatchObject({ posted: true, number: "УТ-1" });
		// "Номер по 1С" alone identifies nothing (1C numbers restart every year): the payment is kept, not applied
		await importDocs(
			h,
			[{ number: "ПКО-4", id: "pay-0", operation: "Выплата безналичных денег", basis: "УТ-1", date: "2026-11-29" }],
			"pay-0.xml",
		);
		expect((await get(h, "o1")).oneC).toMatchObject({ paid: null });
		await importDocs(
			h,
			[{ number: "ПКО-5", id: "pay-1", operation: "Выплата безналичных денег", basis: "1", date: "2026-11-29" }],
			"pay.xml",
		);
		expect((await get(h, "o1")).oneC).toMatchObject({ paid: true, paidAt: "2026-11-29T10:00:00", paymentNumber: "ПКО-5" });
	});

	it("oneC.status is the raw Статус заказа; a status rule matches it or Статуса заказа ИД", async () => {
		const h = await createHarness({
			settings: {
				statusMap: {
					import: [
						{ on: "status", value: "Закрыт", status: "done" },
						{ on: "status", value: "N", status: "accepted" },
					],
				},
			},
		});
		await h.putOrder({ id: "o1" });
		await h.putOrder({ id: "o2" });
		await importDocs(h, [
			{
				number: "1",
				requisites: [
					["Статус заказа", "Закрыт"],
					["Статуса заказа ИД", "F"],
				],
			},
			{ number: "2", requisites: [["Статуса заказа ИД", "N"]] },
		]);
		expect(await get(h, "o1")).toMatchObject({ status: "done", oneC: { status: "Закрыт", statusId: "F" } });
		expect(await get(h, "o2")).toMatchObject({ status: "accepted", oneC: { status: null, statusId: "N" } });
	});

	it("Статуса заказа ИД with no matching rule is applied as the store status code (Bitrix), only with importStatuses", async () => {
		const h = await createHarness({ settings: { statusMap: { import: [{ on: "status", value: "Закрыт", status: "done" }] } } });
		await h.putOrder({ id: "o1" });
		await importDocs(h, [
			{
				number: "1",
				requisites: [
					["Статус заказа", "В работе"],
					["Статуса заказа ИД", "processing"],
				],
			},
		]);
		expect(await get(h, "o1")).toMatchObject({ status: "processing", oneC: { status: "В работе", statusId: "processing" } });
		const off = await createHarness({ settings: { importStatuses: false } });
		await off.putOrder({ id: "o1" });
		await importDocs(off, [{ number: "1", requisites: [["Статуса заказа ИД", "processing"]] }]);
		expect(await get(off, "o1")).toMatchObject({ status: "new", oneC: { status: null, statusId: "processing" } });
	});

	it("payment and shipment documents find their order by the store order id in Основание (Bitrix writes it)", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "shop-77", number: "1077" });
		await importDocs(
			h,
			[
				{ number: "ПКО-9", id: "pay-9", operation: "Выплата безналичных денег", basis: "shop-77", date: "2026-11-29" },
				{ number: "РТУ-3", id: "ship-3", operation: "Отпуск товара", basis: "shop-77", date: "2026-11-30" },
			],
			"pay.xml",
		);
		expect((await get(h, "shop-77")).oneC).toMatchObject({
			paid: true,
			paymentNumber: "ПКО-9",
			shipped: true,
			shippedAt: "2026-11-30T10:00:00",
			shipmentNumber: "РТУ-3",
		});
	});

	it("unknown orders are journaled, created only with createOrdersFrom1C (and never echoed)", async () => {
		const h = await createHarness();
		const reply = await importDocs(h, [{ number: "777", requisites: [["Проведен", "true"]] }]);
		expect(reply).toMatch(/unknown: 1/);
		const j = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?errors=1`)).json()) as { items: { mode: string; error: string }[] };
		expect(j.items[0]).toMatchObject({ mode: "file" }); // applied on upload: the file request that completed it
		expect(j.items[0]?.error).toContain("777");
		expect((await h.api("GET", "/orders/1c-guid-777")).status).toBe(404);

		const h2 = await createHarness({ settings: { createOrdersFrom1C: true } });
		expect(await importDocs(h2, [{ number: "777" }])).toMatch(/created: 1/);
		const created = await get(h2, "1c-guid-777");
		expect(created).toMatchObject({ status: "new", revision: 0, oneC: { id: "guid-777" } });
		const { cookie } = await h2.login();
		const xml = await xmlOf(await h2.exim("type=sale&mode=query", { cookie }));
		expect(xml).not.toContain("<Документ>");
	});

	it("a 1C change never bumps the revision; a later site change does and is exported once", async () => {
		const h = await createHarness({ settings: { statusMap: { import: rules } } });
		await h.putOrder({ id: "o1" });
		let s = await h.login();
		await h.exim("type=sale&mode=query", { cookie: s.cookie });
		await h.text("type=sale&mode=success", { cookie: s.cookie });
		await importDocs(h, [{ number: "1", requisites: [["Оплачен", "true"]] }]);
		s = await h.login();
		expect(await xmlOf(await h.exim("type=sale&mode=query", { cookie: s.cookie }))).not.toContain("<Документ>");
		const cur = await get(h, "o1");
		expect(cur.status).toBe("paid");
		await h.putOrder({ id: "o1", status: "paid", comment: "позвонить" });
		s = await h.login();
		expect(await xmlOf(await h.exim("type=sale&mode=query", { cookie: s.cookie }))).toContain("<Документ>");
	});
});
