import { describe, expect, it } from "vitest";
import { readDocumentsAll } from "./reader.ts";

const reqXml = (pairs: [string, string][]) =>
	`<ЗначенияРеквизитов>${pairs
		.map(([n, v]) => `<ЗначениеРеквизита><Наименование>${n}</Наименование><Значение>${v}</Значение></ЗначениеРеквизита>`)
		.join("")}</ЗначенияРеквизитов>`;

async function oneC(inner: string) {
	const xml = `<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация><Документ><Ид>g</Ид><Номер>7</Номер>${inner}</Документ></КоммерческаяИнформация>`;
	const doc = (await readDocumentsAll(new TextEncoder().encode(xml))).documents[0];
	if (!doc) throw new Error("no document");
	return doc.oneC;
}

describe("1C facts of a document (element and requisite forms)", () => {
	it("reads every requisite form of issue 2 §4, with да/нет booleans", async () => {
		const o = await oneC(
			reqXml([
				["Номер по 1С", "ТД-1"],
				["Дата по 1С", "2026-11-28T10:00:00"],
				["Проведен", "Да"],
				["Отменен", "нет"],
				["Дата оплаты по 1С", "28.11.2026 9:05:00"],
				["Номер оплаты по 1С", "П-1"],
				["Дата отгрузки по 1С", "T"],
				["Номер отгрузки по 1С", ""],
				["Статус заказа", "К отгрузке"],
				["Статуса заказа ИД", "P"],
				["Финальный статус", "0"],
				["Отгружен", "1"],
				["ПометкаУдаления", "false"],
			]),
		);
		expect(o).toEqual({
			id: "g",
			number: "ТД-1",
			date: "2026-11-28T10:00:00",
			posted: true,
			paid: true,
			paidAt: "2026-11-28T09:05:00",
			paymentNumber: "П-1",
			shipped: true, // "Отгружен" = 1, although the date is the empty `T`
			shippedAt: null,
			shipmentNumber: null,
			cancelled: false,
			deleted: false,
			final: false,
			status: "К отгрузке",
			statusId: "P",
			version: null,
		});
	});

	it("prefers the element forms Номер1С / Дата1С / ПометкаУдаления / НомерВерсии", async () => {
		const o = await oneC(
			`<НомерВерсии>AAA=</НомерВерсии><ПометкаУдаления>true</ПометкаУдаления><Номер1С>E-1</Номер1С><Дата1С>2026-11-27</Дата1С>${reqXml([
				["Номер по 1С", "R-1"],
				["ПометкаУдаления", "false"],
			])}`,
		);
		expect(o).toMatchObject({ number: "E-1", date: "2026-11-27", deleted: true, version: "AAA=" });
	});

	it("an empty or blank status is no status (it must not match an import rule)", async () => {
		expect((await oneC(reqXml([["Статус заказа", "  "]]))).status).toBeNull();
		expect((await oneC(reqXml([["Статус заказа", " Открыт "]]))).status).toBe(" Открыт "); // raw when present
	});

	it("accepts a Latin C in “1С” (hand-typed requisite names)", async () => {
		const o = await oneC(
			reqXml([
				["Номер по 1C", "L-1"],
				["Дата оплаты по 1C", "2026-11-28T11:00:00"],
			]),
		);
		expect(o).toMatchObject({ number: "L-1", paid: true, paidAt: "2026-11-28T11:00:00" });
	});

	it("absent flags stay null (1C omits false values: absence means unchanged)", async () => {
		const o = await oneC("");
		expect([o.posted, o.paid, o.shipped, o.cancelled, o.deleted, o.final, o.status]).toEqual([null, null, null, null, null, null, null]);
	});
});
