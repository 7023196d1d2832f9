import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { page, userEvent } from "vitest/browser";
import "./index.ts";
import type { ObmenExchangeSettings } from "./exchange-settings.ts";
import { installFakeApi, until } from "./test-support/fake-api.ts";

let fake: ReturnType<typeof installFakeApi>;
let el: ObmenExchangeSettings;

async function mount(attrs: Record<string, string> = {}): Promise<ObmenExchangeSettings> {
	const e = document.createElement("obmen-exchange-settings");
	for (const [k, v] of Object.entries({ "node-id": "n1", lang: "ru", ...attrs })) e.setAttribute(k, v);
	document.body.append(e);
	await until(() => expect(e.shadowRoot?.querySelector("form")).toBeTruthy());
	return e;
}

const q = <T extends Element = HTMLElement>(sel: string) => {
	const found = el.shadowRoot?.querySelector<T>(sel);
	if (!found) throw new Error(`no ${sel}`);
	return found;
};
const shadowText = () => el.shadowRoot?.textContent?.replace(/\s+/g, " ") ?? "";

beforeEach(() => {
	fake = installFakeApi({ token: "tok" });
});
afterEach(() => {
	el?.remove();
	fake.restore();
	vi.restoreAllMocks();
});

describe("<obmen-exchange-settings>", () => {
	it("renders every setting with a label and an explanation", async () => {
		el = await mount({ token: "tok" });
		const text = shadowText();
		for (const phrase of [
			"Отменен",
			"Финальный статус",
			"Webhook",
			"ORDER_DELIVERY",
			"Выгружать опции товаров",
			"начиная с номера",
			"Статус заказа",
			"Ни одного не выбрано",
			"Загружать статусы из 1С",
			"windows-1251",
			"Версия схемы CommerceML",
			"zip",
			"file_limit",
			"Заказов за один обмен",
			"Создавать заказы",
		]) {
			expect(text).toContain(phrase);
		}
		// every form control has an accessible name
		for (const control of el.shadowRoot?.querySelectorAll("input, select, button") ?? []) {
			const id = control.id;
			const labelled =
				control.getAttribute("aria-label") ||
				control.closest("label") ||
				(id && el.shadowRoot?.querySelector(`label[for="${id}"]`)) ||
				control.textContent?.trim();
			expect(labelled, control.outerHTML).toBeTruthy();
		}
		expect(q<HTMLInputElement>("#f-exchangeUrl").value).toBe("http://shop.test/exim_1c");
		expect(q<HTMLInputElement>("#f-password").value).toBe("");
		expect(q<HTMLInputElement>("#f-password").type).toBe("password");
		expect(q<HTMLSelectElement>("#f-settings-shipping").value).toBe("paid");
		expect(q<HTMLInputElement>("#f-settings-fileLimit").value).toBe(String(8 * 1024 * 1024));
		// status picker lists the codes seen in orders, with counts
		const filter = [
			...(el.shadowRoot?.querySelectorAll<HTMLInputElement>('[data-list="exportStatusFilter"] input[data-status]') ?? []),
		].map((i) => i.dataset.status);
		expect(filter).toEqual(["N", "P", "F"]);
		await expect.element(page.getByRole("heading", { name: /УТ 11 Склад/ })).toBeVisible();
	});

	it("status pickers show the dictionary's names, including statuses no order has yet", async () => {
		fake.statuses = [
			{ code: "N", count: 3, name: "Новый" },
			{ code: "W", count: 0, name: "Ждёт оплаты" },
			{ code: "P", count: 1, name: null },
		];
		el = await mount({ token: "tok" });
		const labels = [...(el.shadowRoot?.querySelectorAll('[data-list="finalStatuses"] label') ?? [])].map((l) =>
			l.textContent?.replace(/\s+/g, " ").trim(),
		);
		expect(labels).toEqual(["N «Новый» (3)", "W «Ждёт оплаты» (0)", "P (1)"]);
		expect(el.shadowRoot?.querySelector('datalist option[value="W"]')?.getAttribute("label")).toBe("Ждёт оплаты");
	});

	it("shows validation messages next to the fields and does not call the API", async () => {
		el = await mount({ token: "tok" });
		const before = fake.requests.length;
		await userEvent.fill(page.getByRole("textbox", { name: "Максимальный размер части файла, байт" }), "100");
		await userEvent.fill(page.getByRole("textbox", { name: "Заказов за один обмен" }), "many");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(q("#f-settings-fileLimit-error").textContent).toContain("Не меньше 1024 байт"));
		expect(q("#f-settings-batchSize-error").textContent).toContain("Введите целое число");
		expect(q("#f-settings-fileLimit").getAttribute("aria-invalid")).toBe("true");
		expect(q("#f-settings-fileLimit").getAttribute("aria-describedby")).toContain("f-settings-fileLimit-error");
		expect(el.shadowRoot?.activeElement?.id).toBe("f-settings-fileLimit");
		expect(shadowText()).toContain("Исправьте ошибки в отмеченных полях (2)");
		expect(fake.requests.length).toBe(before);
	});

	it("saves only the changed settings and shows the server's answer (round trip)", async () => {
		el = await mount({ token: "tok" });
		const saved = vi.fn();
		el.addEventListener("obmen-settings-saved", saved);
		await userEvent.selectOptions(page.getByRole("combobox", { name: "Доставка отдельной услугой" }), "always");
		await userEvent.click(page.getByRole("checkbox", { name: "Выгружать опции товаров" }));
		q<HTMLInputElement>('[data-list="exportStatusFilter"] input[data-status="N"]').click();
		await userEvent.fill(page.getByRole("textbox", { name: "Новый пароль 1С" }), "correct horse");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(saved).toHaveBeenCalledTimes(1));
		const patch = fake.requests.find((r) => r.method === "PATCH");
		expect(patch?.headers.get("authorization")).toBe("Bearer tok");
		expect(patch?.body).toEqual({
			settings: { shipping: "always", exportOptions: true, exportStatusFilter: ["N"] },
			password: "correct horse",
		});
		expect(fake.node.settings.shipping).toBe("always");
		expect(fake.passwords).toEqual(["correct horse"]);
		await until(() => expect(shadowText()).toContain("Настройки сохранены"));
		// password field is cleared after saving and the form is clean again
		expect(q<HTMLInputElement>("#f-password").value).toBe("");
		expect(el.dirty).toBe(false);
	});

	it("shows a server validation error next to the field named by its path", async () => {
		el = await mount({ token: "tok" });
		fake.failNextPatch = {
			status: 400,
			error: { code: "VALIDATION", message: "Номер 12x is not a valid order number", path: "settings.exportFromNumber" },
		};
		await userEvent.fill(page.getByRole("textbox", { name: "Выгружать заказы начиная с номера" }), "12x");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(q("#f-settings-exportFromNumber-error").textContent).toContain("12x is not a valid order number"));
		expect(q("#f-settings-exportFromNumber").getAttribute("aria-invalid")).toBe("true");
		expect(el.dirty).toBe(true);
		expect(fake.node.settings.exportFromNumber).toBeNull();
	});

	it("maps a server error on an export status key to that table row", async () => {
		el = await mount({ token: "tok" });
		fake.failNextPatch = { status: 400, error: { code: "VALIDATION", message: "1C status too long", path: "settings.statusMap.export.P" } };
		await userEvent.fill(page.getByRole("textbox", { name: "Статус в 1С 1" }), "x".repeat(10));
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(q("#f-settings-statusMap-export-0-to-error").textContent).toContain("1C status too long"));
	});

	it("guards unsaved changes on page unload", async () => {
		el = await mount({ token: "tok" });
		const dirtyEvents: boolean[] = [];
		el.addEventListener("obmen-dirty-change", (e) => dirtyEvents.push((e as CustomEvent<{ dirty: boolean }>).detail.dirty));
		const unload = () => {
			const ev = new Event("beforeunload", { cancelable: true });
			window.dispatchEvent(ev);
			return ev.defaultPrevented;
		};
		expect(unload()).toBe(false);
		await userEvent.click(page.getByRole("checkbox", { name: "Принимать файлы из 1С в zip" }));
		expect(unload()).toBe(true);
		await expect.element(page.getByText("Есть несохранённые изменения")).toBeVisible();
		// discard asks first; declining keeps the edit
		const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false).mockReturnValueOnce(true);
		expect(el.discard()).toBe(false);
		expect(unload()).toBe(true);
		expect(el.discard()).toBe(true);
		expect(confirm).toHaveBeenCalledTimes(2);
		expect(unload()).toBe(false);
		expect(dirtyEvents).toEqual([true, false]);
	});

	it("asks before switching to another node with unsaved changes", async () => {
		el = await mount({ token: "tok" });
		await userEvent.click(page.getByRole("checkbox", { name: "Выгружать опции товаров" }));
		const confirm = vi.spyOn(window, "confirm").mockReturnValueOnce(false);
		el.setAttribute("node-id", "other");
		await until(() => expect(confirm).toHaveBeenCalledTimes(1));
		await until(() => expect(el.nodeId).toBe("n1"));
		await el.updateComplete;
		expect(el.dirty).toBe(true);
		expect(fake.requests.some((r) => r.url.pathname.endsWith("/other"))).toBe(false);
		// the same node re-announced (e.g. a new token) keeps the edits without asking
		el.token = "tok-renewed";
		await el.updateComplete;
		expect(el.dirty).toBe(true);
		expect(confirm).toHaveBeenCalledTimes(1);
	});

	it("is fully keyboard operable: Tab order, Space toggles, Enter submits", async () => {
		el = await mount({ token: "tok" });
		q<HTMLInputElement>("#f-exchangeUrl").focus();
		await userEvent.tab();
		expect(el.shadowRoot?.activeElement?.textContent).toBe("Копировать адрес");
		await userEvent.tab();
		expect(el.shadowRoot?.activeElement?.id).toBe("f-login");
		// walk forward to the zip checkbox with Tab only
		for (let i = 0; i < 80 && el.shadowRoot?.activeElement?.id !== "f-settings-zip"; i++) await userEvent.tab();
		expect(el.shadowRoot?.activeElement?.id).toBe("f-settings-zip");
		await userEvent.keyboard(" ");
		expect(q<HTMLInputElement>("#f-settings-zip").checked).toBe(false);
		await userEvent.tab();
		expect(el.shadowRoot?.activeElement?.id).toBe("f-settings-fileLimit");
		// focus is visible (outline from :focus-visible)
		expect(getComputedStyle(q("#f-settings-fileLimit")).outlineStyle).toBe("solid");
		await userEvent.keyboard("{Enter}");
		await until(() => expect(fake.requests.some((r) => r.method === "PATCH")).toBe(true));
		expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({ settings: { zip: false } });
	});

	it("switches between Russian and English", async () => {
		el = await mount({ token: "tok", lang: "en" });
		await expect.element(page.getByRole("button", { name: "Save" })).toBeVisible();
		expect(shadowText()).toContain("Shipping as a separate service line");
		el.setAttribute("lang", "ru");
		await expect.element(page.getByRole("button", { name: "Сохранить" })).toBeVisible();
		expect(shadowText()).toContain("Доставка отдельной услугой");
		expect(shadowText()).not.toContain("Shipping as a separate service line");
	});

	it("edits the ordered import rules (flags yes/no, exact 1C status text, order matters)", async () => {
		el = await mount({ token: "tok" });
		await userEvent.click(page.getByRole("button", { name: "Добавить правило" }));
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(q("#f-settings-statusMap-import-1-status-error").textContent).toContain("Заполните поле"));
		await userEvent.fill(page.getByRole("combobox", { name: "Статус магазина 2" }), "F");
		await userEvent.fill(page.getByRole("textbox", { name: "Значение (статус 1С — точный текст) 2" }), "Закрыт");
		await userEvent.selectOptions(page.getByRole("combobox", { name: "Значение (статус 1С — точный текст) 1" }), "false");
		await userEvent.click(page.getByRole("button", { name: "Выше 2" }));
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.requests.some((r) => r.method === "PATCH")).toBe(true));
		expect(fake.node.settings.statusMap.import).toEqual([
			{ on: "status", value: "Закрыт", status: "F" },
			{ on: "paid", value: "false", status: "P" },
		]);
	});

	it("edits the store statuses that send «Отменен» and the webhook URL", async () => {
		el = await mount({ token: "tok" });
		const cancelled = el.shadowRoot?.querySelector('[data-list="cancelledStatuses"] input[data-status="F"]') as HTMLInputElement;
		cancelled.focus();
		await userEvent.keyboard(" ");
		await userEvent.fill(page.getByRole("textbox", { name: "Webhook: адрес для уведомлений об изменениях" }), "ftp://x");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(q("#f-settings-webhookUrl-error").textContent).toContain("http://"));
		await userEvent.fill(page.getByRole("textbox", { name: "Webhook: адрес для уведомлений об изменениях" }), "https://crm.test/hook");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.requests.some((r) => r.method === "PATCH")).toBe(true));
		expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({
			settings: { cancelledStatuses: ["F"], webhookUrl: "https://crm.test/hook" },
		});
	});

	it("copies the exchange URL and generates a password shown only before saving", async () => {
		el = await mount({ token: "tok" });
		const write = vi.spyOn(navigator.clipboard, "writeText").mockResolvedValue();
		await userEvent.click(page.getByRole("button", { name: "Копировать адрес" }));
		expect(write).toHaveBeenCalledWith("http://shop.test/exim_1c");
		await expect.element(page.getByText("Адрес скопирован")).toBeVisible();
		await userEvent.click(page.getByRole("button", { name: "Сгенерировать пароль" }));
		const pwd = q<HTMLInputElement>("#f-password");
		expect(pwd.type).toBe("text");
		expect(pwd.value).toMatch(/^[A-Za-z0-9]{20}$/);
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.passwords).toEqual([pwd.value || fake.passwords[0]]));
		await until(() => expect(q<HTMLInputElement>("#f-password").type).toBe("password"));
		expect(q<HTMLInputElement>("#f-password").value).toBe("");
	});
});

describe("<obmen-exchange-settings>: 1C configuration, apply on upload, VAT", () => {
	const menuText = () => q("[data-menu]").textContent?.replace(/\s+/g, " ").trim() ?? "";

	it("chooses each 1C configuration, shows its 1C menu path beside the choice and saves it", async () => {
		el = await mount({ token: "tok" });
		const select = page.getByRole("combobox", { name: "Конфигурация 1С" });
		// a server without the key: the server default (ut) is shown and nothing is dirty
		expect(q<HTMLSelectElement>("#f-settings-configuration").value).toBe("ut");
		expect(el.dirty).toBe(false);
		expect(menuText()).toContain("НСИ и администрирование → Настройка интеграции → Обмен с сайтом");
		const options = [...q<HTMLSelectElement>("#f-settings-configuration").options].map((o) => [o.value, o.textContent]);
		expect(options).toEqual([
			["ut", "УТ 11, КА 2, ERP, BAS"],
			["retail", "Розница 2"],
			["unf", "УНФ 3.0 и 1.6"],
			["bp", "Бухгалтерия предприятия 3.0"],
		]);
		const expected: [string, string][] = [
			["retail", "Администрирование → Обмен с сайтом"],
			["unf", "Настройки → Интеграции → Обмен с сайтом"],
			["bp", "Администрирование → Настройки программы → Настройки обмена с интернет-магазином"],
			["ut", "НСИ и администрирование → Настройка интеграции"],
		];
		for (const [value, path] of expected) {
			await userEvent.selectOptions(select, value);
			await until(() => expect(q("[data-menu]").dataset.menu).toBe(value));
			expect(menuText()).toContain(path);
		}
		await userEvent.selectOptions(select, "unf");
		expect(el.dirty).toBe(true);
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.requests.some((r) => r.method === "PATCH")).toBe(true));
		expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({ settings: { configuration: "unf" } });
		expect(fake.node.settings.configuration).toBe("unf");
		await until(() => expect(el.dirty).toBe(false));
		expect(menuText()).toContain("Настройки → Интеграции");
	});

	it("shows the stored configuration, apply mode and VAT of the node, and the menu path in English", async () => {
		fake.node.settings = { ...fake.node.settings, configuration: "bp", applyOnUpload: "never", vat: "20" };
		el = await mount({ token: "tok", lang: "en" });
		expect(q<HTMLSelectElement>("#f-settings-configuration").value).toBe("bp");
		expect(q<HTMLSelectElement>("#f-settings-applyOnUpload").value).toBe("never");
		expect(q<HTMLSelectElement>("#f-settings-vat").value).toBe("20");
		expect(el.dirty).toBe(false);
		expect(menuText()).toBe("In 1C: Администрирование → Настройки программы → Настройки обмена с интернет-магазином");
		await expect.element(page.getByRole("combobox", { name: "Apply a file from 1C without waiting for mode=import" })).toBeVisible();
		await expect.element(page.getByRole("combobox", { name: "VAT on order lines" })).toBeVisible();
		expect(shadowText()).toContain("УчтеноВСумме = true");
	});

	it("chooses when an upload is applied, with the reason in the hint, and saves it", async () => {
		el = await mount({ token: "tok" });
		const apply = page.getByRole("combobox", { name: "Применять файл из 1С, не дожидаясь mode=import" });
		expect(q<HTMLSelectElement>("#f-settings-applyOnUpload").value).toBe("complete");
		expect(q("#f-settings-applyOnUpload-help").textContent).toContain("Выгружать файлы без ожидания подтверждения импорта сервером");
		expect(q("#f-settings-applyOnUpload-help").textContent).toContain("Обмениваться оплатами и отгрузками, введенными на основании заказа");
		await userEvent.selectOptions(apply, "never");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.requests.filter((r) => r.method === "PATCH").length).toBe(1));
		expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({ settings: { applyOnUpload: "never" } });
		await until(() => expect(el.dirty).toBe(false));
		await userEvent.selectOptions(apply, "complete");
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.requests.filter((r) => r.method === "PATCH").length).toBe(2));
		expect(fake.requests.filter((r) => r.method === "PATCH")[1]?.body).toEqual({ settings: { applyOnUpload: "complete" } });
		expect(fake.node.settings.applyOnUpload).toBe("complete");
	});

	it("offers every VAT mode, each saved as its own PATCH value", async () => {
		el = await mount({ token: "tok" });
		const values = [...q<HTMLSelectElement>("#f-settings-vat").options].map((o) => o.value);
		expect(values).toEqual(["auto", "none", "22", "20", "10", "7", "5", "0"]);
		expect(q<HTMLSelectElement>("#f-settings-vat").value).toBe("auto");
		expect(q<HTMLSelectElement>("#f-settings-vat").selectedOptions[0]?.textContent).toContain("из товара");
		const vat = page.getByRole("combobox", { name: "НДС в строках заказа" });
		let saved = 0;
		for (const value of ["none", "22", "20", "10", "7", "5", "0", "auto"]) {
			await userEvent.selectOptions(vat, value);
			await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
			saved++;
			await until(() => expect(fake.requests.filter((r) => r.method === "PATCH").length).toBe(saved));
			expect(fake.requests.filter((r) => r.method === "PATCH")[saved - 1]?.body).toEqual({ settings: { vat: value } });
			await until(() => expect(el.dirty).toBe(false));
			expect(q<HTMLSelectElement>("#f-settings-vat").value).toBe(value);
		}
		expect(fake.node.settings.vat).toBe("auto");
	});

	it("warns when the chosen configuration cannot read the chosen VAT rate", async () => {
		el = await mount({ token: "tok" });
		const vat = page.getByRole("combobox", { name: "НДС в строках заказа" });
		const configuration = page.getByRole("combobox", { name: "Конфигурация 1С" });
		const warning = () => el.shadowRoot?.querySelector("#f-settings-vat ~ .warning")?.textContent ?? "";
		await userEvent.selectOptions(vat, "22");
		await until(() => expect(warning()).toContain("УТ 11, КА 2, ERP, BAS может не знать ставку 22 %"));
		await userEvent.selectOptions(configuration, "bp");
		await until(() => expect(warning()).toBe(""));
		await userEvent.selectOptions(vat, "5");
		await until(() => expect(warning()).toContain("Бухгалтерия предприятия 3.0 может не знать ставку 5 %"));
		await userEvent.selectOptions(vat, "20");
		await until(() => expect(warning()).toBe(""));
		await userEvent.selectOptions(configuration, "retail");
		await userEvent.selectOptions(vat, "none");
		await until(() => expect(warning()).toContain("«Без НДС» в строке прерывает загрузку"));
		await userEvent.selectOptions(configuration, "unf");
		await until(() => expect(warning()).toBe(""));
		await userEvent.click(page.getByRole("button", { name: "Сохранить" }));
		await until(() => expect(fake.requests.some((r) => r.method === "PATCH")).toBe(true));
		expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({ settings: { configuration: "unf", vat: "none" } });
	});
});
