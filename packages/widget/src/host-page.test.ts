import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { page } from "vitest/browser";
import "./index.ts";
import { installFakeApi, journalItem, until } from "./test-support/fake-api.ts";

/** A deliberately hostile legacy admin stylesheet: global resets, !important, and class names the widget also uses. */
const HOSTILE_CSS = `
	* { color: rgb(255, 0, 0) !important; font-family: "Comic Sans MS", cursive !important; text-transform: uppercase !important;
		letter-spacing: 6px !important; line-height: 3 !important; font-size: 30px; box-sizing: content-box !important; }
	body { font-size: 40px; background: yellow; }
	input, select, button, table, label, p, h2, fieldset { display: none !important; }
	.root, .field, .help, .error, .banner, .toolbar { display: none !important; border: 9px solid lime !important; }
	obmen-exchange-settings::part(heading) { text-decoration: underline; }
	obmen-exchange-settings::part(primary-button) { border-radius: 0px; }
`;

let fake: ReturnType<typeof installFakeApi>;
let style: HTMLStyleElement;
let host: HTMLDivElement;

beforeAll(() => {
	style = document.createElement("style");
	style.textContent = HOSTILE_CSS;
	document.head.append(style);
});
afterAll(() => style.remove());
beforeEach(() => {
	fake = installFakeApi({ token: "tok" });
	fake.journal.push(
		journalItem({ id: 3, mode: "success", session: "S1", ordersAcknowledged: 2 }),
		journalItem({ id: 2, mode: "query", session: "S1", ordersSent: 2, bytesOut: 2711, reply: "<?xml" }),
		journalItem({
			id: 1,
			mode: "import",
			session: "S0",
			filename: "orders.xml",
			error: "XML_MALFORMED: line 3",
			reply: "failure\nXML_MALFORMED",
		}),
	);
	host = document.createElement("div");
	host.lang = "ru";
	host.innerHTML = `<div class="legacy"><p class="help" id="host-help">host help</p><button class="primary" id="host-btn" style="display:inline-block !important">host</button></div>
		<obmen-exchange-settings node-id="n1" token="tok" style="--obmen-accent: rgb(1, 2, 3); --obmen-color: rgb(10, 20, 30)"></obmen-exchange-settings>
		<obmen-export-preview node-id="n1" token="tok"></obmen-export-preview>
		<obmen-exchange-journal node-id="n1" token="tok" refresh-seconds="0"></obmen-exchange-journal>`;
	document.body.append(host);
});
afterEach(() => {
	host.remove();
	fake.restore();
});

const settings = () => host.querySelector("obmen-exchange-settings")!;
const inShadow = <T extends Element>(el: Element, sel: string) => {
	const found = el.shadowRoot?.querySelector<T>(sel);
	if (!found) throw new Error(`no ${sel}`);
	return found;
};

describe("embedding in a hostile legacy admin page", () => {
	it("keeps its own look under the host's CSS and takes theme variables and ::part", async () => {
		await until(() => inShadow(settings(), "form"));
		const root = inShadow<HTMLElement>(settings(), ".root");
		const label = inShadow<HTMLElement>(settings(), "label[for='f-settings-fileLimit']");
		const save = inShadow<HTMLButtonElement>(settings(), "button.primary");
		const rs = getComputedStyle(root);
		expect(rs.display).toBe("block");
		expect(rs.fontSize).toBe("14px");
		expect(rs.color).toBe("rgb(10, 20, 30)");
		expect(getComputedStyle(label).color).toBe("rgb(10, 20, 30)");
		expect(getComputedStyle(label).textTransform).toBe("none");
		expect(getComputedStyle(label).letterSpacing).toBe("normal");
		expect(getComputedStyle(label).fontFamily).not.toContain("Comic");
		expect(getComputedStyle(save).backgroundColor).toBe("rgb(1, 2, 3)");
		expect(getComputedStyle(save).borderTopLeftRadius).toBe("0px");
		expect(getComputedStyle(inShadow(settings(), "h2")).textDecorationLine).toBe("underline");
		await expect.element(page.getByRole("button", { name: "Сохранить" })).toBeVisible();
		await expect.element(page.getByRole("combobox", { name: "Доставка отдельной услугой" })).toBeVisible();
	});

	it("does not leak its styles into the host page", async () => {
		await until(() => inShadow(settings(), "form"));
		const hostBtn = document.getElementById("host-btn")!;
		const hostHelp = document.getElementById("host-help")!;
		expect(getComputedStyle(hostBtn).backgroundColor).not.toBe("rgb(1, 2, 3)");
		expect(getComputedStyle(hostBtn).color).toBe("rgb(255, 0, 0)");
		expect(getComputedStyle(hostHelp).fontSize).toBe("30px");
		expect(document.adoptedStyleSheets.length).toBe(0);
	});

	it("saves screenshots of each component (test-artifacts/)", async () => {
		style.disabled = true;
		try {
			await until(() => inShadow(settings(), "form"));
			const preview = host.querySelector("obmen-export-preview")!;
			const journal = host.querySelector("obmen-exchange-journal")!;
			await until(() => inShadow(preview, "pre"));
			await until(() => inShadow(journal, "details"));
			await page.screenshot({ path: "../test-artifacts/obmen-exchange-settings.png", element: settings() });
			await page.screenshot({ path: "../test-artifacts/obmen-export-preview.png", element: preview });
			const path = await page.screenshot({ path: "../test-artifacts/obmen-exchange-journal.png", element: journal });
			expect(path).toMatch(/test-artifacts\/obmen-exchange-journal\.png$/);
		} finally {
			style.disabled = false;
		}
	});
});
