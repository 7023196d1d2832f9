/**
 * Issue 11 item 1: behind a reverse proxy. `X-Forwarded-For` / `Forwarded` are used for the client address only with
 * `TRUST_PROXY` and only from a trusted peer (spoofed headers from anybody else are ignored: throttling, `allowedIps`
 * and the journal see the real peer); `PUBLIC_URL` (else a trusted proxy's scheme and host) makes the exchange URL.
 */

import { basic, createHarness, type Harness, LOGIN } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { readHostConfig } from "./host-config.ts";
import { clientView, parsePublicUrl, parseTrustProxy, publicBase } from "./proxy.ts";

const h = (init: Record<string, string>) => new Headers(init);

describe("parseTrustProxy", () => {
	it("is off by default and for false/0; a number is a hop count; a list takes addresses, CIDRs and names", () => {
		for (const v of [undefined, "", "false", "off", "0"]) expect(parseTrustProxy(v)).toEqual({ kind: "off" });
		expect(parseTrustProxy("2")).toEqual({ kind: "hops", hops: 2 });
		const l = parseTrustProxy("10.0.0.5, 192.168.0.0/16 ,loopback");
		expect(l.kind).toBe("list");
		expect(l.kind === "list" && l.ranges).toHaveLength(4);
	});
	it("refuses a typo and `true` (which would trust every peer)", () => {
		expect(() => parseTrustProxy("10.0.0.300")).toThrow(/TRUST_PROXY.*10\.0\.0\.300/);
		expect(() => parseTrustProxy("true")).toThrow(/every peer/);
		expect(() => parseTrustProxy("99")).toThrow(/0\.\.32/);
	});
});

describe("clientView", () => {
	const spoof = h({ "x-forwarded-for": "6.6.6.6", "x-forwarded-proto": "https", "x-forwarded-host": "evil.example" });
	it("off: every proxy header is ignored", () => {
		expect(clientView({ kind: "off" }, "203.0.113.7", spoof)).toEqual({ ip: "203.0.113.7", proto: undefined, host: undefined });
	});
	it("a list: an untrusted peer's headers are ignored (spoofing); a trusted peer's are used", () => {
		const trust = parseTrustProxy("127.0.0.1");
		expect(clientView(trust, "203.0.113.7", spoof)).toEqual({ ip: "203.0.113.7", proto: undefined, host: undefined });
		expect(clientView(trust, "127.0.0.1", spoof)).toEqual({ ip: "6.6.6.6", proto: "https", host: "evil.example" });
		// a dual-stack socket reports the proxy as ::ffff:127.0.0.1
		expect(clientView(trust, "::ffff:127.0.0.1", spoof).ip).toBe("6.6.6.6");
	});
	it("walks X-Forwarded-For from the right: what the client wrote itself before the first untrusted hop is never used", () => {
		// client 198.51.100.4 sent "X-Forwarded-For: 1.1.1.1"; nginx appended the client's real address
		const headers = h({ "x-forwarded-for": "1.1.1.1, 198.51.100.4" });
		expect(clientView(parseTrustProxy("loopback"), "127.0.0.1", headers).ip).toBe("198.51.100.4");
		// two proxies: the CDN edge (10.0.0.9, trusted) appended the client, nginx appended the edge
		const two = h({ "x-forwarded-for": "1.1.1.1, 198.51.100.4, 10.0.0.9" });
		expect(clientView(parseTrustProxy("loopback,10.0.0.0/8"), "127.0.0.1", two).ip).toBe("198.51.100.4");
		expect(clientView(parseTrustProxy("2"), "127.0.0.1", two).ip).toBe("198.51.100.4");
		expect(clientView(parseTrustProxy("1"), "127.0.0.1", two).ip).toBe("10.0.0.9");
		// no header at all: the peer
		expect(clientView(parseTrustProxy("1"), "127.0.0.1", h({})).ip).toBe("127.0.0.1");
	});
	it("reads RFC 7239 Forwarded when there is no X-Forwarded-For (ports, quotes and IPv6 brackets stripped)", () => {
		const headers = h({ forwarded: 'for=1.1.1.1, for="[2001:db8::17]:4711";proto=https;host=shop.example' });
		expect(clientView(parseTrustProxy("1"), "127.0.0.1", headers)).toEqual({ ip: "2001:db8::17", proto: "https", host: "shop.example" });
	});
	it("ignores a reported address, scheme or host that is not one", () => {
		const bad = h({ "x-forwarded-for": "not-an-ip", "x-forwarded-proto": "gopher", "x-forwarded-host": "a/b@c" });
		expect(clientView(parseTrustProxy("1"), "127.0.0.1", bad)).toEqual({ ip: "127.0.0.1", proto: undefined, host: undefined });
	});
});

describe("PUBLIC_URL", () => {
	it("is normalised (no trailing slash, a path prefix kept) and refused when not an http(s) URL", () => {
		expect(parsePublicUrl("https://shop.example/obmen/")).toBe("https://shop.example/obmen");
		expect(parsePublicUrl("https://shop.example")).toBe("https://shop.example");
		expect(parsePublicUrl(undefined)).toBeUndefined();
		expect(() => parsePublicUrl("shop.example")).toThrow(/PUBLIC_URL/);
		expect(() => parsePublicUrl("ftp://shop.example")).toThrow(/PUBLIC_URL/);
		expect(() => parsePublicUrl("https://shop.example/?a=1")).toThrow(/PUBLIC_URL/);
	});
	it("wins over the request; without it a trusted proxy's scheme and host correct the request's", () => {
		const none = { ip: undefined, proto: undefined, host: undefined };
		expect(publicBase("https://shop.example/obmen", "http://127.0.0.1:8080/api/v1/nodes", none)).toBe("https://shop.example/obmen");
		expect(publicBase(undefined, "http://127.0.0.1:8080/x", none)).toBe("http://127.0.0.1:8080");
		expect(publicBase(undefined, "http://127.0.0.1:8080/x", { ...none, proto: "https", host: "shop.example" })).toBe(
			"https://shop.example",
		);
	});
	it("is read from the environment with TRUST_PROXY and OBMEN_DATA_DIR", () => {
		const cfg = readHostConfig({ PUBLIC_URL: "https://shop.example/", TRUST_PROXY: "1", OBMEN_DATA_DIR: "/var/lib/obmen/" });
		expect(cfg).toMatchObject({ publicUrl: "https://shop.example", trustProxy: { kind: "hops", hops: 1 }, dataDir: "/var/lib/obmen" });
		expect(cfg.databaseUrl).toBe("file:/var/lib/obmen/obmen.db");
		expect(readHostConfig({ OBMEN_DATA_DIR: "/x", DATABASE_URL: "libsql://db.example" }).databaseUrl).toBe("libsql://db.example");
		expect(readHostConfig({}, { dataDir: "/srv/obmen/data" }).databaseUrl).toBe("file:/srv/obmen/data/obmen.db");
		expect(() => readHostConfig({ TRUST_PROXY: "yes" })).toThrow(/TRUST_PROXY/);
	});
});

/** The harness's peer is the `x-test-ip` header (the socket address on a real runtime). */
async function nodeExchangeUrl(harness: Harness, headers: Record<string, string>): Promise<string> {
	const r = await harness.app.request(`http://127.0.0.1:8080/api/v1/nodes/${harness.nodeId}`, {
		headers: { Authorization: "Bearer admin-token-for-tests", ...headers },
	});
	expect(r.status).toBe(200);
	return ((await r.json()) as { exchangeUrl: string }).exchangeUrl;
}

const journalIps = async (harness: Harness) => {
	await harness.store.idle();
	return (await harness.client.execute("SELECT ip FROM journal ORDER BY id")).rows.map((r) => r.ip);
};

describe("the app behind a proxy", () => {
	const forwarded = {
		"x-test-ip": "127.0.0.1",
		"x-forwarded-for": "198.51.100.4",
		"x-forwarded-proto": "https",
		"x-forwarded-host": "shop.example",
	};

	it("exchangeUrl: PUBLIC_URL when set, else a trusted proxy's scheme and host, never a spoofing client's", async () => {
		const withUrl = await createHarness({ publicUrl: "https://shop.example/obmen" });
		expect(await nodeExchangeUrl(withUrl, {})).toBe("https://shop.example/obmen/exim_1c");
		const off = await createHarness();
		expect(await nodeExchangeUrl(off, forwarded)).toBe("http://127.0.0.1:8080/exim_1c");
		const trusted = await createHarness({ trustProxy: parseTrustProxy("loopback") });
		expect(await nodeExchangeUrl(trusted, forwarded)).toBe("https://shop.example/exim_1c");
		expect(await nodeExchangeUrl(trusted, { ...forwarded, "x-test-ip": "203.0.113.50" })).toBe("http://127.0.0.1:8080/exim_1c");
	});

	it("journal: the forwarded client address only from a trusted proxy", async () => {
		// failed logins are journalled with the client address
		const call = (harness: Harness, headers: Record<string, string>) =>
			harness.app.request("/exim_1c?type=sale&mode=checkauth", { headers: { Authorization: basic(LOGIN, "wrong"), ...headers } });
		const off = await createHarness();
		await call(off, forwarded);
		expect(await journalIps(off)).toEqual(["127.0.0.1"]);
		const trusted = await createHarness({ trustProxy: parseTrustProxy("127.0.0.1") });
		await call(trusted, forwarded);
		await call(trusted, { ...forwarded, "x-test-ip": "203.0.113.50", "x-forwarded-for": "192.0.2.1" });
		expect(await journalIps(trusted)).toEqual(["198.51.100.4", "203.0.113.50"]);
	});

	it("login throttling: clients behind a trusted proxy are counted apart; a spoofer cannot escape its own counter", async () => {
		// a new login on every attempt, so only the per-address counter can refuse
		let n = 0;
		const wrong = async (harness: Harness, headers: Record<string, string>) => {
			const r = await harness.app.request("/exim_1c?type=sale&mode=checkauth", {
				headers: { Authorization: basic(`guess${n++}`, "x"), ...headers },
			});
			return r.text();
		};
		const trusted = await createHarness({ trustProxy: parseTrustProxy("1"), limits: { loginFailuresPerMinute: 3 } });
		for (let i = 0; i < 5; i++) await wrong(trusted, { ...forwarded, "x-forwarded-for": "198.51.100.66" });
		expect(await wrong(trusted, { ...forwarded, "x-forwarded-for": "198.51.100.66" })).toMatch(/^failure\nСлишком много/);
		// another customer behind the same proxy is not throttled by the first one's failures
		expect(await wrong(trusted, { ...forwarded, "x-forwarded-for": "198.51.100.77" })).not.toMatch(/Слишком много/);

		const off = await createHarness({ limits: { loginFailuresPerMinute: 3 } });
		for (let i = 0; i < 5; i++) await wrong(off, { "x-test-ip": "203.0.113.9", "x-forwarded-for": `192.0.2.${i}` });
		// a new spoofed address every time does not help: the peer's counter is what counts
		expect(await wrong(off, { "x-test-ip": "203.0.113.9", "x-forwarded-for": "192.0.2.200" })).toMatch(/^failure\nСлишком много/);
		// and without trust, a different peer is a different client
		expect(await wrong(off, { "x-test-ip": "203.0.113.10" })).not.toMatch(/Слишком много/);
	});
});
