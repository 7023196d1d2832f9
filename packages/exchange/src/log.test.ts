/**
 * Issue 11 §3: the `logger` option gets one entry per request; `LOG_FORMAT` picks the line format.
 */

import { ADMIN_TOKEN, basic, createHarness, PASSWORD } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { formatLogEntry, type LogEntry, lineLogger, parseLogFormat } from "./log.ts";

describe("LOG_FORMAT", () => {
	it("json, pretty or off; unset means pretty on a terminal and json otherwise; anything else is refused", () => {
		expect(parseLogFormat(undefined, false)).toBe("json");
		expect(parseLogFormat("", true)).toBe("pretty");
		expect(parseLogFormat("PRETTY", false)).toBe("pretty");
		expect(parseLogFormat("off", true)).toBe("off");
		expect(() => parseLogFormat("yaml", false)).toThrow(/LOG_FORMAT/);
		expect(lineLogger("off", () => {})).toBeUndefined();
	});
});

describe("the logger option", () => {
	it("gets one entry per request: /exim_1c with node, session, mode, reply, reason; the admin API with its route", async () => {
		const entries: LogEntry[] = [];
		const h = await createHarness({ logger: (e) => entries.push(e) });
		expect((await h.putOrder({ id: "o1", number: "1" })).status).toBe(201);
		expect(await h.text("type=sale&mode=checkauth", { auth: basic("nobody", "x") })).toMatch(/^failure/);
		const { cookie } = await h.login();
		await h.exim("type=sale&mode=query", { cookie, auth: null });
		expect(await h.text("type=sale&mode=import&filename=missing.xml", { cookie, auth: null })).toMatch(/^failure/);
		await h.app.request("/health");
		expect(entries.map((e) => (e.kind === "http" ? `${e.method} ${e.route} ${e.status}` : `${e.mode} ${e.reply} ${e.code ?? ""}`))).toEqual(
			["PUT /api/v1/orders/:id 201", "checkauth failure auth_failed", "checkauth success ", "query xml ", "import failure file_not_found"],
		);
		const [, unknown, login, query, missing] = entries;
		// a login that names no node is not echoed
		expect(unknown).toMatchObject({ kind: "exim", nodeId: null, login: null, session: null, status: 200 });
		expect(login).toMatchObject({ nodeId: h.nodeId, login: "exchange1c", type: "sale", reply: "success" });
		expect(query).toMatchObject({ session: (login as { session: string }).session, ordersSent: 1, ip: "127.0.0.1" });
		expect((query as { bytesOut: number }).bytesOut).toBeGreaterThan(0);
		expect(missing).toMatchObject({ reason: expect.stringMatching(/^Файл не найден/) });
		const text = entries.map((e) => `${formatLogEntry(e, "json")}\n${formatLogEntry(e, "pretty")}`).join("\n");
		for (const secret of [PASSWORD, ADMIN_TOKEN, cookie.split("=")[1] as string]) expect(text).not.toContain(secret);
		expect(formatLogEntry(missing as LogEntry, "pretty")).toMatch(
			/^2026-11-28T12:00:00\.000Z exim sale\/import failure\(file_not_found\) 200 \d+ms node=exchange1c session=[0-9a-f]{12} in=0 out=\d+ ip=127\.0\.0\.1 reason="Файл не найден/,
		);
	});

	it("a pretty line cannot be split by a line break in the query string", async () => {
		const entries: LogEntry[] = [];
		const h = await createHarness({ logger: (e) => entries.push(e) });
		await h.exim(`type=sale&mode=${encodeURIComponent("x\n2026-01-01T00:00:00Z exim sale/query success")}`);
		const line = formatLogEntry(entries[0] as LogEntry, "pretty");
		expect(line.split("\n")).toHaveLength(1);
		expect(line).toContain('exim sale/"x\\n2026');
	});

	it("a throwing logger does not break a request", async () => {
		const h = await createHarness({
			logger: () => {
				throw new Error("log sink down");
			},
		});
		expect(await h.text("type=sale&mode=checkauth")).toMatch(/^success/);
		expect((await h.api("GET", "/nodes")).status).toBe(200);
	});
});
