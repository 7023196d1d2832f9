/**
 * The reader on our own fixtures (packages/core/test-data/fixtures, described in its README): both directions,
 * windows-1251 and UTF-8 with and without BOM, LF and CRLF, the 2.03–2.10 shapes, both 1C namespaces, `Контейнер`,
 * and a zip of portions as 1C uploads it. reader.conformance.test.ts runs the same kinds of checks on real files.
 */
import { describe, expect, it } from "vitest";
import { fixture, fixtureNames } from "../test-support/fixtures.ts";
import { unzipXml } from "../zip.ts";
import { type IncomingDocument, readDocumentsAll } from "./reader.ts";

const SITE_203 = "site-2.03-windows-1251.xml";
const ONEC_203 = "1c-2.03-windows-1251.xml";
const ONEC_203_UTF8 = "1c-2.03-utf-8.xml";
const BITRIX = "site-2.05-bitrix-windows-1251.xml";
const BITRIX_EMPTY = "site-2.05-bitrix-empty-windows-1251.xml";
const ONEC_209 = "1c-2.09-namespaced-utf-8.xml";
const STATUS_ONLY = "1c-2.03-status-only-utf-8.xml";
const B2B = "b2b-bom-crlf-utf-8.xml";
const CONTAINER = "1c-3.1-container-commerceml_210.xml";
const ONEC_210 = "1c-2.10-subordinate-bom-crlf.xml";

const read = (name: string) => readDocumentsAll(fixture(name));
const req = (d: IncomingDocument, name: string) => d.requisites.find((r) => r.name === name)?.values;

describe("our CommerceML fixtures", () => {
	it("covers every fixture file in the folder", () => {
		expect(fixtureNames()).toEqual(
			[SITE_203, ONEC_203, ONEC_203_UTF8, BITRIX, BITRIX_EMPTY, ONEC_209, STATUS_ONLY, B2B, CONTAINER, ONEC_210].sort(),
		);
	});

	it("site→1C 2.03, windows-1251: order, buyer with a representative, delivery line, requisites", async () => {
		const r = await read(SITE_203);
		expect(r.schemaVersion).toBe("2.03");
		expect(r.generatedAt).toBe("2024-03-18");
		expect(r.documents).toHaveLength(1);
		const d = r.documents[0] as IncomingDocument;
		expect(d).toMatchObject({
			id: "518",
			number: "518",
			date: "2024-03-18T11:05:42",
			operation: "Заказ товара",
			role: "Продавец",
			currency: "руб",
			rate: "1",
			total: "4870.5",
			comment: "Позвонить за час",
		});
		// the representative's nested Контрагент/Наименование does not override the buyer
		expect(d.counterparties).toEqual([
			{ id: "7#ivanova#Анна Иванова", name: "Анна Иванова", fullName: "Иванова Анна Сергеевна", inn: null, kpp: null, role: "Покупатель" },
		]);
		expect(d.items.map((i) => [i.id, i.name, i.quantity, i.price, i.total, i.kind])).toEqual([
			["ORDER_DELIVERY", "Доставка заказа", "1", "250", "250", "service"],
			// a double-escaped entity stays as 1C would show it
			["5f1c2a10-8e3b-11ee-b9d1-0242ac120002", "Чайник &quot;Заря&quot; 1,7 л", "2", "2310.25", "4620.5", "goods"],
		]);
		expect(d.items[1]?.unit).toEqual({ code: "796", name: "шт", fullName: "Штука" });
		expect(d.oneC).toMatchObject({ status: "[N] Принят", cancelled: false, final: false, paid: false, number: null, posted: null });
		expect(req(d, "Метод оплаты")).toEqual(["Оплата при получении"]);
	});

	it("1C→site 2.03, windows-1251: paid, final, payment document", async () => {
		const r = await read(ONEC_203);
		const d = r.documents[0] as IncomingDocument;
		expect(r.documents).toHaveLength(1);
		expect(d).toMatchObject({ id: "518", number: "518", date: "2024-03-18T11:05:42", currency: "RUB", total: "4870.5" });
		expect(d.items.map((i) => i.name)).toEqual(["Доставка заказа", "Чайник «Заря» 1,7 л"]);
		expect(d.oneC).toMatchObject({
			status: "[F] Доставлен",
			final: true,
			cancelled: false,
			paid: true,
			paidAt: "2024-03-19T09:12:30",
			paymentNumber: "ПКО-000117",
		});
		expect(req(d, "Дата изменения статуса")).toEqual(["2024-03-19 17:40:05"]);
	});

	it("the UTF-8 transcode of the windows-1251 file decodes to exactly the same documents", async () => {
		const [a, b] = await Promise.all([read(ONEC_203), read(ONEC_203_UTF8)]);
		expect(b.documents).toEqual(a.documents);
	});

	it("Bitrix-style 2.05 answer: two orders, status ids, customer comment, wrapped text kept", async () => {
		const r = await read(BITRIX);
		expect(r.schemaVersion).toBe("2.05");
		expect(r.documents.map((d) => [d.number, d.total, d.items.length, d.oneC.statusId, d.date])).toEqual([
			["901", "1190", 1, "N", "2024-05-05T21:47:03"],
			["902", "3480", 1, "P", "2024-05-06T08:02:11"],
		]);
		const d = r.documents[0] as IncomingDocument;
		expect(d.oneC.status).toBe("[N] Принят, ожидается оплата");
		expect(req(d, "Комментарии покупателя")).toEqual(["Домофон не работает"]);
		expect(req(d, "Дата изменения статуса")).toEqual(["05.05.2024 21:47:03"]);
		expect(d.counterparties[0]?.id).toBe("12#shop_user#");
		expect(d.items[0]?.requisites.map((x) => x.name)).toContain("СвойствоКорзины#CATALOG.XML_ID");
		expect(r.documents[1]?.items[0]?.name).toContain("поликарбонатная\n");
	});

	it("empty Bitrix-style answer: root only", async () => {
		expect(await read(BITRIX_EMPTY)).toEqual({ schemaVersion: "2.05", generatedAt: "2024-05-06T10:20:00", documents: [] });
	});

	it("1C-generated, namespaced urn:1C.ru:commerceml_2, 2.09: element and requisite 1C facts", async () => {
		const r = await read(ONEC_209);
		expect(r.schemaVersion).toBe("2.09");
		expect(r.documents).toHaveLength(2);
		const [d1, d2] = r.documents as [IncomingDocument, IncomingDocument];
		expect(d1).toMatchObject({ id: "1205", number: "1205", date: "2024-06-09T14:31:08", currency: "RUB", total: "5740", role: "Продавец" });
		expect(d1.comment).toBe("[Номер документа на сайте: 1205]");
		expect(d1.oneC).toEqual({
			id: "1205",
			number: "МГ00-000041",
			date: "2024-06-10",
			posted: true,
			paid: true,
			paidAt: "2024-06-10T11:02:17",
			paymentNumber: "МГ00-000052",
			shipped: true,
			shippedAt: "2024-06-10T15:48:00",
			shipmentNumber: "МГ00-000063",
			cancelled: null,
			deleted: false,
			final: null,
			status: null,
			statusId: "F",
			version: "AAAAIQAAAAA=",
		});
		expect(d1.counterparties[0]).toMatchObject({ name: 'ООО "Ромашка"', inn: "6950012345", kpp: "695001001", role: "Покупатель" });
		expect(d1.items.map((i) => [i.price, i.quantity, i.unit?.code, i.unit?.name])).toEqual([
			["1870", "2", "796", "шт"],
			["200", "10", "715", "пар"],
		]);
		expect(d1.items[1]?.id).toBe("8a0e55c9-2d4f-11ee-9b3a-00155d012a07#f1b2c3d4-2d50-11ee-9b3a-00155d012a07");
		expect(d2).toMatchObject({ number: "1207", total: "1350" });
		expect(d2.oneC).toMatchObject({
			number: "МГ00-000042",
			paid: true,
			paymentNumber: "МГ00-000053",
			shipped: null,
			version: "AAAAFgAAAAA=",
		});
		expect(d2.items.find((i) => i.id === "ORDER_DELIVERY")).toMatchObject({ kind: "service", price: "350" });
	});

	it("mixed: one site order and two status-only 1C documents", async () => {
		const r = await read(STATUS_ONLY);
		expect(r.documents.map((d) => d.number)).toEqual(["77", "78", "79"]);
		expect(r.documents[0]?.items[0]?.name).toBe('Кружка "Север"');
		for (const [i, n, date, posted, deleted] of [
			[1, "ИМ-78", "2024-07-01", true, false],
			[2, "ИМ-79", "2024-07-02", false, true],
		] as const) {
			const d = r.documents[i] as IncomingDocument;
			expect(d.oneC).toMatchObject({ number: n, date, posted, deleted, status: "В работе", paid: null, cancelled: null });
			expect(d.total).toBeNull();
			expect(d.counterparties).toEqual([]);
		}
	});

	it("1C 8 B2B order: UTF-8 BOM, CRLF, no root attributes, mixed-content unit", async () => {
		const bytes = fixture(B2B);
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		expect(new TextDecoder().decode(bytes)).toContain("\r\n");
		const r = await read(B2B);
		expect(r.schemaVersion).toBeNull();
		expect(r.generatedAt).toBeNull();
		const d = r.documents[0] as IncomingDocument;
		expect(d).toMatchObject({ number: "ЗП-0007", role: "Покупатель", total: "1520.4", date: "2023-11-20T09:30:00", currency: "руб" });
		expect(d.counterparties.map((c) => [c.name, c.role, c.inn])).toEqual([
			["ООО Заказчик", "Покупатель", "7701234567"],
			["ООО Склад", "Продавец", "7707654321"],
		]);
		expect(d.items).toHaveLength(2);
		expect(d.items[0]).toMatchObject({ id: "*2201", quantity: "10", price: "48.12", total: "481.2", unit: { code: "796", name: "шт" } });
	});

	it("prefixed urn:1C.ru:commerceml_210 with Контейнер (3.x): documents inside each container", async () => {
		const r = await read(CONTAINER);
		expect(r.schemaVersion).toBe("3.1");
		expect(r.documents.map((d) => [d.number, d.total, d.oneC.cancelled])).toEqual([
			["5501", "640", false],
			["5502", "0", true],
		]);
		expect(r.documents[0]?.counterparties[0]?.name).toBe("Орлова Вера");
		expect(r.documents[0]?.oneC.status).toBe("Собран");
		expect(r.documents[0]?.items[0]).toMatchObject({ id: "tea-01", name: "Чай зелёный, 100 г", quantity: "2", price: "320" });
	});

	it("2.10 with UTF-8 BOM and CRLF: ПодчиненныеДокументы name their order in Основание", async () => {
		const r = await read(ONEC_210);
		expect(r.schemaVersion).toBe("2.10");
		const d = r.documents[0] as IncomingDocument;
		expect(d).toMatchObject({ number: "SHOP-2024-000311", date: "2024-09-01T19:44:10", total: "2500" });
		expect(d.oneC).toMatchObject({ number: "00ЗК-000311", status: "К отгрузке" });
		expect(d.subordinate).toHaveLength(1);
		expect(d.subordinate[0]).toMatchObject({
			number: "00ПК-000087",
			operation: "Выплата безналичных денег",
			total: "2500",
			basis: "SHOP-2024-000311",
		});
	});

	it("a zip of two portions (UTF-8 namespaced and windows-1251) reads like the files it holds", async () => {
		const entries = unzipXml(fixture("../fixtures/1c-upload-portions.zip"));
		expect([...entries.keys()]).toEqual(["orders-1.xml", "orders-2.xml"]);
		expect(entries.get("orders-1.xml")).toEqual(fixture(ONEC_209));
		expect(entries.get("orders-2.xml")).toEqual(fixture(ONEC_203));
		const numbers = [];
		for (const bytes of entries.values()) numbers.push(...(await readDocumentsAll(bytes)).documents.map((d) => d.number));
		expect(numbers).toEqual(["1205", "1207", "518"]);
	});
});
