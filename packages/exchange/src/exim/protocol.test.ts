import { StoreBusyError } from "@obmen/db";
import { basic, createHarness, LOGIN, sampleOrder } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

const dec1251 = new TextDecoder("windows-1251");

describe("/exim_1c protocol (app.request)", () => {
	it("checkauth: 4 LF lines, [A-Za-z0-9_] cookie, Set-Cookie attributes, text/plain utf-8", async () => {
		const h = await createHarness();
		const res = await h.exim("type=sale&mode=checkauth");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toBe("text/plain; charset=utf-8");
		const body = await res.text();
		expect(body).not.toContain("\r");
		const lines = body.split("\n");
		expect(lines).toHaveLength(5);
		expect(lines[0]).toBe("success");
		expect(lines[1]).toMatch(/^[A-Za-z0-9_]+$/);
		expect(lines[2]).toMatch(/^[A-Za-z0-9_]{32}$/);
		expect(lines[3]).toMatch(/^sessid=[0-9a-f]{32}$/);
		expect(lines[4]).toBe("");
		const cookie = res.headers.get("set-cookie") ?? "";
		for (const attr of ["HttpOnly", "Secure", "SameSite=Strict", "Path=/exim_1c"]) expect(cookie).toContain(attr);
		// a new id at every checkauth
		const again = (await h.text("type=sale&mode=checkauth")).split("\n");
		expect(again[2]).not.toBe(lines[2]);
	});

	it("no credentials: 401 with WWW-Authenticate Basic and a failure body", async () => {
		const h = await createHarness();
		const res = await h.exim("type=sale&mode=checkauth", { auth: null });
		expect(res.status).toBe(401);
		expect(res.headers.get("www-authenticate")).toMatch(/^Basic /);
		expect((await res.text()).startsWith("failure\n")).toBe(true);
	});

	it("wrong password and unknown login give byte-identical 200 failures", async () => {
		const h = await createHarness();
		const a = await h.exim("type=sale&mode=checkauth", { auth: basic(LOGIN, "wrong") });
		const b = await h.exim("type=sale&mode=checkauth", { auth: basic("nobody", "wrong") });
		expect(a.status).toBe(200);
		expect(b.status).toBe(200);
		const ta = await a.text();
		expect(ta).toBe(await b.text());
		expect(ta).toMatch(/^failure\n.+\n$/);
	});

	it("throttles failed logins per IP and per login (≤ 10/min); successes don't count; window expires", async () => {
		const h = await createHarness();
		for (let i = 0; i < 30; i++) expect((await h.text("type=sale&mode=checkauth")).startsWith("success")).toBe(true);
		const fails: string[] = [];
		for (let i = 0; i < 12; i++) fails.push(await h.text("type=sale&mode=checkauth", { auth: basic(LOGIN, `bad${i}`), ip: "10.0.0.1" }));
		expect(fails.slice(0, 10).every((f) => f.includes("Неверный логин"))).toBe(true);
		expect(fails[10]).toMatch(/^failure\nСлишком много/);
		// the same IP is blocked for other logins too, even valid ones
		expect(await h.text("type=sale&mode=checkauth", { ip: "10.0.0.1" })).toMatch(/^failure\nСлишком много/);
		// per login: another IP guessing the same login is blocked as well
		expect(await h.text("type=sale&mode=checkauth", { auth: basic(LOGIN, "x"), ip: "10.0.0.2" })).toMatch(/^failure\nСлишком много/);
		// an unrelated IP + login is not affected
		expect(await h.text("type=sale&mode=checkauth", { auth: basic("other", "x"), ip: "10.0.0.3" })).toMatch(/^failure\nНеверный/);
		h.clock.advance(61_000);
		expect((await h.text("type=sale&mode=checkauth", { ip: "10.0.0.1" })).startsWith("success")).toBe(true);
	});

	it("catalog pre-flight succeeds, other catalog modes fail clearly, unknown type/mode fail", async () => {
		const h = await createHarness();
		expect((await h.text("type=catalog&mode=checkauth")).split("\n")[0]).toBe("success");
		expect(await h.text("type=catalog&mode=init")).toMatch(/^failure\n.*catalog not supported/);
		expect(await h.text("type=sale&mode=bogus")).toBe("failure\nUnknown mode: bogus\n");
		expect(await h.text("type=weird&mode=checkauth")).toBe("failure\nUnknown type: weird\n");
		expect(await h.text("")).toMatch(/^failure\nUnknown type/);
		expect(await h.text("type=sale&mode=complete")).toBe("success\n");
		const alias = await h.app.request("/bitrix/admin/1c_exchange.php?type=sale&mode=checkauth", { headers: { Authorization: basic() } });
		expect((await alias.text()).split("\n")[0]).toBe("success");
	});

	it("the endpoint and its Bitrix alias also answer with a trailing slash", async () => {
		const h = await createHarness();
		for (const path of ["/exim_1c/", "/bitrix/admin/1c_exchange.php/"]) {
			const res = await h.app.request(`${path}?type=sale&mode=checkauth`, { headers: { Authorization: basic() } });
			expect(res.status, path).toBe(200);
			const lines = (await res.text()).split("\n");
			expect(lines[0], path).toBe("success");
			const init = await h.app.request(`${path}?type=sale&mode=init`, { headers: { Cookie: `${lines[1]}=${lines[2]}` } });
			expect(await init.text(), path).toBe("zip=yes\nfile_limit=8388608\n");
		}
	});

	it("with an execution context (workerd) the journal write is handed to waitUntil; without one nothing breaks", async () => {
		const h = await createHarness();
		const waits: Promise<unknown>[] = [];
		const ctx = { waitUntil: (p: Promise<unknown>) => void waits.push(p), passThroughOnException() {}, props: {} };
		const req = new Request("http://obmen.test/exim_1c?type=sale&mode=checkauth", { headers: { Authorization: basic() } });
		const res = await h.app.fetch(req, {}, ctx);
		expect((await res.text()).split("\n")[0]).toBe("success");
		expect(waits).toHaveLength(1);
		await Promise.all(waits);
		const rows = async () =>
			(await h.client.execute("SELECT mode, reply FROM journal ORDER BY id")).rows.map((r) => `${r.mode} ${r.reply}`);
		expect(await rows()).toEqual(["checkauth success"]);
		expect((await h.text("type=sale&mode=nope")).split("\n")[0]).toBe("failure");
		await h.store.idle();
		expect(await rows()).toEqual(["checkauth success", "nope failure"]);
	});

	it("init: exactly 2 lines without version, 4 lines with version (parameter order irrelevant)", async () => {
		const h = await createHarness({ settings: { fileLimit: 4096, zip: false } });
		const { cookie, sessid } = await h.login();
		expect(await h.text("type=sale&mode=init", { cookie })).toBe("zip=no\nfile_limit=4096\n");
		expect(await h.text(`type=sale&mode=init&sessid=${sessid}`, { cookie })).toBe("zip=no\nfile_limit=4096\n");
		const four = await h.text(`type=sale&sessid=${sessid}&version=2.09&cmlVersion=2.10&mode=init`, { cookie });
		expect(four).toBe(`zip=no\nfile_limit=4096\nsessid=${sessid}\nversion=2.05\n`);
	});

	it("file_limit is never above the enforced per-file cap", async () => {
		const h = await createHarness({ limits: { maxFileBytes: 2000 } });
		const { cookie } = await h.login();
		expect(await h.text("type=sale&mode=init", { cookie })).toBe("zip=yes\nfile_limit=2000\n");
	});

	it("query → success handshake with and without sessid; no success → same orders again", async () => {
		const h = await createHarness();
		expect((await h.putOrder({ id: "o1" })).status).toBe(201);
		const s1 = await h.login();
		const q1 = await h.exim(`type=sale&mode=query&sessid=${s1.sessid}`, { cookie: s1.cookie, auth: null });
		expect(q1.headers.get("content-type")).toBe("application/xml; charset=windows-1251");
		const x1 = dec1251.decode(new Uint8Array(await q1.arrayBuffer()));
		expect(x1.startsWith('<?xml version="1.0" encoding="windows-1251"?>')).toBe(true);
		expect(x1).toContain("<Номер>1</Номер>");
		// no success: a new session gets it again
		const s2 = await h.login();
		const x2 = dec1251.decode(new Uint8Array(await (await h.exim("type=sale&mode=query", { cookie: s2.cookie })).arrayBuffer()));
		expect(x2).toContain("<Номер>1</Номер>");
		// success without sessid (Family B "other CMS") confirms
		expect(await h.text("type=sale&mode=success", { cookie: s2.cookie })).toBe("success\n");
		expect(await h.text("type=sale&mode=success", { cookie: s2.cookie })).toBe("success\n");
		const s3 = await h.login();
		const x3 = dec1251.decode(new Uint8Array(await (await h.exim("type=sale&mode=query", { cookie: s3.cookie })).arrayBuffer()));
		expect(x3).not.toContain("<Документ>");
		expect(x3).toContain("КоммерческаяИнформация");
	});

	it("a wrong sessid is refused, a missing one is fine", async () => {
		const h = await createHarness();
		const { cookie } = await h.login();
		expect(await h.text("type=sale&mode=success&sessid=deadbeef", { cookie })).toMatch(/^failure\n.*sessid/);
		expect(await h.text("type=sale&mode=success", { cookie })).toBe("success\n");
	});

	it("success/file/import/init without a session cookie fail and tell to call checkauth", async () => {
		const h = await createHarness();
		for (const q of ["type=sale&mode=success", "type=sale&mode=import&filename=a.xml", "type=sale&mode=init"]) {
			expect(await h.text(q)).toMatch(/^failure\n.*checkauth/);
		}
		expect(await h.text("type=sale&mode=file&filename=a.xml", { body: "x" })).toMatch(/^failure\n.*checkauth/);
		expect(await h.text("type=sale&mode=success&sessid=abc")).toMatch(/^failure\n.*checkauth/);
	});

	it("query with Basic but no cookie and no sessid is a side-effect-free preview", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o7" });
		const before = await h.digest();
		const res = await h.exim("type=sale&mode=query");
		expect(res.status).toBe(200);
		expect(dec1251.decode(new Uint8Array(await res.arrayBuffer()))).toContain("<Номер>7</Номер>");
		expect((await h.exim("type=sale&mode=query", { auth: null })).status).toBe(401);
		expect(await h.text("type=sale&mode=query", { auth: basic(LOGIN, "bad") })).toMatch(/^failure\n/);
		expect(await h.digest()).toBe(before);
		// the real exchange still gets the order (preview acknowledged nothing)
		const { cookie } = await h.login();
		expect(dec1251.decode(new Uint8Array(await (await h.exim("type=sale&mode=query", { cookie })).arrayBuffer()))).toContain(
			"<Номер>7</Номер>",
		);
	});

	it("sessions expire when idle (30 min) and absolutely (4 h)", async () => {
		const h = await createHarness();
		const a = await h.login();
		h.clock.advance(29 * 60_000);
		expect(await h.text("type=sale&mode=success", { cookie: a.cookie })).toBe("success\n");
		h.clock.advance(31 * 60_000);
		expect(await h.text("type=sale&mode=success", { cookie: a.cookie })).toMatch(/^failure\n.*(expired|истекла)/);
		const b = await h.login();
		for (let i = 0; i < 9; i++) {
			h.clock.advance(25 * 60_000);
			await h.text("type=sale&mode=success", { cookie: b.cookie });
		}
		h.clock.advance(25 * 60_000);
		expect(await h.text("type=sale&mode=success", { cookie: b.cookie })).toMatch(/^failure\n/);
	});

	it("mode=info answers a Справочник with statuses", async () => {
		const h = await createHarness({ settings: { statusMap: { export: { new: "Новый" } } } });
		await h.putOrder({ id: "o1", payment: { method: "Карта", paid: true } });
		const { cookie } = await h.login();
		const res = await h.exim("type=sale&mode=info", { cookie });
		expect(res.headers.get("content-type")).toBe("application/xml; charset=utf-8");
		const xml = await res.text();
		expect(xml).toContain("<Справочник>");
		expect(xml).toMatch(/<Ид>new<\/Ид>\s*<Название>Новый<\/Название>/);
		expect(xml).toContain("<Название>Карта</Название>");
	});

	it("every reply is non-empty and journaled, newest first, with type/mode/reply", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		const { cookie } = await h.login();
		await h.exim("type=sale&mode=query", { cookie });
		await h.text("type=sale&mode=success", { cookie });
		await h.text("type=sale&mode=nope", { cookie });
		const j = (await (await h.api("GET", `/nodes/${h.nodeId}/journal`)).json()) as { items: Record<string, unknown>[] };
		expect(j.items.map((i) => i.mode)).toEqual(["nope", "success", "query", "checkauth"]);
		expect(j.items[1]).toMatchObject({ reply: "success", ordersAcknowledged: 1, type: "sale" });
		expect(j.items[2]).toMatchObject({ reply: "xml", ordersSent: 1 });
		expect((j.items[2]?.bytesOut as number) > 100).toBe(true);
		expect(j.items[0]).toMatchObject({ reply: "failure" });
		const errs = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?errors=1`)).json()) as { items: unknown[] };
		expect(errs.items).toHaveLength(1);
	});

	it("query answers start with <?xml in both encodings (no BOM) and every Content-Type names its charset", async () => {
		for (const [encoding, charset] of [
			["utf-8", "utf-8"],
			["windows-1251", "windows-1251"],
		] as const) {
			const h = await createHarness({ settings: { encoding } });
			await h.api("PUT", "/orders/o1", sampleOrder("o1"));
			const { cookie } = await h.login();
			const res = await h.exim("type=sale&mode=query", { cookie });
			expect(res.headers.get("content-type")).toBe(`application/xml; charset=${charset}`);
			const bytes = new Uint8Array(await res.arrayBuffer());
			// 1C checks Лев(ПолучитьТелоКакСтроку(), 5) = "<?xml"; a BOM kept as a character fails it
			expect(new TextDecoder("latin1").decode(bytes.slice(0, 5))).toBe("<?xml");
			expect(Number(res.headers.get("content-length"))).toBe(bytes.length);
			const text = await h.exim("type=sale&mode=success", { cookie });
			expect(text.headers.get("content-type")).toMatch(/; charset=utf-8$/);
		}
	});

	it("a bp node (БП 3.0) gets a plain, unzipped query answer with no root namespace, even with zip on", async () => {
		const h = await createHarness({ settings: { configuration: "bp", zip: true, encoding: "utf-8" } });
		await h.api("PUT", "/orders/o1", sampleOrder("o1"));
		const { cookie } = await h.login();
		const res = await h.exim("type=sale&mode=query", { cookie });
		const text = new TextDecoder("utf-8", { ignoreBOM: true }).decode(await res.arrayBuffer());
		expect(text.startsWith("<?xml")).toBe(true); // not "PK": БП unpacks a zip from a decoded string and loses it
		expect(text).toMatch(/<КоммерческаяИнформация ВерсияСхемы="[\d.]+" ДатаФормирования="[^"]+">/);
		expect(text).not.toContain("xmlns"); // urn:1C.ru:commerceml_2 would make БП read it typed
		expect(text).toContain("<Документ>");
	});

	it("a busy database (the store's StoreBusyError) becomes failure busy, retry (never a 500)", async () => {
		const h = await createHarness();
		const { cookie } = await h.login();
		const busy = new StoreBusyError("SQLITE_BUSY: database is locked");
		h.store.acknowledge = async () => {
			throw busy;
		};
		const res = await h.exim("type=sale&mode=success", { cookie });
		expect(res.status).toBe(200);
		expect(await res.text()).toBe("failure\nbusy, retry\n");
	});
});
