import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { parseQueryXml } from "./query-parser.ts";

/** Our CommerceML fixtures (packages/core/test-data/fixtures); the real-world files are in query-parser.conformance.test.ts. */
const FIXTURES = new URL("../../core/test-data/fixtures/", import.meta.url);
const cp1251 = (name: string) => new TextDecoder("windows-1251").decode(readFileSync(new URL(name, FIXTURES)));

describe("parseQueryXml", () => {
	it("reads a windows-1251 2.03 site order like 1C does", () => {
		const f = parseQueryXml(cp1251("site-2.03-windows-1251.xml"));
		expect(f.schemaVersion).toBe("2.03");
		expect(f.documents).toHaveLength(1);
		const d = f.documents[0];
		expect(d?.number).toBe("518");
		expect(d?.date).toBe("2024-03-18");
		expect(d?.time).toBe("11:05:42");
		expect(d?.currency).toBe("руб");
		expect(d?.total).toBe("4870.50");
		// the representative's nested Контрагент/Наименование must not override the buyer
		expect(d?.counterparties).toHaveLength(1);
		expect(d?.counterparties[0]).toMatchObject({ id: "7#ivanova#Анна Иванова", name: "Анна Иванова", role: "Покупатель" });
		expect(d?.items[0]).toMatchObject({ id: "ORDER_DELIVERY", price: "250", quantity: "1", unitCode: "796", unitName: "шт" });
		expect(d?.items[0]?.requisites.ТипНоменклатуры).toBe("Услуга");
		expect(d?.items[1]?.name).toBe("Чайник &quot;Заря&quot; 1,7 л");
	});

	it("reads a Bitrix-style query answer and the empty one", () => {
		const full = parseQueryXml(cp1251("site-2.05-bitrix-windows-1251.xml"));
		expect(full.documents.map((d) => d.number)).toEqual(["901", "902"]);
		for (const d of full.documents) {
			expect(d.operation).toBe("Заказ товара");
			expect(d.counterparties.length).toBeGreaterThan(0);
			expect(d.requisites.length).toBeGreaterThan(0);
		}
		expect(parseQueryXml(cp1251("site-2.05-bitrix-empty-windows-1251.xml")).documents).toEqual([]);
	});

	it("reads the prefixed commerceml_210 fixture with Контейнер", () => {
		const f = parseQueryXml(new TextDecoder().decode(readFileSync(new URL("1c-3.1-container-commerceml_210.xml", FIXTURES))));
		expect(f.schemaVersion).toBe("3.1");
		expect(f.documents.map((d) => d.number)).toEqual(["5501", "5502"]);
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
