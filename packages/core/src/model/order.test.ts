import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { computeTotal, OrderValidationError, orderJsonSchema, parseOrder, safeParseOrder, totalMismatch } from "./order.ts";

const minimal = {
	id: "1042",
	number: "1042",
	createdAt: "2026-11-28T14:03:00+03:00",
	status: "P",
	customer: { name: "Иванов Иван" },
	items: [{ productId: "p-5", name: "Чайник", quantity: 2, price: "1000.00" }],
};

describe("order model", () => {
	it("fills the documented defaults", () => {
		const o = parseOrder(minimal);
		expect(o.currency).toBe("RUB");
		expect(o.rate).toBe("1");
		expect(o.customer.type).toBe("person");
		expect(o.items[0]?.kind).toBe("goods");
		expect(o.items[0]?.unit).toEqual({ code: "796", name: "шт" });
		expect(o.items[0]?.quantity).toBe("2");
		expect(o.items[0]?.price).toBe("1000");
		expect(o.total).toBe("2000");
	});

	it("computes the total in decimal: lines − line discounts + shipping − order discount", () => {
		const o = parseOrder({
			...minimal,
			discount: "0.1",
			shipping: { method: "Курьер", price: 0.2 },
			items: [
				{ productId: "a", name: "A", quantity: "3", price: "0.1", discount: "0.05" },
				{ productId: "b", name: "B", quantity: 1, price: 0.2 },
			],
		});
		// 0.3 − 0.05 + 0.2 + 0.2 − 0.1 = 0.55
		expect(o.total).toBe("0.55");
		expect(computeTotal({ ...o })).toBe("0.55");
		expect(
			parseOrder({
				...minimal,
				items: [
					{ productId: "x", name: "x", quantity: 1, price: 0.1 },
					{ productId: "y", name: "y", quantity: 1, price: 0.2 },
				],
			}).total,
		).toBe("0.3");
	});

	it("is idempotent: an order read back and sent again, its computed total included, parses to the same order", () => {
		const once = parseOrder({ ...minimal, shipping: { method: "Курьер", price: "300.50" } });
		expect(once.total).toBe("2300.5");
		// the store's no-op check compares the stored JSON: a computed "2300.50" against a sent "2300.5" was a new revision
		expect(JSON.stringify(parseOrder(JSON.parse(JSON.stringify(once))))).toBe(JSON.stringify(once));
	});

	it("keeps an explicit total as sent (normalised)", () => {
		expect(parseOrder({ ...minimal, total: "12490,00" }).total).toBe("12490");
	});

	it("names the field path of every problem", () => {
		const r = safeParseOrder({ ...minimal, createdAt: "yesterday", items: [{ productId: "p", name: "n", quantity: "two", price: 1 }] });
		expect(r.ok).toBe(false);
		if (r.ok) return;
		const paths = r.issues.map((i) => i.path);
		expect(paths).toContain("createdAt");
		expect(paths).toContain("items.0.quantity");
		expect(() => parseOrder({ ...minimal, items: [] })).toThrow(OrderValidationError);
		try {
			parseOrder({ ...minimal, customer: { name: "" } });
		} catch (e) {
			expect((e as OrderValidationError).issues[0]?.path).toBe("customer.name");
		}
	});

	it("refuses text that XML 1.0 cannot carry, naming the field (it could never be exported to 1C)", () => {
		const bad = safeParseOrder({
			...minimal,
			customer: { name: "Иванов\u0001" },
			items: [{ productId: "p", name: "ok 😀", quantity: 1, price: 1, options: [{ name: "Цвет", value: "\ud800x" }] }],
			extra: [{ name: "x", value: "\uffff" }],
		});
		expect(bad.ok).toBe(false);
		if (bad.ok) return;
		expect(bad.issues.map((i) => i.path)).toEqual(["customer.name", "items.0.options.0.value", "extra.0.value"]);
		expect(bad.issues[0]?.message).toContain("U+0001");
		// TAB, LF, CR, astral characters and every other XML character are fine
		expect(parseOrder({ ...minimal, comment: "a\tb\r\nc 😀 \u0085 \ufffd" }).comment).toBe("a\tb\r\nc 😀 \u0085 \ufffd");
	});

	it("accepts a null VAT rate and a company buyer", () => {
		const o = parseOrder({
			...minimal,
			customer: { type: "company", name: "ООО Ромашка", inn: "7701234567", kpp: "770101001" },
			items: [{ productId: "p", name: "n", quantity: 1, price: 1, vatRate: null }],
		});
		expect(o.customer.type).toBe("company");
		expect(o.items[0]?.vatRate).toBeNull();
	});

	it("publishes the JSON Schema that the repository ships", () => {
		const shipped = JSON.parse(readFileSync(new URL("../../schema/order.schema.json", import.meta.url), "utf8"));
		expect(shipped).toEqual(orderJsonSchema());
		expect(shipped.required).toEqual(expect.arrayContaining(["id", "number", "createdAt", "status", "customer", "items"]));
	});

	it("totalMismatch: the store total against lines − discounts + shipping, to the kopeck", () => {
		const input = {
			id: "o",
			number: "1",
			createdAt: "2026-11-28T09:00:00+03:00",
			status: "N",
			customer: { name: "x" },
			items: [
				{ productId: "a", name: "a", quantity: 3, price: "0.10", discount: "0.05" },
				{ productId: "b", name: "b", quantity: 1, price: 10 },
			],
			discount: "1",
			shipping: { price: "2.5" },
		};
		expect(computeTotal(parseOrder(input))).toBe("11.75");
		expect(totalMismatch(parseOrder(input))).toBeNull();
		expect(totalMismatch(parseOrder({ ...input, total: "11.750" }))).toBeNull();
		expect(totalMismatch(parseOrder({ ...input, total: 11.76 }))).toEqual({ total: "11.76", computed: "11.75" });
		expect(totalMismatch(parseOrder({ ...input, total: "13.75" }))).toEqual({ total: "13.75", computed: "11.75" });
	});
});
