import { afterEach, beforeEach, describe, expect, it } from "vitest";
import "./index.ts";
import { conflictRows } from "./conflicts.ts";
import { installFakeApi, until } from "./test-support/fake-api.ts";
import type { ConflictItem, ContentLine, OrderContent } from "./types.ts";

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

describe("<obmen-conflicts>", () => {
	let fake: ReturnType<typeof installFakeApi>;
	let host: HTMLDivElement;
	beforeEach(() => {
		fake = installFakeApi({ token: "tok" });
		const base = content([line("p1", "1", "4200", { name: "Самовар" }), line("p2", "2", "150", { name: "Чашка" })]);
		fake.conflicts.push(
			{
				id: "o1",
				number: "1001",
				held: {
					nodeId: "n1",
					parts: ["lines.p1.quantity", "lines.p1.total"],
					base,
					store: content([line("p1", "2", "4200", { name: "Самовар" }), base.lines[1] as ContentLine], { comment: "позвонить" }),
					oneC: content([line("p1", "3", "4200", { name: "Самовар" })], { comment: null }),
				},
			},
			{ id: "o9", number: "9009", held: { nodeId: "other", parts: ["comment"], base, store: base, oneC: base } },
		);
	});
	afterEach(() => {
		host?.remove();
		fake.restore();
	});

	async function mount(lang: string, width = 900): Promise<HTMLElement> {
		host = document.createElement("div");
		host.style.width = `${width}px`;
		host.innerHTML = `<obmen-conflicts token="tok" node-id="n1" lang="${lang}"></obmen-conflicts>`;
		document.body.append(host);
		const el = host.firstElementChild as HTMLElement;
		await until(() => expect(el.shadowRoot?.querySelector("section, p:not(.help)")).toBeTruthy());
		return el;
	}

	it("lists only this node's held orders with the diff in English; the conflicting rows say so in text", async () => {
		const el = await mount("en");
		const sections = el.shadowRoot?.querySelectorAll("section") ?? [];
		expect(sections).toHaveLength(1);
		expect(sections[0]?.querySelector("h3")?.textContent).toBe("Order No. 1001");
		const head = [...(sections[0]?.querySelectorAll("thead th") ?? [])].map((t) => t.textContent);
		expect(head).toEqual(["Part", "Before", "Store", "1C"]);
		const row = (part: string) =>
			[...(sections[0]?.querySelectorAll(`tr[data-part="${part}"] > *`) ?? [])].map((c) => c.textContent?.replace(/\s+/g, " ").trim());
		expect(row("lines.p1.quantity")).toEqual(["⚠ changed on both sides Самовар (p1): quantity", "1", "✎ changed: 2", "✎ changed: 3"]);
		expect(row("lines.p1.total")).toEqual([
			"⚠ changed on both sides Самовар (p1): sum",
			"4,200.00",
			"✎ changed: 8,400.00",
			"✎ changed: 12,600.00",
		]);
		expect(row("lines.p2")?.at(-1)).toBe("✎ changed: no line");
		expect(row("comment")).toEqual(["comment", "до 18:00", "✎ changed: позвонить", "not sent (unchanged)"]);
		expect(row("total")?.[0]).toBe("order total");
		expect(fake.requests.at(-1)?.url.searchParams.get("node")).toBe("n1");
	});

	it("the buttons call resolve with take store / 1c and the list reloads; a conflict already settled is explained", async () => {
		const el = await mount("ru");
		const events: unknown[] = [];
		el.addEventListener("obmen-conflict-resolved", (e) => events.push((e as CustomEvent).detail));
		const buttons = () => [...(el.shadowRoot?.querySelectorAll<HTMLButtonElement>("section button") ?? [])];
		expect(buttons().map((b) => b.textContent)).toEqual(["Оставить версию сайта", "Принять версию 1С"]);
		buttons()[1]?.click();
		await until(() => expect(el.shadowRoot?.textContent).toContain("Конфликтов нет."));
		const post = fake.requests.find((r) => r.method === "POST");
		expect(post?.url.pathname).toBe("/api/v1/orders/o1/resolve");
		expect(post?.body).toEqual({ take: "1c" });
		expect(el.shadowRoot?.querySelector('[role="status"]')?.textContent).toContain("Заказ № 1001: принята версия 1С");
		expect(events).toEqual([{ nodeId: "n1", orderId: "o1", take: "1c" }]);

		// another operator settled it meanwhile: the server answers 409 not_held
		fake.conflicts.push({
			...(fake.conflicts[0] as ConflictItem),
			id: "o2",
			number: "1002",
			held: { ...(fake.conflicts[0] as ConflictItem).held, nodeId: "n1" },
		});
		await (el as HTMLElement & { load(): Promise<void> }).load();
		await until(() => expect(buttons()).toHaveLength(2));
		fake.conflicts.length = 0;
		buttons()[0]?.click();
		await until(() => expect(el.shadowRoot?.querySelector('[role="alert"]')?.textContent).toContain("Заказ № 1002 уже не ждёт решения"));
		expect(fake.requests.filter((r) => r.method === "POST").at(-1)?.body).toEqual({ take: "store" });
	});

	it("a phone (390 px): the element is no wider than the page; the diff scrolls inside its own box", async () => {
		const el = await mount("ru", 390);
		expect(el.getBoundingClientRect().width).toBeLessThanOrEqual(390);
		expect(el.shadowRoot?.querySelector<HTMLElement>(".root")?.scrollWidth).toBeLessThanOrEqual(390);
		expect(host.scrollWidth).toBeLessThanOrEqual(390);
		expect(el.shadowRoot?.querySelector(".scroll table")).toBeTruthy();
	});
});
