import { describe, expect, it } from "vitest";
import { type OrderItem, parseOrder } from "../model/order.ts";
import {
	lineIdentity,
	MAX_LINE_ID_LENGTH,
	MAX_OPTION_TEXT_LENGTH,
	MAX_PRODUCT_NAME_LENGTH,
	OPTION_SET_ID_LENGTH,
	optionSetId,
	optionText,
	plainProductName,
} from "./line-identity.ts";

const item = (over: Record<string, unknown>): OrderItem =>
	parseOrder({
		id: "o",
		number: "1",
		createdAt: "2026-11-28T09:00:00+03:00",
		status: "N",
		customer: { name: "Покупатель" },
		items: [{ productId: "p-1", name: "Кабель #2", quantity: 1, price: 10, ...over }],
	}).items[0] as OrderItem;

const GUID = "910e89e5-4b4f-11e9-80d7-0cc47a2b8c1e";
const CHAR_GUID = "0a1b2c3d-0000-11ee-8000-000000000001";

describe("line Ид / Наименование and the # rules", () => {
	it("a plain product name never carries #: it becomes №", () => {
		expect(plainProductName("Кабель #2 ## x")).toBe("Кабель №2 №№ x");
		for (const exportOptions of [false, true]) {
			expect(lineIdentity(item({}), exportOptions)).toEqual({ id: "p-1", name: "Кабель №2" });
		}
		// options present but not exported: still plain
		expect(lineIdentity(item({ options: [{ name: "Цвет", value: "Красный" }] }), false)).toEqual({ id: "p-1", name: "Кабель №2" });
	});

	it("a 1C id product#characteristic is kept as is; with options the name carries #<option text>", () => {
		const id = `${GUID}#${CHAR_GUID}`;
		expect(lineIdentity(item({ externalId: id }), true)).toEqual({ id, name: "Кабель №2" });
		const withOptions = lineIdentity(item({ externalId: id, options: [{ name: "Цвет", value: "Красный" }] }), true);
		expect(withOptions).toEqual({ id, name: "Кабель №2#Цвет: Красный" });
	});

	it("options without such an id: # in both, Ид = product id + # + a 12-character option-set id", () => {
		const a = lineIdentity(
			item({
				externalId: GUID,
				options: [
					{ name: "Размер", value: "XL" },
					{ name: "Цвет", value: "Красный" },
				],
			}),
			true,
		);
		const [product, suffix] = a.id.split("#");
		expect(product).toBe(GUID);
		expect(suffix).toMatch(/^[0-9A-HJKMNP-TV-Z]{12}$/);
		expect(OPTION_SET_ID_LENGTH).toBe(12);
		expect(a.name).toBe("Кабель №2#Размер: XL, Цвет: Красный");
		expect(a.idTooLong).toBeUndefined();
		// exactly one # in each field: 1C splits at the first one
		expect(a.id.split("#")).toHaveLength(2);
		expect(a.name.split("#")).toHaveLength(2);
	});

	it("the option-set id and text are stable: independent of the order options are listed in, different for different sets", () => {
		const ab = [
			{ name: "Цвет", value: "Красный" },
			{ name: "Размер", value: "XL" },
		];
		const ba = [ab[1], ab[0]] as typeof ab;
		expect(optionSetId(ab)).toBe(optionSetId(ba));
		expect(optionText(ab)).toBe(optionText(ba));
		expect(optionSetId(ab)).not.toBe(optionSetId([{ name: "Цвет", value: "Синий" }, ab[1] as (typeof ab)[number]]));
		// a value containing the separator of the JSON form does not collide with a split pair
		expect(optionSetId([{ name: "a", value: "b, c: d" }])).not.toBe(
			optionSetId([
				{ name: "a", value: "b" },
				{ name: "c", value: "d" },
			]),
		);
		// fixed across runs and runtimes (a regression here would re-create every characteristic in 1C)
		expect(optionSetId([{ name: "Размер", value: "XL" }])).toBe("G3WAHD4G3H4E");
	});

	it("the name part is ≤ 100 and the option text ≤ 150 characters", () => {
		const long = lineIdentity(
			item({ name: "Д".repeat(250), options: Array.from({ length: 20 }, (_, i) => ({ name: `Свойство ${i}`, value: "З".repeat(30) })) }),
			true,
		);
		const [name, text] = long.name.split("#") as [string, string];
		expect(name).toHaveLength(MAX_PRODUCT_NAME_LENGTH);
		expect(text).toHaveLength(MAX_OPTION_TEXT_LENGTH);
	});

	it("the whole Ид is ≤ 80; when the suffix does not fit, neither field gets a # (never cut inside the suffix)", () => {
		const options = [{ name: "Цвет", value: "Красный" }];
		const fits = "x".repeat(MAX_LINE_ID_LENGTH - 1 - OPTION_SET_ID_LENGTH);
		const ok = lineIdentity(item({ productId: fits, options }), true);
		expect(ok.id).toHaveLength(MAX_LINE_ID_LENGTH);
		expect(ok.id.startsWith(`${fits}#`)).toBe(true);
		const tooLong = lineIdentity(item({ productId: `${fits}y`, options }), true);
		expect(tooLong).toEqual({ id: `${fits}y`, name: "Кабель №2", idTooLong: { length: 81, max: 80 } });
	});
});
