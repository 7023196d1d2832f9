import { parseOrder } from "@obmen/core";
import { createMemoryDb } from "@obmen/db/node";
import { buildExport } from "@obmen/exchange";
import { describe, expect, it } from "vitest";
import { demoOrders, seedDemo } from "./demo.ts";

const requisite = (xml: string, name: string) =>
	new RegExp(`<Наименование>${name}</Наименование><Значение>([^<]*)</Значение>`).exec(xml)?.[1] ?? null;

describe("demo node", () => {
	it("a store-cancelled order reaches 1C with Отменен = true and Финальный статус = true; a new one with false", async () => {
		const { store } = await createMemoryDb();
		const now = new Date("2026-11-28T12:00:00Z");
		await seedDemo(store, now);
		const node = await store.getNodeByName("demo");
		if (!node) throw new Error("no demo node");
		const [first] = demoOrders(now);
		if (!first) throw new Error("no demo order");
		await store.upsertOrder(parseOrder({ ...first, status: "cancelled" }), now.toISOString());
		const batch = await buildExport(store, node, null, now);
		const xml = new TextDecoder(batch.settings.encoding).decode(batch.bytes);
		const docs = xml.split("<Документ>").slice(1);
		const cancelled = docs.find((d) => d.includes(`<Номер>${first.number}</Номер>`)) ?? "";
		expect(requisite(cancelled, "Отменен")).toBe("true");
		expect(requisite(cancelled, "Финальный статус")).toBe("true");
		expect(requisite(cancelled, "Статус заказа")).toBe("Отменен");
		const other = docs.find((d) => !d.includes(`<Номер>${first.number}</Номер>`) && requisite(d, "Статуса заказа ИД") === "new") ?? "";
		expect(requisite(other, "Отменен")).toBe("false");
		expect(requisite(other, "Финальный статус")).toBe("false");
		await store.idle();
		store.close();
	});
});
