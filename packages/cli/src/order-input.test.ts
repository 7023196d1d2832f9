import { describe, expect, it } from "vitest";
import { OrderInputError, OrderSplitter, parseOrderInput, readOrders } from "./order-input.ts";

/** Feeds `text` in pieces of `size` characters and collects the values. */
function split(text: string, size: number): unknown[] {
	const s = new OrderSplitter();
	const out: unknown[] = [];
	for (let i = 0; i < text.length; i += size) out.push(...s.push(text.slice(i, i + size)).map((r) => r.value));
	out.push(...s.end().map((r) => r.value));
	return out;
}

const tricky = [
	{ id: "a", name: 'brackets } ] { [ and "quotes" and \\ backslash \\"', n: [1, [2, { x: "]" }]] },
	{ id: "b", empty: {}, list: [], esc: "\u0000\n\t\u2028 «ёлка»" },
	42,
	"a string",
	null,
];

describe("OrderSplitter", () => {
	it("splits a JSON array into its elements, wherever the pieces are cut", () => {
		const text = `\uFEFF[\n${tricky.map((v) => JSON.stringify(v, null, 2)).join(" ,\n")}\n]\n`;
		for (const size of [1, 2, 3, 7, 64, text.length]) expect(split(text, size)).toEqual(tricky);
	});

	it("splits NDJSON and concatenated values, a number last without a newline", () => {
		const text = `${tricky.map((v) => JSON.stringify(v)).join("\n")}\r\n{"id":"c"}{"id":"d"} 7`;
		for (const size of [1, 5, text.length]) expect(split(text, size)).toEqual([...tricky, { id: "c" }, { id: "d" }, 7]);
	});

	it("opens the { items, nextCursor } envelope of GET /api/v1/orders, page after page", () => {
		const page1 = { items: [{ id: "1", items: [{ productId: "p" }] }, { id: "2" }], nextCursor: "2" };
		const page2 = { items: [{ id: "3" }], nextCursor: null };
		expect(split(`${JSON.stringify(page1, null, 1)}\n${JSON.stringify(page2)}\n`, 3)).toEqual([
			{ id: "1", items: [{ productId: "p" }] },
			{ id: "2" },
			{ id: "3" },
		]);
		// an order (it has more keys than items/nextCursor) is an order, even with an items array
		expect(parseOrderInput('{"id":"1","items":[{"productId":"p"}]}')).toEqual([{ id: "1", items: [{ productId: "p" }] }]);
		// inside a top-level array an envelope-like element is left as it is
		expect(parseOrderInput('[{"items":[]}]')).toEqual([{ items: [] }]);
	});

	it("reports the line of bad JSON", () => {
		const cases: [string, RegExp][] = [
			['{"id":"1"}\n{oops}\n', /^line 2: invalid JSON/],
			['[\n{"id":1},\n{"id":2,}\n]', /^line 3: invalid JSON/],
			['[{"id":1} {"id":2}]', /^line 1: invalid JSON \(expected "," or "\]"/],
			['[{"id":1},,{"id":2}]', /^line 1: invalid JSON \(unexpected ","\)/],
			['[{"id":', /^invalid JSON \(the input ends inside the value that starts on line 1\)/],
			['[{"id":1},\n', /^invalid JSON \(the input ends inside the top-level array\)/],
			['"open string', /^invalid JSON \(the input ends inside/],
			["}", /^line 1: invalid JSON \(unexpected "}"\)/],
			["\n\ntrue false nope", /^line 3: invalid JSON/],
		];
		for (const [text, message] of cases) {
			const e = (() => {
				try {
					split(text, 2);
				} catch (err) {
					return err;
				}
			})();
			expect(e, text).toBeInstanceOf(OrderInputError);
			expect((e as Error).message, text).toMatch(message);
		}
	});

	it("empty input is no orders; readOrders decodes UTF-8 split inside a character", async () => {
		expect(parseOrderInput("")).toEqual([]);
		expect(parseOrderInput(" \n[]\n")).toEqual([]);
		const bytes = new TextEncoder().encode('[{"name":"Щётка"}]');
		async function* oneByteAtATime() {
			for (const b of bytes) yield Uint8Array.of(b);
		}
		const got = [];
		for await (const r of readOrders(oneByteAtATime())) got.push(r);
		expect(got).toEqual([{ value: { name: "Щётка" }, line: 1 }]);
	});
});
