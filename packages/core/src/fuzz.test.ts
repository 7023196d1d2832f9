import fc from "fast-check";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { readDocumentsAll } from "./cml/reader.ts";
import { CommerceMLError } from "./errors.ts";
import { parseBasicAuth } from "./protocol/basic-auth.ts";
import { unzipXml } from "./zip.ts";

/** The only acceptable failure: a CommerceMLError with a code (never TypeError, RangeError, a hang…). */
function onlyCmlErrors(e: unknown): void {
	if (!(e instanceof CommerceMLError)) throw e;
	expect(typeof e.code).toBe("string");
}

const VALID = new TextEncoder().encode(
	'<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация ВерсияСхемы="2.08"><Документ><Ид>1</Ид><Номер>А-1</Номер><Сумма>10,5</Сумма>' +
		"<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Дата оплаты по 1С</Наименование><Значение>2026-01-01T10:00:00</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>" +
		"<Товары><Товар><Наименование>Щётка</Наименование><Цена>1</Цена></Товар></Товары></Документ></КоммерческаяИнформация>",
);

/** VALID with a few bytes overwritten / removed / inserted. */
const mutated = (base: Uint8Array) =>
	fc
		.array(fc.tuple(fc.nat(base.length), fc.integer({ min: 0, max: 255 }), fc.constantFrom("set", "del", "ins")), {
			minLength: 1,
			maxLength: 4,
		})
		.map((edits) => {
			const b = Array.from(base);
			for (const [at, v, op] of edits) {
				if (op === "set") b[Math.min(at, b.length - 1)] = v;
				else if (op === "del") b.splice(at, 1);
				else b.splice(at, 0, v);
			}
			return Uint8Array.from(b);
		});

describe("fuzzing (T-FUZZ): hostile bytes only ever produce CommerceMLError", () => {
	it("reader: random bytes and mutated documents (3,000 runs)", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.oneof(fc.uint8Array({ maxLength: 300 }), mutated(VALID)),
				fc.integer({ min: 1, max: 64 }),
				async (bytes, chunk) => {
					async function* chunks() {
						for (let i = 0; i < bytes.length; i += chunk) yield bytes.subarray(i, i + chunk);
					}
					try {
						const r = await readDocumentsAll(chunks());
						expect(Array.isArray(r.documents)).toBe(true);
					} catch (e) {
						onlyCmlErrors(e);
					}
				},
			),
			{ numRuns: 3000 },
		);
	});

	it("zip: random bytes and mutated archives (3,000 runs)", () => {
		const zip = zipSync({ "orders.xml": VALID, "b.xml": VALID.subarray(0, 100) });
		fc.assert(
			fc.property(
				fc.oneof(
					fc.uint8Array({ maxLength: 300 }).map((b) => Uint8Array.from([0x50, 0x4b, 3, 4, ...b])),
					mutated(zip),
				),
				(bytes) => {
					try {
						const m = unzipXml(bytes);
						expect(m).toBeInstanceOf(Map);
						for (const k of m.keys()) expect(k).not.toMatch(/[\\/]|\.\./);
					} catch (e) {
						onlyCmlErrors(e);
					}
				},
			),
			{ numRuns: 3000 },
		);
	});

	it("Basic auth header parser never throws (5,000 runs)", () => {
		fc.assert(
			fc.property(
				fc.oneof(
					fc.string(),
					fc.string().map((s) => `Basic ${s}`),
					fc.base64String().map((s) => `basic ${s}`),
				),
				(h) => {
					const r = parseBasicAuth(h);
					expect(r === null || (typeof r.login === "string" && typeof r.password === "string")).toBe(true);
				},
			),
			{ numRuns: 5000 },
		);
	});
});
