/**
 * T-AUTH (docs/reliability.md X12, X13): brute-force throttling counted at the real password verifier, identical replies
 * for an unknown login and a wrong password, and a valid node that still logs in while someone floods its login.
 */

import { basic, createHarness, type Harness, LOGIN, PASSWORD } from "@obmen/testing/harness";
import { beforeEach, describe, expect, it, vi } from "vitest";

const verifications = vi.hoisted(() => ({ count: 0 }));
vi.mock("../crypto.ts", async (importOriginal) => {
	const real = await importOriginal<typeof import("../crypto.ts")>();
	return {
		...real,
		verifyPassword: (password: string, stored: string) => {
			verifications.count++;
			return real.verifyPassword(password, stored);
		},
	};
});

const CHECKAUTH = "type=sale&mode=checkauth";

async function flood(h: Harness, n: number, attempt: (i: number) => { auth: string; ip: string }): Promise<Response[]> {
	return Promise.all(Array.from({ length: n }, (_, i) => h.exim(CHECKAUTH, attempt(i))));
}

let h: Harness;
beforeEach(async () => {
	h = await createHarness();
	verifications.count = 0;
});

describe("T-AUTH: brute force", () => {
	it("a concurrent flood of wrong passwords from one IP gets ≤ 10 real verifications per minute", async () => {
		const replies = await flood(h, 60, (i) => ({ auth: basic(LOGIN, `guess-${i}`), ip: "10.1.0.1" }));
		expect(verifications.count).toBe(10);
		const bodies = await Promise.all(replies.map((r) => r.text()));
		expect(replies.every((r) => r.status === 200)).toBe(true);
		expect(bodies.filter((b) => b.startsWith("failure\nНеверный логин или пароль")).length).toBe(10);
		expect(bodies.filter((b) => b.startsWith("failure\nСлишком много")).length).toBe(50);
		// still throttled a second later, with varying logins too (per IP)
		h.clock.advance(1000);
		await flood(h, 20, (i) => ({ auth: basic(`user${i}`, "x"), ip: "10.1.0.1" }));
		expect(verifications.count).toBe(10);
		// the window slides: a minute later 10 more
		h.clock.advance(60_000);
		await flood(h, 30, (i) => ({ auth: basic(LOGIN, `later-${i}`), ip: "10.1.0.1" }));
		expect(verifications.count).toBe(20);
	});

	it("a flood on one login from 50 IPs gets ≤ 10 verifications per minute for that login", async () => {
		await flood(h, 100, (i) => ({ auth: basic(LOGIN, `guess-${i}`), ip: `127.0.0.${(i % 50) + 2}` }));
		expect(verifications.count).toBe(10);
	});

	it("unknown logins from many IPs: each IP ≤ 10 per minute", async () => {
		await flood(h, 150, (i) => ({ auth: basic(`nobody-${i}`, "x"), ip: `127.0.1.${i % 5}` }));
		expect(verifications.count).toBe(50);
	});

	it("unknown login and wrong password: identical status and body, both while counting and when throttled", async () => {
		const a = await h.exim(CHECKAUTH, { auth: basic(LOGIN, "wrong"), ip: "10.2.0.1" });
		const b = await h.exim(CHECKAUTH, { auth: basic("no-such-node", "wrong"), ip: "10.2.0.2" });
		expect([a.status, b.status]).toEqual([200, 200]);
		const [ta, tb] = [await a.text(), await b.text()];
		expect(ta).toBe(tb);
		expect(ta).toBe("failure\nНеверный логин или пароль\n");
		expect(verifications.count).toBe(2); // the unknown login was verified too (against a dummy hash)
		await flood(h, 12, (i) => ({ auth: basic(`spray${i}`, "x"), ip: "10.2.0.3" })); // fills the per-IP budget
		const ta2 = await (await h.exim(CHECKAUTH, { auth: basic(LOGIN, "wrong"), ip: "10.2.0.3" })).text();
		const tb2 = await (await h.exim(CHECKAUTH, { auth: basic("no-such-node", "wrong"), ip: "10.2.0.3" })).text();
		expect(ta2).toBe(tb2);
		expect(ta2).toMatch(/^failure\nСлишком много/);
	});

	it("the valid node keeps logging in from its own IP while one IP floods its login", async () => {
		// the node's usual address logged in before the attack (1C runs every few minutes)
		expect((await h.text(CHECKAUTH, { ip: "192.0.2.10" })).startsWith("success\n")).toBe(true);
		const attack = flood(h, 40, (i) => ({ auth: basic(LOGIN, `guess-${i}`), ip: "203.0.113.66" }));
		const during = await h.exim(CHECKAUTH, { ip: "192.0.2.10" });
		await attack;
		expect((await during.text()).startsWith("success\n")).toBe(true);
		h.clock.advance(5000);
		const after = await Promise.all(Array.from({ length: 5 }, () => h.text(CHECKAUTH, { ip: "192.0.2.10" })));
		expect(after.every((t) => t.startsWith("success\n"))).toBe(true);
		// a never-seen address guessing that login is still throttled per login
		expect(await h.text(CHECKAUTH, { auth: basic(LOGIN, "x"), ip: "198.51.100.7" })).toMatch(/^failure\nСлишком много/);
		// and the trusted address is still bound by its own per-IP limit (only its recently verified password passes)
		await flood(h, 15, (i) => ({ auth: basic(LOGIN, `inside-${i}`), ip: "192.0.2.10" }));
		expect(await h.text(CHECKAUTH, { auth: basic(LOGIN, "x"), ip: "192.0.2.10" })).toMatch(/^failure\nСлишком много/);
		expect(await h.text(CHECKAUTH, { ip: "192.0.2.10" })).toMatch(/^success\n/);
	});

	it("an address stays known for knownIpDays (30) after its last login, renewed by exchanging; a silent one expires", async () => {
		expect((await h.text(CHECKAUTH, { ip: "192.0.2.10" })).startsWith("success\n")).toBe(true);
		expect((await h.text(CHECKAUTH, { ip: "192.0.2.20" })).startsWith("success\n")).toBe(true);
		const DAY = 86_400_000;
		h.clock.advance(2 * 60 * 60_000); // hours later (the old 1-hour trust would be gone): both still known
		await flood(h, 20, (i) => ({ auth: basic(LOGIN, `early-${i}`), ip: "203.0.113.65" }));
		expect((await h.text(CHECKAUTH, { ip: "192.0.2.20" })).startsWith("success\n")).toBe(true);
		h.clock.advance(20 * DAY);
		expect((await h.text(CHECKAUTH, { ip: "192.0.2.10" })).startsWith("success\n")).toBe(true);
		h.clock.advance(10 * DAY + 60_000); // .20 last logged in 30 days and a minute ago, .10 10 days ago
		await flood(h, 20, (i) => ({ auth: basic(LOGIN, `guess-${i}`), ip: "203.0.113.66" }));
		expect((await h.text(CHECKAUTH, { ip: "192.0.2.10" })).startsWith("success\n")).toBe(true);
		expect(await h.text(CHECKAUTH, { ip: "192.0.2.20" })).toMatch(/^failure\nСлишком много/);
	});

	it("a flood of unknown logins from one IP does not affect a valid node logging in from another IP", async () => {
		const attack = flood(h, 40, (i) => ({ auth: basic(`spray-${i}`, "x"), ip: "203.0.113.5" }));
		const during = await h.text(CHECKAUTH, { ip: "192.0.2.44" });
		await attack;
		expect(during.startsWith("success\n")).toBe(true);
		expect(verifications.count).toBeLessThanOrEqual(11);
	});

	it("many concurrent valid logins from one address are never refused (successes don't consume the budget)", async () => {
		const replies = await Promise.all(Array.from({ length: 25 }, () => h.text(CHECKAUTH, { ip: "10.3.0.1" })));
		expect(replies.every((t) => t.startsWith("success\n"))).toBe(true);
		// concurrent ones verify for real until the first success is cached (see the cache tests below)
		expect(verifications.count).toBeGreaterThanOrEqual(1);
		expect(verifications.count).toBeLessThanOrEqual(25);
		expect(await h.text(CHECKAUTH, { auth: basic(LOGIN, PASSWORD), ip: "10.3.0.1" })).toMatch(/^success\n/);
	});
});

describe("positive verification cache (PBKDF2 once per password and stored hash)", () => {
	it("N good logins verify once; wrong passwords always verify and count; a password change verifies again", async () => {
		for (let i = 0; i < 5; i++) expect((await h.text(CHECKAUTH)).split("\n")[0]).toBe("success");
		expect(verifications.count).toBe(1);
		// a success is recorded in its own table, never as a row among the failures
		const rows = async (t: string) => Number((await h.client.execute(`SELECT count(*) AS n FROM ${t}`)).rows[0]?.n);
		expect(await rows("login_failures")).toBe(0);
		expect(await rows("login_successes")).toBe(1);
		// a sessid-only request (no cookie) checks Basic too, from the cache
		const s = await h.login();
		expect(await h.text(`type=sale&mode=init&sessid=${s.sessid}`)).toMatch(/^zip=/);
		expect(verifications.count).toBe(1);
		for (let i = 0; i < 3; i++) expect((await h.text(CHECKAUTH, { auth: basic(LOGIN, "wrong") })).split("\n")[0]).toBe("failure");
		expect(verifications.count).toBe(4);
		expect(await rows("login_failures")).toBeGreaterThan(0);
		expect((await h.api("PATCH", `/nodes/${h.nodeId}`, { password: "another-pass" })).status).toBe(200);
		expect((await h.text(CHECKAUTH)).split("\n")[0]).toBe("failure");
		expect(verifications.count).toBe(5);
		for (let i = 0; i < 3; i++) expect((await h.text(CHECKAUTH, { auth: basic(LOGIN, "another-pass") })).split("\n")[0]).toBe("success");
		expect(verifications.count).toBe(6);
		// entries expire after 10 minutes
		h.clock.advance(10 * 60_000 + 1);
		expect((await h.text(CHECKAUTH, { auth: basic(LOGIN, "another-pass") })).split("\n")[0]).toBe("success");
		expect(verifications.count).toBe(7);
	});

	it("the cache is bounded: the oldest entry is evicted", async () => {
		const { VerifiedLogins } = await import("./verified-logins.ts");
		const c = new VerifiedLogins(1000, 3);
		for (const k of ["a", "b", "c", "d"]) c.add(k, 0);
		expect(c.size).toBe(3);
		expect(c.has("a", 1)).toBe(false);
		expect(c.has("d", 1)).toBe(true);
		expect(c.has("d", 1000)).toBe(false);
	});
});

describe("throttle vs a correct password (issue 3: successful checks are never throttled)", () => {
	it("a node verified recently keeps working while its login and its own IP are flooded; nothing else gets in", async () => {
		const NODE_IP = "192.0.2.10";
		const s = await h.login(); // 1C's first request warms the positive cache (from 127.0.0.1)
		expect((await h.text(CHECKAUTH, { ip: NODE_IP })).startsWith("success\n")).toBe(true);
		expect(verifications.count).toBe(1);
		// an attacker behind the node's own address and from elsewhere floods wrong passwords for its login
		await flood(h, 30, (i) => ({ auth: basic(LOGIN, `same-ip-${i}`), ip: NODE_IP }));
		await flood(h, 30, (i) => ({ auth: basic(LOGIN, `other-ip-${i}`), ip: `203.0.113.${i % 5}` }));
		expect(verifications.count).toBe(21); // 10 per key (the node's IP, the login) + the one real login
		const failureRows = () => h.client.execute("SELECT count(*) AS n FROM login_failures").then((r) => Number(r.rows[0]?.n));
		const rowsAfterFlood = await failureRows();
		h.clock.advance(1000);
		// the node's checkauth, a Basic-only step (sessid, no cookie) and the Basic preview still succeed, without PBKDF2
		expect((await h.text(CHECKAUTH, { ip: NODE_IP })).startsWith("success\n")).toBe(true);
		expect(await h.text(`type=sale&mode=init&sessid=${s.sessid}`, { ip: "127.0.0.1" })).toMatch(/^zip=/);
		const preview = await h.exim("type=sale&mode=query", { ip: NODE_IP });
		expect(preview.status).toBe(200);
		expect(await preview.text()).toMatch(/^<\?xml /);
		expect(verifications.count).toBe(21);
		// a guess from the node's address is refused unverified, and a cached password from a flooded stranger too
		expect(await h.text(CHECKAUTH, { auth: basic(LOGIN, "guess"), ip: NODE_IP })).toMatch(/^failure\nСлишком много/);
		expect(await h.text(CHECKAUTH, { ip: "203.0.113.1" })).toMatch(/^failure\nСлишком много/);
		// a correct password never verified (changed after the cache warmed) is refused within the minute
		expect((await h.api("PATCH", `/nodes/${h.nodeId}`, { password: "another-pass" })).status).toBe(200);
		expect(await h.text(CHECKAUTH, { auth: basic(LOGIN, "another-pass"), ip: NODE_IP })).toMatch(/^failure\nСлишком много/);
		expect(await h.text(CHECKAUTH, { ip: NODE_IP })).toMatch(/^failure\nСлишком много/); // the old one no longer matches
		expect(verifications.count).toBe(21);
		expect(await failureRows()).toBe(rowsAfterFlood); // refusals while throttled record nothing
	});
});
