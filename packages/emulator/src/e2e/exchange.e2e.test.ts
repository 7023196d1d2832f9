/**
 * End to end: each 1C client profile against the real Obmen exchange app (in-memory libSQL, real HTTP).
 * Store orders go in through the admin API, 1C loads them, changes them, uploads them back, and the
 * store API shows the result.
 */

import { obmenPerTest, storeOrder } from "@obmen/testing/obmen";
import { describe, expect, it } from "vitest";
import { type ExchangeOptions, type ProfileName, sync } from "../index.ts";
import { Infobase } from "../infobase.ts";
import type { NodeSettings } from "../settings.ts";

const obmen = obmenPerTest();

const SERVER_SETTINGS = {
	fileLimit: 1024,
	zip: true,
	statusMap: {
		export: { new: "[N] Принят", approved: "[A] Подтвержден", cancelled: "[C] Отменен" },
		import: [
			{ on: "paid", status: "paid" },
			{ on: "shipped", status: "shipped" },
			{ on: "cancelled", status: "cancelled" },
		],
	},
	cancelledStatuses: ["cancelled"],
};
const ONE_C: Partial<NodeSettings> = {
	statusMap: { "[N] Принят": "Не согласован", "[A] Подтвержден": "Согласован" },
	cancelReason: "Отменен на сайте",
	goodsKind: "Товар (с сайта)",
	serviceKind: "Услуга (с сайта)",
	counterpartySearch: "inn-kpp",
};

async function node(settings: Record<string, unknown> = {}) {
	return obmen.createNode({ ...SERVER_SETTINGS, ...settings });
}
function runner(
	profile: ProfileName,
	n: { url: string; login: string; password: string },
	base: Infobase,
	settings: Partial<NodeSettings> = ONE_C,
) {
	return (extra: Partial<ExchangeOptions> = {}) =>
		sync(profile, {
			url: n.url,
			login: n.login,
			password: n.password,
			infobase: base,
			settings,
			unf: { importPauseMs: 20 },
			maxImportPolls: 500,
			...extra,
		});
}
const devs = (r: { deviations: { step: string; message: string; reply: { body: string } | null }[] }) =>
	r.deviations.map((d) => `${d.step}: ${d.message} ${d.reply?.body ?? ""}`);

describe.each<ProfileName>(["ut11", "unf", "bitrix-module"])("%s ⇄ Obmen", (profile) => {
	it("loads store orders, uploads payments/shipments/cancellations zipped and chunked, and the store shows them", async () => {
		const n = await node();
		await obmen.putOrder(storeOrder(1001));
		await obmen.putOrder(
			storeOrder(1002, {
				status: "approved",
				customer: { type: "company", name: "ООО Альфа", legalName: "Общество Альфа", inn: "7701234567", kpp: "770101001" },
			}),
		);
		await obmen.putOrder(
			storeOrder(1003, { status: "cancelled", customer: { type: "company", name: "Альфа (филиал)", inn: "7701234567", kpp: "770101001" } }),
		);
		for (let i = 1004; i <= 1008; i++) await obmen.putOrder(storeOrder(i));
		const base = new Infobase();
		const run = runner(profile, n, base);

		const first = await run({
			beforeUpload: (b) => {
				b.pay("1001");
				b.ship("1001");
				b.cancel("1002", "Нет в наличии");
				for (let i = 1004; i <= 1008; i++) b.pay(String(i));
			},
		});
		expect(devs(first)).toEqual([]);
		expect(first.successSent).toBe(true);
		const load = first.loads[0];
		expect(load).toMatchObject({ ok: true, documents: 8, created: 8 });
		// counterparties: 6 people + one company found by ИНН/КПП for 1002 and 1003
		expect(base.state.counterparties).toHaveLength(7);
		expect(base.state.counterparties.find((c) => c.inn === "7701234567")?.name).toBe("ООО Альфа");
		// items: by Ид for the goods, the shared mug once, delivery as a service
		const kinds = new Map(base.state.items.map((i) => [i.name, `${i.type}/${i.kind}`]));
		expect(kinds.get("Кружка")).toBe("Товар/Товар (с сайта)");
		expect([...kinds.values()].filter((k) => k.startsWith("Услуга/Услуга (с сайта)"))).toHaveLength(1);
		expect(base.state.items.filter((i) => i.name === "Кружка")).toHaveLength(1);
		expect(base.findBySiteNumber("1001")?.status).toBe("Не согласован");
		expect(base.findBySiteNumber("1002")?.status).toBe("Согласован");
		expect(base.findBySiteNumber("1003")?.lines.every((l) => l.cancelled && l.cancelReason === "Отменен на сайте")).toBe(true);

		expect(first.upload.delivered).toBe(1);
		expect(first.upload.pieces).toBeGreaterThan(1);
		const o1 = await obmen.getOrder("ord-1001");
		expect(o1.oneC).toMatchObject({ paid: true, shipped: true, number: base.findBySiteNumber("1001")?.number });
		expect(o1.status).toBe("shipped");
		const o2 = await obmen.getOrder("ord-1002");
		expect(o2.oneC).toMatchObject({ cancelled: true });
		expect(o2.status).toBe("cancelled");
		expect((await obmen.getOrder("ord-1005")).oneC).toMatchObject({ paid: true });

		// 1C's own changes do not come back on the next query; a repeated upload changes nothing
		const before = await Promise.all(["ord-1001", "ord-1002"].map((id) => obmen.getOrder(id)));
		base.state.orders.forEach((o) => {
			if (o.siteNumber === "1001" || o.siteNumber === "1002") o.registered = true;
		});
		const second = await run({ faults: { duplicateFile: true } });
		expect(devs(second)).toEqual([]);
		expect(second.loads.reduce((a, l) => a + l.documents, 0)).toBe(0);
		const after = await Promise.all(["ord-1001", "ord-1002"].map((id) => obmen.getOrder(id)));
		expect(after.map((o) => [o.revision, o.status, o.oneC?.paid])).toEqual(before.map((o) => [o.revision, o.status, o.oneC?.paid]));
	});

	it("a dropped success makes the store send the batch again; 1C does not duplicate it", async () => {
		const n = await node();
		await obmen.putOrder(storeOrder(2001));
		const base = new Infobase();
		const run = runner(profile, n, base);
		const dropped = await run({ faults: { dropSuccess: true } });
		expect(devs(dropped)).toEqual([]);
		expect(dropped.loads[0]?.created).toBe(1);
		const again = await run();
		expect(again.loads[0]).toMatchObject({ documents: 1, created: 0, updated: 1 });
		expect(base.state.orders).toHaveLength(1);
		const third = await run();
		expect(third.loads.reduce((a, l) => a + l.documents, 0)).toBe(0);
	});
});

describe("Obmen node settings, as 1C ends up seeing them (ut11)", () => {
	async function loadWith(settings: Record<string, unknown>, orders: Record<string, unknown>[], oneC: Partial<NodeSettings> = ONE_C) {
		const n = await node(settings);
		for (const o of orders) await obmen.putOrder(o);
		const base = new Infobase();
		const r = await runner("ut11", n, base, oneC)();
		expect(devs(r)).toEqual([]);
		return base;
	}
	const services = (b: Infobase, num: string) =>
		(b.findBySiteNumber(num)?.lines ?? []).filter((l) => b.item(l.itemGuid)?.type === "Услуга").length;

	it("shipping as a service line: always / paid / none", async () => {
		const free = storeOrder(3001, { shipping: { method: "Самовывоз", price: "0" } });
		const paid = storeOrder(3002);
		expect([
			services(await loadWith({ shipping: "always" }, [free, paid]), "3001"),
			services(await loadWith({ shipping: "paid" }, [free, paid]), "3001"),
		]).toEqual([1, 0]);
		const none = await loadWith({ shipping: "none" }, [paid]);
		expect(services(none, "3002")).toBe(0);
		expect(services(await loadWith({ shipping: "paid" }, [paid]), "3002")).toBe(1);
	});
	// options on: `#` in Ид and Наименование, see configurations.e2e.test.ts (НайтиСоздатьХарактеристикуНоменклатуры)
	it("options off: no characteristic", async () => {
		const off = await loadWith({ exportOptions: false }, [storeOrder(3101)]);
		expect(off.findBySiteNumber("3101")?.lines.find((l) => l.name === "Кружка")?.characteristic ?? null).toBeNull();
	});
	it("export from number N", async () => {
		const b = await loadWith(
			{ exportFromNumber: "3203" },
			[3201, 3202, 3203, 3204].map((i) => storeOrder(i)),
		);
		expect(b.state.orders.map((o) => o.siteNumber).sort()).toEqual(["3203", "3204"]);
	});
	it("status filter", async () => {
		const b = await loadWith({ exportStatusFilter: ["approved"] }, [storeOrder(3301), storeOrder(3302, { status: "approved" })]);
		expect(b.state.orders.map((o) => o.siteNumber)).toEqual(["3302"]);
	});
	it("status export on/off", async () => {
		const order = storeOrder(3401, { status: "approved" });
		expect((await loadWith({ exportStatuses: true }, [order])).findBySiteNumber("3401")?.status).toBe("Согласован");
		expect((await loadWith({ exportStatuses: false }, [order])).findBySiteNumber("3401")?.status).toBe("Не согласован");
	});
	it("status import on/off", async () => {
		for (const [num, importStatuses] of [
			[3500, true],
			[3501, false],
		] as const) {
			const n = await node({ importStatuses });
			await obmen.putOrder(storeOrder(num));
			const r = await runner("ut11", n, new Infobase())({ beforeUpload: (b) => b.pay(String(num)) });
			expect(devs(r)).toEqual([]);
			const o = await obmen.getOrder(`ord-${num}`);
			expect(o.oneC).toMatchObject({ paid: true });
			expect(o.status).toBe(importStatuses ? "paid" : "new");
		}
	});
});
