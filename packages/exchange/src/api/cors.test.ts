import { ADMIN_TOKEN, createHarness } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { parseOrigins } from "../host-config.ts";

const preflight = (origin: string) => ({
	method: "OPTIONS",
	headers: { Origin: origin, "Access-Control-Request-Method": "PUT", "Access-Control-Request-Headers": "authorization, content-type" },
});
const get = (origin: string) => ({ headers: { Origin: origin, Authorization: `Bearer ${ADMIN_TOKEN}` } });

describe("CORS of the admin API", () => {
	it("is off by default: no CORS header for any origin, preflights are not answered", async () => {
		const h = await createHarness();
		const pre = await h.app.request("/api/v1/orders/o1", preflight("https://shop.example"));
		expect(pre.headers.get("access-control-allow-origin")).toBeNull();
		expect(pre.status).toBe(401);
		const res = await h.app.request("/api/v1/orders", get("https://shop.example"));
		expect(res.status).toBe(200);
		expect(res.headers.get("access-control-allow-origin")).toBeNull();
	});

	it("allows the listed origins (preflight included) and refuses the others", async () => {
		const h = await createHarness({ adminCorsOrigins: ["https://shop.example", "http://localhost:3000"] });
		const pre = await h.app.request("/api/v1/orders/o1", preflight("https://shop.example"));
		expect(pre.status).toBe(204);
		expect(pre.headers.get("access-control-allow-origin")).toBe("https://shop.example");
		expect(pre.headers.get("access-control-allow-methods")).toContain("PUT");
		expect((pre.headers.get("access-control-allow-headers") ?? "").toLowerCase()).toContain("authorization");
		const ok = await h.app.request("/api/v1/orders", get("http://localhost:3000"));
		expect(ok.status).toBe(200);
		expect(ok.headers.get("access-control-allow-origin")).toBe("http://localhost:3000");
		expect(ok.headers.get("vary")).toMatch(/origin/i);
		// another origin gets no CORS headers: the browser refuses to show it the answer
		const evilPre = await h.app.request("/api/v1/orders/o1", preflight("https://evil.example"));
		expect(evilPre.headers.get("access-control-allow-origin")).toBeNull();
		const evil = await h.app.request("/api/v1/orders", get("https://evil.example"));
		expect(evil.headers.get("access-control-allow-origin")).toBeNull();
		// errors carry the header too, so the panel can read the envelope
		const denied = await h.app.request("/api/v1/orders", { headers: { Origin: "https://shop.example" } });
		expect(denied.status).toBe(401);
		expect(denied.headers.get("access-control-allow-origin")).toBe("https://shop.example");
	});

	it("ADMIN_CORS_ORIGINS is a comma list of origins; anything else is refused at start", () => {
		expect(parseOrigins(undefined)).toEqual([]);
		expect(parseOrigins(" https://shop.example , http://localhost:3000,")).toEqual(["https://shop.example", "http://localhost:3000"]);
		for (const bad of ["shop.example", "https://shop.example/", "https://shop.example/admin", "*", "ftp://x.example"])
			expect(() => parseOrigins(bad), bad).toThrow(/ADMIN_CORS_ORIGINS/);
	});
});
