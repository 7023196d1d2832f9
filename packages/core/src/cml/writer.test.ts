/// <reference types="node" />
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { CommerceMLError } from "../errors.ts";
import { parseOrder } from "../model/order.ts";
import { companyOrderInput, generatedOrder, personOrderInput, sampleOrders } from "../test-support/export-orders.ts";
import { child, children, parseXmlTree, requisites, textAt, type XmlNode } from "../test-support/xml-tree.ts";
import { type ExportOrder, type ExportSettings, SCHEMA_VERSIONS } from "./export-settings.ts";
import { numberWarnings, orderWarnings, writeOrdersXml, writeOrdersXmlBytes, writeOrdersXmlSync, xmlContentType } from "./writer.ts";

const GENERATED_AT = "2026-11-29T08:07:06";
const ascii = (s: string) => Array.from(new TextEncoder().encode(s));

async function render(orders: ExportOrder[], settings: ExportSettings = {}): Promise<{ bytes: Uint8Array; text: string; root: XmlNode }> {
	const bytes = await writeOrdersXmlBytes(orders, { generatedAt: GENERATED_AT, ...settings });
	const enc = settings.encoding ?? "windows-1251";
	const text = new TextDecoder(enc, { fatal: true, ignoreBOM: true }).decode(bytes);
	return { bytes, text, root: parseXmlTree(text) };
}

const docs = (root: XmlNode) => children(root, "Документ");
const items = (doc: XmlNode) => children(child(doc, "Товары"), "Товар");

describe("bytes and prolog", () => {
	it("windows-1251: declaration first, bytes decode strictly, no namespace, Cyrillic as single bytes", async () => {
		const { bytes, text, root } = await render(sampleOrders());
		const decl = '<?xml version="1.0" encoding="windows-1251"?>';
		expect(Array.from(bytes.subarray(0, decl.length))).toEqual(ascii(decl));
		expect(root.name).toBe("КоммерческаяИнформация");
		expect(root.attrs).toEqual({ ВерсияСхемы: "2.05", ДатаФормирования: GENERATED_AT });
		expect(text).not.toMatch(/xmlns/);
		// "Заказ" encoded as cp1251 bytes, not UTF-8
		const needle = [0xc7, 0xe0, 0xea, 0xe0, 0xe7];
		expect(Buffer.from(bytes).includes(Buffer.from(needle))).toBe(true);
		// characters outside cp1251 arrive as numeric references and decode back
		expect(text).toContain("Домофон 12 &#8381; &#128512;");
		expect(requisites(docs(root)[0] as XmlNode).get("Комментарии покупателя")).toBe("Домофон 12 ₽ 😀");
	});

	it("UTF-8: the declaration first, no BOM (1C checks that the body starts with <?xml)", async () => {
		const { bytes, text, root } = await render(sampleOrders(), { encoding: "utf-8" });
		const decl = '<?xml version="1.0" encoding="UTF-8"?>';
		expect(Array.from(bytes.subarray(0, decl.length))).toEqual(ascii(decl));
		expect(new TextDecoder("utf-8", { ignoreBOM: true }).decode(bytes).startsWith("<?xml")).toBe(true);
		expect(text).toContain("Домофон 12 ₽ 😀");
		expect(docs(root)).toHaveLength(2);
		expect(root.attrs.xmlns).toBeUndefined();
	});

	it("empty input: the root element with no Документ, still a non-empty valid document", async () => {
		for (const encoding of ["windows-1251", "utf-8"] as const) {
			const { bytes, root } = await render([], { encoding, schemaVersion: "2.08" });
			expect(bytes.length).toBeGreaterThan(60);
			expect(root.children).toHaveLength(0);
			expect(root.attrs.ВерсияСхемы).toBe("2.08");
		}
	});

	it("ДатаФормирования from a Date uses its local fields; from a string keeps its wall time", async () => {
		const d = new Date(2026, 0, 2, 3, 4, 5);
		expect((await render([], { generatedAt: d })).root.attrs.ДатаФормирования).toBe("2026-01-02T03:04:05");
		expect((await render([], { generatedAt: "2026-01-02T03:04:05.123+05:00" })).root.attrs.ДатаФормирования).toBe("2026-01-02T03:04:05");
		expect((await render([], { generatedAt: "2026-01-02" })).root.attrs.ДатаФормирования).toBe("2026-01-02T00:00:00");
	});

	it("content types match the declaration", () => {
		expect(xmlContentType("windows-1251")).toBe("application/xml; charset=windows-1251");
		expect(xmlContentType("utf-8")).toBe("application/xml; charset=utf-8");
	});
});

describe("document content", () => {
	it("writes the header in XSD order with local date/time and exact money", async () => {
		const { root } = await render(sampleOrders());
		const doc = docs(root)[0] as XmlNode;
		expect(doc.children.map((c) => c.name)).toEqual([
			"Ид",
			"Номер",
			"Дата",
			"ХозОперация",
			"Роль",
			"Валюта",
			"Курс",
			"Сумма",
			"Контрагенты",
			"Время",
			"Комментарий",
			"Налоги",
			"Товары",
			"ЗначенияРеквизитов",
		]);
		expect(textAt(doc, "Ид")).toBe("1001");
		expect(textAt(doc, "Номер")).toBe("A-1001");
		expect(textAt(doc, "Дата")).toBe("2026-11-28");
		expect(textAt(doc, "Время")).toBe("09:05:07");
		expect(textAt(doc, "ХозОперация")).toBe("Заказ товара");
		expect(textAt(doc, "Роль")).toBe("Продавец");
		expect(textAt(doc, "Сумма")).toBe("12340.20");
		expect(textAt(doc, "Комментарий")).toBe("Позвонить за час\r\nдо доставки");
		expect(textAt(doc, "Налоги", "Налог", "Сумма")).toBe("2000.02");
		const company = docs(root)[1] as XmlNode;
		expect(textAt(company, "Дата")).toBe("2026-11-29");
		expect(textAt(company, "Время")).toBe("23:59:59");
		expect(textAt(company, "Скидки", "Скидка", "Наименование")).toBe("Скидка на заказ");
		expect(textAt(company, "Скидки", "Скидка", "Сумма")).toBe("0.20");
		expect(textAt(company, "Сумма")).toBe("1500.10");
	});

	it("0.1 + 0.2 is 0.30, not a float artefact", async () => {
		const order = parseOrder({
			...personOrderInput,
			items: [
				{ productId: "a", name: "A", quantity: 1, price: 0.1 },
				{ productId: "b", name: "B", quantity: 1, price: 0.2 },
			],
			shipping: undefined,
		});
		const { root, text } = await render([order]);
		const doc = docs(root)[0] as XmlNode;
		expect(textAt(doc, "Сумма")).toBe("0.30");
		expect(items(doc).map((i) => textAt(i, "Сумма"))).toEqual(["0.10", "0.20"]);
		expect(text).not.toMatch(/0000000/);
	});

	it("person buyer: name parts, address, contacts, Роль last", async () => {
		const doc = docs((await render(sampleOrders())).root)[0] as XmlNode;
		const k = child(child(doc, "Контрагенты"), "Контрагент");
		expect(k.children.map((c) => c.name)).toEqual([
			"Ид",
			"Наименование",
			"ПолноеНаименование",
			"Фамилия",
			"Имя",
			"Отчество",
			"Адрес",
			"Контакты",
			"Роль",
		]);
		expect(textAt(k, "ПолноеНаименование")).toBe("Иванов Иван Иванович");
		expect(textAt(k, "Адрес", "Представление")).toBe("Москва, ул. Тверская, д. 1, кв. 2");
		expect(textAt(k, "Роль")).toBe("Покупатель");
		const contacts = children(child(k, "Контакты"), "Контакт").map((c) => [textAt(c, "Тип"), textAt(c, "Значение")]);
		expect(contacts).toEqual([
			["ТелефонРабочий", "+7 900 000-00-00"],
			["Почта", "ivanov@example.ru"],
		]);
	});

	it("company buyer: official name, legal address, tax ids, bank account", async () => {
		const doc = docs((await render(sampleOrders())).root)[1] as XmlNode;
		const k = child(child(doc, "Контрагенты"), "Контрагент");
		expect(k.children.map((c) => c.name)).toEqual([
			"Ид",
			"Наименование",
			"ОфициальноеНаименование",
			"ЮридическийАдрес",
			"ИНН",
			"КПП",
			"ОКПО",
			"РасчетныеСчета",
			"Контакты",
			"Роль",
		]);
		expect(textAt(k, "ОфициальноеНаименование")).toBe("Общество с ограниченной ответственностью «Ромашка»");
		const acc = child(child(k, "РасчетныеСчета"), "РасчетныйСчет");
		expect(textAt(acc, "НомерСчета")).toBe("40702810900000000001");
		expect(textAt(acc, "Банк", "БИК")).toBe("044525225");
		expect(textAt(acc, "Банк", "СчетКорреспондентский")).toBe("30101810400000000225");
	});

	it("lines: Ид, Артикул, unit, price/qty/sum, VAT included, line discount, kind requisites", async () => {
		const doc = docs((await render(sampleOrders())).root)[0] as XmlNode;
		const [tv, cable, delivery] = items(doc) as [XmlNode, XmlNode, XmlNode];
		expect(tv.children.map((c) => c.name)).toEqual([
			"Ид",
			"Артикул",
			"Наименование",
			"БазоваяЕдиница",
			"СтавкиНалогов",
			"ЗначенияРеквизитов",
			"ЦенаЗаЕдиницу",
			"Количество",
			"Сумма",
			"Налоги",
			"Скидки",
		]);
		expect(textAt(tv, "Ид")).toBe("910e89e5-4b4f-11e9-80d7-0cc47a2b8c1e");
		expect(textAt(tv, "Наименование")).toBe('Телевизор "JVC" <32"> & подставка');
		expect(child(tv, "БазоваяЕдиница").attrs).toEqual({ Код: "796", НаименованиеПолное: "Штука", МеждународноеСокращение: "PCE" });
		expect(textAt(tv, "БазоваяЕдиница")).toBe("шт");
		expect(textAt(tv, "ЦенаЗаЕдиницу")).toBe("12490.00");
		expect(textAt(tv, "Сумма")).toBe("12000.00");
		expect(textAt(tv, "Налоги", "Налог", "Сумма")).toBe("2000.00");
		expect(textAt(tv, "Налоги", "Налог", "УчтеноВСумме")).toBe("true");
		expect(textAt(tv, "СтавкиНалогов", "СтавкаНалога", "Ставка")).toBe("20");
		expect(textAt(tv, "Скидки", "Скидка", "Сумма")).toBe("490.00");
		expect(requisites(tv)).toEqual(
			new Map([
				["ВидНоменклатуры", "Товар"],
				["ТипНоменклатуры", "Товар"],
			]),
		);
		expect(textAt(cable, "Ид")).toBe("p-2");
		// an empty externalId (a product not yet matched to 1C) falls back to the store id, never an empty Ид
		const unmatched = parseOrder({ ...personOrderInput, items: [{ productId: "p-9", externalId: "", name: "x", quantity: 1, price: 1 }] });
		expect(textAt(items(docs((await render([unmatched])).root)[0] as XmlNode)[0] as XmlNode, "Ид")).toBe("p-9");
		expect(textAt(cable, "Количество")).toBe("2");
		expect(textAt(cable, "Налоги", "Налог", "Сумма")).toBe("0.02"); // 0.20 × 10 / 110 = 0.018…
		expect(textAt(delivery, "Ид")).toBe("ORDER_DELIVERY");
		expect(textAt(delivery, "Наименование")).toBe("Доставка заказа");
		expect(textAt(delivery, "Сумма")).toBe("340.00");
		expect(requisites(delivery).get("ТипНоменклатуры")).toBe("Услуга");
		const company = docs((await render(sampleOrders())).root)[1] as XmlNode;
		const [service, table] = items(company) as [XmlNode, XmlNode];
		expect(requisites(service).get("ВидНоменклатуры")).toBe("Услуга");
		expect(textAt(service, "Количество")).toBe("1.5");
		expect(child(table, "БазоваяЕдиница").attrs.Код).toBe("006");
		expect(children(service, "СтавкиНалогов")).toHaveLength(0);
	});

	it("shipping modes none / paid / always", async () => {
		const [person, company] = sampleOrders() as [ExportOrder, ExportOrder]; // person ships for 340, company for 0
		const noShip = { ...company, shipping: undefined };
		const ids = async (o: ExportOrder, shipping: ExportSettings["shipping"]) =>
			items(docs((await render([o], { shipping })).root)[0] as XmlNode).map((i) => textAt(i, "Ид"));
		expect(await ids(person, "none")).not.toContain("ORDER_DELIVERY");
		expect(await ids(person, "paid")).toContain("ORDER_DELIVERY");
		expect(await ids(company, "paid")).not.toContain("ORDER_DELIVERY");
		expect(await ids(company, "always")).toContain("ORDER_DELIVERY");
		expect(await ids(noShip, "always")).toContain("ORDER_DELIVERY");
		const d = items(docs((await render([company], { shipping: "always" })).root)[0] as XmlNode).at(-1) as XmlNode;
		expect(textAt(d, "Сумма")).toBe("0.00");
	});

	it("options only with exportOptions", async () => {
		const off = items(docs((await render(sampleOrders())).root)[0] as XmlNode)[0] as XmlNode;
		expect(children(off, "ХарактеристикиТовара")).toHaveLength(0);
		const on = items(docs((await render(sampleOrders(), { exportOptions: true })).root)[0] as XmlNode)[0] as XmlNode;
		const opts = children(child(on, "ХарактеристикиТовара"), "ХарактеристикаТовара").map((o) => [
			textAt(o, "Наименование"),
			textAt(o, "Значение"),
		]);
		expect(opts).toEqual([
			["Цвет", "Чёрный"],
			["Гарантия", "2 года ™"],
		]);
	});

	it("order requisites: payment, flags, mapped status, dates, delivery, buyer comment, extra", async () => {
		const settings: ExportSettings = { statusMap: { N: "Принят, ожидается оплата" }, cancelledStatuses: ["C"], finalStatuses: ["F", "C"] };
		const [person, company] = docs((await render(sampleOrders(), settings)).root) as [XmlNode, XmlNode];
		expect([...requisites(person)]).toEqual([
			["Метод оплаты", "Картой онлайн"],
			["Метод оплаты ИД", "Картой онлайн"], // no methodId: the method text
			["Заказ оплачен", "true"],
			["Доставка разрешена", "true"], // a paid order may be shipped

			["Отменен", "false"],
			["Финальный статус", "false"],
			["Статус заказа", "Принят, ожидается оплата"],
			["Статуса заказа ИД", "N"],
			["Дата изменения статуса", "2026-11-28 10:00:00"],
			["Способ доставки", "Курьер"],
			["Адрес доставки", "Москва, ул. Тверская, д. 1"],
			["Комментарии покупателя", "Домофон 12 ₽ 😀"],
			["Сайт", "[s1] Магазин"],
		]);
		const r = requisites(company);
		expect(r.get("Статус заказа")).toBe("F"); // unmapped: sent as is
		expect(r.get("Финальный статус")).toBe("true");
		expect(r.get("Заказ оплачен")).toBe("false");
		expect(r.get("Доставка разрешена")).toBe("false"); // not paid: 1C must not ship it yet
		expect(r.get("Дата изменения статуса")).toBe("2026-11-29 23:59:59"); // defaults to createdAt
		const cancelled = { ...(sampleOrders()[1] as ExportOrder), status: "C" };
		expect(requisites(docs((await render([cancelled], settings)).root)[0] as XmlNode).get("Отменен")).toBe("true");
		const paidCancelled = requisites(
			docs((await render([{ ...(sampleOrders()[0] as ExportOrder), status: "C" }], settings)).root)[0] as XmlNode,
		);
		expect([paidCancelled.get("Заказ оплачен"), paidCancelled.get("Доставка разрешена"), paidCancelled.get("Отменен")]).toEqual([
			"true",
			"false",
			"true",
		]);
		const proto = { ...(sampleOrders()[1] as ExportOrder), status: "constructor" };
		expect(requisites(docs((await render([proto], settings)).root)[0] as XmlNode).get("Статус заказа")).toBe("constructor");
		const noStatus = requisites(docs((await render(sampleOrders(), { exportStatuses: false })).root)[0] as XmlNode);
		expect(noStatus.has("Статус заказа") || noStatus.has("Статуса заказа ИД")).toBe(false);
		// the other requisites 1C reads stay, the status date included (issue 2 §3)
		expect(noStatus.get("Дата изменения статуса")).toBe("2026-11-28 10:00:00");
		expect(noStatus.get("Отменен")).toBe("false");
		expect(noStatus.has("ПометкаУдаления")).toBe(false);
		// an order deleted on the site: 1C gets the deletion mark (and "Отменен")
		const deleted = requisites(
			docs((await render([{ ...(sampleOrders()[0] as ExportOrder), deleted: true }], settings)).root)[0] as XmlNode,
		);
		expect([deleted.get("ПометкаУдаления"), deleted.get("Отменен"), deleted.get("Доставка разрешена")]).toEqual(["true", "true", "false"]);
	});

	it("2.10 replaces 'Доставка разрешена' by 'Дата последнего разрешения по доставке', only when delivery is allowed", async () => {
		const settings: ExportSettings = { cancelledStatuses: ["C"] };
		const [paid, unpaid] = sampleOrders() as [ExportOrder, ExportOrder];
		const paidNoChange: ExportOrder = { ...paid, statusChangedAt: undefined };
		const reqs = async (o: ExportOrder, schemaVersion: ExportSettings["schemaVersion"]) =>
			requisites(docs((await render([o], { ...settings, schemaVersion })).root)[0] as XmlNode);
		const DATE = "Дата последнего разрешения по доставке";
		for (const v of ["2.10"] as const) {
			const r = await reqs(paid, v);
			expect(r.has("Доставка разрешена")).toBe(false);
			expect(r.get(DATE)).toBe("2026-11-28T10:00:00"); // statusChangedAt, ISO form of 2.10
			expect((await reqs(paidNoChange, v)).get(DATE)).toBe("2026-11-28T09:05:07"); // createdAt
			for (const notAllowed of [unpaid, { ...paid, status: "C" }]) {
				const n = await reqs(notAllowed, v);
				expect(n.has(DATE) || n.has("Доставка разрешена")).toBe(false);
			}
			// it stands where the flag stood, between "Заказ оплачен" and "Отменен"
			const names = [...r.keys()];
			expect(names.indexOf(DATE)).toBe(names.indexOf("Заказ оплачен") + 1);
		}
		for (const v of SCHEMA_VERSIONS.filter((x) => x < "2.10")) {
			const r = await reqs(paid, v);
			expect(r.get("Доставка разрешена")).toBe("true");
			expect(r.has(DATE)).toBe(false);
			expect((await reqs(unpaid, v)).get("Доставка разрешена")).toBe("false");
		}
	});

	it("per-version spelling: unit, contact types, НомерВерсии/Номер1С, requisite dates", async () => {
		const order: ExportOrder = { ...(sampleOrders()[0] as ExportOrder), version: 7, oneC: { id: "guid", number: "ТДЦУ-000001" } };
		for (const v of SCHEMA_VERSIONS) {
			const doc = docs((await render([order], { schemaVersion: v })).root)[0] as XmlNode;
			const modern = v >= "2.07";
			const line = items(doc)[0] as XmlNode;
			const contactTypes = children(child(child(child(doc, "Контрагенты"), "Контрагент"), "Контакты"), "Контакт").map((c) =>
				textAt(c, "Тип"),
			);
			expect(children(line, "БазоваяЕдиница"), v).toHaveLength(1);
			if (modern) {
				expect(textAt(line, "Единица"), v).toBe("796");
				expect(textAt(line, "Коэффициент"), v).toBe("1");
				expect(textAt(doc, "НомерВерсии"), v).toBe("7");
				expect(textAt(doc, "Номер1С"), v).toBe("ТДЦУ-000001");
				expect(contactTypes, v).toEqual(["Телефон рабочий", "Почта"]);
				expect(doc.children.map((c) => c.name).slice(7, 10)).toEqual(["Сумма", "НомерВерсии", "Номер1С"]);
			} else {
				expect(children(line, "Единица"), v).toHaveLength(0);
				expect(children(doc, "НомерВерсии"), v).toHaveLength(0);
				expect(children(doc, "Номер1С"), v).toHaveLength(0);
				expect(contactTypes, v).toEqual(["ТелефонРабочий", "Почта"]);
			}
			expect(requisites(doc).get("Дата изменения статуса"), v).toBe(v === "2.10" ? "2026-11-28T10:00:00" : "2026-11-28 10:00:00");
		}
		// unknown identity: nothing written even for ≥ 2.07
		const plain = docs((await render(sampleOrders(), { schemaVersion: "2.08" })).root)[0] as XmlNode;
		expect(children(plain, "НомерВерсии")).toHaveLength(0);
		expect(children(plain, "Номер1С")).toHaveLength(0);
	});

	it("forbidden characters fail the stream with CHAR_FORBIDDEN naming the order and field", async () => {
		// parseOrder refuses such text; the writer still defends itself against orders that bypassed it
		const bad = parseOrder({
			...companyOrderInput,
			id: "777",
			items: [companyOrderInput.items[0], { productId: "x", name: "bell", quantity: 1, price: 1 }],
		});
		(bad.items[1] as { name: string }).name = "bell\u0007";
		const err = await writeOrdersXmlBytes([bad]).catch((e: unknown) => e);
		expect(err).toBeInstanceOf(CommerceMLError);
		expect((err as CommerceMLError).code).toBe("CHAR_FORBIDDEN");
		expect((err as CommerceMLError).message).toMatch(/order "777".*U\+0007.*items\[1\]\.name/);
		const badCustomer = parseOrder(personOrderInput);
		badCustomer.customer.name = "x\uFFFF";
		const err2 = await writeOrdersXmlBytes([badCustomer], { encoding: "utf-8" }).catch((e: unknown) => e);
		expect((err2 as CommerceMLError).message).toMatch(/customer\.name/);
	});

	it("rejects unknown settings", () => {
		expect(() => writeOrdersXml([], { schemaVersion: "3.1" as never })).toThrow(RangeError);
		expect(() => writeOrdersXml([], { encoding: "koi8-r" as never })).toThrow(RangeError);
	});

	it("numberWarnings flags numbers 1C УТ 11 cannot match", () => {
		const order = sampleOrders()[0] as ExportOrder;
		expect(numberWarnings(order)).toEqual([]);
		expect(numberWarnings({ ...order, number: "12345678901" })).toEqual([]);
		const w = numberWarnings({ ...order, number: "SHOP-2026-000123" });
		expect(w).toHaveLength(1);
		expect(w[0]).toMatch(/Номер longer than 11 characters/);
		// the discount warning is not a number warning
		expect(numberWarnings({ ...order, discount: "99999" })).toEqual([]);
	});

	it("orderWarnings: coded warnings with params (long number counted in characters, discount larger than the lines)", () => {
		const order = sampleOrders()[0] as ExportOrder; // lines 12000.00 + 0.20 after line discounts, shipping 340
		expect(orderWarnings(order)).toEqual([]);
		expect(orderWarnings({ ...order, number: "Ё".repeat(11) })).toEqual([]); // 11 characters, 22 UTF-8 bytes
		const long = orderWarnings({ ...order, number: "SHOP-2026-000123" });
		expect(long).toEqual([
			{ code: "NUMBER_TOO_LONG", params: { length: 16, max: 11 }, message: numberWarnings({ ...order, number: "SHOP-2026-000123" })[0] },
		]);
		expect(orderWarnings({ ...order, discount: "12000.20" })).toEqual([]); // exactly the lines: every line goes to 0
		const big = orderWarnings({ ...order, discount: "12000.21" }); // the shipping line takes no part
		expect(big.map((w) => [w.code, w.params])).toEqual([["ORDER_DISCOUNT_EXCEEDS_LINES", { discount: "12000.21", lines: "12000.20" }]]);
		expect(big[0]?.message).toMatch(/larger than the lines' sum/);
	});
});

describe("streaming", () => {
	it("is pull-based: nothing is taken from the source before the first read, and cancel closes the source", async () => {
		let pulled = 0;
		let closed = false;
		function* source() {
			try {
				for (let i = 0; i < 1000; i++) {
					pulled++;
					yield generatedOrder(i);
				}
			} finally {
				closed = true;
			}
		}
		const stream = writeOrdersXml(source(), {}, { chunkBytes: 1 });
		await new Promise((r) => setTimeout(r, 10));
		expect(pulled).toBe(0);
		const reader = stream.getReader();
		const head = await reader.read(); // the prolog and root start tag come first
		expect(new TextDecoder("windows-1251").decode(head.value)).toMatch(/^<\?xml[\s\S]*<КоммерческаяИнформация [^>]*>\n$/);
		await new Promise((r) => setTimeout(r, 10));
		expect(pulled).toBe(0);
		for (let k = 1; k <= 3; k++) {
			const r = await reader.read();
			await new Promise((res) => setTimeout(res, 5));
			expect(pulled).toBe(k);
			expect(new TextDecoder("windows-1251").decode(r.value)).toMatch(/^<Документ>[\s\S]*<\/Документ>\n$/);
		}
		await reader.cancel();
		expect(closed).toBe(true);
	});

	it("streams 20k orders from an async generator with the producer never far ahead of the consumer", async () => {
		const total = 20_000;
		let produced = 0;
		async function* source() {
			for (let i = 0; i < total; i++) {
				produced++;
				yield generatedOrder(i, 3);
			}
		}
		const parser = new SaxesParser();
		let documentsParsed = 0;
		let parseError: Error | null = null;
		parser.on("closetag", (t) => {
			if (t.name === "Документ") documentsParsed++;
		});
		parser.on("error", (e) => {
			parseError ??= e;
		});
		const decoder = new TextDecoder("windows-1251", { fatal: true });
		let maxLag = 0;
		let maxChunk = 0;
		let chunks = 0;
		for await (const chunk of writeOrdersXml(source())) {
			chunks++;
			maxChunk = Math.max(maxChunk, chunk.length);
			parser.write(decoder.decode(chunk, { stream: true }));
			maxLag = Math.max(maxLag, produced - documentsParsed);
		}
		parser.close();
		expect(parseError).toBeNull();
		expect(documentsParsed).toBe(total);
		expect(produced).toBe(total);
		// One ~64 KB chunk holds ~20 of these orders: the source is never drained ahead.
		expect(maxLag).toBeLessThanOrEqual(40);
		expect(maxChunk).toBeLessThan(64 * 1024 + 8 * 1024);
		expect(chunks).toBeGreaterThan(total / 40);
	});
});

describe("writeOrdersXmlBytes", () => {
	it("returns an exact-size array that owns its buffer and equals the streamed bytes", async () => {
		const settings = { generatedAt: GENERATED_AT };
		const bytes = await writeOrdersXmlBytes(sampleOrders(), settings);
		expect(bytes.byteOffset).toBe(0);
		expect(bytes.buffer.byteLength).toBe(bytes.length);
		const streamed: number[] = [];
		for await (const c of writeOrdersXml(sampleOrders(), settings, { chunkBytes: 100 })) streamed.push(...c);
		expect(streamed).toEqual(Array.from(bytes));
	});
});

describe("writeOrdersXmlSync", () => {
	it("writes the stream's bytes for orders in memory, and a refused order leaves nothing behind for the next call", async () => {
		const orders = [...sampleOrders(), ...Array.from({ length: 60 }, (_, i) => generatedOrder(i))];
		for (const encoding of ["utf-8", "windows-1251"] as const) {
			const settings = { encoding, generatedAt: GENERATED_AT, schemaVersion: "2.08" as const };
			expect(writeOrdersXmlSync(orders, settings)).toEqual(await writeOrdersXmlBytes(orders, settings));
			const [first] = sampleOrders();
			if (!first) throw new Error("no sample");
			expect(() => writeOrdersXmlSync([first, { ...first, comment: "bad \u0001" }], settings)).toThrow(/CHAR_FORBIDDEN/);
			expect(writeOrdersXmlSync([first], settings)).toEqual(await writeOrdersXmlBytes([first], settings));
		}
	});
});
