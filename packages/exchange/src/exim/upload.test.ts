import { createHarness, type Harness, oneCFile, uploadAndImport } from "@obmen/testing/harness";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../crypto.ts";

const enc = new TextEncoder();

async function withOrders(h: Harness, n = 3): Promise<void> {
	for (let i = 1; i <= n; i++) expect((await h.putOrder({ id: `o${i}` })).status).toBe(201);
}

const paidFile = (generatedAt?: string) =>
	enc.encode(
		oneCFile(
			[
				{
					number: "1",
					requisites: [
						["Номер по 1С", "УТ-000101"],
						["Дата по 1С", "2026-11-28T09:15:00"],
						["Проведен", "true"],
						["Оплачен", "true"],
					],
				},
				{ number: "2", requisites: [["ПометкаУдаления", "true"]] },
			],
			generatedAt,
		),
	);

async function order(h: Harness, id: string) {
	return (await (await h.api("GET", `/orders/${id}`)).json()) as Record<string, unknown> & {
		oneC: Record<string, unknown> | null;
		status: string;
	};
}

describe("upload and import (T-PART, T-IDEM, T-FNAME, T-BODY)", () => {
	it("a file that grows big enough for a parse thread has one started ahead (prepare), once per chunk from then on", async () => {
		let prepared = 0;
		const factory = Object.assign(
			() => {
				throw new Error("no thread in this test");
			},
			{ prepare: () => void prepared++ },
		);
		const h = await createHarness({ parseWorker: factory, limits: { parseWorkerMinBytes: 2000 }, settings: { applyOnUpload: "never" } });
		const { cookie } = await h.login();
		await h.text("type=sale&mode=init", { cookie });
		const post = (n: number) => h.text("type=sale&mode=file&filename=orders.xml", { cookie, body: new Uint8Array(n).fill(0x20) });
		expect(await post(1500)).toBe("success\n");
		expect(prepared).toBe(0);
		expect(await post(1500)).toBe("success\n");
		expect(prepared).toBe(1);
		expect(await post(10)).toBe("success\n");
		expect(prepared).toBe(2);
	});

	it("chunks at odd boundaries (inside multi-byte characters) reassemble and apply", async () => {
		const h = await createHarness();
		await withOrders(h);
		const { cookie } = await h.login();
		const bytes = paidFile();
		const replies = await uploadAndImport(h, cookie, "orders-4f1c_1.xml", bytes, 7);
		expect(replies[0]).toBe("zip=yes\nfile_limit=8388608\n");
		expect(replies.slice(1, -1).every((r) => r === "success\n")).toBe(true);
		expect(replies.at(-1)).toMatch(/^success\ndocuments: 2, updated: 2/);
		const o1 = await order(h, "o1");
		expect(o1.oneC).toMatchObject({
			number: "УТ-000101",
			date: "2026-11-28T09:15:00",
			posted: true,
			paid: true,
			paidAt: null,
			id: "guid-1",
		});
		const o2 = await order(h, "o2");
		expect(o2.oneC).toMatchObject({ deleted: true, cancelled: true });
		// 1C changes don't bump the revision (no echo)
		expect(o1.revision).toBe(1);
	});

	it("a zip upload: import names the xml inside", async () => {
		const h = await createHarness();
		await withOrders(h);
		const { cookie } = await h.login();
		const zip = zipSync({ "orders-a_1.xml": paidFile(), "readme.txt": enc.encode("x") });
		const replies = await uploadAndImport(h, cookie, "v8_3B8F_3e.zip", zip, 100, "orders-a_1.xml");
		expect(replies.at(-1)).toMatch(/^success\n/);
		expect((await order(h, "o1")).oneC).toMatchObject({ paid: true });
		expect(await h.text("type=sale&mode=import&filename=missing.xml", { cookie })).toMatch(/^failure\n.*not found/);
	});

	it("the same content imported twice is a no-op (digest unchanged, 'already imported')", async () => {
		const h = await createHarness();
		await withOrders(h);
		const { cookie } = await h.login();
		await uploadAndImport(h, cookie, "orders-1.xml", paidFile(), 1000);
		const d1 = await h.digest();
		h.clock.advance(60_000);
		for (let i = 0; i < 3; i++) {
			const again = await uploadAndImport(h, cookie, "orders-1.xml", paidFile(), 333);
			expect(again.at(-1)).toBe("success\nalready imported\n");
		}
		expect(await h.digest()).toBe(d1);
		// the same documents in another file (new ДатаФормирования): nothing changes, not even timestamps
		const other = await uploadAndImport(h, cookie, "orders-2.xml", paidFile("2026-11-28T13:00:00"), 1000);
		expect(other.at(-1)).toMatch(/updated: 0/);
		const o1 = await order(h, "o1");
		expect(o1.oneC?.lastImportAt).toBe("2026-11-28T12:00:00.000Z");
	});

	it("a truncated upload fails clearly and changes nothing; a fresh init + upload then works", async () => {
		const h = await createHarness();
		await withOrders(h);
		const before = await h.digest();
		const { cookie } = await h.login();
		const bytes = paidFile();
		const cut = await uploadAndImport(h, cookie, "orders-1.xml", bytes.slice(0, bytes.length - 40), 50);
		expect(cut.at(-1)).toMatch(/^failure\nXML_/);
		expect(await h.digest()).toBe(before);
		// a duplicated chunk (1C retried one POST) is refused too
		await h.text("type=sale&mode=init", { cookie });
		const part = bytes.slice(0, 60);
		for (const chunk of [part, part, bytes.slice(60)]) await h.text("type=sale&mode=file&filename=orders-1.xml", { cookie, body: chunk });
		expect(await h.text("type=sale&mode=import&filename=orders-1.xml", { cookie })).toMatch(/^failure\n/);
		expect(await h.digest()).toBe(before);
		const ok = await uploadAndImport(h, cookie, "orders-1.xml", bytes, 50);
		expect(ok.at(-1)).toMatch(/^success\n/);
		expect(await h.digest()).not.toBe(before);
	});

	it("hostile file names are refused and nothing is stored", async () => {
		const h = await createHarness();
		const { cookie } = await h.login();
		await h.text("type=sale&mode=init", { cookie });
		const before = await h.digest();
		for (const name of [
			"../../etc/passwd.xml",
			"..",
			"x.php",
			"%2e%2e%2fa.xml",
			"a\u0000.xml",
			"",
			".hidden.xml",
			"имя.xml",
			"a/../../b.xml",
		]) {
			expect(await h.text(`type=sale&mode=file&filename=${encodeURIComponent(name)}`, { cookie, body: "<x/>" })).toMatch(/^failure\n/);
		}
		expect(await h.store.listUploads((await sessionId(h, cookie)) ?? "")).toEqual([]);
		// real 1C names with directories are accepted under their base name
		expect(await h.text(`type=sale&mode=file&filename=${encodeURIComponent("C:\\Temp\\v8_8789_c.xml")}`, { cookie, body: "<a/>" })).toBe(
			"success\n",
		);
		expect(await h.text(`type=sale&mode=file&filename=${encodeURIComponent("/tmp/v8_1.zip")}`, { cookie, body: "PK" })).toBe("success\n");
		expect(await h.store.listUploads((await sessionId(h, cookie)) ?? "")).toEqual(["v8_1.zip", "v8_8789_c.xml"]);
		expect(await h.digest()).toBe(before);
	});

	it("body limits count real bytes: chunk > file_limit, file cap, session cap", async () => {
		const h = await createHarness({ settings: { fileLimit: 1024 }, limits: { maxFileBytes: 3000, maxSessionBytes: 5000 } });
		const { cookie } = await h.login();
		await h.text("type=sale&mode=init", { cookie });
		const kb = new Uint8Array(1024).fill(65);
		expect(await h.text("type=sale&mode=file&filename=a.xml", { cookie, body: new Uint8Array(1025) })).toMatch(/^failure\n.*too large/);
		for (let i = 0; i < 2; i++) expect(await h.text("type=sale&mode=file&filename=a.xml", { cookie, body: kb })).toBe("success\n");
		expect(await h.text("type=sale&mode=file&filename=a.xml", { cookie, body: kb })).toMatch(/^failure\n.*too large/);
		const sid = (await sessionId(h, cookie)) ?? "";
		expect((await h.store.readUpload(sid, "a.xml"))?.length).toBe(2048);
		for (let i = 0; i < 2; i++) expect(await h.text("type=sale&mode=file&filename=b.xml", { cookie, body: kb })).toBe("success\n");
		expect(await h.text("type=sale&mode=file&filename=c.xml", { cookie, body: kb })).toMatch(/^failure\n.*too large/);
		// a lying Content-Length does not matter
		const res = await h.app.request("/exim_1c?type=sale&mode=file&filename=d.xml", {
			method: "POST",
			headers: { Cookie: cookie, "Content-Length": "abc" },
			body: new Uint8Array(2000),
		});
		expect(await res.text()).toMatch(/^failure\n.*too large/);
	});

	it("init truncates: the first chunk after init starts the file again", async () => {
		const h = await createHarness();
		const { cookie } = await h.login();
		const sid = (await sessionId(h, cookie)) ?? "";
		await h.text("type=sale&mode=init", { cookie });
		await h.text("type=sale&mode=file&filename=a.xml", { cookie, body: "stale-" });
		await h.text("type=sale&mode=file&filename=a.xml", { cookie, body: "leftover" });
		await h.text("type=sale&mode=init", { cookie });
		await h.text("type=sale&mode=file&filename=a.xml", { cookie, body: "fresh" });
		expect(new TextDecoder().decode((await h.store.readUpload(sid, "a.xml")) ?? new Uint8Array())).toBe("fresh");
	});

	it("big imports answer progress in time slices and always move forward", async () => {
		// `mode=import`'s own slices (with apply on upload the upload would be applied before `import`)
		const h = await createHarness({ settings: { applyOnUpload: "never" }, limits: { importSliceMs: 0 } });
		await withOrders(h, 5);
		const { cookie } = await h.login();
		const file = enc.encode(
			oneCFile([1, 2, 3, 4, 5].map((n) => ({ number: String(n), requisites: [["Отгружен", "true"] as [string, string]] }))),
		);
		const replies = await uploadAndImport(h, cookie, "orders-big.xml", file, 4096);
		const imports = replies.filter((r) => /^(progress|success|failure)/.test(r)).slice(-6);
		expect(imports.slice(0, 5).every((r) => r.startsWith("progress\n"))).toBe(true);
		const counts = imports.slice(0, 5).map((r) => Number(/(\d+)/.exec(r)?.[1]));
		expect(counts).toEqual([1, 2, 3, 4, 5]);
		expect(imports.at(-1)).toMatch(/^success\ndocuments: 5, updated: 5/);
		for (let i = 1; i <= 5; i++) expect((await order(h, `o${i}`)).oneC).toMatchObject({ shipped: true });
	});

	it("malformed XML and DOCTYPE are refused with a reason, DB unchanged", async () => {
		const h = await createHarness();
		await withOrders(h, 1);
		const before = await h.digest();
		const { cookie } = await h.login();
		const doctype =
			'<?xml version="1.0"?><!DOCTYPE x [<!ENTITY a SYSTEM "file:///etc/passwd">]><КоммерческаяИнформация>&a;</КоммерческаяИнформация>';
		expect((await uploadAndImport(h, cookie, "x.xml", enc.encode(doctype), 1000)).at(-1)).toMatch(/^failure\nDOCTYPE_FORBIDDEN/);
		// `failure\n<CODE>: <reason>[ at line L, column C][ (byte N)]`: the code once, the position when known
		const malformed =
			(
				await uploadAndImport(
					h,
					cookie,
					"y.xml",
					enc.encode('<КоммерческаяИнформация ВерсияСхемы="2.07">\n<Документ></КоммерческаяИнформация>'),
					1000,
				)
			).at(-1) ?? "";
		expect(malformed).toMatch(/^failure\nXML_MALFORMED: [^\n]+ at line 2, column \d+ \(byte \d+\)\n?$/);
		expect(malformed).not.toMatch(/XML_MALFORMED.*XML_MALFORMED/);
		const zip = (await uploadAndImport(h, cookie, "z.zip", enc.encode("PK\u0003\u0004garbage"), 1000, "z.xml")).at(-1) ?? "";
		expect(zip).toMatch(/^failure\nZIP_[A-Z]+: /);
		expect(zip.match(/ZIP_[A-Z]+/g)).toHaveLength(1);
		expect(await h.digest()).toBe(before);
	});
});

async function sessionId(_h: Harness, cookie: string): Promise<string | null> {
	return sha256Hex(cookie.split("=")[1] ?? "");
}
