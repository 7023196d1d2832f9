/**
 * Conformance: the emulator's query parser on real published query answers (the corpus located by
 * scripts/conformance.ts; skipped when absent). query-parser.test.ts covers the same on our own fixtures.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseQueryXml } from "./query-parser.ts";

const CORPUS = process.env.OBMEN_CONFORMANCE_CORPUS ?? "";
const cp1251 = (name: string) => new TextDecoder("windows-1251").decode(readFileSync(join(CORPUS, name)));

describe.skipIf(!CORPUS)("conformance: parseQueryXml on published files", () => {
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
});
