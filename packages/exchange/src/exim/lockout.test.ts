/**
 * Issue 9 item 2 (a password flood locks the real 1C node out): `allowedIps` refuses other addresses before any
 * password check and they never count against the node; an address that logged in stays known for `knownIpDays`;
 * the flood shows in the node's journal and in one `exchange.failed` webhook alert.
 */

import { basic, createHarness, LOGIN } from "@obmen/testing/harness";
import { beforeEach, describe, expect, it, vi } from "vitest";
import { ALERT_INTERVAL_MS } from "./alerts.ts";
import { inRange, ipAllowed, isIpRange, parseIp, parseRange } from "./ip-allow.ts";
import { BAD_CREDENTIALS } from "./replies.ts";

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
beforeEach(() => {
	verifications.count = 0;
});

const CHECKAUTH = "type=sale&mode=checkauth";
const DAY = 86_400_000;

describe("allowedIps ranges", () => {
	it("parses IPv4, IPv6 (compressed, embedded IPv4, brackets, zone) and CIDR prefixes", () => {
		expect(ipAllowed("192.0.2.7", ["192.0.2.0/24"])).toBe(true);
		expect(ipAllowed("192.0.3.7", ["192.0.2.0/24"])).toBe(false);
		expect(ipAllowed("::ffff:192.0.2.7", ["192.0.2.0/24"])).toBe(true);
		expect(ipAllowed("10.0.0.1", ["10.0.0.1"])).toBe(true);
		expect(ipAllowed("10.0.0.2", ["10.0.0.1"])).toBe(false);
		expect(ipAllowed("2001:db8:0:0:0:0:0:1", ["2001:db8::/32"])).toBe(true);
		expect(ipAllowed("[2001:db9::1]", ["2001:db8::/32"])).toBe(false);
		expect(ipAllowed("fe80::1%eth0", ["fe80::/10"])).toBe(true);
		expect(ipAllowed("1.2.3.4", ["0.0.0.0/0"])).toBe(true);
		expect(ipAllowed("2001:db8::1", ["0.0.0.0/0"])).toBe(false); // an IPv4 range never matches native IPv6
		expect(ipAllowed("2001:db8::1", ["::/0"])).toBe(true);
		expect(ipAllowed("unknown", ["0.0.0.0/0"])).toBe(false);
		expect(ipAllowed(undefined, ["0.0.0.0/0"])).toBe(false);
		expect(ipAllowed(undefined, [])).toBe(true);
		expect(parseIp("1:2:3:4:5:6:7:8")).toEqual(new Uint8Array([0, 1, 0, 2, 0, 3, 0, 4, 0, 5, 0, 6, 0, 7, 0, 8]));
		expect(parseIp("::")).toEqual(new Uint8Array(16));
		for (const bad of [
			"256.1.1.1",
			"1.2.3",
			"1::2::3",
			"12345::",
			"1:2:3:4:5:6:7:8:9",
			"10.0.0.0/33",
			"::/129",
			"a/b",
			"1.2.3.4/8/9",
			"",
		]) {
			expect(isIpRange(bad), bad).toBe(false);
		}
		const r = parseRange("192.0.2.128/25");
		expect(r && inRange(parseIp("192.0.2.200")!, r)).toBe(true);
		expect(r && inRange(parseIp("192.0.2.100")!, r)).toBe(false);
	});

	it("invalid entries are refused by the admin API with the path", async () => {
		const h = await createHarness();
		const res = await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { allowedIps: ["192.0.2.0/24", "nonsense"] } });
		expect(res.status).toBe(400);
		expect(((await res.json()) as { error: { path: string } }).error.path).toBe("settings.allowedIps.1");
	});
});

describe("password flood against the node's login", () => {
	it("allowedIps: other addresses are refused before any password check and never lock the node out", async () => {
		const h = await createHarness({ settings: { allowedIps: ["192.0.2.0/24", "2001:db8::/32"] } });
		// the right password from elsewhere: refused without PBKDF2, same reply as a wrong password
		expect(await h.text(CHECKAUTH, { ip: "203.0.113.5" })).toBe(`failure\n${BAD_CREDENTIALS}\n`);
		// a flood of wrong passwords from outside the list (many addresses, concurrent)
		await Promise.all(
			Array.from({ length: 200 }, (_, i) => h.exim(CHECKAUTH, { auth: basic(LOGIN, `guess-${i}`), ip: `203.0.113.${i % 50}` })),
		);
		expect(verifications.count).toBe(0);
		// the node logs in at once, from IPv4, IPv6 and an IPv4-mapped address of the list
		for (const ip of ["192.0.2.7", "2001:db8::5", "::ffff:192.0.2.9"]) expect(await h.text(CHECKAUTH, { ip })).toMatch(/^success\n/);
		// and nothing was recorded against its login
		expect((await h.client.execute("SELECT count(*) AS n FROM login_failures")).rows[0]?.n).toBe(0);
		// the refusals are visible in the node's journal, counted per address and minute
		await h.store.idle();
		const rows = (await h.client.execute("SELECT ip, count, error FROM journal WHERE node_id = 'node-1' AND count > 1")).rows;
		expect(rows.reduce((n, r) => n + Number(r.count), 0)).toBe(201);
		expect(String(rows[0]?.error)).toMatch(/allowedIps/);
	});

	it("an address that logged in days ago passes a flood from many addresses, every time", async () => {
		const h = await createHarness();
		expect(await h.text(CHECKAUTH, { ip: "192.0.2.10" })).toMatch(/^success\n/);
		h.clock.advance(5 * DAY);
		const flood = Array.from({ length: 115 }, (_, i) =>
			h.exim(CHECKAUTH, { auth: basic(LOGIN, `guess-${i}`), ip: `198.51.100.${i % 100}` }),
		);
		const real = Array.from({ length: 10 }, () => h.text(CHECKAUTH, { ip: "192.0.2.10" }));
		await Promise.all(flood);
		const replies = await Promise.all(real);
		expect(replies.filter((r) => r.startsWith("success\n"))).toHaveLength(10);
		// an address the node never used is still throttled for this login during the flood
		expect(await h.text(CHECKAUTH, { ip: "192.0.2.99" })).toMatch(/^failure\nСлишком много/);
	});

	it("knownIpDays: 0 turns the exemption off; a node setting shortens it", async () => {
		const h = await createHarness({ settings: { knownIpDays: 2 } });
		expect(await h.text(CHECKAUTH, { ip: "192.0.2.10" })).toMatch(/^success\n/);
		h.clock.advance(3 * DAY);
		await Promise.all(Array.from({ length: 20 }, (_, i) => h.exim(CHECKAUTH, { auth: basic(LOGIN, `g-${i}`), ip: "198.51.100.1" })));
		expect(await h.text(CHECKAUTH, { ip: "192.0.2.10" })).toMatch(/^failure\nСлишком много/);
	});

	it("the flood sends one exchange.failed alert to the node's webhook per interval", async () => {
		// the login_flood alerts (a failed request's own exchange.failed, once per error code and interval, is alerts.ts's)
		const calls: Record<string, unknown>[] = [];
		const h = await createHarness({
			settings: { webhookUrl: "https://shop.example/hook" },
			fetch: (async (_url: string, init: RequestInit) => {
				const body = JSON.parse(String(init.body)) as Record<string, unknown>;
				if (body.reason === "login_flood") calls.push(body);
				return new Response("ok");
			}) as typeof fetch,
		});
		const flood = () =>
			Promise.all(Array.from({ length: 40 }, (_, i) => h.exim(CHECKAUTH, { auth: basic(LOGIN, `guess-${i}`), ip: "203.0.113.77" })));
		await flood();
		await vi.waitFor(() => expect(calls).toHaveLength(1));
		expect(calls[0]).toMatchObject({ event: "exchange.failed", nodeId: h.nodeId, reason: "login_flood", ip: "203.0.113.77" });
		await flood();
		h.clock.advance(ALERT_INTERVAL_MS - 1);
		await flood();
		expect(calls).toHaveLength(1);
		h.clock.advance(1);
		await flood();
		await vi.waitFor(() => expect(calls).toHaveLength(2));
		// unknown logins never alert anyone
		await Promise.all(Array.from({ length: 40 }, (_, i) => h.exim(CHECKAUTH, { auth: basic(`x${i}`, "y"), ip: "203.0.113.78" })));
		expect(calls).toHaveLength(2);
	});
});
