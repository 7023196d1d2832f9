/**
 * Browser commands for the widget's end-to-end test. They run on the Node side of vitest and drive a
 * separate Playwright page (in the test's own browser context) that opens the real server's `/admin`,
 * so the demo page, the served bundle and the admin API are exercised exactly as a user would.
 * Playwright locators pierce open shadow roots, so the widget's controls are found by role and name.
 */
import type { Page } from "playwright";
import type { BrowserCommand } from "vitest/node";
import { E2E_HELPERS, type E2eHelpers } from "./global-setup.ts";

/** A Playwright action on a control found by ARIA role and accessible name (or a CSS selector). */
export interface E2eAction {
	op: "click" | "fill" | "select" | "check" | "uncheck";
	role?: Parameters<Page["getByRole"]>[0];
	name?: string;
	selector?: string;
	value?: string;
}

const pages = new Map<string, Page>();
let nextId = 0;

function pageOf(id: string): Page {
	const p = pages.get(id);
	if (!p) throw new Error(`no e2e page ${id}`);
	return p;
}

function locate(page: Page, a: { role?: E2eAction["role"]; name?: string; selector?: string }) {
	if (a.role) return page.getByRole(a.role, { name: a.name, exact: true });
	if (a.selector) return page.locator(a.selector);
	throw new Error("role or selector required");
}

const e2eOpen: BrowserCommand<[url: string]> = async (ctx, url) => {
	const page = await ctx.context.newPage();
	await page.setViewportSize({ width: 1280, height: 1000 });
	page.on("dialog", (d) => void d.accept());
	await page.goto(url);
	const id = String(++nextId);
	pages.set(id, page);
	return id;
};

const e2eAct: BrowserCommand<[id: string, action: E2eAction]> = async (_ctx, id, a) => {
	const loc = locate(pageOf(id), a).first();
	if (a.op === "click") await loc.click();
	else if (a.op === "fill") await loc.fill(a.value ?? "");
	else if (a.op === "select") await loc.selectOption(a.value ?? "");
	else if (a.op === "check") await loc.check();
	else await loc.uncheck();
};

/** Text of an element including its (nested) open shadow roots; runs in the page. */
function deepText(el: Element): string {
	const walk = (n: Node): string => {
		if (n.nodeType === Node.TEXT_NODE) return n.textContent ?? "";
		if (n instanceof HTMLSelectElement) return "";
		const root = (n as Element).shadowRoot;
		const inner = [...(root ? root.childNodes : []), ...n.childNodes].map(walk).join("");
		const display = n instanceof HTMLElement ? getComputedStyle(n).display : "inline";
		return display === "inline" || display === "contents" ? inner : `\n${inner}\n`;
	};
	return walk(el);
}

/** Waits (up to `timeoutMs`) until the element's text contains `text` (or, with `absent`, no longer does); returns the last text. */
const e2eWaitText: BrowserCommand<
	[id: string, selector: string, text: string, options?: { absent?: boolean; timeoutMs?: number }]
> = async (_ctx, id, selector, text, options = {}) => {
	const page = pageOf(id);
	const end = Date.now() + (options.timeoutMs ?? 10_000);
	let last = "";
	for (;;) {
		last = await page
			.locator(selector)
			.first()
			.evaluate(deepText, undefined, { timeout: 2_000 })
			.catch(() => "");
		if (last.includes(text) !== Boolean(options.absent)) return last;
		if (Date.now() > end) return last;
		await page.waitForTimeout(100);
	}
};

const e2eEval: BrowserCommand<[id: string, expression: string]> = async (_ctx, id, expression) => pageOf(id).evaluate(expression);

/** Saves a screenshot (of the element matching `selector`, or the full page) under packages/widget/. */
const e2eScreenshot: BrowserCommand<[id: string, selector: string | null, path: string]> = async (ctx, id, selector, path) => {
	const page = pageOf(id);
	const file = new URL(`../${path}`, import.meta.url).pathname;
	if (selector) await page.locator(selector).first().screenshot({ path: file });
	else await page.screenshot({ path: file, fullPage: true });
	void ctx;
	return file;
};

const e2eClose: BrowserCommand<[id: string]> = async (_ctx, id) => {
	await pages.get(id)?.close();
	pages.delete(id);
};

const e2eRunEmulator: BrowserCommand<[]> = async () => {
	const helpers = (globalThis as Record<symbol, unknown>)[E2E_HELPERS] as E2eHelpers | undefined;
	if (!helpers) throw new Error("the e2e server is not running");
	return helpers.runEmulator();
};

/** A raw 1C export run (checkauth → query → success) against `url`: the XML 1C got, decoded from windows-1251. */
const e2eRawExchange: BrowserCommand<[url: string, login: string, password: string]> = async (_ctx, url, login, password) => {
	const auth = `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;
	const lines = (await (await fetch(`${url}/exim_1c?type=sale&mode=checkauth`, { headers: { authorization: auth } })).text()).split("\n");
	if (lines[0] !== "success") throw new Error(`checkauth: ${lines.join(" | ")}`);
	const headers = { authorization: auth, cookie: `${lines[1]}=${lines[2]}` };
	const xml = new TextDecoder("windows-1251").decode(await (await fetch(`${url}/exim_1c?type=sale&mode=query`, { headers })).arrayBuffer());
	await (await fetch(`${url}/exim_1c?type=sale&mode=success`, { headers })).text();
	return xml;
};

/**
 * A raw 1C upload run (checkauth → init → file → import until it is done) of `xml` (sent as UTF-8) to `url`: the
 * replies of `file` and of the last `import`.
 */
const e2eRawUpload: BrowserCommand<[url: string, login: string, password: string, xml: string]> = async (
	_ctx,
	url,
	login,
	password,
	xml,
) => {
	const auth = `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;
	const lines = (await (await fetch(`${url}/exim_1c?type=sale&mode=checkauth`, { headers: { authorization: auth } })).text()).split("\n");
	if (lines[0] !== "success") throw new Error(`checkauth: ${lines.join(" | ")}`);
	const headers = { authorization: auth, cookie: `${lines[1]}=${lines[2]}` };
	const step = async (q: string, body?: string) =>
		(await fetch(`${url}/exim_1c?type=sale&${q}`, { method: body ? "POST" : "GET", headers, body: body ?? null })).text();
	await step("mode=init");
	const file = await step("mode=file&filename=orders.xml", xml);
	let reply = "";
	for (let i = 0; i < 100; i++) {
		reply = await step("mode=import&filename=orders.xml");
		if (!reply.startsWith("progress")) break;
	}
	return [file, reply];
};

/** A call of the admin API of the server at `url`: status and JSON body. */
const e2eApi: BrowserCommand<[url: string, token: string, method: string, path: string, body?: unknown]> = async (
	_ctx,
	url,
	token,
	method,
	path,
	body,
) => {
	const res = await fetch(`${url}${path}`, {
		method,
		headers: { authorization: `Bearer ${token}`, "content-type": "application/json" },
		body: body === undefined ? null : JSON.stringify(body),
	});
	const text = await res.text();
	return { status: res.status, body: text ? (JSON.parse(text) as unknown) : null };
};

/** Resizes the e2e page's viewport (390×844 phone, 1280×800 laptop). */
const e2eViewport: BrowserCommand<[id: string, width: number, height: number]> = async (_ctx, id, width, height) =>
	pageOf(id).setViewportSize({ width, height });

/** The commands, registered in vitest.config.ts under `test.browser.commands`. */
export const e2eCommands = {
	e2eOpen,
	e2eAct,
	e2eWaitText,
	e2eEval,
	e2eScreenshot,
	e2eClose,
	e2eRunEmulator,
	e2eRawExchange,
	e2eRawUpload,
	e2eApi,
	e2eViewport,
};

declare module "vitest/browser" {
	interface BrowserCommands {
		e2eOpen: (url: string) => Promise<string>;
		e2eAct: (id: string, action: E2eAction) => Promise<void>;
		e2eWaitText: (id: string, selector: string, text: string, options?: { absent?: boolean; timeoutMs?: number }) => Promise<string>;
		e2eEval: (id: string, expression: string) => Promise<unknown>;
		e2eScreenshot: (id: string, selector: string | null, path: string) => Promise<string>;
		e2eClose: (id: string) => Promise<void>;
		e2eRunEmulator: () => Promise<{ ok: boolean; steps: string[]; deviations: string[] }>;
		e2eRawExchange: (url: string, login: string, password: string) => Promise<string>;
		e2eRawUpload: (url: string, login: string, password: string, xml: string) => Promise<string[]>;
		e2eApi: (url: string, token: string, method: string, path: string, body?: unknown) => Promise<{ status: number; body: unknown }>;
		e2eViewport: (id: string, width: number, height: number) => Promise<void>;
	}
}
