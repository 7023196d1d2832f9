import { basic, oneCFile, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { journalError } from "../journal-codes.ts";
import { createCheckedHarness as createHarness } from "../test-support/contract.ts";
import { csvField } from "./journal-export.ts";

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON bodies in assertions
type Json = Record<string, any>;

describe("journal: whole replies, error codes, csv / ndjson export", () => {
	it("keeps the whole text reply (no session secrets) and classifies errors with codes and details", async () => {
		// the import path itself (an apply on upload journals on the file row: see the next test)
		const h = await createHarness({ settings: { applyOnUpload: "never" } });
		await h.putOrder({ id: "o1" });
		const { cookie, sessid } = await h.login();
		await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", "wrong") });
		const replies = await uploadAndImport(
			h,
			cookie,
			"orders.xml",
			new TextEncoder().encode(oneCFile([{ number: "1" }, { number: "77" }, { number: "78" }])),
			10_000,
		);
		expect(replies.at(-1)).toMatch(/^success\n/);
		await h.text("type=sale&mode=import&filename=nothing.xml", { cookie });
		const items = (await (await h.api("GET", `/nodes/${h.nodeId}/journal`)).json()).items as Json[];
		const by = (mode: string) => items.filter((i) => i.mode === mode);
		// checkauth: line 1 only in the whole reply, never the cookie or sessid
		const login = by("checkauth").at(-1);
		expect(login?.replyText).toBe("success\n…");
		expect(JSON.stringify(items)).not.toContain(sessid);
		// an import with unknown orders: a success reply with its summary, and the unknown numbers as details
		const imported = by("import")[1];
		expect(imported?.replyText).toMatch(/^success\ndocuments: 3, updated: \d+, created: 0, unknown: 2/);
		expect(imported).toMatchObject({ code: "unknown_orders", params: { orders: ["77", "78"] } });
		expect(by("import")[0]).toMatchObject({ code: "file_not_found", reply: "failure" });
		expect(by("import")[0]?.replyText).toMatch(/^failure\nФайл не найден/);
		expect(by("init")[0]).toMatchObject({ code: null, params: null });
	});

	it("per request: client address, User-Agent, the order numbers sent, and an import's changes (in the changes feed)", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		await h.putOrder({ id: "o2" });
		const { cookie } = await h.login();
		await h.exim("type=sale&mode=query", { cookie, ip: "10.0.0.7" });
		await h.text("type=sale&mode=success", { cookie });
		await uploadAndImport(
			h,
			cookie,
			"o.xml",
			new TextEncoder().encode(oneCFile([{ number: "2", requisites: [["Оплачен", "true"]] }])),
			10_000,
		);
		const items = (await (await h.api("GET", `/nodes/${h.nodeId}/journal`)).json()).items as Json[];
		const q = items.find((i) => i.mode === "query");
		expect(q).toMatchObject({ ip: "10.0.0.7", detail: { orders: ["1", "2"], ids: ["o1", "o2"] } });
		// applied on upload: the file request that completed the upload carries the import's changes
		const imp = items.find((i) => i.mode === "file" && i.detail?.changes);
		expect(imp?.note).toMatch(/^applied on upload/);
		const [from, to] = (imp?.detail?.changes ?? [0, 0]) as [number, number];
		const feed = (await (await h.api("GET", `/changes?after=${from}&limit=${to - from}`)).json()).items as Json[];
		expect(feed).toEqual([expect.objectContaining({ orderId: "o2", changes: expect.objectContaining({ source: "1c" }) })]);
		expect(feed[0]?.changes.fields.paid).toEqual({ from: null, to: true });
	});

	it("journalError: the protocol's reasons map to stable codes", () => {
		const f = (error: string) => journalError({ error, reply: "failure" })?.code;
		expect(f("Неверный логин или пароль")).toBe("auth_failed");
		expect(f("Слишком много неудачных попыток входа, повторите через минуту")).toBe("throttled");
		expect(f("Сессия не найдена или истекла: выполните checkauth (session expired)")).toBe("no_session");
		expect(f("Файл слишком большой (too large)")).toBe("file_too_large");
		expect(journalError({ error: "XML_MALFORMED: unclosed tag at line 3, column 7", reply: "failure" })).toEqual({
			code: "xml_invalid",
			params: { cmlCode: "XML_MALFORMED", line: 3, column: 7 },
		});
		expect(f("ZIP_CRC: entry a.xml")).toBe("zip_invalid");
		expect(f("something new")).toBe("other");
		expect(journalError({ error: null, reply: "success" })).toBeNull();
		expect(journalError({ error: null, reply: "failure" })?.code).toBe("other");
	});

	it("exports the journal as CSV (BOM, header, quoted fields) and NDJSON, newest first", async () => {
		const h = await createHarness();
		const { cookie } = await h.login();
		await h.text("type=sale&mode=init", { cookie });
		await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", "wrong") });
		const csv = await h.api("GET", `/nodes/${h.nodeId}/journal?format=csv`);
		expect(csv.headers.get("content-type")).toBe("text/csv; charset=utf-8");
		expect(csv.headers.get("content-disposition")).toBe(`attachment; filename="journal-${h.nodeId}-2026-11-28.csv"`);
		const bytes = new Uint8Array(await csv.arrayBuffer());
		expect([...bytes.slice(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
		const lines = new TextDecoder()
			.decode(bytes)
			.replace(/^\uFEFF/, "")
			.split("\r\n");
		expect(lines[0]).toBe(
			"id,at,session,type,mode,filename,bytesIn,bytesOut,durationMs,ordersSent,ordersAcknowledged,ordersImported,code,error,reply,ip,userAgent",
		);
		expect(lines[1]).toMatch(/,sale,checkauth,.*,auth_failed,Неверный логин или пароль,failure,127\.0\.0\.1,$/);
		expect(lines[2]).toMatch(/,sale,init,/);
		expect(lines.at(-1)).toBe("");
		const nd = await (await h.api("GET", `/nodes/${h.nodeId}/journal?format=ndjson`)).text();
		const rows = nd
			.trim()
			.split("\n")
			.map((l) => JSON.parse(l) as Json);
		expect(rows.map((r) => r.mode)).toEqual(["checkauth", "init", "checkauth"]);
		expect(rows[0]).toMatchObject({ code: "auth_failed", reply: "failure" });
		expect((await h.api("GET", "/nodes/missing/journal?format=csv")).status).toBe(404);
		expect(csvField('a "b", c')).toBe('"a ""b"", c"');
		expect(csvField("=HYPERLINK(1)")).toBe("'=HYPERLINK(1)");
		expect(csvField(null)).toBe("");
	});

	it("streams a journal longer than one page completely", async () => {
		const h = await createHarness();
		for (let i = 0; i < 1203; i++)
			await h.store.addJournal({
				nodeId: h.nodeId,
				at: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(),
				session: null,
				type: "sale",
				mode: "query",
				filename: null,
				bytesIn: 0,
				bytesOut: 1,
				reply: "xml",
				durationMs: 1,
				ordersSent: 0,
				ordersAcknowledged: 0,
				ordersImported: 0,
				error: null,
			});
		const nd = await (await h.api("GET", `/nodes/${h.nodeId}/journal?format=ndjson`)).text();
		const ids = nd
			.trim()
			.split("\n")
			.map((l) => (JSON.parse(l) as Json).id as number);
		expect(ids).toHaveLength(1203);
		expect(new Set(ids).size).toBe(1203);
		expect(ids).toEqual([...ids].sort((a, b) => b - a));
	});
});
