import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { page, userEvent } from "vitest/browser";
import "./index.ts";
import type { ObmenExchangeJournal } from "./exchange-journal.ts";
import { installFakeApi, journalItem, until } from "./test-support/fake-api.ts";

let fake: ReturnType<typeof installFakeApi>;
let el: ObmenExchangeJournal;

async function mount(attrs: Record<string, string> = {}): Promise<ObmenExchangeJournal> {
	const e = document.createElement("obmen-exchange-journal");
	for (const [k, v] of Object.entries({ "node-id": "n1", token: "tok", lang: "ru", ...attrs })) e.setAttribute(k, v);
	document.body.append(e);
	await until(() => expect(e.shadowRoot?.querySelector("details, p")).toBeTruthy());
	await until(() => expect(fake.requests.length).toBeGreaterThan(0));
	await e.updateComplete;
	return e;
}

beforeEach(() => {
	fake = installFakeApi({ token: "tok" });
	fake.journal.push(
		journalItem({ id: 6, mode: "success", session: "B", at: "2026-11-29T12:00:05Z", ordersAcknowledged: 2, reply: "success" }),
		journalItem({ id: 5, mode: "query", session: "B", at: "2026-11-29T12:00:04Z", ordersSent: 2, bytesOut: 4096, reply: "<?xml" }),
		journalItem({ id: 4, mode: "init", session: "B", at: "2026-11-29T12:00:03Z", reply: "zip=yes\nfile_limit=8388608" }),
		journalItem({
			id: 3,
			mode: "import",
			session: "A",
			at: "2026-11-29T11:00:03Z",
			filename: "orders.xml",
			error: "XML_MALFORMED: line 3",
			reply: "failure\nXML_MALFORMED",
		}),
		journalItem({ id: 2, mode: "file", session: "A", at: "2026-11-29T11:00:02Z", filename: "orders.xml", bytesIn: 2048 }),
		journalItem({ id: 1, mode: "checkauth", session: "A", at: "2026-11-29T11:00:01Z", reply: "success\nPHPSESSID\nA" }),
	);
});
afterEach(() => {
	el?.remove();
	fake.restore();
});

describe("<obmen-exchange-journal>", () => {
	it("groups requests by 1C session with totals and marks errors with text, not only colour", async () => {
		el = await mount();
		const groups = [...(el.shadowRoot?.querySelectorAll("details") ?? [])];
		expect(groups).toHaveLength(2);
		expect(groups[0]?.querySelector("summary")?.textContent).toMatch(
			/Сеанс 1С B.*запросов: 3, заказов отправлено: 2, подтверждено: 2, загружено: 0/s,
		);
		expect(groups[1]?.querySelector("summary")?.textContent).toContain("⚠ ошибок: 1");
		const failed = groups[1]?.querySelector("tr.failed");
		expect(failed?.textContent).toContain("⚠ Ошибка:");
		expect(failed?.textContent).toContain("XML_MALFORMED: line 3");
		expect(failed?.textContent).toContain("failure");
		expect(groups[0]?.querySelector('tr[data-mode="init"]')?.textContent).toContain("zip=yes");
		expect(groups[0]?.querySelector('tr[data-mode="init"]')?.textContent).not.toContain("file_limit");
		expect(groups[0]?.querySelector('tr[data-mode="query"]')?.textContent).toContain("4.0 KiB");
		// a session with errors is expanded
		expect(groups[1]?.open).toBe(true);
	});

	it("filters by errors through the API", async () => {
		el = await mount();
		await userEvent.click(page.getByRole("checkbox", { name: "Только ошибки" }));
		await until(() => expect(el.shadowRoot?.querySelectorAll("tbody tr")).toHaveLength(1));
		expect(fake.requests.at(-1)?.url.searchParams.get("errors")).toBe("1");
	});

	it("auto-refreshes and can be switched off", async () => {
		el = await mount({ "refresh-seconds": "0.05" });
		const count = () => fake.requests.filter((r) => r.url.pathname.endsWith("/journal")).length;
		const first = count();
		await until(() => expect(count()).toBeGreaterThanOrEqual(first + 2));
		fake.journal.unshift(journalItem({ id: 7, mode: "checkauth", session: "C", at: "2026-11-29T13:00:00Z" }));
		await until(() => expect(el.shadowRoot?.querySelectorAll("details")).toHaveLength(3));
		await userEvent.click(page.getByRole("checkbox", { name: /Автообновление/ }));
		const stopped = count();
		await new Promise((r) => setTimeout(r, 200));
		expect(count()).toBe(stopped);
	});

	it("explains coded errors in the UI language with what to do; whole replies and admin actions are shown", async () => {
		fake.journal.unshift(
			journalItem({
				id: 9,
				mode: "import",
				session: "C",
				at: "2026-11-29T14:00:03Z",
				reply: "success",
				replyText: "success\ndocuments: 3, updated: 1, created: 0, unknown: 2",
				error: "unknown orders: 77, 78",
				code: "unknown_orders",
				params: { orders: ["77", "78"] },
			}),
			journalItem({
				id: 8,
				type: "admin",
				mode: "rewind",
				session: null,
				at: "2026-11-29T14:00:00Z",
				ordersSent: 5,
				filename: "fromNumber 1001",
			}),
			journalItem({
				id: 7,
				type: "admin",
				mode: "exchange.stale",
				session: null,
				at: "2026-11-29T13:00:00Z",
				filename: "https://shop.test/hook",
			}),
		);
		el = await mount();
		const row = el.shadowRoot?.querySelector('tr.failed[data-mode="import"]');
		const text = row?.textContent?.replace(/\s+/g, " ") ?? "";
		expect(text).toContain("В файле из 1С есть заказы, которых нет на сайте: 77, 78.");
		expect(text).toContain("Что сделать:");
		expect(text).toContain("«Создавать заказы, заведённые в 1С»");
		expect(text).not.toContain("unknown orders"); // no English server text in the Russian UI
		expect(row?.querySelector("details.reply pre")?.textContent).toBe("success\ndocuments: 3, updated: 1, created: 0, unknown: 2");
		expect(el.shadowRoot?.textContent?.replace(/\s+/g, " ")).toContain("Отправлено снова по запросу: заказов 5 (fromNumber 1001)");
		expect(el.shadowRoot?.textContent?.replace(/\s+/g, " ")).toContain(
			"🔔 Оповещение «давно не было обмена» отправлено на https://shop.test/hook",
		);
		el.remove();
		el = await mount({ lang: "en" });
		const en = el.shadowRoot?.querySelector('tr.failed[data-mode="import"]')?.textContent?.replace(/\s+/g, " ") ?? "";
		expect(en).toContain("The file from 1C has orders the site does not know: 77, 78.");
		expect(en).toContain("turn on “Create orders entered in 1C”");
		expect(en).not.toMatch(/[А-Яа-яЁё]/);
	});

	it("per session: the 1C client and address; per query the orders with 'send again'; per import what changed", async () => {
		fake.journal.unshift(
			journalItem({
				id: 12,
				mode: "import",
				session: "D",
				at: "2026-11-29T15:00:03Z",
				ordersImported: 1,
				detail: { changes: [10, 11] },
				userAgent: "1C+Enterprise/8.3",
				ip: "10.0.0.7",
			}),
			journalItem({
				id: 11,
				mode: "query",
				session: "D",
				at: "2026-11-29T15:00:01Z",
				ordersSent: 2,
				reply: "xml",
				detail: { orders: ["1001", "1002"], ids: ["o1", "o2"] },
				userAgent: "1C+Enterprise/8.3",
				ip: "10.0.0.7",
			}),
		);
		fake.changes.push({
			cursor: 11,
			orderId: "o1",
			nodeId: "n1",
			at: "2026-11-29T15:00:03Z",
			changes: { source: "1c", fields: { paid: { from: null, to: true }, status: { from: "N", to: "P" } } },
		});
		el = await mount();
		const first = el.shadowRoot?.querySelector("details");
		expect(first?.querySelector("summary")?.textContent?.replace(/\s+/g, " ")).toContain("1С:Предприятие 8.3 · IP 10.0.0.7");
		await userEvent.click(page.getByText("Что изменилось"));
		await until(() => expect(el.shadowRoot?.querySelector('li[data-order="o1"]')?.textContent).toBe("o1: оплачен: — → да; статус: N → P"));
		expect(fake.requests.find((r) => r.url.pathname === "/api/v1/changes")?.url.search).toBe("?cursor=10&limit=1");
		await userEvent.click(page.getByText("№ 1001, 1002"));
		await userEvent.click(page.getByRole("button", { name: "↻ отправить 1002 снова" }));
		await until(() => expect(fake.requeued).toEqual([{ nodeId: "n1", kind: "resend", body: { orders: ["o2"] } }]));
		await expect.element(page.getByText("Заказ 1002 уйдёт в 1С при следующем обмене")).toBeVisible();
	});

	it("downloads the journal as CSV through the API (the token stays in the header)", async () => {
		el = await mount();
		const got = new Promise<CustomEvent>((resolve) =>
			el.addEventListener("obmen-journal-downloaded", (e) => resolve(e as CustomEvent), { once: true }),
		);
		await userEvent.click(page.getByRole("button", { name: "CSV" }));
		const e = await got;
		expect(e.detail).toMatchObject({ nodeId: "n1", format: "csv" });
		expect(e.detail.bytes).toBeGreaterThan(10);
		const req = fake.requests.find((r) => r.url.searchParams.get("format") === "csv");
		expect(req?.headers.get("authorization")).toBe("Bearer tok");
	});

	it("speaks English", async () => {
		el = await mount({ lang: "en" });
		await expect.element(page.getByRole("heading", { name: "Exchange journal" })).toBeVisible();
		expect(el.shadowRoot?.textContent).toContain("1C session B");
		expect(el.shadowRoot?.textContent).toContain("errors: 1");
	});
});
