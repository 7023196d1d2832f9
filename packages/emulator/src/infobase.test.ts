import { describe, expect, it } from "vitest";
import { Infobase, validateDocument } from "./infobase.ts";
import { parseQueryXml } from "./query-parser.ts";
import { resolveNodeSettings } from "./settings.ts";
import { type SiteOrder, siteXml } from "./test-support/site-xml.ts";

const docs = (orders: SiteOrder[]) => parseQueryXml(siteXml(orders)).documents;
const tv = { id: "dee6e19a-55bc-11d9-848a-00112f43529a", sku: "TV-1", name: "Телевизор", price: "100.00", quantity: "2" };

describe("Infobase.load (УТ 11 rules)", () => {
	it("creates orders, counterparties and items with the node's defaults", () => {
		const base = new Infobase();
		const s = resolveNodeSettings({
			goodsKind: "Товары сайта",
			serviceKind: "Услуги сайта",
			unit: "шт.",
			nomenclatureGroup: "С сайта",
			agreement: "Сайт",
			organization: "ООО Ромашка",
			warehouse: "Склад 2",
			manager: "Петров",
		});
		const r = base.load(
			docs([
				{ number: "1001", lines: [tv, { id: "ORDER_DELIVERY", name: "Доставка заказа", price: "300", quantity: "1", service: true }] },
			]),
			s,
		);
		expect(r).toMatchObject({ ok: true, created: 1, counterpartiesCreated: 1, itemsCreated: 2 });
		const o = base.findBySiteNumber("1001");
		expect(o).toMatchObject({
			siteDate: "2026-11-28",
			status: "Не согласован",
			agreement: "Сайт",
			organization: "ООО Ромашка",
			warehouse: "Склад 2",
			manager: "Петров",
			posted: true,
			registered: false,
		});
		const kinds = o?.lines.map((l) => base.item(l.itemGuid)).map((i) => [i?.kind, i?.type, i?.unit, i?.group]);
		expect(kinds).toEqual([
			["Товары сайта", "Товар", "шт.", "С сайта"],
			["Услуги сайта", "Услуга", "шт.", "С сайта"],
		]);
		expect(base.counterparty(o?.counterpartyGuid ?? "")?.name).toBe("Иванов Иван");
	});

	it("updates an order found by site number and does not duplicate it", () => {
		const base = new Infobase();
		const s = resolveNodeSettings();
		base.load(docs([{ number: "1001", lines: [tv] }]), s);
		const r = base.load(docs([{ number: "1001", lines: [{ ...tv, quantity: "5" }] }]), s);
		expect(r).toMatchObject({ created: 0, updated: 1, itemsCreated: 0, counterpartiesCreated: 0 });
		expect(base.state.orders).toHaveLength(1);
		expect(base.state.orders[0]?.lines[0]?.quantity).toBe("5");
	});

	it("numbers longer than 11 characters never match (Строка(11)) and duplicate", () => {
		const base = new Infobase();
		const s = resolveNodeSettings();
		base.load(docs([{ number: "SHOP-000001234", lines: [tv] }]), s);
		const r = base.load(docs([{ number: "SHOP-000001234", lines: [tv] }]), s);
		expect(r.created).toBe(1);
		expect(r.warnings.join()).toMatch(/11/);
		expect(base.state.orders.map((o) => o.siteNumber)).toEqual(["SHOP-000001", "SHOP-000001"]);
	});

	it("skips orders no longer awaiting approval", () => {
		const base = new Infobase();
		const s = resolveNodeSettings({ statusMap: { "[N] Принят": "Согласован" } });
		base.load(
			docs([
				{ number: "1", lines: [tv], status: "[N] Принят" },
				{ number: "2", lines: [tv] },
			]),
			s,
		);
		base.pay("2");
		const r = base.load(
			docs([
				{ number: "1", lines: [tv] },
				{ number: "2", lines: [tv] },
			]),
			s,
		);
		expect(r).toMatchObject({ skipped: 2, updated: 0 });
	});

	it("maps Статус заказа by exact string; a miss gives Не согласован", () => {
		const base = new Infobase();
		const s = resolveNodeSettings({ statusMap: { "[N] Принят": "Согласован", "[P] Оплачен": "К отгрузке" } });
		base.load(
			docs([
				{ number: "1", lines: [tv], status: "[N] Принят" },
				{ number: "2", lines: [tv], status: "[N] принят" },
				{ number: "3", lines: [tv], status: "[P] Оплачен" },
			]),
			s,
		);
		expect(["1", "2", "3"].map((n) => base.findBySiteNumber(n)?.status)).toEqual(["Согласован", "Не согласован", "К отгрузке"]);
	});

	it("cancels every line with the node's cancel reason when Отменен = true", () => {
		const base = new Infobase();
		base.load(
			docs([
				{ number: "9", lines: [tv, { ...tv, id: undefined, sku: "X", name: "Пульт" }], cancelled: true },
				{ number: "10", lines: [tv], cancelled: false },
			]),
			resolveNodeSettings({ cancelReason: "Передумал" }),
		);
		expect(base.findBySiteNumber("9")?.lines.map((l) => [l.cancelled, l.cancelReason])).toEqual([
			[true, "Передумал"],
			[true, "Передумал"],
		]);
		expect(base.findBySiteNumber("10")?.lines[0]?.cancelled).toBe(false);
	});

	it("finds counterparties by name, or by ИНН/КПП falling back to name", () => {
		const o = (n: string, buyer: SiteOrder["buyer"]): SiteOrder => ({ number: n, lines: [tv], buyer });
		const byName = new Infobase();
		byName.load(
			docs([
				o("1", { name: "ООО Альфа", inn: "7701234567", kpp: "770101001" }),
				o("2", { name: "Альфа ООО", inn: "7701234567", kpp: "770101001" }),
			]),
			resolveNodeSettings(),
		);
		expect(byName.state.counterparties).toHaveLength(2);
		const byInn = new Infobase();
		const r = byInn.load(
			docs([
				o("1", { name: "ООО Альфа", inn: "7701234567", kpp: "770101001" }),
				o("2", { name: "Альфа ООО", inn: "7701234567", kpp: "770101001" }),
				o("3", { name: "Иванов" }),
				o("4", { name: "Иванов" }),
			]),
			resolveNodeSettings({ counterpartySearch: "inn-kpp" }),
		);
		expect(r.counterpartiesCreated).toBe(2);
		expect(byInn.state.counterparties.map((c) => [c.name, c.inn])).toEqual([
			["ООО Альфа", "7701234567"],
			["Иванов", ""],
		]);
	});

	it("ОбменССайтомПереопределяемый.НайтиСоздатьНоменклатуру: whole Ид as a GUID, then Артикул, then the name before #", () => {
		const base = new Infobase();
		const s = resolveNodeSettings();
		base.load(docs([{ number: "1", lines: [tv, { ...tv, id: "not-a-guid", sku: "R-1", name: "Пульт" }] }]), s);
		// a GUID Ид becomes the new product's reference; any other Ид does not
		expect(base.state.items.map((i) => i.guid)).toEqual([tv.id, expect.not.stringMatching(/not-a-guid/)]);
		const remote = base.state.items[1]?.guid ?? "";
		const r = base.load(
			docs([
				{
					number: "2",
					lines: [
						{ ...tv, sku: undefined, name: "Другое имя" },
						{ ...tv, id: `${tv.id}#size-L`, sku: "R-1", name: "Иное" },
						{ ...tv, id: `${tv.id}#size-L`, sku: undefined, name: "Телевизор" },
					],
				},
			]),
			s,
		);
		expect(r.itemsCreated).toBe(0);
		// a # in Ид defeats the GUID lookup: found by Артикул, then by name; "size-L" is no characteristic GUID
		expect(base.findBySiteNumber("2")?.lines.map((l) => [l.itemGuid, l.characteristic])).toEqual([
			[tv.id, null],
			[remote, null],
			[tv.id, null],
		]);
	});

	it("one bad document fails the whole load and writes nothing", () => {
		const base = new Infobase();
		const s = resolveNodeSettings();
		const bad: SiteOrder[] = [
			{ number: "1", lines: [tv] },
			{ number: "2", lines: [tv], currency: "" },
		];
		const r = base.load(docs(bad), s);
		expect(r.ok).toBe(false);
		expect(r.errors.join()).toMatch(/Валюта/);
		expect(base.state.orders).toEqual([]);
		for (const [o, re] of [
			[{ operation: "Счет на оплату" }, /ХозОперация/],
			[{ buyer: null }, /Контрагент/],
			[{ date: "28.11.2026" }, /Дат/],
			[{ time: "9:00" }, /Времени/],
		] as const) {
			const d = docs([{ number: "5", lines: [tv], ...o }])[0];
			expect(d && validateDocument(d, 0).join()).toMatch(re);
		}
	});

	it("round-trips through JSON and registers 1C-side changes", () => {
		const base = new Infobase(undefined, () => new Date("2026-11-29T08:09:10Z"));
		base.load(docs([{ number: "1", lines: [tv] }]), resolveNodeSettings());
		expect(base.registeredOrders()).toEqual([]);
		base.pay("1");
		base.ship("1");
		const copy = Infobase.fromJSON(JSON.parse(JSON.stringify(base)));
		const o = copy.findBySiteNumber("1");
		expect(o?.payment).toEqual({ number: "ТД00-000001", date: "2026-11-29T08:09:10" });
		expect(o?.shipment?.number).toBe("ТД00-000001");
		expect(copy.registeredOrders().map((x) => x.siteNumber)).toEqual(["1"]);
		copy.unregister([o?.guid ?? ""]);
		expect(copy.registeredOrders()).toEqual([]);
		expect(() => copy.pay("404")).toThrow(/404/);
	});
});
