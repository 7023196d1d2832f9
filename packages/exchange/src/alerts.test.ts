import { basic, createHarness, oneCFile, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { signBody } from "./alerts.ts";

interface Call {
	url: string;
	headers: Headers;
	body: string;
}

const SECRET = "a-shared-secret-of-the-shop";

async function harness(settings: Record<string, unknown> = {}) {
	const calls: Call[] = [];
	const h = await createHarness({
		settings: { webhookUrl: "https://shop.example/alerts", webhookSecret: SECRET, ...settings },
		fetch: (async (url: string, init: RequestInit) => {
			calls.push({ url, headers: new Headers(init.headers), body: String(init.body) });
			return new Response("ok");
		}) as typeof fetch,
	});
	return { h, calls, events: () => calls.map((c) => JSON.parse(c.body) as Record<string, unknown>) };
}

/** Waits for background deliveries (polling, no timing assumptions). */
async function until(check: () => void): Promise<void> {
	for (let i = 0; ; i++) {
		try {
			return check();
		} catch (e) {
			if (i > 300) throw e;
			await new Promise((r) => setTimeout(r, 10));
		}
	}
}

/** What a receiver does: recompute the HMAC of the exact body with the shared secret. */
async function verify(call: Call): Promise<boolean> {
	const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(SECRET), { name: "HMAC", hash: "SHA-256" }, false, ["verify"]);
	const hex = (call.headers.get("x-obmen-signature") ?? "").replace(/^sha256=/, "");
	const mac = new Uint8Array((hex.match(/../g) ?? []).map((b) => Number.parseInt(b, 16)));
	return crypto.subtle.verify("HMAC", key, mac, new TextEncoder().encode(call.body));
}

describe("alerts: exchange.failed and exchange.stale webhooks, HMAC-signed", () => {
	it("a failed request sends a signed exchange.failed once per code per 15 minutes, journalled", async () => {
		const { h, calls, events } = await harness();
		await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", "wrong") });
		await until(() => expect(calls).toHaveLength(1));
		expect(events()[0]).toMatchObject({ event: "exchange.failed", nodeId: h.nodeId, mode: "checkauth", code: "auth_failed" });
		expect(calls[0]?.url).toBe("https://shop.example/alerts");
		expect(calls[0]?.headers.get("x-obmen-event")).toBe("exchange.failed");
		expect(await verify(calls[0] as Call)).toBe(true);
		// a tampered body does not verify
		expect(await verify({ ...(calls[0] as Call), body: (calls[0] as Call).body.replace("checkauth", "query") })).toBe(false);
		await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", "wrong") });
		h.clock.advance(16 * 60_000);
		await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", "wrong") });
		await until(() => expect(calls).toHaveLength(2));
		await h.store.idle();
		const journal = (await (await h.api("GET", `/nodes/${h.nodeId}/journal`)).json()) as { items: Record<string, unknown>[] };
		expect(journal.items.filter((i) => i.mode === "exchange.failed")).toHaveLength(2);
		expect(journal.items.find((i) => i.mode === "exchange.failed")).toMatchObject({
			type: "admin",
			filename: "https://shop.example/alerts",
		});
	});

	it("an import with unknown orders is an exchange.failed with the order numbers", async () => {
		const { h, events } = await harness();
		await h.putOrder({ id: "o1" });
		const { cookie } = await h.login();
		await uploadAndImport(h, cookie, "orders.xml", new TextEncoder().encode(oneCFile([{ number: "1" }, { number: "404" }])), 10_000);
		await until(() => expect(events().some((e) => e.event === "exchange.failed")).toBe(true));
		expect(events().find((e) => e.event === "exchange.failed")).toMatchObject({ code: "unknown_orders", params: { orders: ["404"] } });
	});

	it("exchange.stale: once per last success when no successful exchange for staleAfterHours", async () => {
		const { h, calls, events } = await harness({ staleAfterHours: 2 });
		await h.login();
		await h.app.request("/health");
		await h.store.idle();
		expect(events()).toEqual([]);
		h.clock.advance(3 * 3_600_000);
		await h.app.request("/health"); // any request runs the (spaced-out) check
		await until(() => expect(events().filter((e) => e.event === "exchange.stale")).toHaveLength(1));
		const stale = calls.find((c) => c.headers.get("x-obmen-event") === "exchange.stale") as Call;
		expect(JSON.parse(stale.body)).toMatchObject({ nodeId: h.nodeId, lastSuccessAt: "2026-11-28T12:00:00.000Z", staleAfterHours: 2 });
		expect(await verify(stale)).toBe(true);
		h.clock.advance(5 * 60_000);
		await h.app.request("/health");
		await h.store.idle();
		expect(events().filter((e) => e.event === "exchange.stale")).toHaveLength(1);
		// 1C comes back, then goes quiet again: a new alert
		await h.login();
		h.clock.advance(3 * 3_600_000);
		await h.app.request("/health");
		await until(() => expect(events().filter((e) => e.event === "exchange.stale")).toHaveLength(2));
	});

	it("signBody is HMAC-SHA256 in hex (RFC 4231 test case 2)", async () => {
		expect(await signBody("Jefe", "what do ya want for nothing?")).toBe(
			"sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
		);
	});
});
