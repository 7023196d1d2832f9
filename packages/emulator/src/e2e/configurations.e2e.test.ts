/**
 * End to end: every configuration profile (`ut` and its variants, `retail`, `unf30`, `unf16`, `bp`) and flag against
 * the real Obmen exchange app (in-memory libSQL, real HTTP), with the node's `configuration` set to match. Each
 * scenario asserts that every change 1C makes shows in `GET /api/v1/orders/{id}` and that 1C neither duplicates nor
 * merges an order (the emulator reports both as `load` deviations, so "no deviations" covers them).
 */

import { obmenPerTest, storeOrder } from "@obmen/testing/obmen";
import { describe, expect, it } from "vitest";
import { type ExchangeOptions, type ExchangeReport, type ProfileName, type ProfileOptions, sync } from "../index.ts";
import { Infobase } from "../infobase.ts";
import type { NodeSettings } from "../settings.ts";

const obmen = obmenPerTest();

const SERVER = {
	statusMap: {
		export: { new: "[N] Принят" },
		import: [
			{ on: "paid", status: "paid" },
			{ on: "shipped", status: "shipped" },
			{ on: "cancelled", status: "cancelled" },
		],
	},
	cancelledStatuses: ["cancelled"],
};
const ONE_C: Partial<NodeSettings> = { statusMap: { "[N] Принят": "Не согласован" }, counterpartySearch: "inn-kpp" };

interface Case {
	label: string;
	profile: ProfileName;
	options?: ProfileOptions;
	oneC?: Partial<NodeSettings>;
	/** Obmen node settings beyond {@link SERVER}. */
	node: Record<string, unknown>;
}
const configurationOf = (p: ProfileName): string =>
	p === "retail" ? "retail" : p === "bp" ? "bp" : p === "unf30" || p === "unf16" ? "unf" : "ut";

async function node(c: Pick<Case, "profile" | "node">) {
	return obmen.createNode({ ...SERVER, configuration: configurationOf(c.profile), ...c.node });
}
function runner(c: Case, n: { url: string; login: string; password: string }, base: Infobase) {
	return (extra: Partial<ExchangeOptions> = {}): Promise<ExchangeReport> =>
		sync(c.profile, {
			url: n.url,
			login: n.login,
			password: n.password,
			infobase: base,
			settings: { ...ONE_C, ...c.oneC },
			maxImportPolls: 200,
			sleep: async () => {},
			...c.options,
			...extra,
		});
}
const devs = (r: ExchangeReport) => r.deviations.map((d) => `${d.step}: ${d.message} ${d.reply?.body.slice(0, 200) ?? ""}`);
/** Every store order is exactly one 1C order (no duplicate), and no 1C order holds two store orders (no merge). */
function expectOneToOne(base: Infobase, ids: string[]) {
	expect(ids.map((id) => [id, base.findBySiteId(id).length])).toEqual(ids.map((id) => [id, 1]));
	expect(new Set(base.state.orders.map((o) => o.guid)).size).toBe(base.state.orders.length);
}

const UPLOADING: Case[] = [
	{ label: "ut 11.5, zip, small fileLimit, windows-1251", profile: "ut", node: { zip: true, fileLimit: 1024 } },
	{
		label: "ut 11.4 (no sessid), no zip, UTF-8",
		profile: "ut",
		options: { ut: { variant: "ut11.4" } },
		node: { zip: false, encoding: "utf-8" },
	},
	{
		label: "ut 11.5 «без ожидания» (no import), no zip, fileLimit 1024",
		profile: "ut",
		oneC: { noImportWait: true },
		node: { zip: false, fileLimit: 1024 },
	},
	{
		label: "ut BAS (no sessid) «без ожидания», zip",
		profile: "ut",
		options: { ut: { variant: "bas" } },
		oneC: { noImportWait: true },
		node: {},
	},
	{ label: "retail, zip, UTF-8", profile: "retail", node: { encoding: "utf-8", fileLimit: 2048 } },
	{ label: "unf30 Bitrix, default settings (no import), zip, small fileLimit", profile: "unf30", node: { fileLimit: 1024 } },
	{
		label: "unf30 Bitrix + subordinate documents (import, earlier xml re-sent in each zip), portions of 2",
		profile: "unf30",
		options: { unf: { subordinateDocuments: true } },
		oneC: { portionSize: 2 },
		node: { encoding: "utf-8" },
	},
	{ label: "unf30 other CMS, no zip, windows-1251", profile: "unf30", options: { unf: { protocol: "other" } }, node: { zip: false } },
	{ label: "unf16 1.6.10 (plain xml in file_limit pieces, never import)", profile: "unf16", node: { fileLimit: 1024 } },
	{
		label: "unf16 1.6.26 Bitrix + subordinate documents (tight import)",
		profile: "unf16",
		options: { unf16: { variant: "1.6.26" }, unf: { subordinateDocuments: true } },
		node: { zip: false },
	},
];

describe.each(UPLOADING)("$label ⇄ Obmen", (c) => {
	it("every 1C change (pay, ship, cancel) shows in GET /api/v1/orders/{id}; nothing duplicated or merged", async () => {
		const n = await node(c);
		const nums = [5101, 5102, 5103, 5104];
		for (const i of nums) await obmen.putOrder(storeOrder(i));
		const base = new Infobase();
		const run = runner(c, n, base);
		const first = await run({
			beforeUpload: (b) => {
				b.pay("5101");
				b.ship("5102");
				b.cancel("5103", "Нет в наличии");
				b.pay("5104");
				b.ship("5104");
			},
		});
		expect(devs(first)).toEqual([]);
		expect(first.successSent).toBe(true);
		expect(first.upload.delivered).toBeGreaterThan(0);
		expectOneToOne(
			base,
			nums.map((i) => `ord-${i}`),
		);
		const got = await Promise.all(nums.map((i) => obmen.getOrder(`ord-${i}`)));
		expect(got.map((o) => [o.id, o.oneC?.paid ?? false, o.oneC?.shipped ?? false, o.oneC?.cancelled ?? false])).toEqual([
			["ord-5101", true, false, false],
			["ord-5102", false, true, false],
			["ord-5103", false, false, true],
			["ord-5104", true, true, false],
		]);
		expect(got.map((o) => o.oneC?.number)).toEqual(nums.map((i) => base.findBySiteId(`ord-${i}`)[0]?.number));
		// the next run: nothing lost, nothing duplicated
		const second = await run();
		expect(devs(second)).toEqual([]);
		expectOneToOne(
			base,
			nums.map((i) => `ord-${i}`),
		);
	});
});

describe("options become a characteristic through # (НайтиСоздатьХарактеристикуНоменклатуры)", () => {
	it.each<Case>([
		{ label: "ut", profile: "ut", node: { exportOptions: true } },
		{ label: "retail", profile: "retail", node: { exportOptions: true } },
		{ label: "unf30", profile: "unf30", node: { exportOptions: true } },
		{ label: "unf16", profile: "unf16", node: { exportOptions: true } },
	])("$label: the mug's option lands as a characteristic and survives a second load", async (c) => {
		const n = await node(c);
		await obmen.putOrder(storeOrder(5201));
		await obmen.putOrder(
			storeOrder(5202, {
				items: [{ productId: "p-mug", sku: "MUG", name: "Кружка", quantity: 1, price: 300, options: [{ name: "Цвет", value: "Красный" }] }],
			}),
		);
		const base = new Infobase();
		const run = runner(c, n, base);
		const r = await run({ beforeUpload: (b) => b.pay("5201") });
		expect(devs(r)).toEqual([]);
		const mug = (num: string) =>
			base.findBySiteId(`ord-${num}`)[0]?.lines.find((l) => base.item(l.itemGuid)?.sku === "MUG" || l.name === "Кружка");
		expect(mug("5201")?.characteristic).toMatch(/Синий/);
		expect(mug("5202")?.characteristic).toMatch(/Красный/);
		expect(mug("5201")?.itemGuid).toBe(mug("5202")?.itemGuid);
		expect((await obmen.getOrder("ord-5201")).oneC).toMatchObject({ paid: true });
		const again = await run();
		expect(devs(again)).toEqual([]);
		expect(base.state.characteristics).toHaveLength(2);
	});
});

describe("long and colliding numbers (issue §3)", () => {
	const LONG = ["SHOP-2026-000123", "SHOP-2026-000124"];
	it.each<Case>([
		{ label: "ut", profile: "ut", node: {} },
		{ label: "retail", profile: "retail", node: {} },
		{ label: "unf30", profile: "unf30", options: { unf: { subordinateDocuments: true } }, node: {} },
		{ label: "unf16", profile: "unf16", node: {} },
	])("$label: numbers sharing their first 11 characters stay two orders across re-sends; payments come back", async (c) => {
		const n = await node(c);
		for (const [i, number] of LONG.entries()) await obmen.putOrder(storeOrder(5300 + i, { number }));
		const base = new Infobase();
		const run = runner(c, n, base);
		const first = await run({ faults: { dropSuccess: true } });
		expect(devs(first)).toEqual([]);
		const second = await run({
			beforeUpload: (b) => {
				for (const o of b.state.orders) b.pay(o.siteNumber);
			},
		});
		expect(devs(second)).toEqual([]);
		expectOneToOne(base, ["ord-5300", "ord-5301"]);
		for (const id of ["ord-5300", "ord-5301"]) expect((await obmen.getOrder(id)).oneC).toMatchObject({ paid: true });
	});
});

describe("a UTF-8 answer starts with <?xml even when the platform keeps a BOM (ПолучитьДанныеССервера, bomAsChar)", () => {
	it.each<Case>([
		{ label: "ut", profile: "ut", node: { encoding: "utf-8" } },
		{ label: "unf30", profile: "unf30", node: { encoding: "utf-8", zip: false } },
		{ label: "bp", profile: "bp", node: { encoding: "utf-8" } },
	])("$label: the query answer is read and success sent", async (c) => {
		const n = await node(c);
		await obmen.putOrder(storeOrder(5370));
		const base = new Infobase();
		const r = await runner(c, n, base)({ bomAsChar: true });
		expect(r.deviations.filter((d) => d.step !== "load").map((d) => `${d.step}: ${d.message}`)).toEqual([]);
		expect(r.successSent).toBe(true);
		expect(base.findBySiteId("ord-5370")).toHaveLength(1);
	});
});

describe("Розница sends the cut number back (ОбменССайтомРТ.ЗаписатьДатуНомерЗаказовССайта)", () => {
	it("retail: a long number is exported as an alias ≤ 11 characters, found again by (cut number, date+time), and its payment, uploaded under the number 1C stored, shows in the store", async () => {
		const c: Case = { label: "retail", profile: "retail", node: {} };
		const n = await node(c);
		await obmen.putOrder(storeOrder(5350, { number: "WEB-2026-00005350" }));
		const base = new Infobase();
		const run = runner(c, n, base);
		expect(devs(await run({ faults: { dropSuccess: true } }))).toEqual([]);
		const stored = base.findBySiteId("ord-5350")[0]?.siteNumber ?? "";
		expect(stored.length).toBeGreaterThan(0);
		expect(stored.length).toBeLessThanOrEqual(11);
		const r = await run({ beforeUpload: (b) => b.pay(stored) });
		expect(devs(r)).toEqual([]);
		expectOneToOne(base, ["ord-5350"]);
		expect((await obmen.getOrder("ord-5350")).oneC).toMatchObject({ paid: true });
	});
});

describe("a # in a plain product name (НайтиСоздатьХарактеристикуНоменклатуры rolls the load back)", () => {
	it.each<Case>([
		{ label: "ut", profile: "ut", node: {} },
		{ label: "retail", profile: "retail", node: {} },
		{ label: "unf30", profile: "unf30", node: {} },
	])("$label: a product named «Кабель #2» loads, under its whole name, and success is sent", async (c) => {
		const n = await node(c);
		await obmen.putOrder(storeOrder(5360, { items: [{ productId: "p-cable", sku: "CAB-2", name: "Кабель #2", quantity: 1, price: 100 }] }));
		const base = new Infobase();
		const r = await runner(c, n, base)();
		expect(devs(r)).toEqual([]);
		expect(r.successSent).toBe(true);
		const line = base.findBySiteId("ord-5360")[0]?.lines.find((l) => base.item(l.itemGuid)?.sku === "CAB-2");
		expect(line?.characteristic ?? null).toBeNull();
		expect(line?.name).toMatch(/^Кабель .*2$/);
	});
});

describe("БП 3.0 (bp): download only", () => {
	const BP: Case = { label: "bp", profile: "bp", node: { zip: true } };
	it("orders whose key P collides (ORD-100/ORD-1000, 1000001/1000002, a100/100) stay separate invoices", async () => {
		const n = await node(BP);
		const numbers = ["ORD-100", "ORD-1000", "1000001", "1000002", "a100", "100"];
		for (const [i, number] of numbers.entries()) await obmen.putOrder(storeOrder(5400 + i, { number }));
		const base = new Infobase();
		const r = await runner(BP, n, base)();
		expect(devs(r)).toEqual([]);
		expect(r.successSent).toBe(true);
		expectOneToOne(
			base,
			numbers.map((_, i) => `ord-${5400 + i}`),
		);
		expect(new Set(base.state.orders.map((o) => o.bpKey)).size).toBe(numbers.length);
		expect(r.upload.portions).toBe(0);
	});
	it("each buyer keeps their own counterparty (Контрагент/Ид always) and the invoice total equals the store's (VAT inside)", async () => {
		const n = await node(BP);
		await obmen.putOrder(storeOrder(5501, { customer: { name: "Первый Покупатель", email: "first@example.com" } }));
		await obmen.putOrder(storeOrder(5502, { customer: { name: "Второй Покупатель", phone: "+7 900 111-22-33" } }));
		await obmen.putOrder(storeOrder(5503, { customer: { name: "Третий Покупатель" } }));
		const base = new Infobase();
		const r = await runner(BP, n, base)();
		expect(devs(r)).toEqual([]);
		const buyer = (id: string) => base.counterparty(base.findBySiteId(id)[0]?.counterpartyGuid ?? "")?.name;
		expect(["ord-5501", "ord-5502", "ord-5503"].map(buyer)).toEqual(["Первый Покупатель", "Второй Покупатель", "Третий Покупатель"]);
		const store = await Promise.all(["ord-5501", "ord-5502", "ord-5503"].map((id) => obmen.getOrder(id)));
		expect(base.state.orders.map((o) => Number(o.total))).toEqual(store.map((o) => Number(o.total)));
	});
	it("a second run re-sends nothing that overwrites an invoice", async () => {
		const n = await node(BP);
		await obmen.putOrder(storeOrder(5601));
		const base = new Infobase();
		const run = runner(BP, n, base);
		expect(devs(await run({ faults: { dropSuccess: true } }))).toEqual([]);
		expect(devs(await run())).toEqual([]);
		expectOneToOne(base, ["ord-5601"]);
	});
});
