import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import "./index.ts";
import type { ObmenExportPreview } from "./export-preview.ts";
import { formatMoney } from "./export-preview.ts";
import { encodeCp1251, installFakeApi, until } from "./test-support/fake-api.ts";
import { indentXml } from "./xml-highlight.ts";

let fake: ReturnType<typeof installFakeApi>;
let el: ObmenExportPreview;

async function mount(lang = "ru"): Promise<ObmenExportPreview> {
	const e = document.createElement("obmen-export-preview");
	e.setAttribute("node-id", "n1");
	e.setAttribute("lang", lang);
	e.tokenProvider = () => "tok";
	document.body.append(e);
	await until(() => expect(e.shadowRoot?.querySelector("pre")).toBeTruthy());
	return e;
}

beforeEach(() => {
	fake = installFakeApi({ token: "tok" });
});
afterEach(() => {
	el?.remove();
	fake.restore();
});

describe("<obmen-export-preview>", () => {
	it("lists the orders the next query would send, with warnings shown as text", async () => {
		el = await mount();
		const rows = [...(el.shadowRoot?.querySelectorAll("tbody tr") ?? [])];
		expect(rows.map((r) => r.querySelector("td")?.textContent)).toEqual(["1001", "SHOP-2026-000042"]);
		expect(rows[1]?.textContent).toContain("ООО «Ромашка»");
		// coded warnings in the UI language, unknown codes and plain strings as the server sent them
		expect([...(rows[1]?.querySelectorAll(".warning") ?? [])].map((w) => w.textContent?.replace(/\s+/g, " ").trim())).toEqual([
			"⚠ Внимание: Номер длиннее 11 символов (16): 1С УТ 11 не найдёт заказ по номеру и при каждой повторной выгрузке создаст дубль",
			"⚠ Внимание: A warning this widget has no text for",
			"⚠ Внимание: Plain text from an older server",
		]);
		expect(rows[0]?.querySelector(".warning")).toBeNull();
		// the date and time 1C will get (the order's own offset), not shifted into the browser's zone
		expect(rows[1]?.querySelectorAll("td")[1]?.textContent).toBe("28.11.2026, 23:30:00");
		// the status column shows the store code and the exact "Статус заказа" text 1C gets
		expect(rows[0]?.querySelectorAll("td")[4]?.textContent?.replace(/\s+/g, " ").trim()).toBe("N → «Новый»");
		expect(rows[1]?.querySelectorAll("td")[4]?.textContent?.trim()).toBe("P");
		expect(el.shadowRoot?.querySelector("caption")?.textContent).toContain("Заказов: 2. Кодировка: windows-1251. Схема: 2.05.");
		// only GETs: the preview never changes what 1C will receive
		expect(fake.requests.every((r) => r.method === "GET")).toBe(true);
	});

	it("shows the XML decoded from windows-1251, highlighted, and downloads the original bytes", async () => {
		el = await mount();
		const pre = el.shadowRoot?.querySelector("pre");
		expect(pre?.textContent).toContain('<КоммерческаяИнформация ВерсияСхемы="2.05"');
		expect(pre?.textContent).toContain("ORDER_DELIVERY");
		const tags = [...(pre?.querySelectorAll(".x-tag") ?? [])].map((s) => s.textContent);
		expect(tags).toContain("Документ");
		const link = el.shadowRoot?.querySelector<HTMLAnchorElement>("a[download]");
		expect(link?.getAttribute("download")).toBe("orders-n1.xml");
		expect(link?.textContent).toContain("windows-1251");
		fake.restore(); // fetch the blob: URL with the real fetch
		// without the indentation the text shown is exactly what 1C reads, byte for byte after encoding
		await userEvent.click(page.getByRole("checkbox", { name: /По элементу в строке/ }));
		await until(() => expect(el.shadowRoot?.querySelector("pre")?.textContent).not.toMatch(/\n {2}<Документ>/));
		const bytes = new Uint8Array(await (await fetch(link?.href ?? "")).arrayBuffer());
		expect(Array.from(bytes)).toEqual(Array.from(encodeCp1251(el.shadowRoot?.querySelector("pre")?.textContent ?? "")));
		expect(bytes.includes(0xca)).toBe(true); // "К" in windows-1251, not UTF-8
	});

	it("re-reads the preview when the settings of the same node are saved", async () => {
		el = await mount();
		expect(el.shadowRoot?.querySelector("pre")?.textContent).toContain("ORDER_DELIVERY");
		fake.node.settings.shipping = "none";
		window.dispatchEvent(new CustomEvent("obmen-settings-saved", { detail: { nodeId: "other" } }));
		await new Promise((r) => setTimeout(r, 50));
		expect(el.shadowRoot?.querySelector("pre")?.textContent).toContain("ORDER_DELIVERY");
		window.dispatchEvent(new CustomEvent("obmen-settings-saved", { detail: { nodeId: "n1" } }));
		await until(() => expect(el.shadowRoot?.querySelector("pre")?.textContent).not.toContain("ORDER_DELIVERY"));
	});

	it("refreshes from the keyboard and switches to English", async () => {
		el = await mount("en");
		await expect.element(page.getByRole("heading", { name: "What 1C gets on the next export" })).toBeVisible();
		const warnings = [...(el.shadowRoot?.querySelectorAll(".warning") ?? [])].map((w) => w.textContent?.replace(/\s+/g, " ").trim());
		expect(warnings[0]).toBe(
			"⚠ Warning: Номер longer than 11 characters (16): 1C УТ 11 will not find the order by its number and will create a duplicate on every resend",
		);
		const before = fake.requests.length;
		page.getByRole("button", { name: "Refresh" }).element().focus();
		await userEvent.keyboard("{Enter}");
		await until(() => expect(fake.requests.length).toBe(before + 2));
	});
});

describe("<obmen-export-preview> tells the whole story", () => {
	it("this batch of all waiting orders, its size, sums with two decimals, indented XML", async () => {
		fake.previewWaiting = 7;
		el = await mount();
		const caption = el.shadowRoot?.querySelector("caption")?.textContent?.replace(/\s+/g, " ");
		expect(caption).toContain("Заказов в этой выгрузке: 2 из 7 ожидающих (остальные уйдут в следующих сеансах). Размер: 2.0 KiB.");
		const totals = [...(el.shadowRoot?.querySelectorAll("tbody tr") ?? [])].map((r) =>
			r.querySelectorAll("td")[3]?.textContent?.replace(/\u00a0/g, " "),
		);
		expect(totals).toEqual(["1 500,00 RUB", "99,90 RUB"]);
		const pre = el.shadowRoot?.querySelector("pre")?.textContent ?? "";
		expect(pre).toMatch(/\n {2}<Документ>\n {4}<Номер>1001<\/Номер>\n/);
	});
});

describe("formatMoney / indentXml", () => {
	it("formats exact decimals both ways and keeps every character of the XML", () => {
		expect(formatMoney("en", "1234567.5")).toBe("1,234,567.50");
		expect(formatMoney("ru", "-3").replace(/\u00a0/g, " ")).toBe("-3,00");
		expect(formatMoney("en", "0.125")).toBe("0.125");
		const xml = '<?xml version="1.0"?><a x="1"><b>t e</b><c/><d><e>1</e></d></a>';
		const out = indentXml(xml);
		expect(out).toBe('<?xml version="1.0"?>\n<a x="1">\n  <b>t e</b>\n  <c/>\n  <d>\n    <e>1</e>\n  </d>\n</a>\n');
		expect(out.replace(/\n\s*/g, "")).toBe(xml);
	});
});
