import fc from "fast-check";
import { SaxesParser } from "saxes";
import { describe, expect, it } from "vitest";
import { encodeCp1251, isCp1251 } from "../encoding/cp1251.ts";
import { CommerceMLError } from "../errors.ts";
import { ByteSink } from "./byte-sink.ts";
import { escapeXmlAttribute, escapeXmlText } from "./xml-escape.ts";

/** Parses `<r a="…">…</r>` with saxes and returns the attribute value and text content. */
function parseBack(attr: string, text: string): { attr: string; text: string } {
	const p = new SaxesParser();
	let a: string | undefined;
	let t = "";
	let err: Error | undefined;
	p.on("error", (e) => {
		err ??= e;
	});
	p.on("opentag", (tag) => {
		a = tag.attributes.a as string;
	});
	p.on("text", (s) => {
		t += s;
	});
	p.write(`<r a="${attr}">${text}</r>`).close();
	if (err) throw err;
	return { attr: a ?? "<missing>", text: t };
}

const isXmlChar = (cp: number) =>
	cp === 0x9 ||
	cp === 0xa ||
	cp === 0xd ||
	(cp >= 0x20 && cp <= 0xd7ff) ||
	(cp >= 0xe000 && cp <= 0xfffd) ||
	(cp >= 0x10000 && cp <= 0x10ffff);

/** Strings of XML-legal characters, biased towards the troublesome ones. */
const xmlString = fc
	.array(
		fc.oneof(
			fc.constantFrom("\t", "\n", "\r", "\r\n", "&", "<", ">", '"', "'", "]]>", "&amp;", "&#13;", " ", "  "),
			fc.integer({ min: 0x410, max: 0x44f }).map((c) => String.fromCharCode(c)),
			fc.integer({ min: 0x10000, max: 0x10ffff }).map((c) => String.fromCodePoint(c)),
			fc
				.integer({ min: 0x20, max: 0xfffd })
				.filter((c) => isXmlChar(c))
				.map((c) => String.fromCharCode(c)),
			fc.string({ unit: "binary", maxLength: 4 }).filter((s) => [...s].every((ch) => isXmlChar(ch.codePointAt(0) as number))),
		),
		{ maxLength: 24 },
	)
	.map((parts) => parts.join(""));

describe("escapeXmlText / escapeXmlAttribute", () => {
	it("escapes markup characters in both contexts", () => {
		expect(escapeXmlText(`a&b<c>d"e'f`, false)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f");
		expect(escapeXmlAttribute(`a&b<c>d"e'f`, false)).toBe("a&amp;b&lt;c&gt;d&quot;e&apos;f");
		expect(escapeXmlText("x]]>y", false)).toBe("x]]&gt;y");
	});

	it("keeps TAB/LF in text but references them in attributes; CR is referenced everywhere", () => {
		expect(escapeXmlText("a\tb\nc\rd", false)).toBe("a\tb\nc&#13;d");
		expect(escapeXmlAttribute("a\tb\nc\rd", false)).toBe("a&#9;b&#10;c&#13;d");
	});

	it("returns the same string when nothing needs escaping", () => {
		const s = "Заказ 15, Москва";
		expect(escapeXmlText(s, true)).toBe(s);
		expect(escapeXmlText(s, false)).toBe(s);
	});

	it("writes characters outside cp1251 as full code point references in windows-1251 mode only", () => {
		expect(escapeXmlText("12 ₽ 😀 é Ё", true)).toBe("12 &#8381; &#128512; &#233; Ё");
		expect(escapeXmlText("12 ₽ 😀 é Ё", false)).toBe("12 ₽ 😀 é Ё");
		expect(escapeXmlAttribute("😀", true)).toBe("&#128512;");
		expect(escapeXmlText("\u0098", true)).toBe("&#152;");
	});

	it("rejects characters XML 1.0 forbids with CHAR_FORBIDDEN naming the field", () => {
		for (const bad of ["\u0000", "\u0001", "\u000b", "\u000c", "\u001f", "\ufffe", "\uffff", "\ud800", "a\udc00b", "\ud83dx"]) {
			for (const cp of [false, true]) {
				let caught: unknown;
				try {
					escapeXmlText(bad, cp, "items[0].name");
				} catch (e) {
					caught = e;
				}
				expect(caught, JSON.stringify(bad)).toBeInstanceOf(CommerceMLError);
				expect((caught as CommerceMLError).code).toBe("CHAR_FORBIDDEN");
				expect((caught as CommerceMLError).message).toContain("items[0].name");
				expect(() => escapeXmlAttribute(bad, cp)).toThrow(CommerceMLError);
			}
		}
	});

	it("property: escape → saxes parse gives back the original, in both contexts and both encodings", () => {
		let runs = 0;
		for (const cp1251 of [false, true]) {
			fc.assert(
				fc.property(xmlString, (s) => {
					runs++;
					const text = escapeXmlText(s, cp1251);
					const attr = escapeXmlAttribute(s, cp1251);
					if (cp1251) {
						for (let i = 0; i < text.length; i++) expect(isCp1251(text.charCodeAt(i))).toBe(true);
						for (let i = 0; i < attr.length; i++) expect(isCp1251(attr.charCodeAt(i))).toBe(true);
					}
					expect(text).not.toContain("]]>");
					expect(text).not.toContain("\r");
					const back = parseBack(attr, text);
					expect(back.text).toBe(s);
					expect(back.attr).toBe(s);
				}),
				{ numRuns: 5000 },
			);
		}
		expect(runs).toBeGreaterThanOrEqual(10_000);
	});
});

describe("ByteSink (fused escape + encode)", () => {
	it("property: bytes equal encode(escapeXml…(s)) in both encodings and contexts", () => {
		const utf8 = new TextEncoder();
		for (const cp1251 of [false, true]) {
			const encode = (s: string) => Array.from(cp1251 ? encodeCp1251(s) : utf8.encode(s));
			fc.assert(
				fc.property(xmlString, (s) => {
					const sink = new ByteSink(cp1251, 16);
					sink.text(s, "f");
					expect(Array.from(sink.take())).toEqual(encode(escapeXmlText(s, cp1251)));
					sink.attr(s, "f");
					expect(Array.from(sink.take())).toEqual(encode(escapeXmlAttribute(s, cp1251)));
				}),
				{ numRuns: 2000 },
			);
		}
	});

	it("rejects forbidden characters like the string escaper", () => {
		const sink = new ByteSink(true);
		expect(() => sink.text("ok\u0002", "items[3].sku")).toThrow(/CHAR_FORBIDDEN: character U\+0002 at index 2 of items\[3\]\.sku/);
		expect(() => sink.attr("\udbff", "unit.code")).toThrow(CommerceMLError);
	});
});
