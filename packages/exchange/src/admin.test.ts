/**
 * Issue 9 item 6: `/admin` sends security headers (CSP with a per-response nonce on the page's inline script,
 * frame-ancestors configurable through the factory options, X-Frame-Options, nosniff, Referrer-Policy).
 */

import { createHarness } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

const adminAssets = {
	page: async () => '<html><script type="module">import "/admin/obmen-widget.js";</script><script>1</script></html>',
	widgetJs: async () => new TextEncoder().encode("export {}"),
};

describe("/admin security headers", () => {
	it("CSP allows this origin's scripts and the page's own inline script by nonce; no framing by others", async () => {
		const h = await createHarness({ adminAssets });
		const res = await h.app.request("/admin");
		const csp = res.headers.get("content-security-policy") ?? "";
		const nonce = /'nonce-([^']+)'/.exec(csp)?.[1];
		expect(nonce).toMatch(/^[A-Za-z0-9+/=_-]{16,}$/);
		expect(csp).toMatch(/default-src 'self'/);
		expect(csp).toMatch(/script-src 'self' 'nonce-/);
		expect(csp).toMatch(/frame-ancestors 'self'/);
		expect(csp).toMatch(/object-src 'none'/);
		expect(res.headers.get("x-frame-options")).toBe("SAMEORIGIN");
		expect(res.headers.get("x-content-type-options")).toBe("nosniff");
		expect(res.headers.get("referrer-policy")).toBe("no-referrer");
		const html = await res.text();
		expect(html.split(`<script nonce="${nonce}"`)).toHaveLength(3);
		// a fresh nonce per response
		const again = (await h.app.request("/admin")).headers.get("content-security-policy");
		expect(again).not.toBe(csp);
	});

	it("frame-ancestors comes from the factory options (the widget page embedded in a shop's back office)", async () => {
		const h = await createHarness({ adminAssets, adminFrameAncestors: ["'self'", "https://shop.example"] });
		const res = await h.app.request("/admin");
		expect(res.headers.get("content-security-policy")).toMatch(/frame-ancestors 'self' https:\/\/shop\.example/);
		expect(res.headers.get("x-frame-options")).toBeNull(); // it cannot express a list: CSP decides
		const none = await createHarness({ adminAssets, adminFrameAncestors: ["'none'"] });
		expect((await none.app.request("/admin")).headers.get("x-frame-options")).toBe("DENY");
	});
});
