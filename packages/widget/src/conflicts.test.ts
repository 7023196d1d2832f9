import { describe, expect, it } from "vitest";
import { conflictRows } from "./conflicts.ts";
import type { ContentLine, OrderContent } from "./types.ts";

const line = (key: string, quantity: string, price: string, extra: Partial<ContentLine> = {}): ContentLine => ({
	key,
	sku: null,
	name: `Товар ${key}`,
	quantity,
	price,
	total: String(Number(quantity) * Number(price)),
	kind: "goods",
	...extra,
});
const content = (lines: ContentLine[], extra: Partial<OrderContent> = {}): OrderContent => ({
	lines,
	delivery: "250",
	total: String(lines.reduce((a, l) => a + Number(l.total), 250)),
	currency: "RUB",
	buyer: { name: "Иванов", inn: null, kpp: null },
	comment: "до 18:00",
	...extra,
});

describe("conflictRows", () => {
	it("lists lines added or removed, changed fields and order fields; marks the conflicting parts", () => {
		const base = content([line("p1", "1", "100"), line("p2", "1", "300")]);
		const store = content([line("p1", "2", "100"), line("p2", "1", "300"), line("p3", "1", "50")], { comment: "позвонить" });
		const oneC = content([line("p1", "3", "100")], { delivery: "300" });
		const rows = conflictRows({ nodeId: "n1", parts: ["lines.p1.quantity", "lines.p1.total"], base, store, oneC });
		expect(rows.map((r) => [r.part, r.base, r.store, r.oneC, r.conflict])).toEqual([
			["lines.p1.quantity", "1", "2", "3", true],
			["lines.p1.total", "100", "200", "300", true],
			["lines.p2", "1 × 300 = 300", "1 × 300 = 300", null, false],
			["lines.p3", null, "1 × 50 = 50", null, false],
			["delivery", "250", "250", "300", false],
			["total", "650", "800", "550", false],
			["comment", "до 18:00", "позвонить", "до 18:00", false],
		]);
	});

	it("a value a side did not send (null line field, comment, buyer, currency) is unchanged, not cleared", () => {
		const base = content([line("p1", "1", "100", { sku: "A-1" })]);
		const oneC = content([line("p1", "1", "100", { sku: null, kind: null })], { comment: null, buyer: null, currency: null });
		expect(conflictRows({ nodeId: "n1", parts: [], base, store: base, oneC })).toEqual([]);
		const rows = conflictRows({ nodeId: "n1", parts: ["comment"], base, store: content(base.lines, { comment: "x" }), oneC });
		expect(rows).toEqual([
			{ part: "comment", line: null, field: "comment", base: "до 18:00", store: "x", oneC: undefined, conflict: true },
		]);
		// a delivery line that is gone is a change (null is a value there)
		const noDelivery = conflictRows({ nodeId: "n1", parts: [], base, store: base, oneC: { ...base, delivery: null } });
		expect(noDelivery.map((r) => [r.part, r.oneC])).toEqual([["delivery", null]]);
	});
});
