import fc from "fast-check";
import { describe, expect, it } from "vitest";
import {
	addDecimal,
	compareDecimal,
	type Decimal,
	divDecimal,
	formatDecimal,
	mulDecimal,
	parseDecimal,
	roundDecimal,
	subDecimal,
	sumDecimals,
} from "../model/decimal.ts";
import { type OrderInput, parseOrder } from "../model/order.ts";
import { child, children, parseXmlTree, textAt, type XmlNode } from "../test-support/xml-tree.ts";
import { distributeOrderDiscount } from "./order-discount.ts";
import { readDocumentsAll } from "./reader.ts";
import { writeOrdersXmlBytes } from "./writer.ts";

const d = parseDecimal;
const fmt = (x: Decimal) => formatDecimal(x, 2);
const split = (bases: string[], discount: string) => distributeOrderDiscount(bases.map(d), d(discount)).map(fmt);

describe("distributeOrderDiscount", () => {
	it("splits in proportion to the line sums; the last line takes the rounding remainder", () => {
		expect(split(["100", "200", "700"], "100")).toEqual(["10.00", "20.00", "70.00"]);
		// 10 / 3 = 3.333…: 3.33 + 3.33 + 3.34
		expect(split(["1", "1", "1"], "10")).toEqual(["1.00", "1.00", "1.00"]); // capped: never more than the lines
		expect(split(["100", "100", "100"], "10")).toEqual(["3.33", "3.33", "3.34"]);
		expect(split(["1000", "0.30"], "0.2")).toEqual(["0.20", "0.00"]);
	});

	it("never takes a line below zero, even when rounding pushes the remainder past the last line", () => {
		// exact shares 0.3250, 0.3250, 0.0099: rounded 0.33 + 0.33 leaves 0.00 for the last line;
		// floor-style shares would leave it 0.02, more than its 0.01
		expect(split(["0.33", "0.33", "0.01"], "0.66")).toEqual(["0.33", "0.33", "0.00"]);
		// 200 lines of 0.01, discount 1.00: every exact share is 0.005 → rounded up to 0.01, which would overshoot
		const many = split(Array(200).fill("0.01"), "1");
		expect(many.filter((s) => s === "0.01")).toHaveLength(100);
		expect(many.every((s) => s === "0.01" || s === "0.00")).toBe(true);
	});

	it("skips lines with no positive sum and gives nothing for no discount", () => {
		expect(split(["0", "50", "-5", "50", "0"], "10")).toEqual(["0.00", "5.00", "0.00", "5.00", "0.00"]);
		expect(split(["10", "20"], "0")).toEqual(["0.00", "0.00"]);
		expect(split(["10", "20"], "-3")).toEqual(["0.00", "0.00"]);
		expect(split(["0", "0"], "3")).toEqual(["0.00", "0.00"]);
		expect(split([], "3")).toEqual([]);
	});

	const kopecks = (max: bigint) => fc.bigInt({ min: 0n, max }).map((u): Decimal => ({ units: u, scale: 2 }));

	it("parts add up to the discount to the kopeck, each within 0…line sum and within n kopecks of its exact share (property)", () => {
		fc.assert(
			fc.property(fc.array(kopecks(10_000_00n), { minLength: 1, maxLength: 12 }), kopecks(20_000_00n), (bases, discount) => {
				const shares = distributeOrderDiscount(bases, discount);
				const total = sumDecimals(bases);
				const expected = compareDecimal(discount, total) > 0 ? total : discount;
				expect(fmt(sumDecimals(shares))).toBe(fmt(expected));
				shares.forEach((s, i) => {
					const base = bases[i] as Decimal;
					expect(s.scale).toBe(2);
					expect(s.units >= 0n && compareDecimal(s, base) <= 0).toBe(true);
					if (total.units > 0n) {
						const exact = divDecimal(mulDecimal(expected, base), total, 6);
						const off = subDecimal(s, exact);
						expect(off.units < 0n ? -off.units : off.units).toBeLessThanOrEqual(BigInt(bases.length) * 10_000n);
					}
				});
			}),
			{ numRuns: 2000 },
		);
	});
});

/** Money with two decimals; quantities either whole or fractional with a whole-rouble price, so Цена × Количество is whole kopecks. */
const moneyArb = (max: bigint) => fc.bigInt({ min: 0n, max }).map((c) => formatDecimal({ units: c, scale: 2 }));
const lineArb = fc
	.oneof(
		fc.record({ quantity: fc.integer({ min: 1, max: 50 }).map(String), price: moneyArb(500_000n) }),
		fc.record({
			quantity: fc.integer({ min: 1, max: 9999 }).map((q) => formatDecimal({ units: BigInt(q), scale: 2 })),
			price: fc.integer({ min: 0, max: 5000 }).map(String),
		}),
	)
	.chain((l) => {
		const gross = mulDecimal(d(l.quantity), d(l.price));
		return fc.record({
			quantity: fc.constant(l.quantity),
			price: fc.constant(l.price),
			discount: fc.bigInt({ min: 0n, max: roundDecimal(gross, 2).units }).map((u) => formatDecimal({ units: u, scale: 2 })),
			vatRate: fc.constantFrom(null, 0, 10, 20),
			kind: fc.constantFrom("goods" as const, "service" as const),
		});
	});

const orderArb = fc
	.record({
		lines: fc.array(lineArb, { minLength: 1, maxLength: 6 }),
		shipping: moneyArb(100_000n),
		discountPermille: fc.integer({ min: 0, max: 1000 }),
	})
	.map(({ lines, shipping, discountPermille }): OrderInput => {
		const goods = sumDecimals(lines.map((l) => subDecimal(mulDecimal(d(l.quantity), d(l.price)), d(l.discount))));
		const discount = divDecimal(mulDecimal(goods, { units: BigInt(discountPermille), scale: 3 }), { units: 1n, scale: 0 }, 2);
		return {
			id: "1",
			number: "1",
			createdAt: "2026-11-28T14:03:00+03:00",
			status: "N",
			customer: { name: "Покупатель" },
			items: lines.map((l, i) => ({ productId: `p${i}`, name: `Товар ${i}`, ...l })),
			shipping: { method: "Курьер", price: shipping, address: "" },
			discount: formatDecimal(discount),
		};
	});

const num = (node: XmlNode, ...path: string[]) => d(textAt(node, ...path));
/** The `Скидка` elements of a line (none when it has no `Скидки`). */
const lineDiscounts = (line: XmlNode) => children(line, "Скидки").flatMap((s) => children(s, "Скидка"));

describe("order discount in the written document", () => {
	it("Σ line Сумма + delivery = document Сумма = order total; each line: Сумма = Цена × Количество − Скидки, VAT on Сумма (property)", async () => {
		await fc.assert(
			fc.asyncProperty(orderArb, fc.constantFrom("2.05" as const, "2.10" as const), async (input, schemaVersion) => {
				const order = parseOrder(input);
				const xml = await writeOrdersXmlBytes([order], { encoding: "utf-8", shipping: "always", schemaVersion });
				const doc = child(parseXmlTree(new TextDecoder().decode(xml)), "Документ");
				const lines = children(child(doc, "Товары"), "Товар");
				expect(lines).toHaveLength(order.items.length + 1);
				expect(fmt(sumDecimals(lines.map((l) => num(l, "Сумма"))))).toBe(fmt(num(doc, "Сумма")));
				expect(fmt(num(doc, "Сумма"))).toBe(fmt(d(order.total)));
				// the same through the codec's own reader (what a loader building the order from its lines sees)
				const [read] = (await readDocumentsAll(xml)).documents;
				expect(fmt(sumDecimals((read?.items ?? []).map((i) => d(i.total ?? "NaN"))))).toBe(fmt(d(order.total)));
				let vat: Decimal = { units: 0n, scale: 0 };
				for (const l of lines.slice(0, -1)) {
					const sum = num(l, "Сумма");
					expect(sum.units >= 0n).toBe(true);
					const discounts = lineDiscounts(l);
					for (const s of discounts) expect(textAt(s, "УчтеноВСумме")).toBe("true");
					const gross = mulDecimal(num(l, "ЦенаЗаЕдиницу"), num(l, "Количество"));
					expect(fmt(addDecimal(sum, sumDecimals(discounts.map((s) => num(s, "Сумма")))))).toBe(fmt(gross));
					const tax = children(l, "Налоги")[0];
					if (tax) {
						const rate = num(l, "СтавкиНалогов", "СтавкаНалога", "Ставка");
						const lineVat = num(tax, "Налог", "Сумма");
						expect(fmt(lineVat)).toBe(fmt(divDecimal(mulDecimal(sum, rate), addDecimal({ units: 100n, scale: 0 }, rate), 2)));
						vat = addDecimal(vat, lineVat);
					}
				}
				if (vat.units > 0n) expect(fmt(num(doc, "Налоги", "Налог", "Сумма"))).toBe(fmt(vat));
				const orderDiscount = d(order.discount);
				const shares = lines.flatMap((l) =>
					lineDiscounts(l)
						.filter((s) => textAt(s, "Наименование") === "Скидка на заказ")
						.map((s) => num(s, "Сумма")),
				);
				expect(fmt(sumDecimals(shares))).toBe(fmt(orderDiscount));
				if (orderDiscount.units > 0n) {
					expect(textAt(doc, "Скидки", "Скидка", "Сумма")).toBe(fmt(orderDiscount));
					expect(textAt(doc, "Скидки", "Скидка", "УчтеноВСумме")).toBe("true");
				} else expect(children(doc, "Скидки")).toHaveLength(0);
				expect(textAt(lines.at(-1) as XmlNode, "Ид")).toBe("ORDER_DELIVERY");
				expect(children(lines.at(-1) as XmlNode, "Скидки")).toHaveLength(0);
			}),
			{ numRuns: 400 },
		);
	}, 60_000);
});
