import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sanitizeUploadName } from "./upload-name.ts";

const accepted: Array<[string, string]> = [
	["v8_3B8F_3e.zip", "v8_3B8F_3e.zip"],
	["v8_8789_c.xml", "v8_8789_c.xml"],
	["orders-5f0c3a8e-8d2b-4c1e-9a7f-2b1d3c4e5f60_1.xml", "orders-5f0c3a8e-8d2b-4c1e-9a7f-2b1d3c4e5f60_1.xml"],
	["orders-5f0c3a8e-8d2b-4c1e-9a7f-2b1d3c4e5f60.xml", "orders-5f0c3a8e-8d2b-4c1e-9a7f-2b1d3c4e5f60.xml"],
	["documents___8f1a2b3c-1111-2222-3333-444455556666.xml", "documents___8f1a2b3c-1111-2222-3333-444455556666.xml"],
	["contragents___8f1a2b3c-1111-2222-3333-444455556666.xml", "contragents___8f1a2b3c-1111-2222-3333-444455556666.xml"],
	["/tmp/v8_1.zip", "v8_1.zip"],
	["/tmp/1c_exchange/v8_2A_5.zip", "v8_2A_5.zip"],
	["C:\\Temp\\v8_8789_c.xml", "v8_8789_c.xml"],
	["C:\\Users\\1C\\AppData\\Local\\Temp\\v8_A1B2_7.zip", "v8_A1B2_7.zip"],
	["upload/1c/webdata/orders.xml", "orders.xml"],
	["ORDERS.XML", "ORDERS.XML"],
	["import0_1.xml", "import0_1.xml"],
	["orders#2.xml", "orders#2.xml"],
	["a.zip", "a.zip"],
];

const refused = [
	"",
	".",
	"..",
	"../../x.xml",
	"..\\..\\x.xml",
	"/tmp/../etc/passwd.xml",
	"ok/../../up.xml",
	"%2e%2e/x.xml",
	"%2e%2e%2fx.xml",
	"x.xml\u0000.zip",
	"x\u0000.xml",
	"orders\u2024xml",
	"orders\uff0exml",
	"\u2025/x.xml",
	`${"a".repeat(129)}.xml`,
	"x.php",
	"x.xml.php",
	".htaccess",
	".x.xml",
	"_x.xml",
	"-x.xml",
	"a b.xml",
	"x.xml ",
	"заказ.xml",
	"C:x.xml",
	"x.xml/",
	"a..xml",
	"__proto__",
	"\r\nx.xml",
	"x.exe",
	"dir/",
];

describe("sanitizeUploadName (T-FNAME)", () => {
	it("has more than 30 names", () => expect(accepted.length + refused.length).toBeGreaterThan(30));
	it.each(accepted)("accepts %j as %j", (raw, key) => expect(sanitizeUploadName(raw)).toBe(key));
	it.each(refused.map((r) => [r]))("refuses %j", (raw) => expect(sanitizeUploadName(raw)).toBeNull());

	it("never returns '/', '\\\\', '..' or the empty string (10k runs)", () => {
		const alphabet = fc.constantFrom(..."abcXYZ019._-#/\\:%\u0000 \u2024\uff0e", ".xml", ".zip", "..", "/tmp/", "C:\\");
		const names = fc.oneof(
			fc.string({ unit: alphabet, maxLength: 40 }),
			fc.string({ unit: "grapheme", maxLength: 40 }),
			fc.string({ maxLength: 200 }),
		);
		fc.assert(
			fc.property(names, (raw) => {
				const r = sanitizeUploadName(raw);
				return r === null || (r.length > 0 && !r.includes("/") && !r.includes("\\") && !r.includes("..") && /\.(xml|zip)$/i.test(r));
			}),
			{ numRuns: 10_000 },
		);
	});
});
