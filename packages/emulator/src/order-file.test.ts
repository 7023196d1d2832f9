import { describe, expect, it } from "vitest";
import { Infobase } from "./infobase.ts";
import { buildOrderFile } from "./order-file.ts";
import { parseQueryXml } from "./query-parser.ts";
import { resolveNodeSettings } from "./settings.ts";
import { siteXml } from "./test-support/site-xml.ts";

function base() {
	const b = new Infobase(undefined, () => new Date("2026-11-29T07:05:09Z"));
	const s = resolveNodeSettings({ statusMap: { "[N] Принят": "Не согласован", "[S] Отгружен": "Закрыт" } });
	b.load(
		parseQueryXml(
			siteXml([
				{
					number: "1042",
					lines: [{ id: "g1", name: "Чайник", price: "10", quantity: "1" }],
					buyer: { name: "ООО Альфа", inn: "7701234567", kpp: "770101001" },
				},
				{ number: "1043", lines: [{ id: "g1", name: "Чайник", price: "10", quantity: "1" }] },
			]),
		).documents,
		s,
	);
	return { b, s };
}
const text = (bytes: Uint8Array) => new TextDecoder().decode(bytes);
const reqs = (xml: string, n = 0) =>
	Object.fromEntries(parseQueryXml(xml.replace(/^\uFEFF/, "")).documents[n]?.requisites.map((r) => [r.name, r.value]) ?? []);

describe("buildOrderFile", () => {
	it("family A: ns commerceml_2, 2.07, 1C GUID as Ид, site number/date, booleans only when true, no status", () => {
		const { b } = base();
		b.pay("1042");
		b.ship("1042");
		b.cancel("1043", "Отказ");
		const bytes = buildOrderFile(b, b.registeredOrders(), { family: "ut11", generatedAt: "2026-11-29T10:00:00" });
		expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const xml = text(bytes);
		expect(xml).toMatch(/<КоммерческаяИнформация xmlns="urn:1C\.ru:commerceml_2" ВерсияСхемы="2\.07"/);
		const parsed = parseQueryXml(xml.replace(/^\uFEFF/, ""));
		const o = b.findBySiteNumber("1042");
		expect(parsed.documents[0]).toMatchObject({
			id: o?.guid,
			number: "1042",
			date: "2026-11-28",
			operation: "Заказ товара",
			currency: "RUB",
		});
		expect(reqs(xml)).toEqual({
			"Номер по 1С": o?.number,
			"Дата по 1С": "2026-11-29T07:05:09",
			Проведен: "true",
			"Номер оплаты по 1С": "ТД00-000001",
			"Дата оплаты по 1С": "2026-11-29T07:05:09",
			"Номер отгрузки по 1С": "ТД00-000001",
			"Дата отгрузки по 1С": "2026-11-29T07:05:09",
		});
		expect(reqs(xml, 1)).toMatchObject({ Отменен: "true" });
		expect(xml).not.toMatch(/false|Статус заказа|Номер1С/);
		expect(parsed.documents[0]?.counterparties[0]).toMatchObject({ name: "ООО Альфа", inn: "7701234567", kpp: "770101001" });
	});

	it("family B: ns commerceml_210, 2.08, Оплачен/Отгружен and the reverse-mapped Статус заказа", () => {
		const { b, s } = base();
		b.pay("1042");
		b.setStatus("1043", "Закрыт");
		const xml = text(
			buildOrderFile(b, b.registeredOrders(), { family: "unf", generatedAt: "2026-11-29T10:00:00", statusMap: s.statusMap }),
		);
		expect(xml).toMatch(/xmlns="urn:1C\.ru:commerceml_210" ВерсияСхемы="2\.08"/);
		expect(reqs(xml)).toMatchObject({ Оплачен: "true", Отгружен: "false", "Статус заказа": "[N] Принят" });
		expect(reqs(xml, 1)).toMatchObject({ Оплачен: "false", "Статус заказа": "[S] Отгружен" });
	});

	it("family C: Номер1С/Дата1С/НомерВерсии/ПометкаУдаления elements, Статуса заказа ИД, Финальный статус, Контейнер", () => {
		const { b, s } = base();
		b.setStatus("1042", "Закрыт");
		b.markDeleted("1043");
		const bytes = buildOrderFile(b, b.registeredOrders(), {
			family: "bitrix-module",
			generatedAt: "2026-11-29T10:00:00",
			statusMap: s.statusMap,
			container: true,
		});
		expect(bytes[0]).toBe(0x3c);
		const xml = text(bytes);
		const o = b.findBySiteNumber("1042");
		expect(xml).toContain(`<Номер1С>${o?.number}</Номер1С>`);
		expect(xml).toContain("<Дата1С>2026-11-29</Дата1С>");
		expect(xml).toMatch(/<НомерВерсии>2<\/НомерВерсии>\s*<ПометкаУдаления>false<\/ПометкаУдаления>/);
		expect(xml.match(/<Контейнер>/g)).toHaveLength(2);
		expect(reqs(xml)).toMatchObject({ "Статуса заказа ИД": "S", "Финальный статус": "true" });
		expect(reqs(xml, 1)).toMatchObject({ ПометкаУдаления: "true", "Финальный статус": "false" });
		expect(xml).toMatch(/<ПометкаУдаления>true<\/ПометкаУдаления>/);
	});
});
