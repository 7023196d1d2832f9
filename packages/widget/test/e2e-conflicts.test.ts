/**
 * End to end on a real server with its own 1C node (test/global-setup.ts's scratch server): two orders go to 1C, the
 * store changes them, 1C uploads other edits of the same lines, so both are held as content conflicts (issue #12,
 * node setting `conflicts: "hold"`). `<obmen-conflicts>` on the demo admin page shows the side-by-side diff; one
 * order is settled with "take 1C's", the other with "keep the store's", and the API and the next 1C exchange show the
 * outcome. The page must not scroll sideways on a phone.
 */
import { describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import type {} from "./global-setup.ts";

const scratch = inject("obmenScratchServer");

const CONFLICTS = "obmen-conflicts";
const login = "ut-conflicts";
const password = "conflicts-e2e-password";

type Line = { productId: string; name: string; quantity: number; price: string };
const order = (id: string, number: string, items: Line[], comment: string) => ({
	id,
	number,
	createdAt: "2026-11-27T10:00:00+03:00",
	status: "new",
	customer: { name: "Иванов Иван" },
	items,
	comment,
});
const samovar = (quantity: number): Line => ({ productId: "p1", name: "Самовар", quantity, price: "4200.00" });
const cups: Line = { productId: "p2", name: "Чашка", quantity: 2, price: "150.00" };

/** A 1C upload of the orders `number → lines` (id, quantity, price): what 1C sends after a manager's edits. */
function upload(docs: [string, [string, string, number, string][]][]): string {
	const body = docs
		.map(([number, lines]) => {
			const sum = (q: number, p: string) => (q * Number(p)).toFixed(2);
			const total = lines.reduce((a, [, , q, p]) => a + q * Number(p), 0).toFixed(2);
			const items = lines
				.map(
					([id, name, q, p]) =>
						`<Товар><Ид>${id}</Ид><Наименование>${name}</Наименование><ЦенаЗаЕдиницу>${p}</ЦенаЗаЕдиницу><Количество>${q}</Количество><Сумма>${sum(q, p)}</Сумма></Товар>`,
				)
				.join("");
			return `<Документ><Ид>guid-${number}</Ид><Номер>${number}</Номер><Дата>2026-11-27</Дата><ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>
		<Валюта>RUB</Валюта><Курс>1</Курс><Сумма>${total}</Сумма>
		<Контрагенты><Контрагент><Ид>c1</Ид><Наименование>Иванов Иван</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
		<Товары>${items}</Товары></Документ>`;
		})
		.join("\n");
	return `<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2026-11-28T12:00:00">
${body}
</КоммерческаяИнформация>`;
}

const numbers = (xml: string) => [...xml.matchAll(/<Номер>([^<]+)<\/Номер>/g)].map((m) => m[1]);

describe.skipIf(!scratch)("held content conflicts in the operator's console", () => {
	it("shows base / store / 1C side by side and settles each order with its button; 1C then gets only the store's version", async () => {
		if (!scratch) return;
		const { url, token } = scratch;
		const api = (method: string, path: string, body?: unknown) => commands.e2eApi(url, token, method, path, body);
		const created = await api("POST", "/api/v1/nodes", { name: "УТ 11 (конфликты)", login, password });
		expect(created.status).toBe(201);
		const nodeId = String((created.body as { id: string }).id);

		// both orders go to 1C and are acknowledged
		expect((await api("PUT", "/api/v1/orders/c1", order("c1", "5001", [samovar(1), cups], "Позвонить"))).status).toBe(201);
		expect((await api("PUT", "/api/v1/orders/c2", order("c2", "5002", [samovar(1)], "Позвонить"))).status).toBe(201);
		expect(numbers(await commands.e2eRawExchange(url, login, password))).toEqual(["5001", "5002"]);

		// the store changes the samovar's quantity to 2 (and c1's comment)…
		expect((await api("PUT", "/api/v1/orders/c1", order("c1", "5001", [samovar(2), cups], "Позвонить до 18:00"))).status).toBe(200);
		expect((await api("PUT", "/api/v1/orders/c2", order("c2", "5002", [samovar(2)], "Позвонить"))).status).toBe(200);
		// …and a manager in 1C sets it to 3 (and removes c1's cups) before 1C gets the store's edit
		const replies = await commands.e2eRawUpload(
			url,
			login,
			password,
			upload([
				["5001", [["p1", "Самовар", 3, "4200.00"]]],
				["5002", [["p1", "Самовар", 3, "4200.00"]]],
			]),
		);
		expect(replies.at(-1)).toMatch(/^success/);
		const held = (await api("GET", `/api/v1/conflicts?node=${nodeId}`)).body as { items: { id: string; held: { parts: string[] } }[] };
		expect(held.items.map((i) => i.id)).toEqual(["c1", "c2"]);
		expect(held.items[0]?.held.parts).toContain("lines.p1.quantity");
		// held orders are not exported
		expect(numbers(await commands.e2eRawExchange(url, login, password))).toEqual([]);

		const page = await commands.e2eOpen(`${url}/admin?token=${encodeURIComponent(token)}`);
		try {
			const text = await commands.e2eWaitText(page, CONFLICTS, "Заказ № 5002");
			expect(text).toContain("Заказ № 5001");
			expect(text).toContain("изменено с обеих сторон");
			// c1: the samovar's quantity (1 → store 2, 1C 3) is the conflict; the cups 1C removed and the store's comment merge
			const row = (order: string, part: string) =>
				commands.e2eEval(
					page,
					`[...document.querySelector("${CONFLICTS}").shadowRoot.querySelectorAll('section[data-order="${order}"] tr[data-part="${part}"] > *')].map((c) => c.textContent.replace(/\\s+/g, " ").trim())`,
				) as Promise<string[]>;
			const quantity = await row("c1", "lines.p1.quantity");
			expect(quantity[0]).toMatch(/изменено с обеих сторон.*Самовар \(p1\): количество/);
			expect(quantity.slice(1)).toEqual(["1", "✎ изменено: 2", "✎ изменено: 3"]);
			expect(await row("c1", "lines.p2")).toEqual([
				"Чашка (p2): строка (количество × цена = сумма)",
				"2 × 150 = 300",
				"2 × 150 = 300",
				"✎ изменено: нет строки",
			]);
			expect((await row("c1", "comment")).slice(1)).toEqual(["Позвонить", "✎ изменено: Позвонить до 18:00", "не передано (без изменений)"]);
			await commands.e2eScreenshot(page, CONFLICTS, "test-artifacts/e2e-obmen-conflicts.png");

			// a phone: the diff scrolls inside its own box, the page never sideways
			await commands.e2eViewport(page, 390, 844);
			await commands.e2eScreenshot(page, CONFLICTS, "test-artifacts/e2e-obmen-conflicts-390.png");
			expect(await commands.e2eEval(page, "document.documentElement.scrollWidth - window.innerWidth")).toBeLessThanOrEqual(0);
			await commands.e2eViewport(page, 1280, 1000);

			// c1: take 1C's version
			await commands.e2eAct(page, { op: "click", selector: `${CONFLICTS} section[data-order="c1"] button:nth-of-type(2)` });
			expect(await commands.e2eWaitText(page, CONFLICTS, "Заказ № 5001: принята версия 1С")).toContain("в 1С ничего не отправляется");
			// c2: keep the store's
			await commands.e2eAct(page, { op: "click", role: "button", name: "Оставить версию сайта" });
			expect(await commands.e2eWaitText(page, CONFLICTS, "Конфликтов нет.")).toContain("Заказ № 5002: оставлена версия сайта");
		} finally {
			await commands.e2eClose(page);
		}

		const c1 = (await api("GET", "/api/v1/orders/c1")).body as { items: { productId: string; quantity: unknown }[]; held: unknown };
		expect(c1.items.map((i) => [i.productId, Number(i.quantity)])).toEqual([["p1", 3]]);
		expect(c1.held ?? null).toBeNull();
		const c2 = (await api("GET", "/api/v1/orders/c2")).body as { items: { productId: string; quantity: unknown }[]; held: unknown };
		expect(c2.items.map((i) => [i.productId, Number(i.quantity)])).toEqual([["p1", 2]]);
		expect(((await api("GET", `/api/v1/conflicts?node=${nodeId}`)).body as { items: unknown[] }).items).toEqual([]);
		// 1C gets the store's version of c2 only: it already has its own version of c1
		const xml = await commands.e2eRawExchange(url, login, password);
		expect(numbers(xml)).toEqual(["5002"]);
		expect(xml).toMatch(/<Количество>2<\/Количество>/);
	});
});
