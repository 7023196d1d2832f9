/**
 * End to end on a fresh real server (no 1C node yet, started by test/global-setup.ts): the first node is created
 * through `<obmen-nodes>` on the demo admin page, then orders are sent again (rewind, resend) and deleted, and what a
 * 1C client gets from `mode=query` is checked; the page must not scroll sideways on a phone.
 */
import { describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import type {} from "./global-setup.ts";

const fresh = inject("obmenFreshServer");

const NODES = "obmen-nodes";
const PREVIEW_XML = "obmen-export-preview pre";
const order = (id: string, number: string) => ({
	id,
	number,
	createdAt: "2026-11-27T10:00:00+03:00",
	status: "new",
	customer: { name: "Иванов Иван" },
	items: [{ productId: "p1", name: "Самовар", quantity: 1, price: "4200.00" }],
});
const numbers = (xml: string) => [...xml.matchAll(/<Номер>([^<]+)<\/Номер>/g)].map((m) => m[1]);

describe.skipIf(!fresh)("the operator's console on a fresh server", () => {
	it("creates the first node, sends orders again, deletes one through 1C; no sideways scroll at 390 px", async () => {
		if (!fresh) return;
		const { url, token } = fresh;
		const page = await commands.e2eOpen(`${url}/admin?token=${encodeURIComponent(token)}`);
		try {
			expect(await commands.e2eWaitText(page, NODES, "Узлов 1С ещё нет")).toContain("Узлов 1С ещё нет");
			expect(await commands.e2eEval(page, `document.querySelector("obmen-exchange-settings").hidden`)).toBe(true);

			await commands.e2eAct(page, { op: "fill", selector: `${NODES} #new-name`, value: "УТ 11 Центральный" });
			await commands.e2eAct(page, { op: "fill", selector: `${NODES} #new-login`, value: "ut-main" });
			await commands.e2eAct(page, { op: "click", role: "button", name: "Создать узел" });
			const created = await commands.e2eWaitText(page, NODES, "создан");
			expect(created).toContain("Узел «УТ 11 Центральный» создан.");
			expect(created).toContain(`${url}/exim_1c`);
			const password = String(
				await commands.e2eEval(page, `document.querySelector("obmen-nodes").shadowRoot.querySelector("#secret-value").value`),
			);
			expect(password).toMatch(/^[0-9a-f]{20}$/);
			// the other elements got the new node
			expect(await commands.e2eWaitText(page, "obmen-exchange-settings", "УТ 11 Центральный")).toContain("УТ 11 Центральный");
			expect(await commands.e2eEval(page, `document.querySelector("obmen-exchange-settings").hidden`)).toBe(false);
			await commands.e2eScreenshot(page, NODES, "test-artifacts/e2e-obmen-nodes.png");

			// two orders go to 1C and are acknowledged
			for (const [id, n] of [
				["o1", "1"],
				["o2", "2"],
			] as const)
				expect((await commands.e2eApi(url, token, "PUT", `/api/v1/orders/${id}`, order(id, n))).status).toBe(201);
			expect(numbers(await commands.e2eRawExchange(url, "ut-main", password))).toEqual(["1", "2"]);
			expect(numbers(await commands.e2eRawExchange(url, "ut-main", password))).toEqual([]);

			// "send again from number 2": the preview shows it at once, and 1C gets it in the next query
			await commands.e2eAct(page, { op: "fill", selector: `${NODES} #rewind-value`, value: "2" });
			await commands.e2eAct(page, { op: "click", selector: `${NODES} #node-actions form:nth-of-type(2) button` });
			expect(await commands.e2eWaitText(page, NODES, "Поставлено в очередь на отправку: 1")).toContain(
				"Поставлено в очередь на отправку: 1",
			);
			expect(await commands.e2eWaitText(page, PREVIEW_XML, "<Номер>2</Номер>")).toContain("<Номер>2</Номер>");
			expect(numbers(await commands.e2eRawExchange(url, "ut-main", password))).toEqual(["2"]);

			// resend one order by id
			await commands.e2eAct(page, { op: "fill", selector: `${NODES} #resend-ids`, value: "o1" });
			await commands.e2eAct(page, { op: "click", selector: `${NODES} #node-actions form:nth-of-type(3) button` });
			expect(await commands.e2eWaitText(page, PREVIEW_XML, "<Номер>1</Номер>")).toContain("<Номер>1</Номер>");
			expect(numbers(await commands.e2eRawExchange(url, "ut-main", password))).toEqual(["1"]);

			// deleting an order: 1C gets it once more with the deletion mark, then it is gone from the store
			expect((await commands.e2eApi(url, token, "DELETE", "/api/v1/orders/o2")).status).toBe(202);
			const xml = await commands.e2eRawExchange(url, "ut-main", password);
			expect(numbers(xml)).toEqual(["2"]);
			expect(xml).toMatch(/<Наименование>ПометкаУдаления<\/Наименование><Значение>true<\/Значение>/);
			expect((await commands.e2eApi(url, token, "GET", "/api/v1/orders/o2")).status).toBe(404);

			// the node now shows its last exchange as ok
			await commands.e2eEval(page, `document.querySelector("obmen-nodes").load()`);
			expect(await commands.e2eWaitText(page, NODES, "работает")).toContain("✓ работает");

			// phone and laptop: the page never scrolls sideways
			for (const [w, h] of [
				[390, 844],
				[1280, 800],
			] as const) {
				await commands.e2eViewport(page, w, h);
				await commands.e2eScreenshot(page, null, `test-artifacts/admin-page-${w}.png`);
				const overflow = await commands.e2eEval(page, "document.documentElement.scrollWidth - window.innerWidth");
				expect(overflow, `${w}×${h}`).toBeLessThanOrEqual(0);
			}
		} finally {
			await commands.e2eClose(page);
		}
	});
});
