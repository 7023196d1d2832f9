import { type FakeReply, type FakeRequest, type FakeServer, type FakeServerOptions, startFakeServer } from "@obmen/testing/fake-server";
import iconv from "iconv-lite";
import { afterEach, describe, expect, it } from "vitest";
import { type ProfileName, sync } from "./index.ts";
import { Infobase } from "./infobase.ts";
import { parseQueryXml } from "./query-parser.ts";
import { type SiteOrder, siteXml } from "./test-support/site-xml.ts";

type LegacyProfile = "ut11" | "unf" | "bitrix-module";
const PROFILES: LegacyProfile[] = ["ut11", "unf", "bitrix-module"];
const ORDERS: SiteOrder[] = [
	{ number: "1042", lines: [{ id: "g-1", name: "Чайник «Ёлка»", price: "1500.00", quantity: "2" }], status: "[N] Принят" },
	{ number: "1043", lines: [{ id: "g-2", name: "Кружка", price: "300.00", quantity: "1" }] },
];
const xmlReply = (body: string | Uint8Array, contentType = "application/xml; charset=utf-8"): FakeReply => ({ body, contentType });

let servers: FakeServer[] = [];
afterEach(async () => {
	await Promise.all(servers.map((s) => s.close()));
	servers = [];
});
async function server(opts: FakeServerOptions = {}): Promise<FakeServer> {
	const s = await startFakeServer({ query: () => xmlReply(siteXml(ORDERS)), ...opts });
	servers.push(s);
	return s;
}
function run(profile: ProfileName, srv: FakeServer, extra: Partial<Parameters<typeof sync>[1]> = {}) {
	return sync(profile, {
		url: srv.url,
		login: "1c",
		password: "secret",
		infobase: extra.infobase ?? new Infobase(),
		unf: { importPauseMs: 1 },
		maxImportPolls: 25,
		...extra,
	});
}
const modes = (s: FakeServer) => s.requests.map((r) => `${r.type === "catalog" ? "catalog:" : ""}${r.mode}`);
const messages = (r: { deviations: { step: string; message: string }[] }) => r.deviations.map((d) => `${d.step}: ${d.message}`);

describe.each(PROFILES)("profile %s against a correct server", (profile) => {
	it("loads, sends success, uploads changed orders zipped in file_limit pieces, and waits for import", async () => {
		const srv = await server({ fileLimit: 300, progress: 2 });
		const base = new Infobase();
		const r = await run(profile, srv, { infobase: base, beforeUpload: (b) => b.pay("1042") });
		expect(messages(r)).toEqual([]);
		expect(r.ok).toBe(true);
		expect(r.loads[0]).toMatchObject({ ok: true, created: 2 });
		expect(srv.successes).toBe(1);
		expect(r.upload).toMatchObject({ portions: 1, delivered: 1, orders: ["1042"] });
		expect(r.upload.pieces).toBeGreaterThan(1);
		expect([...srv.files.keys()].every((n) => /^v8_.+\.zip$/.test(n))).toBe(true);
		expect(srv.requests.filter((q) => q.mode === "file").every((q) => q.body.byteLength <= 300 && q.method === "POST")).toBe(true);
		const [name, xml] = [...srv.imported][0] ?? [];
		expect(name).toMatch(profile === "bitrix-module" ? /^documents___[0-9a-f-]{36}\.xml$/ : /^orders-[0-9a-f-]{36}_1\.xml$/);
		const doc = parseQueryXml(xml ?? "").documents[0];
		expect(doc?.number).toBe("1042");
		expect(doc?.requisites.find((q) => q.name === "Номер оплаты по 1С")?.value).toBe("ТД00-000001");
		expect(base.registeredOrders()).toEqual([]);
		expect(srv.requests.filter((q) => q.mode === "import")).toHaveLength(3);
		// Basic credentials on every request, cookie after checkauth
		expect(srv.requests.every((q) => q.authorization?.startsWith("Basic "))).toBe(true);
		expect(srv.requests.filter((q) => q.mode !== "checkauth").every((q) => q.cookie?.startsWith("OBMEN_SESS="))).toBe(true);
	});
});

describe("client families differ where the real clients differ", () => {
	it("ut11: catalog pre-flight, no init before query, &sessid= everywhere, one init per upload portion", async () => {
		const srv = await server();
		await run("ut11", srv, { beforeUpload: (b) => b.ship("1043") });
		expect(modes(srv)).toEqual(["catalog:checkauth", "checkauth", "query", "success", "checkauth", "init", "file", "import"]);
		expect(
			srv.requests
				.slice(2)
				.filter((q) => q.mode !== "checkauth")
				.every((q) => q.params.get("sessid")?.startsWith("t")),
		).toBe(true);
	});
	it("ut11 with the no-sessid node flag sends none", async () => {
		const srv = await server();
		await run("ut11", srv, { settings: { noSessid: true }, beforeUpload: (b) => b.ship("1043") });
		expect(srv.requests.some((q) => q.params.has("sessid"))).toBe(false);
	});
	it("unf (Bitrix): init before query, version=2.09&cmlVersion=2.10 with subordinate documents", async () => {
		const srv = await server();
		const r = await run("unf", srv, { unf: { importPauseMs: 1, subordinateDocuments: true }, beforeUpload: (b) => b.pay("1043") });
		expect(r.ok).toBe(true);
		expect(modes(srv)).toEqual(["checkauth", "init", "query", "success", "checkauth", "init", "file", "import"]);
		const init = srv.requests.find((q) => q.mode === "init");
		expect([init?.params.get("version"), init?.params.get("cmlVersion"), init?.params.has("sessid")]).toEqual(["2.09", "2.10", true]);
		expect(srv.imported.values().next().value).toMatch(/urn:1C\.ru:commerceml_210/);
	});
	it("unf (other CMS): no sessid or version, a 1-line init is accepted", async () => {
		const srv = await server({ override: (q) => (q.mode === "init" ? { body: "zip=no\n" } : undefined) });
		const r = await run("unf", srv, { unf: { protocol: "other", importPauseMs: 1 }, beforeUpload: (b) => b.pay("1043") });
		expect(messages(r)).toEqual([]);
		expect(modes(srv)).toEqual(["checkauth", "query", "success", "checkauth", "init", "file", "import"]);
		expect(srv.requests.some((q) => q.params.has("sessid") || q.params.has("version"))).toBe(false);
	});
	it("bitrix-module: init&sessid&version=2.08, optional Контейнер, repeated query without success", async () => {
		let queries = 0;
		const srv = await server({ query: () => xmlReply(siteXml(queries++ === 0 ? ORDERS : [])) });
		const r = await run("bitrix-module", srv, {
			bitrixModule: { repeatQuery: true, container: true },
			beforeUpload: (b) => b.cancel("1043", "Нет в наличии"),
		});
		expect(r.ok).toBe(true);
		expect(modes(srv)).toEqual(["checkauth", "init", "query", "query", "checkauth", "init", "file", "import"]);
		expect(srv.requests[1]?.params.get("version")).toBe("2.08");
		expect(srv.successes).toBe(0);
		expect(srv.imported.values().next().value).toMatch(/<Контейнер>/);
	});
	it("unf decodes a windows-1251 body sent without a charset (fallback), ut11 cannot", async () => {
		const body = iconv.encode(siteXml(ORDERS, "windows-1251"), "win1251");
		const srv = await server({ query: () => xmlReply(new Uint8Array(body), "application/xml") });
		const base = new Infobase();
		await run("unf", srv, { infobase: base });
		expect(base.findBySiteNumber("1042")?.lines[0]?.name).toBe("Чайник «Ёлка»");
		const ut = new Infobase();
		await run("ut11", srv, { infobase: ut });
		expect(ut.findBySiteNumber("1042")?.lines[0]?.name).not.toBe("Чайник «Ёлка»");
	});
});

type Case = { name: string; override: (q: FakeRequest) => FakeReply | undefined; flagged: Record<LegacyProfile, RegExp | null> };
const CASES: Case[] = [
	{
		name: "3-line init without version",
		override: (q) => (q.mode === "init" && !q.params.has("version") ? { body: "zip=yes\nfile_limit=100000\nsessid=x\n" } : undefined),
		flagged: { ut11: /init: Не удалось прочитать ответ сервера\. Параметры обмена не получены\./, unf: null, "bitrix-module": null },
	},
	{
		name: "whitespace before <?xml",
		override: (q) => (q.mode === "query" ? xmlReply(`\n  ${siteXml(ORDERS)}`) : undefined),
		flagged: {
			ut11: /query: Не удалось прочитать данные, загруженные с сервера\./,
			unf: /query: Не удалось прочитать данные/,
			"bitrix-module": /query: Не удалось прочитать данные/,
		},
	},
	{
		name: "file replying 'The file has been uploaded'",
		override: (q) => (q.mode === "file" ? { body: "The file v8_1.zip has been successfully uploaded" } : undefined),
		flagged: {
			ut11: /file: Не получен статус завершения операции\. Файл не отправлен\./,
			unf: /file: Не получен статус завершения операции/,
			"bitrix-module": /file: Не получен статус завершения операции/,
		},
	},
	{
		name: "endless progress",
		override: (q) => (q.mode === "import" ? { body: "progress\nещё чуть-чуть\n" } : undefined),
		flagged: {
			ut11: /import: Сервер не завершил импорт: 25 ответов progress/,
			unf: /import: Сервер не завершил импорт/,
			"bitrix-module": /import: Сервер не завершил импорт/,
		},
	},
	{
		name: "unknown import status",
		override: (q) => (q.mode === "import" ? { body: "ok\n" } : undefined),
		flagged: {
			ut11: /import: Получен неизвестный статус импорта/,
			unf: /Получен неизвестный статус импорта/,
			"bitrix-module": /Получен неизвестный статус импорта/,
		},
	},
	{
		name: "empty query body",
		override: (q) => (q.mode === "query" ? { body: "" } : undefined),
		flagged: {
			ut11: /query: Получен пустой ответ сервера/,
			unf: /query: Получен пустой ответ сервера/,
			"bitrix-module": /query: Получен пустой ответ сервера/,
		},
	},
	{
		name: "failure body on query",
		override: (q) => (q.mode === "query" ? { body: "failure\nБаза недоступна\n" } : undefined),
		flagged: {
			ut11: /query: Не удалось прочитать данные/,
			unf: /query: Ошибка на стороне сайта: База недоступна/,
			"bitrix-module": /Ошибка на стороне сайта: База недоступна/,
		},
	},
	{
		name: "HTTP 500 with a success body on success",
		override: (q) => (q.mode === "success" ? { status: 500, body: "success\n" } : undefined),
		flagged: { ut11: /success: Ответ сервера: код состояния HTTP 500/, unf: /HTTP 500/, "bitrix-module": /HTTP 500/ },
	},
];

describe.each(CASES)("server bug: $name", ({ override, flagged }) => {
	it.each(PROFILES)("%s flags exactly what the real client rejects", async (profile) => {
		const srv = await server({ override });
		const base = new Infobase();
		const r = await run(profile, srv, { infobase: base, beforeUpload: (b) => b.findBySiteNumber("1042") && b.pay("1042") });
		const expected = flagged[profile];
		if (expected === null) {
			expect(messages(r)).toEqual([]);
		} else {
			expect(r.ok).toBe(false);
			expect(messages(r).join("\n")).toMatch(expected);
			const d = r.deviations[0];
			expect(d?.request.url).toContain(srv.url);
			expect(d?.profile).toBe(profile);
		}
	});
});

describe("repeated query (bitrix-module)", () => {
	it("flags a server that never answers an empty document when queried again without success", async () => {
		const srv = await server(); // re-sends the same two orders forever
		const r = await run("bitrix-module", srv, { bitrixModule: { repeatQuery: true }, maxQueryRounds: 4 });
		expect(srv.requests.filter((q) => q.mode === "query")).toHaveLength(4);
		expect(messages(r)).toEqual([
			"query: Сервер не вернул пустой ответ после 4 запросов query без success: заказы выгружаются повторно без конца.",
		]);
		expect(r.ok).toBe(false);
	});
});

describe("failures keep data consistent", () => {
	it("a bad document fails the whole load: nothing written, no success", async () => {
		const srv = await server({
			query: () =>
				xmlReply(siteXml([...ORDERS, { number: "1044", lines: [{ name: "x", price: "1", quantity: "1" }], operation: "Счет на оплату" }])),
		});
		const base = new Infobase();
		const r = await run("ut11", srv, { infobase: base });
		expect(messages(r).join()).toMatch(/Не удалось загрузить заказы: .*ХозОперация/);
		expect(base.state.orders).toEqual([]);
		expect(srv.successes).toBe(0);
	});
	it("a failed upload portion is retried N times and stays registered", async () => {
		const srv = await server({ override: (q) => (q.mode === "file" ? { body: "failure\nДиск заполнен\n" } : undefined) });
		const base = new Infobase();
		const r = await run("ut11", srv, { infobase: base, settings: { retries: 2 }, beforeUpload: (b) => b.pay("1042") });
		expect(srv.requests.filter((q) => q.mode === "init")).toHaveLength(3);
		expect(r.deviations.filter((d) => d.step === "file")).toHaveLength(3);
		expect(r.deviations[0]?.message).toMatch(/Диск заполнен/);
		expect(base.registeredOrders().map((o) => o.siteNumber)).toEqual(["1042"]);
	});
	it("import polling also gives up on time (unf pauses between polls)", async () => {
		const srv = await server({ override: (q) => (q.mode === "import" ? { body: "progress\n" } : undefined) });
		// a virtual clock: each pause between polls advances it by exactly the pause, so the budget is deterministic
		let virtual = Date.parse("2026-12-01T10:00:00Z");
		const r = await run("unf", srv, {
			unf: { importPauseMs: 30 },
			maxImportPolls: 1000,
			maxImportMs: 200,
			settings: { retries: 0 },
			now: () => new Date(virtual),
			sleep: async (ms) => {
				virtual += ms;
			},
			beforeUpload: (b) => b.pay("1042"),
		});
		// polls 1–7 come after 30…210 ms of pauses: the 7th is the first at or past the 200 ms budget
		expect(srv.requests.filter((q) => q.mode === "import")).toHaveLength(7);
		expect(messages(r)).toEqual([expect.stringMatching(/^import: Сервер не завершил импорт: \d+ ответов progress/)]);
	});
	it("a wrong password stops at checkauth with the 1C message", async () => {
		const srv = await server();
		const r = await sync("ut11", { url: srv.url, login: "1c", password: "wrong", infobase: new Infobase() });
		expect(messages(r)).toEqual(["checkauth: Не удалось подключиться к сайту. Обмен отменен."]);
		expect(srv.requests).toHaveLength(1);
	});
});

describe("fault injection", () => {
	it("drop success: orders loaded, success never sent", async () => {
		const srv = await server();
		const base = new Infobase();
		const r = await run("ut11", srv, { infobase: base, faults: { dropSuccess: true } });
		expect(r.successSent).toBe(false);
		expect(srv.successes).toBe(0);
		expect(base.state.orders).toHaveLength(2);
	});
	it("omit cookie / omit sessid", async () => {
		const a = await server();
		await run("unf", a, { faults: { omitCookie: true }, beforeUpload: (b) => b.pay("1042") });
		expect(a.requests.every((q) => q.cookie === null)).toBe(true);
		expect(a.imported.size).toBe(1);
		const b = await server();
		await run("unf", b, { faults: { omitSessid: true }, beforeUpload: (x) => x.pay("1042") });
		expect(b.requests.some((q) => q.params.has("sessid"))).toBe(false);
		expect(b.imported.size).toBe(1);
	});
	it("same file twice and odd splits deliver identical bytes", async () => {
		const srv = await server({ zip: false, fileLimit: 97 });
		const r = await run("ut11", srv, { faults: { duplicateFile: true, oddSplit: true }, beforeUpload: (b) => b.pay("1042") });
		expect(r.ok).toBe(true);
		const files = srv.requests.filter((q) => q.mode === "file");
		const inits = srv.requests.filter((q) => q.mode === "init");
		expect(inits).toHaveLength(2);
		expect(files.length % 2).toBe(0);
		expect(files.slice(0, -1).some((q) => (q.body.at(-1) ?? 0) >= 0xc0)).toBe(true);
		expect(srv.imported.values().next().value).toMatch(/<\/КоммерческаяИнформация>\s*$/);
	});
});
