/**
 * End to end against the real Obmen server (started by test/global-setup.ts): the demo admin page at
 * /admin, the served bundle, the admin API, and a 1C exchange run by the emulator.
 */
import { describe, expect, inject, it } from "vitest";
import { commands } from "vitest/browser";
import type {} from "./global-setup.ts";

const server = inject("obmenServer");
const skip = inject("obmenServerSkip");

const SETTINGS = "obmen-exchange-settings";
const PREVIEW_XML = "obmen-export-preview pre";
const JOURNAL = "obmen-exchange-journal";
const shadowValue = (sel: string) => `document.querySelector("${SETTINGS}").shadowRoot.querySelector("${sel}").value`;

describe.skipIf(!server)(`demo admin page on the real server${skip ? ` (${skip})` : ""}`, () => {
	it("changes a setting, sees the preview change, runs a 1C exchange and sees it in the journal", async () => {
		if (!server) return;
		const page = await commands.e2eOpen(`${server.url}/admin?token=${encodeURIComponent(server.token)}`);
		try {
			// the page took the token from ?token= and removed it from the address bar
			expect(await commands.e2eWaitText(page, SETTINGS, "УТ 11 (e2e)")).toContain("УТ 11 (e2e)");
			expect(await commands.e2eEval(page, "location.search")).toBe("");
			expect(await commands.e2eEval(page, `localStorage.getItem("obmen-admin-token")`)).toBe(server.token);
			expect(await commands.e2eEval(page, shadowValue("#f-exchangeUrl"))).toBe(`${server.url}/exim_1c`);

			// shipping is off: no ORDER_DELIVERY line in what 1C would get
			const before = await commands.e2eWaitText(page, PREVIEW_XML, "<КоммерческаяИнформация");
			expect(before).toContain("1001");
			expect(before).not.toContain("ORDER_DELIVERY");
			await commands.e2eScreenshot(page, null, "test-artifacts/admin-page-before.png");

			// turn shipping-as-service on and save through the real admin API
			await commands.e2eAct(page, { op: "select", role: "combobox", name: "Доставка отдельной услугой", value: "paid" });
			expect(await commands.e2eWaitText(page, SETTINGS, "Есть несохранённые изменения")).toContain("Есть несохранённые изменения");
			await commands.e2eAct(page, { op: "click", role: "button", name: "Сохранить" });
			expect(await commands.e2eWaitText(page, SETTINGS, "Настройки сохранены")).toContain("Настройки сохранены");

			// the preview re-reads itself: the ORDER_DELIVERY service line appears
			expect(await commands.e2eWaitText(page, PREVIEW_XML, "ORDER_DELIVERY")).toContain("ORDER_DELIVERY");
			await commands.e2eScreenshot(page, SETTINGS, "test-artifacts/e2e-obmen-exchange-settings.png");
			await commands.e2eScreenshot(page, "obmen-export-preview", "test-artifacts/e2e-obmen-export-preview.png");

			// a 1C УТ 11 exchange (emulator): checkauth → init → query → success, then file → import of the paid order
			const run = await commands.e2eRunEmulator();
			expect(run.deviations).toEqual([]);
			expect(run.ok).toBe(true);
			await commands.e2eAct(page, { op: "click", selector: `${JOURNAL} button:has-text("Обновить")` });
			const journal = await commands.e2eWaitText(page, JOURNAL, "import");
			for (const mode of ["checkauth", "init", "query", "success", "file", "import"]) expect(journal).toContain(`sale / ${mode}`);
			expect(journal).toMatch(/загружено: 1/);
			expect(journal).toMatch(/Сеанс 1С/);
			await commands.e2eScreenshot(page, JOURNAL, "test-artifacts/e2e-obmen-exchange-journal.png");
			await commands.e2eScreenshot(page, null, "test-artifacts/admin-page.png");

			// the saved setting survives a reload (token now from localStorage)
			await commands.e2eEval(page, "location.reload()");
			await commands.e2eWaitText(page, SETTINGS, "УТ 11 (e2e)");
			expect(await commands.e2eEval(page, shadowValue("#f-settings-shipping"))).toBe("paid");

			// English
			await commands.e2eAct(page, { op: "click", role: "link", name: "EN" });
			expect(await commands.e2eWaitText(page, SETTINGS, "Shipping as a separate service line")).toContain(
				"Shipping as a separate service line",
			);
		} finally {
			await commands.e2eClose(page);
		}
	});
});
