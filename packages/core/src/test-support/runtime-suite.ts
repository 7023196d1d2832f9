/**
 * A runtime-neutral check of @obmen/core, run under Bun and Deno by `runtimes.test.ts`
 * (`bun --conditions=@obmen/source …`, `deno run --conditions=@obmen/source -A …`).
 * It imports the TypeScript sources directly, exercises the reader on every fixture of `test-data/fixtures/`,
 * a write → read round trip in both encodings, cp1251 bytes, zip and hostile inputs,
 * and prints one JSON line: `{ runtime, passed, failed, failures }`.
 */
import { readdirSync, readFileSync } from "node:fs";
import { zipSync } from "fflate";
import {
	CommerceMLError,
	crc32,
	encodeCp1251,
	parseOrder,
	readDocumentsAll,
	sanitizeUploadName,
	unzipXml,
	writeOrdersXmlBytes,
} from "../index.ts";

const g = globalThis as { Bun?: { version: string }; Deno?: { version: { deno: string } } };
const runtime = g.Bun
	? `bun ${g.Bun.version}`
	: g.Deno
		? `deno ${g.Deno.version.deno}`
		: `node ${(globalThis as { process?: { version: string } }).process?.version}`;
const failures: string[] = [];
let passed = 0;

async function check(name: string, fn: () => unknown | Promise<unknown>): Promise<void> {
	try {
		await fn();
		passed++;
	} catch (e) {
		failures.push(`${name}: ${(e as Error).message}`);
	}
}
function eq(actual: unknown, expected: unknown, what = "value"): void {
	const a = JSON.stringify(actual);
	const b = JSON.stringify(expected);
	if (a !== b) throw new Error(`${what}: expected ${b}, got ${a}`);
}
async function code(fn: () => unknown): Promise<string> {
	try {
		await fn();
	} catch (e) {
		if (e instanceof CommerceMLError) return e.code;
		throw e;
	}
	return "no error";
}

const dir = new URL("../../test-data/fixtures/", import.meta.url);
const fixture = (name: string) => new Uint8Array(readFileSync(new URL(name, dir)));
const enc = new TextEncoder();

/** Per fixture: [documents, first number, first total, first buyer, item count of the first document]. */
const EXPECTED: Record<string, [number, string | null, string | null, string | null, number]> = {
	"1c-2.03-status-only-utf-8.xml": [3, "77", "990", "guest", 1],
	"1c-2.03-utf-8.xml": [1, "518", "4870.5", "Анна Иванова", 2],
	"1c-2.03-windows-1251.xml": [1, "518", "4870.5", "Анна Иванова", 2],
	"1c-2.09-namespaced-utf-8.xml": [2, "1205", "5740", 'ООО "Ромашка"', 2],
	"1c-2.10-subordinate-bom-crlf.xml": [1, "SHOP-2024-000311", "2500", null, 1],
	"1c-3.1-container-commerceml_210.xml": [2, "5501", "640", "Орлова Вера", 1],
	"b2b-bom-crlf-utf-8.xml": [1, "ЗП-0007", "1520.4", "ООО Заказчик", 2],
	"site-2.03-windows-1251.xml": [1, "518", "4870.5", "Анна Иванова", 2],
	"site-2.05-bitrix-empty-windows-1251.xml": [0, null, null, null, 0],
	"site-2.05-bitrix-windows-1251.xml": [2, "901", "1190", "Петров Илья", 1],
};

for (const name of readdirSync(dir).filter((f) => f.endsWith(".xml"))) {
	await check(`fixture ${name}`, async () => {
		const want = EXPECTED[name];
		if (!want) throw new Error("no expectation for this fixture");
		const { documents } = await readDocumentsAll(fixture(name));
		const d = documents[0];
		eq([documents.length, d?.number ?? null, d?.total ?? null, d?.counterparties[0]?.name ?? null, d?.items.length ?? 0], want);
	});
}

await check("1C facts (namespaced 2.09)", async () => {
	const d = (await readDocumentsAll(fixture("1c-2.09-namespaced-utf-8.xml"))).documents[0];
	eq(
		[d?.oneC.number, d?.oneC.paid, d?.oneC.paidAt, d?.oneC.shipmentNumber, d?.oneC.version],
		["МГ00-000041", true, "2024-06-10T11:02:17", "МГ00-000063", "AAAAIQAAAAA="],
	);
});

await check("zipped fixture", async () => {
	const entries = unzipXml(fixture("1c-upload-portions.zip"));
	eq([...entries.keys()], ["orders-1.xml", "orders-2.xml"]);
	eq((await readDocumentsAll(entries.get("orders-2.xml") ?? new Uint8Array())).documents[0]?.number, "518");
});

for (const encoding of ["utf-8", "windows-1251"] as const) {
	await check(`write → read round trip (${encoding})`, async () => {
		const order = parseOrder({
			id: "r1",
			number: "Ж-1",
			createdAt: "2026-11-28T14:03:00+03:00",
			status: "new",
			customer: { name: "Ёжиков «Пётр» & Co 😀" },
			items: [{ productId: "p1", name: "Щётка\t<люкс>\r\n₽ ]]>", quantity: "1.5", price: "10.10" }],
			comment: "a\rb\nc 𝄞",
		});
		const xml = await writeOrdersXmlBytes([order], { encoding, generatedAt: "2026-11-29T10:00:00" });
		const d = (await readDocumentsAll(xml)).documents[0];
		eq(
			[d?.number, d?.total, d?.counterparties[0]?.name, d?.items[0]?.name, d?.items[0]?.quantity, d?.comment],
			[order.number, "15.15", order.customer.name, order.items[0]?.name, "1.5", order.comment],
		);
	});
}

await check("cp1251 bytes", () => {
	eq([...encodeCp1251("Привет, Ёё№")], [0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2, 0x2c, 0x20, 0xa8, 0xb8, 0xb9]);
	eq(new TextDecoder("windows-1251").decode(new Uint8Array([0xcf, 0xf0, 0xe8, 0xe2, 0xe5, 0xf2])), "Привет");
});

await check("zip", async () => {
	const xml = enc.encode("<КоммерческаяИнформация/>");
	const m = unzipXml(zipSync({ "orders.xml": xml, "x.png": new Uint8Array(3) }));
	eq([...m.keys()], ["orders.xml"]);
	eq(m.get("orders.xml"), xml);
	eq(crc32(enc.encode("123456789")), 0xcbf43926);
	eq(await code(() => unzipXml(zipSync({ "../x.xml": xml }))), "ZIP_NAME");
	eq(await code(() => unzipXml(zipSync({ "a.xml": new Uint8Array(2 * 1024 * 1024) }))), "ZIP_LIMIT");
	eq(await code(() => unzipXml(xml)), "ZIP_CORRUPT");
});

const ROOT = "<КоммерческаяИнформация>";
const END = "</КоммерческаяИнформация>";
const hostile: Array<[string, Uint8Array, string]> = [
	["XXE", enc.encode(`<!DOCTYPE r [<!ENTITY x SYSTEM "file:///etc/passwd">]>${ROOT}&x;${END}`), "DOCTYPE_FORBIDDEN"],
	["deep", enc.encode(`${ROOT}${"<a>".repeat(10000)}${"</a>".repeat(10000)}${END}`), "LIMIT_DEPTH"],
	["truncated", enc.encode(`${ROOT}<Документ>`), "XML_TRUNCATED"],
	["empty", new Uint8Array(0), "XML_TRUNCATED"],
	[
		"bad UTF-8",
		new Uint8Array([...enc.encode(`<?xml version="1.0" encoding="UTF-8"?>${ROOT}`), 0xcf, 0xf0, ...enc.encode(END)]),
		"ENCODING_INVALID",
	],
	["UTF-16 BOM", new Uint8Array([0xff, 0xfe, 0x3c, 0x00]), "ENCODING_UNSUPPORTED"],
	["NUL", new Uint8Array([...enc.encode(ROOT), 0, ...enc.encode(END)]), "CHAR_FORBIDDEN"],
	["not CommerceML", enc.encode("<html/>"), "NOT_COMMERCEML"],
	["malformed", enc.encode(`${ROOT}<a></b>${END}`), "XML_MALFORMED"],
];
for (const [name, bytes, want] of hostile) {
	await check(`hostile ${name}`, async () => eq(await code(() => readDocumentsAll(bytes)), want));
}

await check("upload names", () => {
	eq(["/tmp/v8_1.zip", "C:\\Temp\\v8_8789_c.xml", "../x.xml", "%2e%2e/x.xml"].map(sanitizeUploadName), [
		"v8_1.zip",
		"v8_8789_c.xml",
		null,
		null,
	]);
});

console.log(JSON.stringify({ runtime, passed, failed: failures.length, failures }));
