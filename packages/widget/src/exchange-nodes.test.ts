import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import "./index.ts";
import type { ObmenNodes } from "./exchange-nodes.ts";
import { installFakeApi, until } from "./test-support/fake-api.ts";

let fake: ReturnType<typeof installFakeApi>;
let host: HTMLDivElement;

/** A page with `<obmen-nodes>` and the three elements it drives. */
async function mount(lang = "ru"): Promise<{ nodes: ObmenNodes; others: HTMLElement[] }> {
	host = document.createElement("div");
	host.innerHTML = `<obmen-nodes token="tok" lang="${lang}"></obmen-nodes>
		<obmen-exchange-settings token="tok" lang="${lang}"></obmen-exchange-settings>
		<obmen-export-preview token="tok" lang="${lang}"></obmen-export-preview>
		<obmen-exchange-journal token="tok" lang="${lang}" refresh-seconds="0"></obmen-exchange-journal>`;
	document.body.append(host);
	const nodes = host.querySelector("obmen-nodes") as ObmenNodes;
	await until(() => expect(nodes.shadowRoot?.querySelector("table, #empty")).toBeTruthy());
	return {
		nodes,
		others: [...host.querySelectorAll<HTMLElement>("obmen-exchange-settings, obmen-export-preview, obmen-exchange-journal")],
	};
}
const text = (el: Element | null | undefined) => el?.textContent?.replace(/\s+/g, " ").trim() ?? "";

beforeEach(() => {
	fake = installFakeApi({ token: "tok" });
});
afterEach(() => {
	host?.remove();
	fake.restore();
});

describe("<obmen-nodes>", () => {
	it("lists nodes with URL, login and a badge, and hands the first node to the other elements", async () => {
		fake.node.state = "failed";
		fake.node.lastExchange = { at: "2026-11-29T12:00:00Z", ok: false, error: "wrong password" };
		fake.node.lastSuccessAt = "2026-11-28T12:00:00Z";
		const { nodes, others } = await mount();
		const row = nodes.shadowRoot?.querySelector('tr[data-node="n1"]');
		expect(text(row)).toContain("УТ 11 Склад");
		expect(text(row)).toContain("http://shop.test/exim_1c");
		expect(text(row)).toContain("exchange");
		expect(text(row?.querySelector(".badge"))).toBe("⚠ ошибка");
		expect(text(row)).toContain("wrong password");
		expect(text(row)).toContain("последний успешный");
		await until(() => expect(others.map((e) => e.getAttribute("node-id"))).toEqual(["n1", "n1", "n1"]));
		// the settings panel now loads the node
		await until(() => expect(others[0]?.shadowRoot?.textContent).toContain("УТ 11 Склад"));
	});

	it("from no nodes: creates the first one, shows its password once with a copy button, and selects it", async () => {
		fake.nodes = [];
		const events: string[] = [];
		document.addEventListener("obmen-node-select", (e) => events.push((e as CustomEvent).detail.nodeId), { once: true });
		const { nodes, others } = await mount();
		expect(text(nodes.shadowRoot?.querySelector("#empty"))).toContain("Узлов 1С ещё нет");
		await userEvent.fill(page.getByRole("textbox", { name: "Название", exact: true }), "Розница");
		await userEvent.fill(page.getByRole("textbox", { name: "Логин", exact: true }), "retail");
		await userEvent.click(page.getByRole("button", { name: "Создать узел" }));
		await until(() => expect(nodes.shadowRoot?.querySelector("#secret")).toBeTruthy());
		expect(fake.requests.find((r) => r.method === "POST")?.body).toEqual({ name: "Розница", login: "retail" });
		const secret = nodes.shadowRoot?.querySelector("#secret");
		expect(nodes.shadowRoot?.querySelector<HTMLInputElement>("#secret-value")?.value).toBe("0123456789abcdef0123");
		expect(text(secret)).toContain("Узел «Розница» создан.");
		expect(text(secret)).toContain("http://shop.test/exim_1c");
		expect(text(secret)).toContain("retail");
		expect(secret?.querySelector("button")?.textContent).toBe("Копировать пароль");
		expect(events).toEqual(["n1"]);
		await until(() => expect(others.map((e) => e.getAttribute("node-id"))).toEqual(["n1", "n1", "n1"]));
		// a reload (the password is not in any answer any more) no longer shows it
		await nodes.load();
		expect(text(nodes.shadowRoot?.querySelector("tbody"))).not.toContain("0123456789abcdef0123");
	});

	it("selecting another node can be cancelled by the host; otherwise it moves every element", async () => {
		fake.nodes.push({ ...fake.node, id: "n2", name: "УНФ", login: "unf" });
		const { nodes, others } = await mount();
		await until(() => expect(others[1]?.getAttribute("node-id")).toBe("n1"));
		const veto = (e: Event) => e.preventDefault();
		document.addEventListener("obmen-node-select", veto);
		await userEvent.click(page.getByRole("button", { name: "УНФ" }));
		expect(others.map((e) => e.getAttribute("node-id"))).toEqual(["n1", "n1", "n1"]);
		document.removeEventListener("obmen-node-select", veto);
		await userEvent.click(page.getByRole("button", { name: "УНФ" }));
		expect(others.map((e) => e.getAttribute("node-id"))).toEqual(["n2", "n2", "n2"]);
		expect(nodes.nodeId).toBe("n2");
		await nodes.updateComplete;
		expect(nodes.shadowRoot?.querySelector('tr[data-node="n2"] button')?.getAttribute("aria-pressed")).toBe("true");
	});

	it("renames, sets a new password, deletes after confirmation", async () => {
		fake.nodes.push({ ...fake.node, id: "n2", name: "УНФ", login: "unf" });
		const { nodes, others } = await mount();
		const rename = page.getByRole("textbox", { name: "Название", exact: true }).first();
		await userEvent.fill(rename, "УТ 11 Главный");
		await userEvent.click(page.getByRole("button", { name: "Переименовать" }));
		await until(() => expect(text(nodes.shadowRoot?.querySelector('tr[data-node="n1"]'))).toContain("УТ 11 Главный"));
		expect(fake.requests.find((r) => r.method === "PATCH")?.body).toEqual({ name: "УТ 11 Главный" });

		await userEvent.click(page.getByRole("button", { name: "Сменить пароль 1С" }));
		await until(() => expect(nodes.shadowRoot?.querySelector<HTMLInputElement>("#secret-value")?.value).toBe("fedcba9876543210fedc"));
		expect(text(nodes.shadowRoot?.querySelector("#secret"))).toContain("Новый пароль узла «УТ 11 Главный».");

		await userEvent.click(page.getByRole("button", { name: "Удалить узел…" }));
		expect(fake.requests.some((r) => r.method === "DELETE")).toBe(false);
		expect(text(nodes.shadowRoot?.querySelector('[role="alert"]'))).toContain("заказы магазина останутся");
		await userEvent.click(page.getByRole("button", { name: "Да, удалить" }));
		await until(() => expect(nodes.shadowRoot?.querySelector('tr[data-node="n1"]')).toBeNull());
		expect(fake.requests.filter((r) => r.method === "DELETE").map((r) => r.url.pathname)).toEqual(["/api/v1/nodes/n1"]);
		expect(others.map((e) => e.getAttribute("node-id"))).toEqual(["n2", "n2", "n2"]);
		expect(nodes.shadowRoot?.querySelector("#secret")).toBeNull();
	});

	it("send again: from a number, from a date, all, or a list of orders; the preview reloads", async () => {
		await mount();
		const previewLoads = () =>
			fake.requests.filter((r) => r.url.pathname.endsWith("/preview") && r.url.searchParams.get("format") === "json").length;
		await until(() => expect(previewLoads()).toBe(1));
		await userEvent.fill(page.getByRole("textbox", { name: "заказы начиная с номера", exact: true }), "1001");
		await userEvent.click(page.getByRole("button", { name: "Отправить снова" }).first());
		await until(() => expect(fake.requeued).toHaveLength(1));
		expect(fake.requeued[0]).toEqual({ nodeId: "n1", kind: "rewind", body: { fromNumber: "1001" } });
		await until(() => expect(previewLoads()).toBe(2));
		await expect.element(page.getByText("Поставлено в очередь на отправку: 7")).toBeVisible();

		await userEvent.selectOptions(page.getByRole("combobox", { name: "Отправить в 1С снова" }), "fromDate");
		await userEvent.fill(page.getByLabelText("заказы начиная с даты"), "2026-11-01");
		await userEvent.click(page.getByRole("button", { name: "Отправить снова" }).first());
		await until(() => expect(fake.requeued).toHaveLength(2));
		expect(fake.requeued[1]?.body).toEqual({ fromDate: "2026-11-01" });

		await userEvent.selectOptions(page.getByRole("combobox", { name: "Отправить в 1С снова" }), "all");
		await userEvent.click(page.getByRole("button", { name: "Отправить снова" }).first());
		await until(() => expect(fake.requeued).toHaveLength(3));
		expect(fake.requeued[2]?.body).toEqual({ all: true });

		await userEvent.fill(page.getByRole("textbox", { name: /Заказы \(идентификаторы/ }), "o1, nope");
		await userEvent.click(page.getByRole("button", { name: "Отправить снова" }).nth(1));
		await until(() => expect(fake.requeued).toHaveLength(4));
		expect(fake.requeued[3]).toEqual({ nodeId: "n1", kind: "resend", body: { orders: ["o1", "nope"] } });
		await expect.element(page.getByText("Поставлено в очередь на отправку: 1 Не найдены: nope")).toBeVisible();
	});

	it("checks the connection like 1C would and explains each step", async () => {
		const { nodes } = await mount();
		await userEvent.fill(page.getByLabelText("Пароль 1С этого узла"), "wrong");
		await userEvent.click(page.getByRole("button", { name: "Проверить подключение" }));
		await until(() => expect(nodes.shadowRoot?.querySelector('li[data-step="checkauth"]')).toBeTruthy());
		const text = (sel: string) => nodes.shadowRoot?.querySelector(sel)?.textContent?.replace(/\s+/g, " ").trim();
		expect(text('li[data-step="reach"]')).toBe("✓ Адрес отвечает и просит логин и пароль");
		expect(text('li[data-step="checkauth"]')).toBe("✗ Вход (checkauth) — логин или пароль не подошли");
		expect(text("ol.check-steps + p")).toBe("Проверка не прошла: 1С не сможет обмениваться по адресу http://shop.test/exim_1c");
		await userEvent.fill(page.getByLabelText("Пароль 1С этого узла"), "right-password");
		await userEvent.click(page.getByRole("button", { name: "Проверить подключение" }));
		await until(() => expect(text('li[data-step="query"]')).toBe("✓ Заказы для 1С (query, без отметки о выгрузке) — ждут выгрузки: 2"));
		expect(text("ol.check-steps + p")).toContain("Всё в порядке");
		expect(fake.requests.filter((r) => r.url.pathname.endsWith("/check")).map((r) => r.body)).toEqual([
			{ password: "wrong" },
			{ password: "right-password" },
		]);
	});

	it("shows a localized error for a duplicate login and speaks English", async () => {
		const { nodes } = await mount("en");
		await expect.element(page.getByRole("heading", { name: "1C nodes" })).toBeVisible();
		expect(text(nodes.shadowRoot?.querySelector(".badge"))).toBe("○ never exchanged");
		await userEvent.fill(page.getByRole("textbox", { name: "Name", exact: true }).last(), "Copy");
		await userEvent.fill(page.getByRole("textbox", { name: "Login", exact: true }), "exchange");
		await userEvent.click(page.getByRole("button", { name: "Create node" }));
		await expect.element(page.getByRole("alert")).toHaveTextContent("A node with this name or login already exists (login)");
		// no Russian UI text in the English UI (the node's own name is data)
		expect(text(nodes.shadowRoot?.querySelector("form:last-of-type"))).not.toMatch(/[А-Яа-яЁё]/);
		expect(text(nodes.shadowRoot?.querySelector("thead"))).not.toMatch(/[А-Яа-яЁё]/);
	});
});
