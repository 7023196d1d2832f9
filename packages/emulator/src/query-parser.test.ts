import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseQueryXml } from "./query-parser.ts";

const FIXTURES = new URL("../../../../shared/fixtures/commerceml/public/", import.meta.url);
const cp1251 = (name: string) => new TextDecoder("windows-1251").decode(readFileSync(new URL(name, FIXTURES)));

describe("parseQueryXml", () => {
	it("reads the official 1C 'Заказ с сайта' sample (windows-1251) like 1C does", () => {
		const f = parseQueryXml(cp1251("carono-yii2-1c-exchange__from.xml"));
		expect(f.schemaVersion).toBe("2.03");
		expect(f.documents).toHaveLength(1);
		const d = f.documents[0];
		expect(d?.number).toBe("36");
		expect(d?.date).toBe("2007-10-30");
		expect(d?.time).toBe("15:19:27");
		expect(d?.currency).toBe("руб");
		expect(d?.total).toBe("6734.47");
		// the representative's nested Контрагент/Наименование must not override the buyer
		expect(d?.counterparties).toHaveLength(1);
		expect(d?.counterparties[0]).toMatchObject({ id: "1#admin# admin", name: "admin", role: "Покупатель" });
		expect(d?.items[0]).toMatchObject({ id: "ORDER_DELIVERY", price: "340.00", quantity: "1", unitCode: "796", unitName: "шт" });
		expect(d?.items[0]?.requisites.ТипНоменклатуры).toBe("Услуга");
		expect(d?.items[1]?.name).toBe("Телевизор &quot;JVC&quot;");
	});

	it("reads the real Bitrix query answer and the empty one", () => {
		const full = parseQueryXml(cp1251("dobromyslov-commerceml-parser__bitrix-query-response-full.xml"));
		expect(full.documents.length).toBeGreaterThan(0);
		for (const d of full.documents) {
			expect(d.operation).toBe("Заказ товара");
			expect(d.counterparties.length).toBeGreaterThan(0);
			expect(d.requisites.length).toBeGreaterThan(0);
		}
		expect(parseQueryXml(cp1251("dobromyslov-commerceml-parser__bitrix-query-response-empty.xml")).documents).toEqual([]);
	});

	it("ignores namespaces and finds documents inside Контейнер", () => {
		const xml = `<?xml version="1.0"?><c:КоммерческаяИнформация xmlns:c="urn:1C.ru:commerceml_210" ВерсияСхемы="3.1"><c:Контейнер><c:Документ><c:Номер>7</c:Номер><c:ЗначенияРеквизитов><c:ЗначениеРеквизита><c:Наименование>Статус заказа</c:Наименование><c:Значение>A</c:Значение><c:Значение>B</c:Значение></c:ЗначениеРеквизита></c:ЗначенияРеквизитов></c:Документ></c:Контейнер></c:КоммерческаяИнформация>`;
		const f = parseQueryXml(xml);
		expect(f.schemaVersion).toBe("3.1");
		expect(f.documents.map((d) => d.number)).toEqual(["7"]);
		expect(f.documents[0]?.requisites).toEqual([{ name: "Статус заказа", value: "A" }]);
	});

	it("tag and requisite names never become plain-object keys (__proto__, constructor)", () => {
		const xml = `<КоммерческаяИнформация><Документ><Номер>8</Номер><constructor>x</constructor><toString>y</toString><Товары><Товар><Ид>g</Ид><ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>__proto__</Наименование><Значение>polluted</Значение></ЗначениеРеквизита><ЗначениеРеквизита><Наименование>ТипНоменклатуры</Наименование><Значение>Услуга</Значение></ЗначениеРеквизита></ЗначенияРеквизитов></Товар></Товары></Документ></КоммерческаяИнформация>`;
		const doc = parseQueryXml(xml).documents[0];
		expect(doc?.number).toBe("8");
		expect(Object.keys(doc ?? {}).sort()).toEqual(
			Object.keys(parseQueryXml("<КоммерческаяИнформация><Документ/></КоммерческаяИнформация>").documents[0] ?? {}).sort(),
		);
		const reqs = doc?.items[0]?.requisites;
		expect(Object.getOwnPropertyDescriptor(reqs, "__proto__")?.value).toBe("polluted");
		expect(reqs?.ТипНоменклатуры).toBe("Услуга");
		expect(Object.getPrototypeOf(reqs)).toBeNull();
	});

	it("rejects malformed XML and a foreign root", () => {
		expect(() => parseQueryXml("<КоммерческаяИнформация><Документ></КоммерческаяИнформация>")).toThrow();
		expect(() => parseQueryXml("<html><body>Fatal error</body></html>")).toThrow(/КоммерческаяИнформация/);
	});
});
