/// <reference types="node" />
/**
 * Conformance: the reader on real-world CommerceML files published by other projects (the corpus located by
 * scripts/conformance.ts, never copied into the repo). Skipped when the corpus is absent, unless
 * `OBMEN_CONFORMANCE=required`, which turns its absence into a failure. The same behaviours are covered on our own
 * fixtures by reader.fixtures.test.ts.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { type IncomingDocument, readDocumentsAll } from "./reader.ts";

const CORPUS = process.env.OBMEN_CONFORMANCE_CORPUS ?? "";
const fixture = (name: string) => new Uint8Array(readFileSync(join(CORPUS, name)));
const fixtureNames = () => readdirSync(CORPUS).filter((f) => f.endsWith(".xml"));

const A1 = "carono-yii2-1c-exchange__from.xml";
const A2 = "carono-yii2-1c-exchange__to.xml";
const A3 = "dobromyslov-commerceml-parser__bitrix-query-response-full.xml";
const A4 = "dobromyslov-commerceml-parser__bitrix-query-response-empty.xml";
const A5 = "argentcrusade-commerceml__documents-example.xml";
const A6 = "irpsv-commerceml__off-doc-1c-orders.xml";
const A7 = "alex8bits-php-commerceml__orders.xml";
const A8 = "alexander-rakov-1c-commerceml-exchange77-8x__Order8x.xml";

const read = (name: string) => readDocumentsAll(fixture(name));
const req = (d: IncomingDocument, name: string) => d.requisites.find((r) => r.name === name)?.values;

it.runIf(process.env.OBMEN_CONFORMANCE === "required")("the conformance corpus is present (OBMEN_CONFORMANCE=required)", () => {
	expect(CORPUS, process.env.OBMEN_CONFORMANCE_REASON).not.toBe("");
});

describe.skipIf(!CORPUS)("conformance: public CommerceML files", () => {
	it("covers every fixture file in the folder", () => {
		expect(fixtureNames().sort()).toEqual([A1, A2, A3, A4, A5, A6, A7, A8].sort());
	});

	it("A1 from.xml (windows-1251, 2.03, site→1C)", async () => {
		const r = await read(A1);
		expect(r.schemaVersion).toBe("2.03");
		expect(r.generatedAt).toBe("2007-10-30");
		expect(r.documents).toHaveLength(1);
		const d = r.documents[0] as IncomingDocument;
		expect(d).toMatchObject({
			id: "36",
			number: "36",
			date: "2007-10-30T15:19:27",
			operation: "Заказ товара",
			role: "Продавец",
			currency: "руб",
			rate: "1",
			total: "6734.47",
		});
		expect(d.counterparties).toEqual([
			{ id: "1#admin# admin", name: "admin", fullName: "admin", inn: null, kpp: null, role: "Покупатель" },
		]);
		expect(d.items.map((i) => [i.id, i.name, i.quantity, i.price, i.total, i.kind])).toEqual([
			["ORDER_DELIVERY", "Доставка заказа", "1", "340", "340", "service"],
			["dee6e19a-55bc-11d9-848a-00112f43529a", "Телевизор &quot;JVC&quot;", "1", "6394.47", "6394.47", "goods"],
		]);
		expect(d.items[1]?.unit).toEqual({ code: "796", name: "шт", fullName: "Штука" });
		expect(d.oneC).toMatchObject({ status: "[N] Принят", cancelled: false, final: false, paid: false, number: null, posted: null });
		expect(req(d, "Метод оплаты")).toEqual(["Наличный расчет"]);
	});

	it("A2 to.xml (windows-1251, 1C→site): paid, final, [F] Доставлен", async () => {
		const r = await read(A2);
		const d = r.documents[0] as IncomingDocument;
		expect(r.documents).toHaveLength(1);
		expect(d).toMatchObject({ id: "20", number: "20", date: "2007-10-16T15:40:40", currency: "RUB", total: "9683.42" });
		expect(d.counterparties[0]?.name).toBe("Петр Петров");
		expect(d.items.map((i) => i.name)).toEqual(["Доставка заказа", "Комбайн MOULINEX A77 4C"]);
		expect(d.items[1]?.price).toBe("9335.42");
		// the official 2007 "Заказ на сайт" names the payment "Дата оплаты" / "Номер платежного документа"
		expect(d.oneC).toMatchObject({
			status: "[F] Доставлен",
			final: true,
			cancelled: false,
			paid: true,
			paidAt: "2007-10-16T15:44:47",
			paymentNumber: "ТК000000026",
		});
		expect(req(d, "Номер платежного документа")).toEqual(["ТК000000026"]);
		expect(req(d, "Дата изменения статуса")).toEqual(["2007-10-16 15:51:58"]);
	});

	it("A7 (UTF-8 transcode of A2) decodes to exactly the same documents", async () => {
		const [a2, a7] = await Promise.all([read(A2), read(A7)]);
		expect(a7.documents).toEqual(a2.documents);
	});

	it("A3 real Bitrix answer: 2 orders, status ids, customer comment, wrapped text kept", async () => {
		const r = await read(A3);
		expect(r.schemaVersion).toBe("2.05");
		expect(r.documents.map((d) => [d.number, d.total, d.items.length, d.oneC.statusId, d.date])).toEqual([
			["132", "231.74", 1, "N", "2021-02-11T18:45:21"],
			["133", "14380.58", 7, expect.any(String), "2021-02-12T09:11:04"],
		]);
		const d = r.documents[0] as IncomingDocument;
		expect(d.oneC.status).toBe("[N] Принят, ожидается оплата");
		expect(req(d, "Комментарии покупателя")).toEqual(["Я повелитель порошочков"]);
		expect(req(d, "Дата изменения статуса")).toEqual(["11.02.2021 18:45:21"]);
		expect(d.counterparties[0]?.id).toBe("38#catalog_exchange#");
		expect(d.items[0]?.requisites.map((x) => x.name)).toContain("СвойствоКорзины#CATALOG.XML_ID");
		expect(r.documents[1]?.items[0]?.name).toContain("refill 800ml\n");
	});

	it("A4 empty Bitrix answer: root only", async () => {
		const r = await read(A4);
		expect(r).toEqual({ schemaVersion: "2.05", generatedAt: "2021-02-12T17:04:36", documents: [] });
	});

	it("A5 1C-generated, namespaced 2.09: element and requisite 1C facts", async () => {
		const r = await read(A5);
		expect(r.schemaVersion).toBe("2.09");
		expect(r.documents).toHaveLength(2);
		const [d1, d2] = r.documents as [IncomingDocument, IncomingDocument];
		expect(d1).toMatchObject({
			id: "142",
			number: "142",
			date: "2015-06-29T15:39:10",
			currency: "RUB",
			rate: "1",
			total: "8186.84",
			role: "Продавец",
		});
		expect(d1.comment?.trim()).toBe("[Номер документа на сайте: 142]");
		expect(d1.oneC).toEqual({
			id: "142",
			number: "ТДЦУ-000001",
			date: "2015-06-29",
			posted: true,
			paid: true,
			paidAt: "2015-06-29T15:39:10",
			paymentNumber: "ТДЦУ-000001",
			shipped: true,
			shippedAt: "2015-06-29T17:32:27",
			shipmentNumber: "ТДЦУ-000003",
			cancelled: null,
			deleted: false,
			final: null,
			status: null,
			statusId: "P",
			version: "AAAAEAAAAAA=",
		});
		expect(d1.counterparties[0]).toMatchObject({
			id: "4a65ecb6-8b1b-11df-be16-e0cb4ed5f70f",
			name: "Kikinda (Сербия)",
			role: "Покупатель",
		});
		expect(d1.items.map((i) => [i.price, i.quantity, i.unit?.code, i.unit?.name])).toEqual([
			["3338", "1", "796", "шт"],
			["3600", "1", "715", "пар"],
		]);
		expect(d1.items[1]?.id).toBe("bd72d913-55bc-11d9-848a-00112f43529a#b02e2814-720f-11df-b436-0015e92f2802");
		expect(d2).toMatchObject({ number: "235", total: "4100" });
		expect(d2.oneC).toMatchObject({
			number: "ТДЦУ-000002",
			paid: true,
			paymentNumber: "ТДЦУ-000002",
			shipped: null,
			shippedAt: null,
			version: "AAAAMAAAAAA=",
		});
		expect(d2.items.find((i) => i.id === "ORDER_DELIVERY")).toMatchObject({ kind: "service", price: "500" });
	});

	it("A6 mixed: one site order and two status-only 1C documents", async () => {
		const r = await read(A6);
		expect(r.documents.map((d) => d.number)).toEqual(["36", "92", "93"]);
		expect(r.documents[0]?.total).toBe("6734.47");
		expect(r.documents[0]?.items[1]?.name).toBe('Телевизор "JVC"');
		for (const [i, n, date] of [
			[1, "MM92", "2015-08-12"],
			[2, "MM93", "2015-08-13"],
		] as const) {
			const d = r.documents[i] as IncomingDocument;
			expect(d.oneC).toMatchObject({ number: n, date, posted: true, deleted: false, status: "Открыт", paid: null, cancelled: null });
			expect(d.total).toBeNull();
			expect(d.counterparties).toEqual([]);
		}
	});

	it("A8 1C 8 B2B order: BOM, CRLF, no root attributes, mixed-content unit", async () => {
		const r = await read(A8);
		expect(r.schemaVersion).toBeNull();
		expect(r.generatedAt).toBeNull();
		const d = r.documents[0] as IncomingDocument;
		expect(d).toMatchObject({ number: "ПРМ001", role: "Покупатель", total: "27505.35", date: "2012-12-05T20:50:52", currency: "руб" });
		expect(d.counterparties.map((c) => [c.name, c.role, c.inn])).toEqual([
			["ООО Покупатель", "Покупатель", "1234567890"],
			["ООО Поставщик", "Продавец", "0987654321"],
		]);
		expect(d.items).toHaveLength(56);
		expect(d.items[0]).toMatchObject({ id: "*5108", quantity: "5", price: "52.66", total: "263.3", unit: { code: "796", name: "шт" } });
	});
});
