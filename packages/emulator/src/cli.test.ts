import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type FakeServer, startFakeServer } from "@obmen/testing/fake-server";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { main, OPTIONS } from "./cli.ts";
import { parseQueryXml } from "./query-parser.ts";
import { siteXml } from "./test-support/site-xml.ts";

let srv: FakeServer;
let dir: string;
beforeEach(async () => {
	srv = await startFakeServer({
		fileLimit: 256,
		query: () => ({
			body: siteXml([
				{
					number: "1042",
					lines: [{ name: "Чайник", price: "10", quantity: "1" }],
					status: "[N] Принят",
					buyer: { name: "ООО Альфа", inn: "7701234567" },
				},
				{ number: "1043", lines: [{ name: "Чайник", price: "10", quantity: "1" }], buyer: { name: "Альфа", inn: "7701234567" } },
			]),
			contentType: "application/xml; charset=utf-8",
		}),
	});
	dir = await mkdtemp(join(tmpdir(), "obmen-1c-"));
});
afterEach(async () => {
	await srv.close();
	await rm(dir, { recursive: true, force: true });
});

async function cli(...args: string[]) {
	let out = "";
	let err = "";
	const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
	return { code, out, err };
}
const auth = () => ["--url", srv.url, "--login", "1c", "--password", "secret"];

describe("obmen-1c sync", () => {
	it("runs a full exchange, keeps the infobase in --state and uploads --pay/--ship/--cancel", async () => {
		const state = join(dir, "state.json");
		const first = await cli(
			"sync",
			...auth(),
			"--state",
			state,
			"--counterparty-search",
			"inn-kpp",
			"--status-map",
			"[N] Принят=Согласован",
		);
		expect(first.err).toBe("");
		expect(first.code).toBe(0);
		expect(first.out).toMatch(/orders loaded: +2 \(created 2, updated 0, skipped 0\)/);
		expect(first.out).toMatch(/counterparties created: 1, items created: 1/);
		expect(first.out).toMatch(/protocol deviations: +none/);
		const saved = JSON.parse(await readFile(state, "utf8"));
		expect(saved.orders.map((o: { siteNumber: string; status: string }) => [o.siteNumber, o.status])).toEqual([
			["1042", "Согласован"],
			["1043", "Не согласован"],
		]);

		const second = await cli(
			"sync",
			...auth(),
			"--state",
			state,
			"--pay",
			"1042",
			"--ship",
			"1042",
			"--cancel",
			"1043",
			"--cancel-reason",
			"Нет товара",
		);
		expect(second.code).toBe(0);
		expect(second.out).toMatch(/skipped 1/);
		expect(second.out).toMatch(/orders delivered: 1042, 1043/);
		const xml = [...srv.imported.values()].at(-1) ?? "";
		const docs = parseQueryXml(xml).documents;
		expect(docs.map((d) => d.number)).toEqual(["1042", "1043"]);
		expect(docs[0]?.requisites.map((r) => r.name)).toContain("Дата отгрузки по 1С");
		expect(docs[1]?.requisites).toContainEqual({ name: "Отменен", value: "true" });
		const after = JSON.parse(await readFile(state, "utf8"));
		expect(after.orders[1].lines[0].cancelReason).toBe("Нет товара");
		expect(after.orders.every((o: { registered: boolean }) => !o.registered)).toBe(true);
	});

	it("exits 1 and lists deviations with step, request and reply", async () => {
		await srv.close();
		srv = await startFakeServer({
			override: (q) => (q.mode === "query" ? { body: ' <?xml version="1.0"?><КоммерческаяИнформация/>' } : undefined),
		});
		const r = await cli("sync", ...auth(), "--profile", "unf", "--import-pause-ms", "1", "--drop-success");
		expect(r.code).toBe(1);
		expect(r.out).toMatch(/protocol deviations: +1/);
		expect(r.out).toMatch(/\[query\] Не удалось прочитать данные, загруженные с сервера\./);
		expect(r.out).toMatch(/GET http:\/\/127\.0\.0\.1:\d+\/exim_1c\?type=sale&mode=query&sessid=t/);
	});

	it("reads --node-settings and rejects bad usage with exit 2", async () => {
		const ns = join(dir, "node.json");
		await writeFile(ns, JSON.stringify({ counterpartySearch: "inn-kpp", statusMap: { "[N] Принят": "К обеспечению" } }));
		const state = join(dir, "s.json");
		const ok = await cli("sync", ...auth(), "--node-settings", ns, "--state", state);
		expect(ok.code).toBe(0);
		expect(ok.out).toMatch(/counterparties created: 1,/);
		expect(JSON.parse(await readFile(state, "utf8")).orders[0].status).toBe("К обеспечению");
		await writeFile(ns, JSON.stringify({ counterpartySearch: "bogus" }));
		expect((await cli("sync", ...auth(), "--node-settings", ns)).code).toBe(2);
		expect((await cli("sync", "--url", srv.url)).err).toMatch(/required/);
		expect((await cli("sync", ...auth(), "--profile", "ut12")).code).toBe(2);
		const proto = await cli("sync", ...auth(), "--profile", "unf", "--unf-protocol", "umi");
		expect([proto.code, proto.err.split("\n")[0]]).toEqual([2, "obmen-1c: unknown --unf-protocol umi (bitrix | other)"]);
		expect((await cli("frobnicate")).code).toBe(2);
		const pay = await cli("sync", ...auth(), "--pay", "404");
		expect(pay.code).toBe(2);
		expect(pay.err).toMatch(/404/);
	});

	it("--profile ut --variant ut11.4 sends no sessid; --variant bas --no-wait-import skips import; --bom-as-char; bad variants exit 2", async () => {
		const a = await cli("sync", ...auth(), "--profile", "ut", "--variant", "ut11.4", "--pay", "1042");
		expect(a.code).toBe(0);
		expect(srv.requests.some((q) => q.params.has("sessid"))).toBe(false);
		expect(srv.requests.filter((q) => q.mode === "import")).toHaveLength(1);
		srv.requests.length = 0;
		const b = await cli("sync", ...auth(), "--profile", "ut", "--variant", "bas", "--no-wait-import", "--pay", "1042");
		expect(b.code).toBe(0);
		expect(srv.requests.filter((q) => q.mode === "file").length).toBeGreaterThan(0);
		expect(srv.requests.some((q) => q.mode === "import")).toBe(false);
		const c = await cli("sync", ...auth(), "--profile", "bp", "--bom-as-char", "--json");
		expect(c.out).toMatch(/"profile": "bp"/);
		expect((await cli("sync", ...auth(), "--profile", "retail", "--variant", "ut11.4")).code).toBe(2);
		expect((await cli("sync", ...auth(), "--profile", "unf16", "--variant", "1.6.99")).err).toMatch(/1\.6\.10 \| 1\.6\.26/);
		const unf16 = await cli("sync", ...auth(), "--profile", "unf16", "--variant", "1.6.26", "--pay", "1042");
		expect(unf16.code).toBe(0);
	});

	it("--help explains every flag (exit 0); a usage error prints it on stderr (exit 2)", async () => {
		const help = await cli("--help");
		expect(help.code).toBe(0);
		const lines = help.out.split("\n");
		for (const name of Object.keys(OPTIONS)) {
			const line = lines.find((l) => new RegExp(`(^|[\\s,])--${name}(?![\\w-])`).test(l));
			expect(line, `--${name}`).toBeDefined();
			// the flag's line says what it does, beyond the flag names and their value placeholders
			expect(line?.replace(/--?[\w-]+( [A-Z.=|]+|\b)?/g, "").replace(/[\s,|]/g, "").length, `--${name}`).toBeGreaterThan(8);
		}
		const bad = await cli("sync", "--bogus");
		expect(bad.code).toBe(2);
		expect(bad.err).toContain("Usage: obmen-1c sync");
	});
});
