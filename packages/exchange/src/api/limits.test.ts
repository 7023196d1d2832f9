/**
 * Issue 9 items 3 and 6 (admin API): body limits on every route (413 + JSON envelope, refused by Content-Length before
 * reading, streamed bodies cut off at the cap), and admin-token guesses throttled per address (429 + JSON envelope).
 */

import { ADMIN_TOKEN, createHarness, sampleOrder } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

/** A body stream of `total` bytes in 64 KiB chunks that records how many bytes were pulled from it. */
function meteredBody(total: number, fill = 0x20) {
	const chunk = new Uint8Array(64 * 1024).fill(fill);
	const meter = { pulled: 0, cancelled: false };
	const stream = new ReadableStream<Uint8Array>({
		pull(ctrl) {
			if (meter.pulled >= total) return ctrl.close();
			meter.pulled += chunk.byteLength;
			ctrl.enqueue(chunk);
		},
		cancel() {
			meter.cancelled = true;
		},
	});
	return { stream, meter };
}

const auth = { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" };

describe("admin API body limits", () => {
	it("a 200 MB streamed PUT /orders is cut off at the 1 MiB default: 413, envelope, never read past the cap", async () => {
		const h = await createHarness();
		const { stream, meter } = meteredBody(200 * 1024 * 1024);
		const res = await h.app.request("/api/v1/orders/x", { method: "PUT", headers: auth, body: stream, duplex: "half" } as RequestInit);
		expect(res.status).toBe(413);
		expect(await res.json()).toEqual({ error: { code: "payload_too_large", message: "request body is larger than 1048576 bytes" } });
		expect(meter.pulled).toBeLessThanOrEqual(1024 * 1024 + 3 * 64 * 1024);
		expect(meter.cancelled).toBe(true);
		expect((await h.api("GET", "/orders/x")).status).toBe(404);
	});

	it("every route refuses a declared Content-Length over the limit before the token check; the limit is configurable", async () => {
		const h = await createHarness({ limits: { maxApiBodyBytes: 2048 } });
		for (const [method, path] of [
			["PUT", "/orders/x"],
			["POST", "/nodes"],
			["PATCH", `/nodes/${h.nodeId}`],
			["DELETE", `/nodes/${h.nodeId}`],
		] as const) {
			const { stream, meter } = meteredBody(10_000);
			const res = await h.app.request(`/api/v1${path}`, {
				method,
				headers: { "Content-Type": "application/json", "Content-Length": "10000" },
				body: stream,
				duplex: "half",
			} as RequestInit);
			expect(res.status, `${method} ${path}`).toBe(413);
			expect(((await res.json()) as { error: { code: string } }).error.code).toBe("payload_too_large");
			expect(meter.pulled, `${method} ${path}`).toBeLessThanOrEqual(64 * 1024); // at most the stream's first buffered chunk
		}
		// a streamed node body over 2 KiB (no Content-Length) is cut off too
		const { stream } = meteredBody(100_000);
		expect(
			(await h.app.request("/api/v1/nodes", { method: "POST", headers: auth, body: stream, duplex: "half" } as RequestInit)).status,
		).toBe(413);
		// within the limit everything works as before
		expect((await h.api("PUT", "/orders/o1", sampleOrder("o1"))).status).toBe(201);
		expect((await h.api("GET", `/nodes/${h.nodeId}`)).status).toBe(200);
	});

	it("an order just under the default limit is accepted, just over it is refused", async () => {
		const h = await createHarness();
		const base = JSON.stringify(sampleOrder("o1"));
		const baseBytes = new TextEncoder().encode(base).byteLength;
		// the order JSON padded with whitespace to exactly `bytes` bytes (UTF-8)
		const padded = (bytes: number) => `${base.slice(0, -1)}${" ".repeat(bytes - baseBytes)}}`;
		expect(new TextEncoder().encode(padded(1024 * 1024)).byteLength).toBe(1024 * 1024);
		const ok = await h.app.request("/api/v1/orders/o1", { method: "PUT", headers: auth, body: padded(1024 * 1024) });
		expect(ok.status).toBe(201);
		const over = await h.app.request("/api/v1/orders/o1", { method: "PUT", headers: auth, body: padded(1024 * 1024 + 1) });
		expect(over.status).toBe(413);
	});
});

describe("admin token guesses", () => {
	it("are throttled per address: 10 failures a minute, then 429 with the envelope, even for the right token", async () => {
		const h = await createHarness();
		const call = (token: string, ip: string) =>
			h.app.request("/api/v1/orders", { headers: { Authorization: `Bearer ${token}`, "x-test-ip": ip } });
		const statuses: number[] = [];
		for (let i = 0; i < 30; i++) statuses.push((await call(`guess-${i}`, "203.0.113.1")).status);
		expect(statuses.filter((s) => s === 401)).toHaveLength(10);
		expect(statuses.filter((s) => s === 429)).toHaveLength(20);
		const refused = await call(ADMIN_TOKEN, "203.0.113.1");
		expect(refused.status).toBe(429); // no oracle: the right token from the guessing address is refused too
		expect(refused.headers.get("retry-after")).toBe("60");
		expect(await refused.json()).toMatchObject({ error: { code: "too_many_requests" } });
		// another address is not affected
		expect((await call(ADMIN_TOKEN, "198.51.100.2")).status).toBe(200);
		// a minute later the address may try again
		h.clock.advance(60_001);
		expect((await call(ADMIN_TOKEN, "203.0.113.1")).status).toBe(200);
	});

	it("an address that used the valid token before keeps working while a guesser behind it is throttled", async () => {
		const h = await createHarness();
		const call = (token: string) =>
			h.app.request("/api/v1/orders", { headers: { Authorization: `Bearer ${token}`, "x-test-ip": "192.0.2.1" } });
		expect((await call(ADMIN_TOKEN)).status).toBe(200);
		for (let i = 0; i < 15; i++) await call(`guess-${i}`);
		expect((await call("guess-x")).status).toBe(429);
		expect((await call(ADMIN_TOKEN)).status).toBe(200);
	});
});
