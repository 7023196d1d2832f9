/**
 * What every 1C configuration needs in each exported order (issue 17 §4, §5): the `#` rules of the lines,
 * "Метод оплаты ИД", `Контрагент/Ид` always, the VAT modes and the payment requisites.
 */
import { describe, expect, it } from "vitest";
import { type OrderInput, parseOrder } from "../model/order.ts";
import { personOrderInput } from "../test-support/export-orders.ts";
import { child, children, parseXmlTree, requisites, textAt, type XmlNode } from "../test-support/xml-tree.ts";
import type { ExportSettings } from "./export-settings.ts";
import { orderWarnings } from "./order-warnings.ts";
import { writeOrdersXmlBytes } from "./writer.ts";

const base: OrderInput = {
	id: "ord-1",
	number: "101",
	createdAt: "2026-11-28T09:05:07+03:00",
	status: "N",
	customer: { name: "Иванов Иван" },
	items: [{ productId: "p-1", name: "Кабель #2", quantity: 1, price: 100 }],
};

async function doc(input: Partial<OrderInput>, settings: ExportSettings = {}): Promise<XmlNode> {
	const bytes = await writeOrdersXmlBytes([parseOrder({ ...base, ...input })], { generatedAt: "2026-11-29T08:07:06", ...settings });
	const text = new TextDecoder(settings.encoding ?? "windows-1251").decode(bytes);
	return child(parseXmlTree(text), "Документ");
}
const lines = (d: XmlNode) => children(child(d, "Товары"), "Товар");
const firstLine = (d: XmlNode) => lines(d)[0] as XmlNode;
const rateOf = (line: XmlNode) => {
	const rates = children(line, "СтавкиНалогов");
	return rates.length === 0 ? null : textAt(line, "СтавкиНалогов", "СтавкаНалога", "Ставка");
};
const lineTax = (line: XmlNode) => {
	const taxes = children(line, "Налоги");
	return taxes.length === 0 ? null : { sum: textAt(line, "Налоги", "Налог", "Сумма"), rate: textAt(line, "Налоги", "Налог", "Ставка") };
};

describe("order lines: # only between a name and its characteristic", () => {
	it("a plain product name with # is sent with №, Ид untouched", async () => {
		const line = firstLine(await doc({}));
		expect(textAt(line, "Ид")).toBe("p-1");
		expect(textAt(line, "Наименование")).toBe("Кабель №2");
	});

	it("with options exported: # in both Ид and Наименование, Артикул sent, ХарактеристикиТовара kept", async () => {
		const items = [
			{ productId: "p-1", sku: "ART-7", name: "Кабель #2", quantity: 1, price: 100, options: [{ name: "Длина", value: "2 м" }] },
			{ productId: "p-2", name: "Стол", quantity: 1, price: 50 },
		];
		const d = await doc({ items }, { exportOptions: true });
		const [withOptions, plain] = lines(d) as [XmlNode, XmlNode];
		expect(textAt(withOptions, "Ид")).toMatch(/^p-1#[0-9A-Z]{12}$/);
		expect(textAt(withOptions, "Наименование")).toBe("Кабель №2#Длина: 2 м");
		expect(textAt(withOptions, "Артикул")).toBe("ART-7");
		expect(children(child(withOptions, "ХарактеристикиТовара"), "ХарактеристикаТовара")).toHaveLength(1);
		expect(textAt(plain, "Ид")).toBe("p-2");
		expect(textAt(plain, "Наименование")).toBe("Стол");
		// the same options give the same Ид on every export (1C finds the characteristic again)
		expect(textAt(firstLine(await doc({ items }, { exportOptions: true })), "Ид")).toBe(textAt(withOptions, "Ид"));
	});

	it("options not exported: no # anywhere", async () => {
		const d = await doc({ items: [{ productId: "p-1", name: "A#B", quantity: 1, price: 1, options: [{ name: "Цвет", value: "#fff" }] }] });
		expect(textAt(firstLine(d), "Ид")).toBe("p-1");
		expect(textAt(firstLine(d), "Наименование")).toBe("A№B");
	});

	it("a 1C id product#characteristic stays as it came", async () => {
		const externalId = "910e89e5-4b4f-11e9-80d7-0cc47a2b8c1e#0a1b2c3d-0000-11ee-8000-000000000001";
		const d = await doc({ items: [{ productId: "p-1", externalId, name: "Футболка", quantity: 1, price: 1 }] }, { exportOptions: true });
		expect(textAt(firstLine(d), "Ид")).toBe(externalId);
		expect(textAt(firstLine(d), "Наименование")).toBe("Футболка");
	});

	it("БП: the part of every line Ид before # is the product (no characteristics there)", async () => {
		const items = [
			{ productId: "p-1", name: "A", quantity: 1, price: 1, options: [{ name: "Цвет", value: "Синий" }] },
			{ productId: "p-2", externalId: "g-2#c-2", name: "B", quantity: 1, price: 1 },
			{ productId: "p-3", externalId: "g-3", name: "C #3", quantity: 1, price: 1 },
		];
		const d = await doc({ items }, { exportOptions: true });
		expect(lines(d).map((l) => textAt(l, "Ид").split("#")[0])).toEqual(["p-1", "g-2", "g-3"]);
		expect(lines(d).map((l) => textAt(l, "Наименование").split("#")[0])).toEqual(["A", "B", "C №3"]);
	});

	it("an Ид that cannot take the suffix goes without # and the preview warns", async () => {
		const productId = "x".repeat(70);
		const input = { items: [{ productId, name: "Стол", quantity: 1, price: 1, options: [{ name: "Цвет", value: "Синий" }] }] };
		const d = await doc(input, { exportOptions: true });
		expect(textAt(firstLine(d), "Ид")).toBe(productId);
		expect(textAt(firstLine(d), "Наименование")).toBe("Стол");
		const order = parseOrder({ ...base, ...input });
		expect(orderWarnings(order, { exportOptions: true })).toEqual([
			expect.objectContaining({ code: "LINE_ID_TOO_LONG", params: { line: 1, length: 83, max: 80 } }),
		]);
		expect(orderWarnings(order, { exportOptions: false })).toEqual([]);
	});
});

describe("payment requisites", () => {
	it('"Метод оплаты ИД" = methodId, else the method text, whenever "Метод оплаты" is sent', async () => {
		const withId = requisites(await doc({ payment: { method: "Картой онлайн", methodId: "card" } }));
		expect(withId.get("Метод оплаты")).toBe("Картой онлайн");
		expect(withId.get("Метод оплаты ИД")).toBe("card");
		expect(requisites(await doc({ payment: { method: "Наличные" } })).get("Метод оплаты ИД")).toBe("Наличные");
		const none = requisites(await doc({ payment: { method: "", methodId: "card" } }));
		expect(none.has("Метод оплаты")).toBe(false);
		expect(none.has("Метод оплаты ИД")).toBe(false);
	});

	it('a paid order carries "Дата оплаты" and "Номер платежного документа" (БП records the card payment)', async () => {
		const payment = { method: "Картой", paid: true, paidAt: "2026-11-28T09:10:11+03:00", documentNumber: "TX-555" };
		const paid = requisites(await doc({ payment }));
		expect(paid.get("Заказ оплачен")).toBe("true");
		expect(paid.get("Дата оплаты")).toBe("2026-11-28 09:10:11");
		expect(paid.get("Номер платежного документа")).toBe("TX-555");
		expect(requisites(await doc({ payment }, { schemaVersion: "2.10" })).get("Дата оплаты")).toBe("2026-11-28T09:10:11");
		const unpaid = requisites(await doc({ payment: { ...payment, paid: false } }));
		expect(unpaid.has("Дата оплаты")).toBe(false);
		expect(unpaid.has("Номер платежного документа")).toBe(false);
	});
});

describe("Контрагент/Ид always", () => {
	const idOf = async (customer: OrderInput["customer"], id = "ord-1") =>
		textAt(await doc({ id, customer }), "Контрагенты", "Контрагент", "Ид");

	it("the customer's id when known", async () => {
		expect(await idOf({ name: "Иванов", id: "u17", email: "a@b.ru" })).toBe("u17");
	});

	it("else derived from ИНН+КПП, e-mail or phone: stable, ≤ 40 characters", async () => {
		const inn = await idOf({ type: "company", name: "ООО А", inn: "7701234567", kpp: "770101001", email: "x@y.ru" });
		expect(inn).toMatch(/^inn-[0-9A-Z]{12}$/);
		expect(await idOf({ type: "company", name: "ООО Б (другое имя)", inn: "7701234567", kpp: "770101001" }, "ord-2")).toBe(inn);
		expect(await idOf({ type: "company", name: "ООО А", inn: "7701234567", kpp: "770102002" })).not.toBe(inn);
		const email = await idOf({ name: "Петров", email: "Petrov@Example.ru" });
		expect(email).toMatch(/^email-/);
		expect(await idOf({ name: "Петров П.", email: " petrov@example.ru" }, "ord-9")).toBe(email);
		const phone = await idOf({ name: "Петров", phone: "+7 (900) 000-00-01" });
		expect(phone).toMatch(/^tel-/);
		expect(await idOf({ name: "Другой", phone: "+79000000001" }, "ord-3")).toBe(phone);
		for (const id of [inn, email, phone]) expect(id.length).toBeLessThanOrEqual(40);
	});

	it("else from the order id, never from the name alone (namesakes get different counterparties)", async () => {
		const a = await idOf({ name: "Иванов Иван" }, "ord-1");
		const b = await idOf({ name: "Иванов Иван" }, "ord-2");
		expect(a).toMatch(/^order-/);
		expect(b).toMatch(/^order-/);
		expect(a).not.toBe(b);
		expect(await idOf({ name: "Иванов Иван" }, "ord-1")).toBe(a);
	});
});

describe("VAT modes", () => {
	const items = [
		{ productId: "a", name: "С 10%", quantity: 1, price: 110, vatRate: 10 },
		{ productId: "b", name: "Без ставки", quantity: 1, price: 120 },
		{ productId: "c", name: "Без НДС явно", quantity: 1, price: 50, vatRate: null },
	];
	const docTax = (d: XmlNode) => ({
		name: textAt(d, "Налоги", "Налог", "Наименование"),
		included: textAt(d, "Налоги", "Налог", "УчтеноВСумме"),
		sum: textAt(d, "Налоги", "Налог", "Сумма"),
	});

	it("auto: rates only from the items; the document says prices include VAT", async () => {
		const d = await doc({ items });
		const [a, b, c] = lines(d) as [XmlNode, XmlNode, XmlNode];
		expect([rateOf(a), rateOf(b), rateOf(c)]).toEqual(["10", null, "Без НДС"]);
		expect([lineTax(a), lineTax(b), lineTax(c)]).toEqual([{ sum: "10.00", rate: "10" }, null, null]);
		expect(docTax(d)).toEqual({ name: "НДС", included: "true", sum: "10.00" });
		expect(textAt(d, "Сумма")).toBe("280.00");
	});

	it("auto with no rates at all still writes the document's НДС УчтеноВСумме true (БП must not add VAT on top)", async () => {
		const d = await doc({});
		expect(docTax(d)).toEqual({ name: "НДС", included: "true", sum: "0.00" });
		expect(rateOf(firstLine(d))).toBeNull();
	});

	it('none: "Без НДС" on every line, whatever the item says', async () => {
		const d = await doc({ items }, { vat: "none" });
		expect(lines(d).map(rateOf)).toEqual(["Без НДС", "Без НДС", "Без НДС"]);
		expect(lines(d).map(lineTax)).toEqual([null, null, null]);
		expect(docTax(d)).toEqual({ name: "НДС", included: "true", sum: "0.00" });
	});

	it("a rate: on lines without their own, VAT computed inside the price", async () => {
		const d = await doc({ items }, { vat: "20" });
		const [a, b, c] = lines(d) as [XmlNode, XmlNode, XmlNode];
		expect([rateOf(a), rateOf(b), rateOf(c)]).toEqual(["10", "20", "Без НДС"]);
		expect(lineTax(b)).toEqual({ sum: "20.00", rate: "20" });
		expect(docTax(d).sum).toBe("30.00");
		expect(textAt(d, "Сумма")).toBe("280.00"); // totals never change with the VAT mode
		expect(textAt(b, "Сумма")).toBe("120.00");
	});

	it("warns when the node's configuration cannot read a rate (УТ/УНФ know 0/10/18/20; БП also 22)", () => {
		const order = parseOrder({ ...base, items: [{ productId: "a", name: "A", quantity: 1, price: 1 }] });
		const codes = (o: typeof order, ctx: Parameters<typeof orderWarnings>[1]) =>
			orderWarnings(o, ctx).filter((w) => w.code === "VAT_RATE_UNREADABLE");
		expect(codes(order, { configuration: "ut", vat: "22" })).toEqual([
			expect.objectContaining({ params: { rate: "22", configuration: "ut", lines: 1 } }),
		]);
		expect(codes(order, { configuration: "unf", vat: "5" })).toHaveLength(1);
		expect(codes(order, { configuration: "bp", vat: "22" })).toEqual([]);
		expect(codes(order, { configuration: "ut", vat: "20" })).toEqual([]);
		expect(codes(order, { configuration: "ut", vat: "none" })).toEqual([]);
		expect(codes(order, { configuration: "ut", vat: "auto" })).toEqual([]);
		const own = parseOrder({ ...base, items: [{ productId: "a", name: "A", quantity: 1, price: 1, vatRate: 7 }] });
		expect(codes(own, { configuration: "retail" })).toHaveLength(1);
		expect(codes(own, { configuration: "ut", vat: "none" })).toEqual([]);
	});

	it('retail: no "Без НДС" (Розница reads the rate with Число() in ОбменССайтомРТ, which aborts the load); such lines carry no rate and the preview warns', async () => {
		const d = await doc({ items }, { vat: "none", configuration: "retail" });
		expect(lines(d).map(rateOf)).toEqual([null, null, null]);
		expect(docTax(d)).toEqual({ name: "НДС", included: "true", sum: "0.00" });
		const auto = await doc({ items }, { configuration: "retail" });
		expect(lines(auto).map(rateOf)).toEqual(["10", null, null]);
		const order = parseOrder({ ...base, items });
		expect(orderWarnings(order, { configuration: "retail" }).filter((w) => w.code === "VAT_RATE_UNREADABLE")).toEqual([
			expect.objectContaining({ params: { rate: "Без НДС", configuration: "retail", lines: 1 } }),
		]);
		expect(orderWarnings(order, { configuration: "ut" }).filter((w) => w.code === "VAT_RATE_UNREADABLE")).toEqual([]);
	});

	it("the delivery line takes the node's rate like any line without its own", async () => {
		const delivery = (d: XmlNode) => lines(d).at(-1) as XmlNode;
		const auto = await doc(personOrderInput);
		expect(textAt(delivery(auto), "Ид")).toBe("ORDER_DELIVERY");
		expect([rateOf(delivery(auto)), lineTax(delivery(auto))]).toEqual([null, null]);
		expect(docTax(auto).sum).toBe("2000.02");
		const rate = await doc(personOrderInput, { vat: "20" });
		expect([rateOf(delivery(rate)), lineTax(delivery(rate))]).toEqual(["20", { sum: "56.67", rate: "20" }]);
		expect(docTax(rate).sum).toBe("2056.69"); // 2000.00 + 0.02 (the items' own rates) + 56.67
		const none = await doc(personOrderInput, { vat: "none" });
		expect([rateOf(delivery(none)), lineTax(delivery(none))]).toEqual(["Без НДС", null]);
		expect(docTax(none).sum).toBe("0.00");
	});

	it("the sample order keeps its totals and line sums in every mode", async () => {
		for (const vat of ["auto", "none", "22", "0"] as const) {
			const d = await doc(personOrderInput, { vat });
			expect(textAt(d, "Сумма")).toBe("12340.20");
			expect(lines(d).map((l) => textAt(l, "Сумма"))).toEqual(["12000.00", "0.20", "340.00"]);
		}
	});
});
