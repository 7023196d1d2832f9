/**
 * T-SESS (docs/reliability.md X14, docs/protocol.md §2.4): idle and absolute expiry, older sessions of a node after a newer
 * `checkauth`, no session from the query string, cookie shape and attributes, ids stored hashed.
 */

import { basic, createHarness, type Harness, LOGIN } from "@obmen/testing/harness";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../crypto.ts";
import { sessidFor, touchIntervalMs } from "./session.ts";

const MIN = 60_000;
const sessionRows = async (h: Harness) => (await h.client.execute("SELECT * FROM sessions")).rows;

async function addNode(h: Harness, login: string): Promise<string> {
	const res = await h.api("POST", "/nodes", { name: login, login, password: "pw-of-b" });
	expect(res.status).toBe(201);
	return ((await res.json()) as { id: string }).id;
}

describe("T-SESS: sessions", () => {
	it("idle expiry: 30 min without a request ends the session, which is then deleted", async () => {
		const h = await createHarness();
		const s = await h.login();
		h.clock.advance(30 * MIN); // exactly the limit: still alive
		expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toBe("success\n");
		h.clock.advance(30 * MIN + 1);
		expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toMatch(/^failure\n.*\(session expired\)\n$/);
		expect(await sessionRows(h)).toHaveLength(0);
		// and it stays gone (not resurrected by a later request)
		expect(await h.text("type=sale&mode=init", { cookie: s.cookie })).toMatch(/^failure\n/);
	});

	it("last_seen_at is refreshed at most once a minute, and idle expiry counts from the last refresh", async () => {
		const h = await createHarness();
		const s = await h.login();
		const lastSeen = async () => Number((await sessionRows(h))[0]?.last_seen_at);
		const t0 = await lastSeen();
		h.clock.advance(MIN - 1); // within the minute: no write
		expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toBe("success\n");
		expect(await lastSeen()).toBe(t0);
		h.clock.advance(1); // a minute old: refreshed
		expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toBe("success\n");
		expect(await lastSeen()).toBe(t0 + MIN);
		h.clock.advance(30 * MIN);
		expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toBe("success\n");
		expect(touchIntervalMs(30 * MIN)).toBe(MIN);
		expect(touchIntervalMs(5 * MIN)).toBe(30_000);
	});

	it("absolute expiry: a session kept busy still ends 4 h after checkauth", async () => {
		const h = await createHarness();
		const s = await h.login();
		for (let t = 0; t < 4 * 60; t += 10) {
			expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toBe("success\n");
			h.clock.advance(10 * MIN);
		}
		h.clock.advance(1);
		expect(await h.text("type=sale&mode=success", { cookie: s.cookie })).toMatch(/^failure\n.*expired/);
	});

	it("an older cookie after a newer checkauth: still valid (1C checks in per phase) but only for its node, its own batch, its own TTL", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1" });
		const old = await h.login();
		h.clock.advance(10 * MIN);
		const fresh = await h.login();
		// both work: 1C УТ 11 opens a new checkauth per phase and may still finish the previous one
		const xmlOld = await (await h.exim("type=sale&mode=query", { cookie: old.cookie })).arrayBuffer();
		expect(xmlOld.byteLength).toBeGreaterThan(100);
		// success with the new cookie does not confirm what the old session was sent
		expect(await h.text("type=sale&mode=success", { cookie: fresh.cookie })).toBe("success\n");
		const j1 = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?limit=1`)).json()) as { items: { ordersAcknowledged: number }[] };
		expect(j1.items[0]?.ordersAcknowledged).toBe(0);
		expect(await h.text("type=sale&mode=success", { cookie: old.cookie })).toBe("success\n");
		const j2 = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?limit=1`)).json()) as { items: { ordersAcknowledged: number }[] };
		expect(j2.items[0]?.ordersAcknowledged).toBe(1);
		// the sessid of one session is not valid with the other's cookie
		expect(await h.text(`type=sale&mode=success&sessid=${fresh.sessid}`, { cookie: old.cookie })).toMatch(/^failure\n.*sessid/);
		// the old one ends at its own absolute limit, the new one lives on
		for (let t = 10; t < 4 * 60 - 10; t += 20) {
			h.clock.advance(20 * MIN);
			expect(await h.text("type=sale&mode=init", { cookie: fresh.cookie })).toMatch(/^zip=/);
			expect(await h.text("type=sale&mode=init", { cookie: old.cookie })).toMatch(/^zip=/);
		}
		h.clock.advance(10 * MIN + 1); // 4 h + 1 ms after the old checkauth
		expect(await h.text("type=sale&mode=init", { cookie: old.cookie })).toMatch(/^failure\n.*expired/);
		expect(await h.text("type=sale&mode=init", { cookie: fresh.cookie })).toMatch(/^zip=/);
	});

	it("a session belongs to its node: another node's login opens its own; deleting a node ends its sessions", async () => {
		const h = await createHarness();
		const a = await h.login();
		const bId = await addNode(h, "node-b");
		const bLines = (await h.text("type=sale&mode=checkauth", { auth: `Basic ${btoa("node-b:pw-of-b")}` })).split("\n");
		const b = { cookie: `${bLines[1]}=${bLines[2]}` };
		const rows = await sessionRows(h);
		expect(new Set(rows.map((r) => r.node_id))).toEqual(new Set([h.nodeId, bId]));
		expect((await h.api("DELETE", `/nodes/${bId}`)).status).toBe(204);
		expect(await h.text("type=sale&mode=init", { cookie: b.cookie, auth: null })).toMatch(/^failure\n/);
		expect(await h.text("type=sale&mode=init", { cookie: a.cookie })).toMatch(/^zip=/);
	});

	it("the session is never taken from the query string; sessid is checked but never identifies a session", async () => {
		const h = await createHarness();
		const s = await h.login();
		const value = s.cookie.split("=")[1] ?? "";
		for (const q of [`obmen_session=${value}`, `sessid=${s.sessid}`, `sessid=${value}`, `PHPSESSID=${value}`, `cookie=${s.cookie}`]) {
			for (const mode of ["success", "init", "import&filename=a.xml"]) {
				const text = await h.text(`type=sale&mode=${mode}&${q}`, { auth: null });
				expect(text, `${mode} ${q}`).toMatch(/^failure\n.*checkauth/);
			}
		}
		// Basic credentials alone don't open a session either (query without a cookie is only a read-only preview)
		expect(await h.text("type=sale&mode=success")).toMatch(/^failure\n.*checkauth/);
		// a wrong sessid next to a valid cookie is refused; the right one (with or without the `sessid=` prefix) works
		expect(await h.text("type=sale&mode=success&sessid=0123456789abcdef0123456789abcdef", { cookie: s.cookie })).toMatch(/^failure\n/);
		expect(await h.text(`type=sale&mode=success&sessid=${s.sessid}`, { cookie: s.cookie })).toBe("success\n");
		expect(await h.text(`type=sale&mode=success&sessid=sessid=${s.sessid}`, { cookie: s.cookie })).toBe("success\n");
	});

	it("without the cookie, sessid + Basic of the session's own node identify it; sessid alone or with another node's Basic does not", async () => {
		const h = await createHarness();
		const s = await h.login();
		await addNode(h, "node-b");
		const otherNode = `Basic ${btoa("node-b:pw-of-b")}`;
		expect(await h.text(`type=sale&mode=success&sessid=${s.sessid}`, { auth: null })).toMatch(/^failure\n.*checkauth/);
		expect(await h.text(`type=sale&mode=success&sessid=${s.sessid}`, { auth: otherNode })).toMatch(/^failure\n.*checkauth/);
		expect(await h.text(`type=sale&mode=success&sessid=${s.sessid}`, { auth: basic(LOGIN, "wrong") })).toMatch(/^failure\n/);
		expect(await h.text("type=sale&mode=success&sessid=0123456789abcdef0123456789abcdef")).toMatch(/^failure\n.*checkauth/);
		expect(await h.text(`type=sale&mode=init&sessid=${s.sessid}`)).toBe("zip=yes\nfile_limit=8388608\n");
		expect(await h.text(`type=sale&mode=success&sessid=sessid=${s.sessid}`)).toBe("success\n");
		// the session's own batch: a query with sessid is the exchange (recorded as pending), not the preview
		await h.putOrder({ id: "o1" });
		await h.exim(`type=sale&mode=query&sessid=${s.sessid}`);
		expect((await h.client.execute("SELECT count(*) AS n FROM pending_batch")).rows[0]?.n).toBe(1);
	});

	it("a password change ends the node's sessions; a node keeps at most its newest 20 sessions", async () => {
		const h = await createHarness();
		const sessions = [];
		for (let i = 0; i < 22; i++) {
			sessions.push(await h.login());
			h.clock.advance(1000);
		}
		const rows = await sessionRows(h);
		expect(rows).toHaveLength(20);
		expect(await h.text("type=sale&mode=init", { cookie: sessions[0]?.cookie ?? "" })).toMatch(/^failure\n.*checkauth/);
		expect(await h.text("type=sale&mode=init", { cookie: sessions[1]?.cookie ?? "" })).toMatch(/^failure\n.*checkauth/);
		expect(await h.text("type=sale&mode=init", { cookie: sessions[2]?.cookie ?? "" })).toMatch(/^zip=/);
		// a PATCH that keeps the password keeps the sessions
		expect((await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { batchSize: 100 } })).status).toBe(200);
		expect(await h.text("type=sale&mode=init", { cookie: sessions[21]?.cookie ?? "" })).toMatch(/^zip=/);
		expect((await h.api("PATCH", `/nodes/${h.nodeId}`, { password: "new-password-1" })).status).toBe(200);
		expect(await sessionRows(h)).toHaveLength(0);
		expect(await h.text("type=sale&mode=init", { cookie: sessions[21]?.cookie ?? "" })).toMatch(/^failure\n.*checkauth/);
	});

	it("cookie name and value are [A-Za-z0-9_] (1C concatenates them raw), 128-bit, different every time", async () => {
		const h = await createHarness();
		const seen = new Set<string>();
		for (let i = 0; i < 50; i++) {
			const lines = (await h.text("type=sale&mode=checkauth")).split("\n");
			expect(lines[1]).toMatch(/^[A-Za-z0-9_]+$/);
			expect(lines[2]).toMatch(/^[A-Za-z0-9_]{32}$/);
			seen.add(lines[2] ?? "");
		}
		expect(seen.size).toBe(50);
	});

	it("Set-Cookie: HttpOnly, Secure (also on https), SameSite=Strict, Path of the endpoint", async () => {
		const h = await createHarness();
		for (const url of ["http://shop.test/exim_1c", "https://shop.test/exim_1c", "https://shop.test/bitrix/admin/1c_exchange.php"]) {
			const res = await h.app.request(`${url}?type=sale&mode=checkauth`, { headers: { Authorization: `Basic ${btoa("exchange1c:")}` } });
			expect((await res.text()).startsWith("failure")).toBe(true); // wrong password: no cookie
			expect(res.headers.get("set-cookie")).toBeNull();
		}
		for (const [url, path] of [
			["https://shop.test/exim_1c", "/exim_1c"],
			["http://shop.test/bitrix/admin/1c_exchange.php", "/bitrix/admin/1c_exchange.php"],
		] as const) {
			const lines: string[] = [];
			const res = await h.app.request(`${url}?type=sale&mode=checkauth`, {
				headers: { Authorization: `Basic ${btoa(unescape(encodeURIComponent("exchange1c:s3cret-пароль")))}` },
			});
			lines.push(...(await res.text()).split("\n"));
			const attrs = (res.headers.get("set-cookie") ?? "").split(/;\s*/);
			expect(attrs[0]).toBe(`${lines[1]}=${lines[2]}`);
			expect(attrs.slice(1).sort()).toEqual(["HttpOnly", `Path=${path}`, "SameSite=Strict", "Secure"].sort());
		}
	});

	it("only hashes are stored: the table never holds the cookie value or the sessid", async () => {
		const h = await createHarness();
		const s = await h.login();
		const value = s.cookie.split("=")[1] ?? "";
		const rows = await sessionRows(h);
		expect(rows).toHaveLength(1);
		const dump = JSON.stringify(rows);
		expect(dump).not.toContain(value);
		expect(dump).not.toContain(s.sessid);
		expect(rows[0]?.id_hash).toBe(await sha256Hex(value));
		expect(rows[0]?.sessid_hash).toBe(await sha256Hex(await sessidFor(value)));
		// knowing the stored hash does not open the session
		expect(await h.text("type=sale&mode=success", { cookie: `obmen_session=${String(rows[0]?.id_hash)}` })).toMatch(/^failure\n/);
	});

	it("hostile cookie values are refused with a reason (never a 500)", async () => {
		const h = await createHarness();
		await fc.assert(
			fc.asyncProperty(fc.string({ maxLength: 80 }), async (v) => {
				const cookie = `obmen_session=${v.replace(/[^\x20-\x7e]|;/g, "")}`;
				const res = await h.exim("type=sale&mode=success", { cookie, auth: null });
				expect(res.status).toBe(200);
				expect(await res.text()).toMatch(/^(failure\n.+|success)\n$/);
			}),
			{ numRuns: 200 },
		);
		expect(await sessionRows(h)).toHaveLength(0);
	});
});
