import { type Order, parseOrder, readDocumentsSync } from "@obmen/core";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	alignContent,
	applyContent,
	contentOfDocument,
	contentOfOrder,
	contentText,
	currencyKey,
	diffContent,
	mergeContent,
	type OrderContent,
} from "./content.ts";
import { sentContent } from "./export.ts";
import { defaultSettings } from "./settings.ts";

const settings = defaultSettings();

function order(over: Record<string, unknown> = {}): Order {
	return parseOrder({
		id: "o1",
		number: "1001",
		createdAt: "2026-11-28T10:00:00+03:00",
		status: "new",
		customer: { name: "Иванов Иван" },
		items: [
			{ productId: "p1", externalId: "guid-1", sku: "A-1", name: "Чайник", quantity: 2, price: "100.50" },
			{ productId: "p2", name: "Кружка", quantity: 1, price: 300, discount: 30 },
		],
		shipping: { method: "Курьер", price: 250 },
		comment: "до 18:00",
		...over,
	});
}

describe("currency", () => {
	it("1C's name or numeric code of the store's currency is the same currency: no content change", () => {
		const store = contentOfOrder(order(), settings);
		const bytes = (currency: string) =>
			new TextEncoder().encode(
				`<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация><Документ><Валюта>${currency}</Валюта><Сумма>${store.total}</Сумма>` +
					`<Товары>${store.lines.map((l) => `<Товар><Ид>${l.key}</Ид><Наименование>${l.name}</Наименование><Количество>${l.quantity}</Количество><ЦенаЗаЕдиницу>${l.price}</ЦенаЗаЕдиницу><Сумма>${l.total}</Сумма></Товар>`).join("")}` +
					`<Товар><Ид>ORDER_DELIVERY</Ид><Наименование>Доставка заказа</Наименование><Сумма>${store.delivery}</Сумма></Товар></Товары></Документ></КоммерческаяИнформация>`,
			);
		for (const name of ["руб", "руб.", " РУБ ", "643", "RUB", "RUR"]) {
			const [doc] = readDocumentsSync(bytes(name));
			if (!doc) throw new Error("no Документ");
			expect(diffContent(store, contentOfDocument(doc)), name).toBeNull();
		}
		const [usd] = readDocumentsSync(bytes("840"));
		if (!usd) throw new Error("no Документ");
		expect(diffContent(store, contentOfDocument(usd))?.currency).toEqual({ from: "RUB", to: "USD" });
		expect([currencyKey("Евро"), currencyKey("тенге"), currencyKey("XYZ"), currencyKey("  ")]).toEqual(["EUR", "KZT", "XYZ", null]);
	});
});

describe("content as exported", () => {
	it("reads the order back as 1C receives it: line Ид, exact sums, the delivery line apart", async () => {
		const c = contentOfOrder(order(), settings);
		expect(c.lines.map((l) => [l.key, l.quantity, l.price, l.total])).toEqual([
			["guid-1", "2", "100.5", "201"],
			["p2", "1", "300", "270"],
		]);
		expect(c).toMatchObject({ delivery: "250", total: "721", comment: "до 18:00", buyer: { name: "Иванов Иван" } });
	});

	it("the order discount is spread over the line sums, as 1C sees it", async () => {
		const c = contentOfOrder(order({ discount: 71 }), settings);
		expect(c.total).toBe("650");
		expect(c.lines.map((l) => l.total)).not.toEqual(["201", "270"]);
	});
});

describe("sentContent (export.ts): the content kept with an acknowledgement", () => {
	it("is contentText of the order's content, for any lines, duplicates, buyer, comment and discount", () => {
		const item = fc.record({
			productId: fc.constantFrom("p1", "p2", "p3"),
			sku: fc.option(fc.constantFrom("A-1", "B-2", ""), { nil: undefined }),
			name: fc.constantFrom("Чайник", "Кружка", "Доставка заказа", " "),
			quantity: fc.integer({ min: 1, max: 5 }),
			price: fc.constantFrom("100.50", "300", "0.01"),
		});
		fc.assert(
			fc.property(
				fc.array(item, { minLength: 1, maxLength: 5 }),
				fc.option(fc.constantFrom("до 18:00", ""), { nil: undefined }),
				fc.option(
					fc.record({
						name: fc.constantFrom("ООО «Ромашка»", "Иванов"),
						inn: fc.constantFrom("7701234567", ""),
						kpp: fc.constantFrom("770101001", ""),
					}),
					{
						nil: undefined,
					},
				),
				fc.constantFrom(0, 7),
				(items, comment, customer, discount) => {
					const o = order({ items, comment, customer: customer ?? { name: "Иванов Иван" }, discount });
					const text = sentContent({ order: o, revision: 1, oneC: { id: null, number: null } }, settings);
					expect(text).toBe(contentText(contentOfOrder(o, settings)));
				},
			),
		);
	});
});

describe("diffContent", () => {
	it("reports removed, added and changed lines with old → new, the delivery cost and the total", async () => {
		const a = contentOfOrder(order(), settings);
		const b: OrderContent = {
			...a,
			lines: [{ ...(a.lines[0] as OrderContent["lines"][number]), quantity: "3", total: "301.5" }],
			delivery: "300",
			total: "601.5",
		};
		const d = diffContent(a, b);
		expect(d?.lines?.removed.map((l) => l.key)).toEqual(["p2"]);
		expect(d?.lines?.added).toEqual([]);
		expect(d?.lines?.changed).toEqual([
			{ key: "guid-1", fields: { quantity: { from: "2", to: "3" }, total: { from: "201", to: "301.5" } } },
		]);
		expect(d).toMatchObject({ delivery: { from: "250", to: "300" }, total: { from: "721", to: "601.5" } });
		expect(d?.comment).toBeUndefined();
		expect(diffContent(a, JSON.parse(contentText(a)))).toBeNull();
	});
});

describe("mergeContent", () => {
	it("merges edits of different fields: the store's comment and 1C's quantity", async () => {
		const base = contentOfOrder(order(), settings);
		const store = { ...base, comment: "позвонить" };
		const oneC = contentOfOrder(order({ items: [{ ...order().items[0], quantity: 3 }, order().items[1]] }), settings);
		const m = mergeContent(base, store, oneC);
		expect(m.ok).toBe(true);
		if (!m.ok) return;
		expect(m.content.comment).toBe("позвонить");
		expect(m.content.lines.find((l) => l.key === "guid-1")?.quantity).toBe("3");
		expect(m.content.total).toBe(oneC.total);
	});

	it("the same field changed to different values on both sides is a conflict; the same value is not", async () => {
		const base = contentOfOrder(order(), settings);
		expect(mergeContent(base, { ...base, delivery: "1" }, { ...base, delivery: "2" })).toEqual({ ok: false, conflicts: ["delivery"] });
		expect(mergeContent(base, { ...base, delivery: "1" }, { ...base, delivery: "1" }).ok).toBe(true);
		// 1C removed a line the store changed
		const removed = { ...base, lines: base.lines.slice(1) };
		const edited = { ...base, lines: base.lines.map((l, i) => (i === 0 ? { ...l, name: "Чайник 2" } : l)) };
		expect(mergeContent(base, edited, removed)).toEqual({ ok: false, conflicts: ["lines.guid-1"] });
	});
});

describe("applyContent", () => {
	it("gives a store order whose exported content is exactly 1C's: removed line, quantity, delivery, new line", async () => {
		const o = order();
		const c = contentOfOrder(o, settings);
		const oneC: OrderContent = {
			...c,
			lines: [
				{ ...(c.lines[0] as OrderContent["lines"][number]), quantity: "3", total: "301.5" },
				{ key: "guid-9", sku: "Z-9", name: "Подставка", quantity: "1", price: "50", total: "45", kind: "goods" },
			],
			delivery: "300",
			total: "646.5",
			comment: "без звонка",
		};
		const r = applyContent(o, oneC, settings);
		expect(r.ok).toBe(true);
		if (!r.ok) return;
		expect(r.order.items.map((i) => [i.productId, i.quantity, i.discount])).toEqual([
			["p1", "3", "0"],
			["guid-9", "1", "5"],
		]);
		expect(r.order.items[0]?.name).toBe("Чайник");
		expect(diffContent(oneC, contentOfOrder(r.order, settings))).toBeNull();
	});

	it("refuses a content whose Сумма does not add up", async () => {
		const c = contentOfOrder(order(), settings);
		const r = applyContent(order(), { ...c, total: "1" }, settings);
		expect(r.ok).toBe(false);
	});
});

describe("alignContent", () => {
	it("keys 1C's own product GUIDs like the store's lines: by Артикул, then by name; 1C's delivery product is the delivery", async () => {
		const store = contentOfOrder(order(), settings);
		const line = (key: string, sku: string | null, name: string) =>
			({ key, sku, name, quantity: "1", price: "1", total: "1", kind: null }) as OrderContent["lines"][number];
		const oneC: OrderContent = {
			...store,
			delivery: null,
			lines: [line("1c-guid-a", "A-1", "Чайник 1С"), line("1c-guid-b", null, "Кружка"), line("1c-guid-d", null, "Доставка заказа")],
		};
		const a = alignContent(oneC, store);
		expect(a.lines.map((l) => l.key)).toEqual(["guid-1", "p2"]);
		expect(a.delivery).toBe("1");
		// a line of 1C's own stays a new line
		expect(alignContent({ ...oneC, lines: [line("1c-guid-x", "X", "Новое")] }, store).lines.map((l) => l.key)).toEqual(["1c-guid-x"]);
	});
});
