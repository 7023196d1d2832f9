import iconv from "iconv-lite";
import { describe, expect, it } from "vitest";
import { readDocuments, readDocumentsAll, readDocumentsSync } from "./reader.ts";

const body = (decl: string) =>
	`${decl}\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08" ДатаФормирования="2026-11-29T10:00:00">
<Контейнер><Документ><Ид>a1</Ид><Номер>Заказ-1</Номер><Дата>2026-11-28</Дата><Время>9:05:00</Время>
<Сумма>1 234,50</Сумма><Комментарий>Привет, «мир» — ёжик &amp; Co</Комментарий>
<Контрагенты><Контрагент><Наименование>Иванов Иван</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
<Товары><Товар><Наименование>Щётка</Наименование><ЦенаЗаЕдиницу>1234.5</ЦенаЗаЕдиницу><Количество>1</Количество></Товар></Товары>
<ЗначенияРеквизитов><ЗначениеРеквизита><Наименование>Статус заказа</Наименование><Значение>Отгружен частично</Значение></ЗначениеРеквизита></ЗначенияРеквизитов>
</Документ></Контейнер>
<Документ><Ид>a2</Ид><Номер>Ж-2</Номер><ПодчиненныеДокументы><ПодчиненныйДокумент><Ид>p1</Ид><ХозОперация>Выплата безналичных денег</ХозОперация><Основание>Ж-2</Основание></ПодчиненныйДокумент></ПодчиненныеДокументы></Документ>
</КоммерческаяИнформация>`;

const utf8 = new TextEncoder().encode(body('<?xml version="1.0" encoding="UTF-8"?>'));
const utf8Bom = new Uint8Array([0xef, 0xbb, 0xbf, ...utf8]);
const cp1251 = new Uint8Array(iconv.encode(body('<?xml version="1.0" encoding="windows-1251"?>'), "win1251"));
const cp1251NoDecl = new Uint8Array(iconv.encode(body(""), "win1251"));

async function* split(data: Uint8Array, at: number[]) {
	let prev = 0;
	for (const p of [...at, data.length]) {
		yield data.slice(prev, p);
		prev = p;
	}
}

describe("streaming reader", () => {
	it("uses each chunk up before it asks for the next: a caller may wipe a chunk then (the import frees them)", async () => {
		const expected = (await readDocumentsAll(utf8)).documents;
		for (const data of [utf8, utf8Bom, cp1251, cp1251NoDecl]) {
			const want = (await readDocumentsAll(data)).documents;
			expect(want.map((d) => d.id)).toEqual(expected.map((d) => d.id));
			// chunks of 1 and 5 bytes: the encoding is told only after several, so the first ones are kept meanwhile
			for (const size of [1, 5, 97, 4096]) {
				async function* wiped() {
					for (let at = 0; at < data.length; at += size) {
						const chunk = data.slice(at, at + size);
						yield chunk;
						chunk.fill(0x20);
					}
				}
				const got = [];
				for await (const d of readDocuments(wiped())) got.push(d);
				expect(got).toEqual(want);
			}
		}
	});

	it("reads Контейнер, ПодчиненныеДокументы, namespaces, decimals with spaces and commas", async () => {
		const r = await readDocumentsAll(utf8);
		expect(r.schemaVersion).toBe("2.08");
		const [d1, d2] = r.documents;
		expect(d1).toMatchObject({
			id: "a1",
			number: "Заказ-1",
			date: "2026-11-28T09:05:00",
			total: "1234.5",
			comment: "Привет, «мир» — ёжик & Co",
		});
		expect(d1?.items[0]).toMatchObject({ name: "Щётка", price: "1234.5", quantity: "1" });
		expect(d1?.oneC.status).toBe("Отгружен частично");
		expect(d2?.subordinate).toHaveLength(1);
		expect(d2?.subordinate[0]).toMatchObject({ id: "p1", operation: "Выплата безналичных денег", basis: "Ж-2" });
	});

	it("UTF-8, UTF-8+BOM, windows-1251 and undeclared windows-1251 give identical documents", async () => {
		const ref = (await readDocumentsAll(utf8)).documents;
		for (const input of [utf8Bom, cp1251, cp1251NoDecl]) expect((await readDocumentsAll(input)).documents).toEqual(ref);
	});

	it.each([
		["UTF-8", utf8],
		["UTF-8 with BOM", utf8Bom],
		["windows-1251", cp1251],
		["windows-1251 without a declaration", cp1251NoDecl],
	])("%s split at every byte boundary gives identical documents", async (_n, data) => {
		const ref = (await readDocumentsAll(data)).documents;
		expect(ref).toHaveLength(2);
		for (let i = 1; i < data.length; i++) expect((await readDocumentsAll(split(data, [i]))).documents).toEqual(ref);
		const bytewise = Array.from({ length: data.length - 1 }, (_, i) => i + 1);
		expect((await readDocumentsAll(split(data, bytewise))).documents).toEqual(ref);
	});

	it("reads a web ReadableStream", async () => {
		const stream = new ReadableStream<Uint8Array>({
			start(c) {
				for (let i = 0; i < utf8.length; i += 100) c.enqueue(utf8.slice(i, i + 100));
				c.close();
			},
		});
		expect((await readDocumentsAll(stream)).documents.map((d) => d.id)).toEqual(["a1", "a2"]);
	});

	it("yields each document as soon as its end tag arrives (before the rest is read)", async () => {
		const text = new TextDecoder().decode(utf8);
		const cut = new TextEncoder().encode(text.slice(0, text.indexOf("</Контейнер>"))).length;
		let fedRest = false;
		async function* source() {
			yield utf8.slice(0, cut);
			fedRest = true;
			yield utf8.slice(cut);
		}
		const gen = readDocuments(source());
		const first = await gen.next();
		expect(first.value).toMatchObject({ id: "a1" });
		expect(fedRest).toBe(false);
		const rest = [];
		for await (const d of gen) rest.push(d.id);
		expect(rest).toEqual(["a2"]);
	});
});

describe("readDocumentsSync", () => {
	it("reads bytes in memory exactly as the streaming reader does, header included, and fails the same way", async () => {
		for (const bytes of [utf8, utf8Bom, cp1251, cp1251NoDecl]) {
			const streamed = await readDocumentsAll(bytes);
			const header = { schemaVersion: null, generatedAt: null, encoding: null };
			expect(readDocumentsSync(bytes, undefined, header)).toEqual(streamed.documents);
			expect(header).toMatchObject({ schemaVersion: "2.08", generatedAt: "2026-11-29T10:00:00" });
		}
		const truncated = new TextEncoder().encode(body('<?xml version="1.0" encoding="UTF-8"?>').replace("</КоммерческаяИнформация>", ""));
		await expect(readDocumentsAll(truncated)).rejects.toMatchObject({ code: "XML_TRUNCATED" });
		expect(() => readDocumentsSync(truncated)).toThrow(expect.objectContaining({ code: "XML_TRUNCATED" }));
		expect(() => readDocumentsSync(new Uint8Array(0))).toThrow(expect.objectContaining({ code: "XML_TRUNCATED" }));
		expect(() => readDocumentsSync(utf8, { maxBytes: 100 })).toThrow(expect.objectContaining({ code: "LIMIT_SIZE" }));
	});
});
