import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { normalizeDecimal } from "../model/decimal.ts";
import { parseOrder } from "../model/order.ts";
import { plainProductName } from "./line-identity.ts";
import { readDocumentsAll } from "./reader.ts";
import { writeOrdersXmlBytes } from "./writer.ts";

/** Any character XML 1.0 can carry (TAB, LF, CR, U+0020–U+D7FF, U+E000–U+FFFD, astral), weighted towards the tricky ones. */
const xmlChar = fc.oneof(
	{
		weight: 4,
		arbitrary: fc.constantFrom(
			"\t",
			"\r",
			"\n",
			"\r\n",
			"&",
			"<",
			">",
			'"',
			"'",
			"]]>",
			"&amp;",
			"₽",
			"😀",
			"𝄞",
			"\u0085",
			"\u2028",
			"\u00a0",
			"ё",
			"Ё",
			"№",
			"«",
			"»",
			"—",
			" ",
		),
	},
	{ weight: 4, arbitrary: fc.integer({ min: 0x410, max: 0x44f }).map((c) => String.fromCharCode(c)) },
	{ weight: 3, arbitrary: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)) },
	{
		weight: 2,
		arbitrary: fc
			.integer({ min: 0x20, max: 0x10ffff })
			.filter((c) => (c < 0xd800 || c > 0xdfff) && c !== 0xfffe && c !== 0xffff)
			.map((c) => String.fromCodePoint(c)),
	},
);
const text = (min: number, max: number) => fc.array(xmlChar, { minLength: min, maxLength: max }).map((a) => a.join(""));
const nonBlank = (max: number) => text(1, max).filter((s) => s.trim() !== "" && [...s].length <= max);
const money = fc.bigInt({ min: 0n, max: 99_999_999n }).map((c) => `${c / 100n}.${String(c % 100n).padStart(2, "0")}`);
const qty = fc.bigInt({ min: 1n, max: 99_999n }).map((c) => `${c / 1000n}.${String(c % 1000n).padStart(3, "0")}`);

const item = fc.record({
	productId: fc.stringMatching(/^[A-Za-z0-9-]{1,20}$/),
	name: nonBlank(12),
	quantity: qty,
	price: money,
	kind: fc.constantFrom("goods", "service"),
});
const orderInput = fc.record({
	id: fc.stringMatching(/^[A-Za-z0-9]{1,12}$/),
	number: nonBlank(11),
	createdAt: fc.constant("2026-11-28T14:03:00+03:00"),
	status: nonBlank(10),
	customer: fc.record({ name: nonBlank(15) }),
	items: fc.array(item, { minLength: 1, maxLength: 3 }),
	comment: text(0, 20),
	extra: fc.array(
		fc.record({
			name: nonBlank(8)
				.map((s) => s.trim())
				.filter((s) => s !== ""),
			value: text(0, 10),
		}),
		{ maxLength: 2 },
	),
});

describe("CommerceML round trip (T-CODEC): order → writeOrdersXml → readDocuments", () => {
	it("keeps number, totals, lines, buyer, comment, status, Номер1С and requisites in both encodings and schemas 2.05/2.08 (10,000 runs)", async () => {
		await fc.assert(
			fc.asyncProperty(
				orderInput,
				fc.constantFrom("utf-8" as const, "windows-1251" as const),
				fc.constantFrom("2.05" as const, "2.08" as const),
				fc.option(
					nonBlank(11)
						.map((s) => s.trim())
						.filter((s) => s !== ""),
				),
				async (input, encoding, schemaVersion, oneCNumber) => {
					const order = { ...parseOrder(input), oneC: oneCNumber === null ? null : { number: oneCNumber } };
					const xml = await writeOrdersXmlBytes([order], { encoding, shipping: "none", schemaVersion, generatedAt: "2026-11-29T10:00:00" });
					const { documents } = await readDocumentsAll(xml);
					expect(documents).toHaveLength(1);
					const d = documents[0];
					if (!d) return;
					expect(d.number).toBe(order.number);
					expect(d.total).toBe(normalizeDecimal(order.total));
					expect(d.comment ?? "").toBe(order.comment);
					expect(d.counterparties[0]?.name).toBe(order.customer.name);
					expect(d.items.map((i) => [i.name, i.quantity, i.price, i.kind])).toEqual(
						// a `#` in a product name reaches 1C as `№` (line-identity.ts)
						order.items.map((i) => [plainProductName(i.name), normalizeDecimal(i.quantity), normalizeDecimal(i.price), i.kind]),
					);
					expect(d.oneC.status).toBe(order.status);
					expect(d.oneC.number).toBe(schemaVersion === "2.08" ? oneCNumber : null);
					if (schemaVersion === "2.08") expect(d.items.map((i) => i.unit?.code)).toEqual(order.items.map((i) => i.unit.code));
					// The extra requisites appear, in order, among the writer's own ones.
					let k = 0;
					for (const r of d.requisites)
						if (k < order.extra.length && r.name === order.extra[k]?.name && r.values[0] === order.extra[k]?.value) k++;
					expect(k).toBe(order.extra.length);
				},
			),
			{ numRuns: 10_000 },
		);
	}, 120_000);
});
