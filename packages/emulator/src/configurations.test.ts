/**
 * One test per rule of each configuration profile (`ut`, `retail`, `unf30`, `unf16`, `bp`), run against the scripted
 * fake store. Each test is named after the BSL procedure the rule comes from (docs/protocol.md §9).
 */

import { type FakeReply, type FakeServer, type FakeServerOptions, startFakeServer } from "@obmen/testing/fake-server";
import { unzipSync } from "fflate";
import { afterEach, describe, expect, it } from "vitest";
import { type ProfileName, sync } from "./index.ts";
import { bpOrderKey, Infobase } from "./infobase.ts";
import { parseQueryXml } from "./query-parser.ts";
import { type SiteLine, type SiteOrder, siteXml } from "./test-support/site-xml.ts";

const G1 = "0f8e1a2b-0000-4000-8000-000000000001";
const G2 = "0f8e1a2b-0000-4000-8000-000000000002";
const line = (extra: Partial<SiteLine> = {}): SiteLine => ({
	id: G1,
	sku: "TV-1",
	name: "Телевизор",
	price: "100.00",
	quantity: "2",
	...extra,
});
const order = (number: string, extra: Partial<SiteOrder> = {}): SiteOrder => ({ id: `ord-${number}`, number, lines: [line()], ...extra });
/** A БП order that says its prices include VAT (else a VAT-paying БП adds VAT on top: reported). */
const bpOrder = (number: string, extra: Partial<SiteOrder> = {}): SiteOrder => order(number, { vatIncluded: true, ...extra });
const xmlReply = (body: string | Uint8Array, contentType = "application/xml; charset=utf-8"): FakeReply => ({ body, contentType });

let servers: FakeServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map((s) => s.close()));
	servers = [];
});
async function server(orders: SiteOrder[] | (() => SiteOrder[]), opts: FakeServerOptions = {}): Promise<FakeServer> {
	const s = await startFakeServer({ query: () => xmlReply(siteXml(typeof orders === "function" ? orders() : orders)), ...opts });
	servers.push(s);
	return s;
}
type Extra = Partial<Parameters<typeof sync>[1]>;
function run(profile: ProfileName, srv: FakeServer, extra: Extra = {}) {
	return sync(profile, {
		url: srv.url,
		login: "1c",
		password: "secret",
		infobase: extra.infobase ?? new Infobase(),
		maxImportPolls: 25,
		sleep: async () => {},
		...extra,
	});
}
const modes = (s: FakeServer) => s.requests.map((r) => `${r.type === "catalog" ? "catalog:" : ""}${r.mode}`);
const messages = (r: { deviations: { step: string; message: string }[] }) => r.deviations.map((d) => `${d.step}: ${d.message}`);
/** A base that already has the products G1, G2 (as after a catalog exchange: their GUIDs are the store's ids). */
function withProducts(): Infobase {
	const base = new Infobase();
	for (const [guid, name] of [
		[G1, "Кабель"],
		[G2, "Кружка"],
	] as const)
		base.state.items.push({ guid, name, sku: "", kind: "Товар", type: "Товар", unit: "шт", group: "" });
	return base;
}
const payAll = (b: Infobase) => {
	for (const o of b.state.orders) b.pay(o.siteNumber);
};

describe("ВыполнитьАвторизациюДляСоединения / ЗагрузитьЗаказыССайта: sessid or not", () => {
	it.each([
		["ut", { ut: { variant: "ut11.5" } }, true],
		["ut", { ut: { variant: "ut11.4" } }, false],
		["ut", { ut: { variant: "bas" } }, false],
		["retail", {}, false],
		["unf16", { unf16: { variant: "1.6.10" } }, false],
	] as const)("%s %j sends sessid: %s", async (profile, opts, sends) => {
		const srv = await server([order("1")]);
		const r = await run(profile, srv, { ...opts, beforeUpload: payAll });
		expect(messages(r)).toEqual([]);
		expect(srv.requests.filter((q) => q.mode !== "checkauth").every((q) => q.params.has("sessid") === sends)).toBe(true);
		expect(srv.requests.filter((q) => q.mode !== "checkauth")).not.toHaveLength(0);
	});
	it("unf30 (Bitrix) sends & + line 4 verbatim, also on init before query", async () => {
		const srv = await server([order("1")]);
		await run("unf30", srv);
		expect(modes(srv)).toEqual(["checkauth", "init", "query", "success"]);
		expect(srv.requests.slice(1).every((q) => q.params.get("sessid")?.startsWith("t"))).toBe(true);
	});
});

describe("ВыгрузитьНаСайт: init line counts", () => {
	const threeLines = (q: { mode: string }) => (q.mode === "init" ? { body: "zip=no\nfile_limit=100000\nsessid=x\n" } : undefined);
	const oneLine = (q: { mode: string }) => (q.mode === "init" ? { body: "zip=no\n" } : undefined);
	it.each([
		["ut", "3 lines", threeLines, /init: Не удалось прочитать ответ сервера\. Параметры обмена не получены\./],
		["retail", "3 lines", threeLines, /init: Не удалось прочитать ответ сервера/],
		["unf16", "3 lines", threeLines, /init: Не удалось прочитать ответ сервера/],
		["unf30", "1 line", oneLine, /init: Не удалось прочитать ответ сервера/],
		["unf30", "3 lines", threeLines, null],
	] as const)("%s given an init of %s: rejected = %s", async (profile, _label, override, expected) => {
		const srv = await server([order("1")], { override });
		const r = await run(profile, srv, { settings: { retries: 0 }, beforeUpload: payAll });
		if (expected) expect(messages(r).join("\n")).toMatch(expected);
		else expect(messages(r)).toEqual([]);
	});
	it("unf30 ВыгрузитьНаСайт with another CMS accepts a 1-line init", async () => {
		const srv = await server([order("1")], { override: (q) => (q.mode === "init" ? { body: "zip=no\n" } : undefined) });
		const r = await run("unf30", srv, { unf: { protocol: "other" }, beforeUpload: payAll });
		expect(messages(r)).toEqual([]);
		expect(modes(srv)).toEqual(["checkauth", "query", "success", "checkauth", "init", "file"]);
	});
});

describe("ВыгрузитьНаСайт / ВыгрузитьЗаказыВФайл: import polling", () => {
	const importPolls = (s: FakeServer) => s.requests.filter((q) => q.mode === "import").length;
	it("ut 11.5: tight loop on progress, no pause", async () => {
		const srv = await server([order("1")], { progress: 2 });
		const pauses: number[] = [];
		const r = await run("ut", srv, { beforeUpload: payAll, sleep: async (ms) => void pauses.push(ms) });
		expect(messages(r)).toEqual([]);
		expect(importPolls(srv)).toBe(3);
		expect(pauses).toEqual([]);
	});
	it("ut 11.5 / bas with «Выгружать файлы без ожидания подтверждения импорта сервером»: no import", async () => {
		for (const variant of ["ut11.5", "bas"] as const) {
			const srv = await server([order("1")]);
			const r = await run("ut", srv, { ut: { variant }, settings: { noImportWait: true }, beforeUpload: payAll });
			expect(messages(r)).toEqual([]);
			expect(importPolls(srv)).toBe(0);
			expect(r.upload.delivered).toBe(1);
		}
	});
	it("ut 11.4 and retail have no such setting: import is always polled", async () => {
		for (const [profile, opts] of [
			["ut", { ut: { variant: "ut11.4" } }],
			["retail", {}],
		] as const) {
			const srv = await server([order("1")]);
			await run(profile, srv, { ...opts, settings: { noImportWait: true }, beforeUpload: payAll });
			expect(importPolls(srv)).toBe(1);
		}
	});
	it("unf30: no import unless Bitrix protocol and subordinate documents", async () => {
		for (const unf of [{}, { protocol: "other" as const }, { protocol: "other" as const, subordinateDocuments: true }]) {
			const srv = await server([order("1")]);
			const r = await run("unf30", srv, { unf, beforeUpload: payAll });
			expect(messages(r)).toEqual([]);
			expect(importPolls(srv)).toBe(0);
			expect(r.upload.delivered).toBe(1);
		}
	});
	it("unf30 with Bitrix + subordinate documents: a configurable pause (5 s by default) before each poll", async () => {
		const srv = await server([order("1")], { progress: 2 });
		const pauses: number[] = [];
		await run("unf30", srv, { unf: { subordinateDocuments: true }, beforeUpload: payAll, sleep: async (ms) => void pauses.push(ms) });
		expect(importPolls(srv)).toBe(3);
		expect(pauses).toEqual([5000, 5000, 5000]);
		const fast: number[] = [];
		const srv2 = await server([order("1")]);
		await run("unf30", srv2, {
			unf: { subordinateDocuments: true, importPauseMs: 7 },
			beforeUpload: payAll,
			sleep: async (ms) => void fast.push(ms),
		});
		expect(fast).toEqual([7]);
	});
	it("unf16 1.6.26 polls tight (Bitrix + subordinate documents); 1.6.10 never calls import", async () => {
		const a = await server([order("1")], { progress: 1 });
		const pauses: number[] = [];
		await run("unf16", a, {
			unf16: { variant: "1.6.26" },
			unf: { subordinateDocuments: true },
			beforeUpload: payAll,
			sleep: async (ms) => void pauses.push(ms),
		});
		expect([importPolls(a), pauses]).toEqual([2, []]);
		const b = await server([order("1")]);
		const r = await run("unf16", b, { unf: { subordinateDocuments: true }, beforeUpload: payAll });
		expect(messages(r)).toEqual([]);
		expect(importPolls(b)).toBe(0);
	});
});

describe("УдалитьСписокВременныхФайлов / ПодготовитьZIPАрхивы (unf30): zipped portions re-send earlier xml", () => {
	it("each later archive holds every earlier portion's xml, and import polls each of them", async () => {
		const srv = await server([order("1"), order("2"), order("3")]);
		const r = await run("unf30", srv, { unf: { subordinateDocuments: true }, settings: { portionSize: 1 }, beforeUpload: payAll });
		expect(messages(r)).toEqual([]);
		const archives = srv.requests.filter((q) => q.mode === "file").map((q) => Object.keys(unzipSync(q.body)).sort());
		expect(archives.map((a) => a.length)).toEqual([1, 2, 3]);
		expect(archives[2]).toEqual(expect.arrayContaining([...(archives[0] ?? []), ...(archives[1] ?? [])]));
		expect(srv.requests.filter((q) => q.mode === "import").map((q) => q.params.get("filename"))).toHaveLength(1 + 2 + 3);
	});
	it("without zip each portion sends only its own xml (the xml itself is the deleted temp file)", async () => {
		const srv = await server([order("1"), order("2")], { zip: false });
		await run("unf30", srv, { settings: { portionSize: 1 }, beforeUpload: payAll });
		const names = srv.requests.filter((q) => q.mode === "file").map((q) => q.params.get("filename"));
		expect(new Set(names).size).toBe(2);
		expect(names).toHaveLength(2);
	});
});

describe("РазделитьФайлыНаФрагменты (unf16 1.6.10): file_limit pieces of one plain xml under one name", () => {
	it("never zips, cuts orders-<GUID>.xml into file_limit pieces, no import", async () => {
		const srv = await server([order("1")], { zip: true, fileLimit: 200 });
		const r = await run("unf16", srv, { beforeUpload: payAll });
		expect(messages(r)).toEqual([]);
		const files = srv.requests.filter((q) => q.mode === "file");
		expect(files.length).toBeGreaterThan(2);
		const names = new Set(files.map((q) => q.params.get("filename")));
		expect(names.size).toBe(1);
		expect([...names][0]).toMatch(/^orders-[0-9a-f-]{36}\.xml$/);
		expect(files.every((q) => q.body.byteLength <= 200)).toBe(true);
		const whole = srv.files.get([...names][0] ?? "") ?? new Uint8Array();
		expect(parseQueryXml(new TextDecoder().decode(whole)).documents[0]?.number).toBe("1");
		expect(srv.requests.some((q) => q.mode === "import")).toBe(false);
	});
});

describe("order keys (issue §3)", () => {
	const long = "SHOP-2026-000123";
	it("ut ПолучитьРанееЗагруженныеДокументы (Строка(11)): a longer number creates a new order each time — reported", async () => {
		const srv = await server([order(long)]);
		const base = new Infobase();
		expect(messages(await run("ut", srv, { infobase: base }))).toEqual([]);
		const second = await run("ut", srv, { infobase: base });
		expect(base.state.orders).toHaveLength(2);
		expect(messages(second)).toEqual([expect.stringMatching(/^load: ПолучитьРанееЗагруженныеДокументы: .*задвоен/)]);
	});
	it("ut ПолучитьРанееЗагруженныеДокументы: numbers of 11 characters are found again", async () => {
		const srv = await server([order("SHOP-000001")]);
		const base = new Infobase();
		await run("ut", srv, { infobase: base });
		const second = await run("ut", srv, { infobase: base });
		expect(messages(second)).toEqual([]);
		expect(base.state.orders).toHaveLength(1);
	});
	it("retail ОбменССайтомРТ.ПолучитьРанееЗагруженныеДокументы: (cut number, date+time); the cut number goes back", async () => {
		let time = "12:30:00";
		const srv = await server(() => [order(long, { time })]);
		const base = new Infobase();
		await run("retail", srv, { infobase: base });
		expect(messages(await run("retail", srv, { infobase: base }))).toEqual([]);
		expect(base.state.orders.map((o) => o.siteNumber)).toEqual([long.slice(0, 11)]);
		time = "12:31:00";
		const moved = await run("retail", srv, { infobase: base, beforeUpload: (b) => b.pay(long) });
		expect(base.state.orders).toHaveLength(2);
		expect(messages(moved)[0]).toMatch(/^load: Розница ПолучитьРанееЗагруженныеДокументы: .*задвоен/);
		const sent = parseQueryXml([...srv.imported.values()][0] ?? "").documents[0];
		expect(sent?.number).toBe("SHOP-2026-0");
	});
	it("retail ОбменССайтомРТ.ПолучитьРанееЗагруженныеДокументы: two orders with one cut number and one date+time merge — reported", async () => {
		const srv = await server([order("SHOP-2026-0001"), order("SHOP-2026-0002")]);
		const base = new Infobase();
		const r = await run("retail", srv, { infobase: base });
		expect(base.state.orders).toHaveLength(1);
		expect(messages(r)).toEqual([expect.stringMatching(/^load: .*ord-SHOP-2026-0002.*слиты в один/)]);
	});
	it("unf30 ЗаказыПокупателейССайта.НомерЗаказаНаСайте (Строка(100)): the full number", async () => {
		const srv = await server([order(long), order(`${long}-2`)]);
		const base = new Infobase();
		await run("unf30", srv, { infobase: base });
		expect(messages(await run("unf30", srv, { infobase: base }))).toEqual([]);
		expect(base.state.orders.map((o) => o.siteNumber)).toEqual([long, `${long}-2`]);
	});
	it("bp ПолучитьНомерЗаказаССайта: digits and capital letters, padded to 6, first 6", () => {
		expect(["1042", "ORD-100", "ORD-1000", "a100", "100", "1000001", "1000002", "SHOP-2024-7"].map(bpOrderKey)).toEqual([
			"001042",
			"ORD100",
			"ORD100",
			"000100",
			"000100",
			"100000",
			"100000",
			"SHOP20",
		]);
	});
	it("bp СопоставитьЗагружаемыеЗаказыИОплаты: a later order with the same key overwrites the invoice — reported", async () => {
		let orders = [bpOrder("ORD-100", { buyer: { id: "c1", name: "Первый" } })];
		const srv = await server(() => orders);
		const base = new Infobase();
		expect(messages(await run("bp", srv, { infobase: base }))).toEqual([]);
		orders = [bpOrder("ORD-1000", { buyer: { id: "c2", name: "Второй" }, lines: [line({ quantity: "7" })] })];
		const r = await run("bp", srv, { infobase: base });
		expect(base.state.orders).toHaveLength(1);
		const o = base.state.orders[0];
		expect(o?.lines[0]?.quantity).toBe("7");
		expect(base.counterparty(o?.counterpartyGuid ?? "")?.name).toBe("Первый");
		expect(messages(r)).toEqual([expect.stringMatching(/^load: БП ПолучитьНомерЗаказаССайта.*ord-ORD-1000.*слиты в один/)]);
		// another calendar year is another key space
		orders = [bpOrder("ORD-1000", { date: "2027-01-02", buyer: { id: "c2", name: "Второй" } })];
		await run("bp", srv, { infobase: base });
		expect(base.state.orders).toHaveLength(2);
	});
	it("bp СоздатьОбновитьЗаказы: two new orders with one key in a batch fail (number not unique), no success, earlier orders stay", async () => {
		const srv = await server([bpOrder("7"), bpOrder("1000001"), bpOrder("1000002")]);
		const base = new Infobase();
		const r = await run("bp", srv, { infobase: base });
		expect(srv.successes).toBe(0);
		expect(messages(r).join()).toMatch(/не уникален/);
		expect(base.state.orders.map((o) => o.siteNumber)).toEqual(["7", "1000001"]);
	});
});

describe("НайтиСоздатьХарактеристикуНоменклатуры and product lookup (issue §4)", () => {
	it("library НайтиСоздатьХарактеристикуНоменклатуры (ut, retail): # in Наименование without # in Ид rolls the whole load back; no success", async () => {
		for (const profile of ["ut", "retail"] as const) {
			const srv = await server([order("1"), order("2", { lines: [line({ id: G2, sku: undefined, name: "Кабель #2" })] })]);
			const base = new Infobase();
			const r = await run(profile, srv, { infobase: base });
			expect(messages(r)).toEqual([expect.stringMatching(/^query: Не удалось загрузить заказы: НайтиСоздатьХарактеристикуНоменклатуры/)]);
			expect(base.state.orders).toEqual([]);
			expect(srv.successes).toBe(0);
		}
	});
	it("library НайтиСоздатьХарактеристикуНоменклатуры + ДополнитьИдНоменклатурыХарактеристикой: option-set id after # in Ид and option text after # in Наименование — found by Артикул, one characteristic, sent back as GUID#GUID", async () => {
		const opt = line({ id: `${G2}#opt-1`, sku: "MUG", name: "Кружка#Цвет: Синий" });
		const srv = await server([order("1", { lines: [line({ id: G2, sku: "MUG", name: "Кружка" }), opt] })]);
		const base = new Infobase();
		await run("ut", srv, { infobase: base });
		expect(messages(await run("ut", srv, { infobase: base, beforeUpload: payAll }))).toEqual([]);
		expect(base.state.items.map((i) => i.name)).toEqual(["Кружка"]);
		expect(base.state.characteristics?.map((c) => c.name)).toEqual(["Цвет: Синий"]);
		const sent = parseQueryXml([...srv.imported.values()][0] ?? "").documents[0];
		const ch = base.state.characteristics?.[0];
		expect(sent?.items.map((i) => i.id)).toEqual([G2, `${G2}#${ch?.guid}`]);
	});
	it("library НайтиСоздатьХарактеристикуНоменклатуры: a 1C id <product GUID>#<characteristic GUID> finds the characteristic by GUID", async () => {
		const srv = await server([order("1", { lines: [line({ id: G2, name: "Кружка#Красная" })].map((l) => ({ ...l, id: `${G2}#x` })) })]);
		const base = new Infobase();
		await run("ut", srv, { infobase: base });
		const ch = base.state.characteristics?.[0];
		const srv2 = await server([order("2", { lines: [line({ id: `${G2}#${ch?.guid}`, name: "Кружка" })] })]);
		await run("ut", srv2, { infobase: base });
		expect(base.findBySiteNumber("2")?.lines[0]?.characteristicGuid).toBe(ch?.guid);
	});
	it("unf30 НайтиСоздатьХарактеристикуНоменклатуры: product by the part of Ид before #; characteristic by name after # (or the whole name), created only with # in Ид", async () => {
		const srv = await server([
			order("1", {
				lines: [
					line({ id: `${G2}#a`, sku: undefined, name: "Кружка#Синяя" }),
					line({ id: `${G2}#b`, sku: undefined, name: "Кружка большая" }),
					line({ id: G1, sku: undefined, name: "Кабель #2" }),
					line({ id: G2, sku: undefined, name: "Кружка#Синяя" }),
				],
			}),
		]);
		const base = withProducts();
		const r = await run("unf30", srv, { infobase: base });
		expect(messages(r)).toEqual([]);
		// without # in Ид an existing characteristic is still found by name, but none is created
		expect(base.findBySiteNumber("1")?.lines.map((l) => [l.itemGuid, l.characteristic])).toEqual([
			[G2, "Синяя"],
			[G2, "Кружка большая"],
			[G1, null],
			[G2, "Синяя"],
		]);
	});
	it("unf16 1.6.10 НайтиСоздатьХарактеристикуНоменклатуры: the characteristic from the part of Наименование after # alone", async () => {
		const srv = await server([order("1", { lines: [line({ id: G2, name: "Кружка#Синяя" })] })]);
		const base = new Infobase();
		await run("unf16", srv, { infobase: base });
		expect(base.findBySiteNumber("1")?.lines.map((l) => l.characteristic)).toEqual(["Синяя"]);
	});
	it("НайтиСоздатьНоменклатуру / НайтиСоздатьХарактеристикуНоменклатуры: a product name over 100 / a characteristic over 150 characters is cut and re-created on every load — reported", async () => {
		const name = "Н".repeat(101);
		const opt = "Х".repeat(151);
		const srv = await server([order("1", { lines: [line({ id: `p-1#o`, sku: undefined, name: `${name}#${opt}` })] })]);
		const base = new Infobase();
		const first = await run("unf30", srv, { infobase: base });
		const second = await run("unf30", srv, { infobase: base });
		expect(base.state.items).toHaveLength(2);
		for (const r of [first, second]) {
			expect(messages(r).join("\n")).toMatch(/НайтиСоздатьНоменклатуру: .*длиннее 100/);
			expect(messages(r).join("\n")).toMatch(/НайтиСоздатьХарактеристикуНоменклатуры: .*длиннее 150/);
		}
	});
	it("bp ДанныеНаменклатурыВСтрокеЗаказа: no characteristics, product by the part of Ид before #", async () => {
		const srv = await server([bpOrder("1", { lines: [line({ id: `${G2}#x`, sku: undefined, name: "Кружка#Синяя" })] })]);
		const base = withProducts();
		const r = await run("bp", srv, { infobase: base });
		expect(messages(r)).toEqual([]);
		expect(base.findBySiteNumber("1")?.lines.map((l) => [l.itemGuid, l.characteristic])).toEqual([[G2, null]]);
	});
});

describe("ПолучитьДанныеССервера: a UTF-8 BOM kept as a character (transport option bomAsChar)", () => {
	it("a BOM-prefixed query fails the <?xml check with the option, passes without it", async () => {
		const bom = new Uint8Array([0xef, 0xbb, 0xbf, ...new TextEncoder().encode(siteXml([order("1")]))]);
		const srv = await server([], { query: () => xmlReply(bom) });
		const kept = await run("ut", srv, { bomAsChar: true });
		expect(messages(kept)).toEqual(["query: Не удалось прочитать данные, загруженные с сервера."]);
		expect(srv.successes).toBe(0);
		const dropped = await run("ut", srv);
		expect(messages(dropped)).toEqual([]);
	});
});

describe("БП ОбменСИнтернетМагазином (download only)", () => {
	it("ЗагрузитьЗаказыИнтернетМагазина: checkauth → init → query → success with line 4, nothing uploaded", async () => {
		const srv = await server([bpOrder("1")]);
		const r = await run("bp", srv, { beforeUpload: payAll });
		expect(messages(r)).toEqual([]);
		expect(modes(srv)).toEqual(["checkauth", "init", "query", "success"]);
		expect(srv.requests.slice(1).every((q) => q.params.get("sessid")?.startsWith("t"))).toBe(true);
		const other = await server([bpOrder("1")]);
		await run("bp", other, { bp: { protocol: "other" } });
		expect(modes(other)).toEqual(["checkauth", "query", "success"]);
	});
	it("ПолучитьЗаказыXDTO: a zipped answer is lost, a namespaced root is read typed — both reported, no success", async () => {
		const { zipSync } = await import("fflate");
		const zip = zipSync({ "orders.xml": new TextEncoder().encode(siteXml([order("1")])) });
		const a = await server([], { query: () => xmlReply(zip, "application/zip") });
		expect(messages(await run("bp", a))).toEqual([expect.stringMatching(/^query: ПолучитьЗаказыXDTO: архив ZIP/)]);
		const b = await server([], { query: () => xmlReply(siteXml([order("1")], "UTF-8", "urn:1C.ru:commerceml_2")) });
		expect(messages(await run("bp", b))).toEqual([expect.stringMatching(/^query: ПолучитьЗаказыXDTO: .*типизированно/)]);
		expect(a.successes + b.successes).toBe(0);
	});
	it("КонтрагентПоДаннымИнтернетМагазина: without Контрагент/Ид every later buyer becomes the first — reported", async () => {
		const srv = await server([bpOrder("1", { buyer: { id: "", name: "Первый" } }), bpOrder("2", { buyer: { id: "", name: "Второй" } })]);
		const base = new Infobase();
		const r = await run("bp", srv, { infobase: base });
		const cp = (n: string) => base.counterparty(base.findBySiteNumber(n)?.counterpartyGuid ?? "")?.name;
		expect([cp("1"), cp("2")]).toEqual(["Первый", "Первый"]);
		expect(messages(r)).toEqual([
			expect.stringMatching(/^load: БП ЗаполнитьДанныеКонтрагента: заказ 1 без Контрагент\/Ид/),
			expect.stringMatching(/^load: БП КонтрагентПоДаннымИнтернетМагазина: заказ 2 .*"Первый" вместо "Второй"/),
		]);
		const withIds = await server([
			bpOrder("3", { buyer: { id: "c3", name: "Третий" } }),
			bpOrder("4", { buyer: { id: "c4", name: "Четвёртый" } }),
		]);
		const base2 = new Infobase();
		expect(messages(await run("bp", withIds, { infobase: base2 }))).toEqual([]);
		expect(base2.state.counterparties.map((c) => c.name)).toEqual(["Третий", "Четвёртый"]);
	});
	it("СведенияОНалогахЗаказа / ПересчитатьСуммуНДС: no document НДС УчтеноВСумме=true ⇒ VAT on top, total mismatch reported", async () => {
		const srv = await server([
			order("1"),
			order("2", { vatIncluded: true }),
			order("3", { lines: [line({ vatRate: "Без НДС" })] }),
			order("4", { vatIncluded: false, lines: [line({ vatRate: "10" })] }),
		]);
		const base = new Infobase();
		const r = await run("bp", srv, { infobase: base });
		expect(base.state.orders.map((o) => o.total)).toEqual(["240.00", "200.00", "200.00", "220.00"]);
		expect(messages(r)).toEqual([
			expect.stringMatching(/^load: БП ЗаполнитьТабличнуюЧастьЗаказа: сумма счета по заказу 1 240\.00 ≠ .*200\.00.*НДС начислен сверху/),
			expect.stringMatching(/заказу 4 220\.00 ≠/),
		]);
		const exempt = await server([order("5")]);
		const b2 = new Infobase();
		expect(messages(await run("bp", exempt, { infobase: b2, settings: { vatPayer: false } }))).toEqual([]);
	});
});
