import { describe, expect, it } from "vitest";
import { messages } from "./i18n.ts";
import { formatBytes, groupBySession, isFailed, replyHead } from "./journal-groups.ts";
import { warningText } from "./preview-warnings.ts";
import { journalItem } from "./test-support/fake-api.ts";
import { tokenizeXml } from "./xml-highlight.ts";

describe("tokenizeXml", () => {
	it("loses nothing: tokens join back to the input", () => {
		const xml = `<?xml version="1.0" encoding="windows-1251"?>\n<!-- c --><КоммерческаяИнформация ВерсияСхемы="2.05" a='1'>\n <Ид>ORDER_DELIVERY</Ид><x/><![CDATA[<b>]]>&amp;</КоммерческаяИнформация>`;
		const tokens = tokenizeXml(xml);
		expect(tokens.map((t) => t.text).join("")).toBe(xml);
		expect(tokens.filter((t) => t.kind === "tag").map((t) => t.text)).toEqual([
			"КоммерческаяИнформация",
			"Ид",
			"Ид",
			"x",
			"КоммерческаяИнформация",
		]);
		expect(tokens.filter((t) => t.kind === "attr").map((t) => t.text)).toEqual(["ВерсияСхемы", "a"]);
		expect(tokens.find((t) => t.kind === "value")?.text).toBe('"2.05"');
		expect(tokens[0]?.kind).toBe("pi");
	});
});

describe("journal helpers", () => {
	it("groups by session in order of appearance and sums orders and errors", () => {
		const groups = groupBySession([
			journalItem({ id: 5, mode: "success", session: "B", at: "2026-11-29T12:00:04Z", ordersAcknowledged: 2 }),
			journalItem({ id: 4, mode: "query", session: "B", at: "2026-11-29T12:00:03Z", ordersSent: 2 }),
			journalItem({ id: 3, mode: "checkauth", session: null, error: "bad password", reply: "failure\nbad" }),
			journalItem({ id: 2, mode: "import", session: "A", ordersImported: 1, error: "XML_MALFORMED" }),
			journalItem({ id: 1, mode: "checkauth", session: "A", at: "2026-11-29T11:00:00Z" }),
			journalItem({ id: 0, mode: "file", session: "C", reply: "failure\nФайл слишком большой" }),
		]);
		expect(groups.map((g) => [g.session, g.items.length, g.sent, g.acknowledged, g.imported, g.errors])).toEqual([
			["B", 2, 2, 2, 0, 0],
			[null, 1, 0, 0, 0, 1],
			["A", 2, 0, 0, 1, 1],
			["C", 1, 0, 0, 0, 1], // a `failure` reply counts as an error even without a logged error text
		]);
		expect(groups[0]?.startedAt).toBe("2026-11-29T12:00:03Z");
	});

	it("reads the reply head and failure", () => {
		expect(replyHead("success\nPHPSESSID\nabc")).toBe("success");
		expect(isFailed(journalItem({ id: 1, mode: "file", reply: "failure\r\ntoo big" }))).toBe(true);
		expect(isFailed(journalItem({ id: 1, mode: "file", reply: "success" }))).toBe(false);
		expect(formatBytes(1536)).toBe("1.5 KiB");
		expect(formatBytes(null)).toBe("—");
	});
});

describe("i18n", () => {
	it("has every key in both languages and no empty strings", () => {
		expect(Object.keys(messages.en).sort()).toEqual(Object.keys(messages.ru).sort());
		for (const lang of ["ru", "en"] as const) for (const v of Object.values(messages[lang])) expect(v.trim()).not.toBe("");
	});
});

describe("warningText", () => {
	const long = { code: "NUMBER_TOO_LONG", message: "server text", params: { length: 14, max: 11 } };
	it("translates known codes with their params, in both languages", () => {
		expect(warningText("ru", long)).toBe(
			"Номер длиннее 11 символов (14): 1С УТ 11 не найдёт заказ по номеру и при каждой повторной выгрузке создаст дубль",
		);
		expect(warningText("en", long)).toMatch(/^Номер longer than 11 characters \(14\): 1C УТ 11 will not find/);
		expect(
			warningText("ru", { code: "ORDER_DISCOUNT_EXCEEDS_LINES", message: "x", params: { discount: "500.00", lines: "400.00" } }),
		).toMatch(/^Скидка на заказ 500\.00 больше суммы строк 400\.00/);
	});

	it("falls back to the server's message: plain strings, unknown or prototype codes, missing params, odd values", () => {
		expect(warningText("ru", "plain")).toBe("plain");
		expect(warningText("ru", { code: "NEW_ONE", message: "new text" })).toBe("new text");
		expect(warningText("ru", { code: "constructor", message: "proto" })).toBe("proto");
		expect(warningText("ru", { code: "NUMBER_TOO_LONG", message: "no params" })).toBe("no params");
		expect(warningText("en", { code: "NEW_ONE", message: "" })).toBe("NEW_ONE");
		expect(warningText("en", { message: "only a message" })).toBe("only a message");
		expect(warningText("en", null)).toBe("null");
		expect(warningText("en", 42)).toBe("42");
	});
});
