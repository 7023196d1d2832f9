import { type Harness, PASSWORD } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { createCheckedHarness as createHarness } from "../test-support/contract.ts";

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON bodies in assertions
type Json = Record<string, any>;

/** A harness whose outgoing `fetch` reaches its own app (the "public URL" path without a socket). */
async function selfHarness(): Promise<{ h: Harness; urls: string[] }> {
	const urls: string[] = [];
	let self: Harness | null = null;
	const h = await createHarness({
		fetch: (async (url: string, init: RequestInit) => {
			urls.push(url);
			if (!url.startsWith("http://localhost/")) throw new TypeError("fetch failed: getaddrinfo ENOTFOUND");
			return (self as Harness).app.request(url, init);
		}) as typeof fetch,
	});
	self = h;
	return { h, urls };
}

describe("POST /api/v1/nodes/{id}/check", () => {
	it("runs challenge → checkauth → init → query preview against the public URL, changing no export state", async () => {
		const { h, urls } = await selfHarness();
		await h.putOrder({ id: "o1" });
		const before = await h.digest();
		const res = await (await h.api("POST", `/nodes/${h.nodeId}/check`, { password: PASSWORD })).json();
		expect(res).toMatchObject({ url: "http://localhost/exim_1c", ok: true });
		expect((res as Json).steps).toEqual([
			{ step: "reach", ok: true, status: 401, code: null, detail: "failure" },
			{ step: "checkauth", ok: true, status: 200, code: null, detail: "success" },
			{ step: "init", ok: true, status: 200, code: null, detail: "zip=yes file_limit=8388608" },
			{ step: "query", ok: true, status: 200, code: null, detail: "1" },
		]);
		expect(urls.every((u) => u.startsWith("http://localhost/exim_1c?type=sale&mode="))).toBe(true);
		expect(await h.digest()).toBe(before);
		// the order is still waiting for 1C
		expect((await (await h.api("GET", `/nodes/${h.nodeId}/preview?format=json`)).json()).count).toBe(1);
	});

	it("reports a wrong password at checkauth and an unreachable URL at the first step", async () => {
		const { h } = await selfHarness();
		const wrong = (await (await h.api("POST", `/nodes/${h.nodeId}/check`, { password: "nope" })).json()) as Json;
		expect(wrong.ok).toBe(false);
		expect(wrong.steps.map((s: Json) => [s.step, s.ok, s.code])).toEqual([
			["reach", true, null],
			["checkauth", false, "auth_failed"],
		]);
		const away = (await (
			await h.api("POST", `/nodes/${h.nodeId}/check`, { password: PASSWORD, url: "https://shop.invalid/exim_1c" })
		).json()) as Json;
		expect(away.steps).toEqual([expect.objectContaining({ step: "reach", ok: false, code: "network" })]);
		expect((await h.api("POST", `/nodes/${h.nodeId}/check`, {})).status).toBe(400);
		expect((await h.api("POST", "/nodes/missing/check", { password: "x" })).status).toBe(404);
	});
});
