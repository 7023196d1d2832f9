import { afterEach, beforeEach, describe, expect, it } from "vitest";
import "./index.ts";
import { installFakeApi, journalItem, until } from "./test-support/fake-api.ts";

let fake: ReturnType<typeof installFakeApi>;
let host: HTMLDivElement;

beforeEach(() => {
	fake = installFakeApi({ token: "tok" });
	fake.journal.push(
		journalItem({
			id: 2,
			mode: "import",
			filename: "orders-2026-11-29-with-a-long-name.xml",
			error: "XML_MALFORMED: line 3",
			reply: "failure",
		}),
		journalItem({ id: 1, mode: "checkauth", reply: "success\nPHPSESSID\nA" }),
	);
});
afterEach(() => {
	host?.remove();
	fake.restore();
});

describe("a phone-sized plain page (390 px)", () => {
	it("no element is wider than the page: wide tables scroll inside their own box", async () => {
		host = document.createElement("div");
		host.style.width = "390px";
		host.innerHTML = `<obmen-nodes token="tok"></obmen-nodes>
			<obmen-exchange-settings token="tok"></obmen-exchange-settings>
			<obmen-export-preview token="tok"></obmen-export-preview>
			<obmen-exchange-journal token="tok" refresh-seconds="0"></obmen-exchange-journal>`;
		document.body.append(host);
		const els = [...host.children] as HTMLElement[];
		await until(() => expect(els.every((e) => e.shadowRoot?.querySelector("table, form"))).toBe(true));
		await until(() => expect(els[2]?.shadowRoot?.querySelector("pre")).toBeTruthy());
		await until(() => expect(els[3]?.shadowRoot?.querySelector("tbody tr")).toBeTruthy());
		for (const e of els) {
			expect(e.getBoundingClientRect().width, e.localName).toBeLessThanOrEqual(390);
			const root = e.shadowRoot?.querySelector<HTMLElement>(".root");
			expect(root?.scrollWidth, e.localName).toBeLessThanOrEqual(390);
		}
		expect(host.scrollWidth).toBeLessThanOrEqual(390);
		// the tables that are wider than the phone scroll inside their own box
		const scrollers = els.flatMap((e) => [...(e.shadowRoot?.querySelectorAll<HTMLElement>(".scroll") ?? [])]);
		expect(scrollers.length).toBeGreaterThan(0);
		for (const s of scrollers) expect(s.clientWidth).toBeLessThanOrEqual(390);
	});
});
