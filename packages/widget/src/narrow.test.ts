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

describe("the settings' save bar", () => {
	it("stays in view while the long form scrolls", async () => {
		host = document.createElement("div");
		host.style.cssText = "height: 400px; overflow: auto; width: 700px";
		host.innerHTML = `<obmen-exchange-settings token="tok" node-id="n1"></obmen-exchange-settings>`;
		document.body.append(host);
		const el = host.firstElementChild as HTMLElement;
		await until(() => expect(el.shadowRoot?.querySelector(".savebar")).toBeTruthy());
		const bar = el.shadowRoot?.querySelector(".savebar") as HTMLElement;
		const box = host.getBoundingClientRect();
		expect(host.scrollHeight).toBeGreaterThan(1000); // the form is much taller than its box
		for (const top of [0, 600]) {
			host.scrollTop = top;
			const r = bar.getBoundingClientRect();
			expect(r.bottom, `scrollTop ${top}`).toBeLessThanOrEqual(box.bottom + 1);
			expect(r.top, `scrollTop ${top}`).toBeGreaterThanOrEqual(box.top);
		}
	});
});
