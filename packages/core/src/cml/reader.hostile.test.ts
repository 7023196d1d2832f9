import { describe, expect, it } from "vitest";
import { type CmlErrorCode, CommerceMLError } from "../errors.ts";
import { readDocumentsAll } from "./reader.ts";
import type { ReadLimits } from "./sax-limits.ts";

const enc = new TextEncoder();
const ROOT_OPEN = '<КоммерческаяИнформация ВерсияСхемы="2.08">';
const ROOT_CLOSE = "</КоммерческаяИнформация>";
const DECL = '<?xml version="1.0" encoding="UTF-8"?>';
const wrap = (body: string) => `${DECL}${ROOT_OPEN}${body}${ROOT_CLOSE}`;
const bytes = (...parts: (string | number[] | Uint8Array)[]): Uint8Array => {
	const arrs = parts.map((p) => (typeof p === "string" ? enc.encode(p) : Uint8Array.from(p)));
	const out = new Uint8Array(arrs.reduce((n, a) => n + a.length, 0));
	let at = 0;
	for (const a of arrs) {
		out.set(a, at);
		at += a.length;
	}
	return out;
};

async function failure(input: Uint8Array | string, limits?: ReadLimits, chunk?: number): Promise<CommerceMLError> {
	const data = typeof input === "string" ? enc.encode(input) : input;
	const source = chunk
		? (async function* () {
				for (let i = 0; i < data.length; i += chunk) yield data.subarray(i, i + chunk);
			})()
		: data;
	try {
		await readDocumentsAll(source, limits);
	} catch (e) {
		if (e instanceof CommerceMLError) return e;
		throw e;
	}
	throw new Error("expected a CommerceMLError, got success");
}

const cp1251Cyrillic = [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2]; // "Привет" in windows-1251
const DEEP = 100_000;

const cases: Array<[string, () => Uint8Array | string, CmlErrorCode, ReadLimits?]> = [
	[
		"XXE external entity",
		() => `${DECL}<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ROOT_OPEN}&x;${ROOT_CLOSE}`,
		"DOCTYPE_FORBIDDEN",
	],
	[
		"billion laughs",
		() =>
			`${DECL}<!DOCTYPE lolz [<!ENTITY lol "lol"><!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;"><!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">]>${ROOT_OPEN}&lol3;${ROOT_CLOSE}`,
		"DOCTYPE_FORBIDDEN",
	],
	[
		"quadratic blowup entity",
		() => `<!DOCTYPE r [<!ENTITY a "${"x".repeat(10000)}">]>${ROOT_OPEN}${"&a;".repeat(1000)}${ROOT_CLOSE}`,
		"DOCTYPE_FORBIDDEN",
	],
	["DOCTYPE after the root opened", () => wrap('<!DOCTYPE x SYSTEM "http://evil/">'), "DOCTYPE_FORBIDDEN"],
	["DOCTYPE late, after a document", () => wrap(`<Документ><Ид>1</Ид></Документ>${" ".repeat(100_000)}<!DOCTYPE x>`), "DOCTYPE_FORBIDDEN"],
	["<!ENTITY without DOCTYPE", () => wrap('<!ENTITY x "y">'), "DOCTYPE_FORBIDDEN"],
	["deep nesting 100k", () => wrap("<a>".repeat(DEEP) + "</a>".repeat(DEEP)), "LIMIT_DEPTH"],
	["depth 33 with the default limit", () => wrap("<a>".repeat(32) + "</a>".repeat(32)), "LIMIT_DEPTH"],
	["20 MB attribute", () => wrap(`<Документ Ид="${"x".repeat(20 * 1024 * 1024)}"/>`), "LIMIT_VALUE"],
	["20 MB text node", () => wrap(`<Документ><Комментарий>${"y".repeat(20 * 1024 * 1024)}</Комментарий></Документ>`), "LIMIT_VALUE"],
	["100k attributes", () => wrap(`<Документ ${Array.from({ length: 100_000 }, (_, i) => `a${i}="1"`).join(" ")}/>`), "LIMIT_ATTRIBUTES"],
	["duplicate attributes", () => wrap('<Документ a="1" a="2"/>'), "XML_MALFORMED"],
	["&#xFFFFFF; out of range", () => wrap("<Документ><Ид>&#xFFFFFF;</Ид></Документ>"), "CHAR_FORBIDDEN"],
	["&#0; character reference", () => wrap("<Документ><Ид>&#0;</Ид></Документ>"), "CHAR_FORBIDDEN"],
	["raw control character U+0001", () => wrap("<Документ><Ид>\u0001</Ид></Документ>"), "CHAR_FORBIDDEN"],
	["NUL byte", () => bytes(DECL, ROOT_OPEN, [0x00], ROOT_CLOSE), "CHAR_FORBIDDEN"],
	["two roots", () => `${DECL}${ROOT_OPEN}${ROOT_CLOSE}${ROOT_OPEN}${ROOT_CLOSE}`, "XML_MALFORMED"],
	["text outside the root", () => `${DECL}${ROOT_OPEN}${ROOT_CLOSE}junk`, "XML_MALFORMED"],
	["mismatched end tag", () => wrap("<Документ></Товар>"), "XML_MALFORMED"],
	["undefined entity", () => wrap("<Документ>&nbsp;</Документ>"), "XML_MALFORMED"],
	["]]> in character data", () => wrap("<Документ>a]]>b</Документ>"), "XML_MALFORMED"],
	["truncated in a document", () => `${DECL}${ROOT_OPEN}<Документ><Ид>1</Ид><Номер>`, "XML_TRUNCATED"],
	["truncated inside a tag", () => `${DECL}${ROOT_OPEN}<Докуме`, "XML_TRUNCATED"],
	["empty input", () => new Uint8Array(0), "XML_TRUNCATED"],
	["whitespace only", () => "   \n  ", "XML_TRUNCATED"],
	["declaration only", () => DECL, "XML_TRUNCATED"],
	[
		"cp1251 bytes declared as UTF-8",
		() => bytes(DECL, ROOT_OPEN, "<Документ><Ид>", cp1251Cyrillic, "</Ид></Документ>", ROOT_CLOSE),
		"ENCODING_INVALID",
	],
	["UTF-16LE BOM", () => bytes([0xff, 0xfe], "<\u0000"), "ENCODING_UNSUPPORTED"],
	["UTF-16BE BOM", () => bytes([0xfe, 0xff], "\u0000<"), "ENCODING_UNSUPPORTED"],
	["UTF-16LE without BOM", () => bytes([0x3c, 0x00, 0x3f, 0x00]), "ENCODING_UNSUPPORTED"],
	["unknown label koi8-r", () => `<?xml version="1.0" encoding="koi8-r"?>${ROOT_OPEN}${ROOT_CLOSE}`, "ENCODING_UNSUPPORTED"],
	[
		"UTF-8 BOM with a windows-1251 declaration",
		() => bytes([0xef, 0xbb, 0xbf], '<?xml version="1.0" encoding="windows-1251"?>', ROOT_OPEN, ROOT_CLOSE),
		"ENCODING_INVALID",
	],
	["overlong UTF-8 (C0 80)", () => bytes(DECL, ROOT_OPEN, [0xc0, 0x80], ROOT_CLOSE), "ENCODING_INVALID"],
	[
		"UTF-8-encoded lone surrogate",
		() => bytes(DECL, ROOT_OPEN, "<Документ>", [0xed, 0xa0, 0x80], "</Документ>", ROOT_CLOSE),
		"ENCODING_INVALID",
	],
	["UTF-8 sequence cut at the end", () => bytes(DECL, ROOT_OPEN, ROOT_CLOSE, [0xd0]), "ENCODING_INVALID"],
	["root is not КоммерческаяИнформация", () => `${DECL}<html><body/></html>`, "NOT_COMMERCEML"],
	["more elements than maxElements", () => wrap("<a/>".repeat(200)), "LIMIT_ELEMENTS", { maxElements: 100 }],
	["over 1M elements with the default limit", () => wrap("<a/>".repeat(1_000_001)), "LIMIT_ELEMENTS"],
	[
		"text split by comments beyond 1 MiB",
		() => wrap(`<Документ><Комментарий>${`${"z".repeat(300_000)}<!---->`.repeat(4)}</Комментарий></Документ>`),
		"LIMIT_VALUE",
	],
	[
		"CDATA + text beyond 1 MiB",
		() => wrap(`<Документ><Комментарий><![CDATA[${"c".repeat(600_000)}]]>${"t".repeat(600_000)}</Комментарий></Документ>`),
		"LIMIT_VALUE",
	],
	["root on line 3 that is not CommerceML", () => `${DECL}\n\n<Каталог/>`, "NOT_COMMERCEML"],
	["processing-instruction flood then truncation", () => `${DECL}${ROOT_OPEN}${"<?pi x?>".repeat(50_000)}`, "LIMIT_ELEMENTS"],
	["processing instructions then truncation", () => `${DECL}${ROOT_OPEN}${"<?pi x?>".repeat(10)}`, "XML_TRUNCATED"],
	[
		"namespace-prefix flood on one element",
		() => wrap(`<Документ ${Array.from({ length: 1000 }, (_, i) => `xmlns:p${i}="u${i}"`).join(" ")}/>`),
		"LIMIT_ATTRIBUTES",
	],
	["10 MB of whitespace between elements", () => wrap(`<Документ><Ид>1</Ид></Документ>${" \n\t".repeat(3_500_000)}`), "LIMIT_VALUE"],
	["more bytes than maxBytes", () => wrap(" ".repeat(5000)), "LIMIT_SIZE", { maxBytes: 4096 }],
];

describe("hostile XML input (T-HOST / T-ENC)", () => {
	it("has at least 30 cases", () => expect(cases.length).toBeGreaterThanOrEqual(30));
	it.each(cases)("%s → %s", async (_name, make, code, limits) => {
		const err = await failure(make(), limits);
		expect(err.code).toBe(code);
		expect(err.offset !== undefined || err.line !== undefined).toBe(true);
	});

	it("NOT_COMMERCEML reports the root's real line", async () => {
		const err = await failure(`${DECL}\n\n<Каталог/>`);
		expect(err.line).toBe(3);
	});

	it("DOCTYPE split across 1-byte chunks is still refused", async () => {
		const err = await failure(`${DECL}<!DOCTYPE r [<!ENTITY x "y">]>${ROOT_OPEN}${ROOT_CLOSE}`, undefined, 1);
		expect(err.code).toBe("DOCTYPE_FORBIDDEN");
	});

	it("a declaration split anywhere across chunks is refused at the same byte as whole", async () => {
		for (const xml of [
			`${DECL}<!DOCTYPE r [<!ENTITY x "y">]>${ROOT_OPEN}${ROOT_CLOSE}`,
			wrap(`<Документ><Ид>1</Ид></Документ>${" ".repeat(37)}<!ENTITY x "y">`),
			wrap(`<Документ><Ид>1</Ид></Документ><!DOCTYPE x>`),
			wrap(`<Документ><Ид>я</Ид></Документ>я<!ENTITY x "y">`),
		]) {
			const whole = await failure(xml);
			expect(whole.code).toBe("DOCTYPE_FORBIDDEN");
			for (const chunk of [1, 2, 3, 5, 7, 8, 9, 10, 11, 13, 17, 64]) {
				const err = await failure(xml, undefined, chunk);
				expect([chunk, err.code, err.offset]).toEqual([chunk, "DOCTYPE_FORBIDDEN", whole.offset]);
			}
		}
	});

	it("reports the byte offset of an invalid UTF-8 byte, also across chunk boundaries", async () => {
		const data = bytes(DECL, ROOT_OPEN, "<Документ><Ид>", cp1251Cyrillic, "</Ид></Документ>", ROOT_CLOSE);
		const expected = enc.encode(`${DECL}${ROOT_OPEN}<Документ><Ид>`).length;
		for (const chunk of [undefined, 1, 2, 3, 7]) {
			const err = await failure(data, undefined, chunk);
			expect(err.code).toBe("ENCODING_INVALID");
			expect(err.offset).toBe(expected);
		}
	});

	it("reports the byte offset of a NUL byte and names the unsupported label", async () => {
		const nul = await failure(bytes(DECL, "<К>", [0]));
		expect(nul.offset).toBe(enc.encode(`${DECL}<К>`).length);
		const label = await failure(`<?xml version="1.0" encoding="ISO-8859-5"?><a/>`);
		expect(label.message).toContain("ISO-8859-5");
	});

	it("gives line, column and byte offset for malformed XML", async () => {
		const err = await failure(`${DECL}\n${ROOT_OPEN}\n  <Документ>\n    <Ид>1</Номер>`);
		expect(err.code).toBe("XML_MALFORMED");
		expect(err.line).toBe(4);
		expect(err.column).toBeGreaterThan(5);
		expect(err.offset).toBeGreaterThan(enc.encode(`${DECL}\n${ROOT_OPEN}\n  <Документ>\n`).length);
		expect(err.message).toMatch(/XML_MALFORMED: .* at line 4, column \d+ \(byte \d+\)/);
	});

	it("never pollutes prototypes: __proto__/constructor/prototype tags and attributes are plain unknown data", async () => {
		const xml = wrap(
			'<Документ __proto__="x" constructor="y"><Ид>1</Ид><__proto__><polluted>yes</polluted></__proto__><constructor><prototype>1</prototype></constructor>' +
				"<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>__proto__</Наименование><Значение>p</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>" +
				"<Товары><Товар><__proto__>1</__proto__><toString>2</toString><Наименование>n</Наименование></Товар></Товары></Документ>",
		);
		let result: Awaited<ReturnType<typeof readDocumentsAll>> | undefined;
		try {
			result = await readDocumentsAll(enc.encode(xml));
		} catch (e) {
			// saxes may refuse `__proto__="x"` as a duplicate attribute; refusing is safe too.
			expect((e as CommerceMLError).code).toBe("XML_MALFORMED");
		}
		const probe: Record<string, unknown> = {};
		expect(probe.polluted).toBeUndefined();
		expect(Object.prototype).not.toHaveProperty("polluted");
		expect(Object.getPrototypeOf(probe)).toBe(Object.prototype);
		// Without the hostile attributes the document is read normally.
		const ok = await readDocumentsAll(enc.encode(xml.replace(' __proto__="x" constructor="y"', "")));
		const d = ok.documents[0];
		expect(d?.id).toBe("1");
		expect(Object.getPrototypeOf(d)).toBe(Object.prototype);
		expect(Object.getPrototypeOf(d?.oneC)).toBe(Object.prototype);
		expect(Object.getPrototypeOf(d?.items[0])).toBe(Object.prototype);
		expect(d?.requisites).toEqual([{ name: "__proto__", values: ["p"] }]);
		expect(d?.items[0]?.name).toBe("n");
		expect(({} as Record<string, unknown>).polluted).toBeUndefined();
		expect(result === undefined || result.documents.length === 1).toBe(true);
	});
});

describe("references and processing instructions count against the limits (issue 9 item 6)", () => {
	const refsValue = (n: number, ref = "&#65;") => wrap(`<Документ><Ид>${ref.repeat(n)}</Ид></Документ>`);

	it("a million &#65; in one value is refused early, with a byte offset, whatever the chunking", async () => {
		const data = enc.encode(refsValue(1_000_000));
		const at = enc.encode(`${DECL}${ROOT_OPEN}<Документ><Ид>`).length + 10_000 * 5;
		for (const chunk of [undefined, 4096, 7]) {
			const err = await failure(data, undefined, chunk);
			expect(err.code).toBe("LIMIT_VALUE");
			expect(err.reason).toMatch(/10000 entity or character references in one value/);
			expect(err.offset).toBe(at);
		}
	});

	it("references spread over many values count against the file's total; ordinary values pass", async () => {
		const many = wrap(`<Документ>${`<Ид>${"&amp;".repeat(50)}</Ид>`.repeat(30)}</Документ>`);
		expect((await failure(many, { maxReferences: 1000 })).reason).toMatch(/more than 1000 entity or character references$/);
		const ok = await readDocumentsAll(enc.encode(wrap(`<Документ><Номер>1</Номер><Ид>${"&quot;".repeat(9_999)}&lt;</Ид></Документ>`)));
		expect(ok.documents).toHaveLength(1);
		// the per-value count restarts at every markup `<`
		const spread = wrap(`<Документ>${`<Ид>${"&amp;".repeat(6000)}</Ид>`.repeat(3)}</Документ>`);
		await expect(readDocumentsAll(enc.encode(spread))).resolves.toBeDefined();
	});

	it("500,000 processing instructions are refused, not read as an empty file; a split `<?` still counts", async () => {
		const data = enc.encode(wrap("<?pi x?>".repeat(500_000)));
		for (const chunk of [undefined, 1, 4096]) {
			const err = await failure(data, undefined, chunk);
			expect(err.code).toBe("LIMIT_ELEMENTS");
			expect(err.reason).toBe("more than 16 processing instructions");
			expect(err.offset).toBe(enc.encode(`${DECL}${ROOT_OPEN}`).length + 15 * 8);
		}
		// the declaration plus a few are fine
		await expect(readDocumentsAll(enc.encode(wrap("<?pi?>".repeat(15))))).resolves.toBeDefined();
	});

	it("a windows-1251 file declared as UTF-8 is refused with the byte offset of the first windows-1251 letter", async () => {
		const head = `${DECL}${ROOT_OPEN}<Документ><Ид>1</Ид><Номер>1</Номер><Контрагенты><Контрагент><Наименование>`;
		const data = bytes(head, cp1251Cyrillic, "</Наименование></Контрагент></Контрагенты></Документ>", ROOT_CLOSE);
		const err = await failure(data);
		expect(err.code).toBe("ENCODING_INVALID");
		expect(err.offset).toBe(enc.encode(head).length);
		expect(err.message).toMatch(new RegExp(`byte ${enc.encode(head).length}$`));
	});
});
