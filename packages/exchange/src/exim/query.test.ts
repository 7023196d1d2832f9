/**
 * Issue 9 item 4: a repeated `query` in one session. A client that queries once per session (УТ 11, УНФ) gets the
 * still-unacknowledged batch again (plus newer orders up to `batchSize`) and `success` confirms exactly the last reply;
 * a Bitrix-module client (`version` on `init`) polling until an empty answer gets the next batch each time.
 */

import { createHarness, type Harness } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

const numbers = async (res: Response) =>
	[...new TextDecoder("windows-1251").decode(new Uint8Array(await res.arrayBuffer())).matchAll(/<Номер>(\d+)<\/Номер>/g)].map((m) => m[1]);
const acked = async (h: Harness) =>
	(await h.client.execute("SELECT order_id FROM node_acks ORDER BY order_id")).rows.map((r) => String(r.order_id));

describe("a repeated query in one session", () => {
	it("re-sends the unacknowledged batch plus newer orders up to batchSize; success confirms the last reply", async () => {
		const h = await createHarness({ settings: { batchSize: 3 } });
		for (const n of [1, 2]) await h.putOrder({ id: `o${n}`, number: String(n) });
		const { cookie } = await h.login();
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual(["1", "2"]);
		// the reply was lost; meanwhile two more orders came in; 1C asks again in the same session
		for (const n of [3, 4]) await h.putOrder({ id: `o${n}`, number: String(n) });
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual(["1", "2", "3"]);
		expect(await h.text("type=sale&mode=success", { cookie, auth: null })).toBe("success\n");
		expect(await acked(h)).toEqual(["o1", "o2", "o3"]);
		const next = await h.login();
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie: next.cookie, auth: null }))).toEqual(["4"]);
	});

	it("an order changed between the two queries is confirmed only at the revision the last reply carried", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1", number: "1" });
		const { cookie } = await h.login();
		await h.exim("type=sale&mode=query", { cookie, auth: null });
		// the filter changes between the lost reply and the repeat: o1 is no longer exported, so it is not confirmed
		await h.api("PATCH", `/nodes/${h.nodeId}`, { settings: { exportStatusFilter: ["done"] } });
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual([]);
		expect(await h.text("type=sale&mode=success", { cookie, auth: null })).toBe("success\n");
		expect(await acked(h)).toEqual([]);
	});

	it("a Bitrix-module client (version on init) polling until empty gets the next batch each time", async () => {
		const h = await createHarness({ settings: { batchSize: 2 } });
		for (const n of [1, 2, 3]) await h.putOrder({ id: `o${n}`, number: String(n) });
		const { cookie } = await h.login();
		expect(await h.text("type=sale&mode=init&version=2.08", { cookie, auth: null })).toMatch(/^zip=/);
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual(["1", "2"]);
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual(["3"]);
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual([]);
		expect(await h.text("type=sale&mode=success", { cookie, auth: null })).toBe("success\n");
		expect(await acked(h)).toEqual(["o1", "o2", "o3"]);
	});

	it("УНФ in Bitrix mode (version and cmlVersion on init) queries once per run: a repeat re-sends, nothing is confirmed unseen", async () => {
		const h = await createHarness({ settings: { batchSize: 2 } });
		for (const n of [1, 2, 3]) await h.putOrder({ id: `o${n}`, number: String(n) });
		const { cookie } = await h.login();
		expect(await h.text("type=sale&mode=init&version=2.09&cmlVersion=2.10", { cookie, auth: null })).toMatch(/^zip=/);
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual(["1", "2"]);
		// the reply was cut off; УНФ repeats the GET in the same session
		expect(await numbers(await h.exim("type=sale&mode=query", { cookie, auth: null }))).toEqual(["1", "2"]);
		expect(await h.text("type=sale&mode=success", { cookie, auth: null })).toBe("success\n");
		expect(await acked(h)).toEqual(["o1", "o2"]);
	});
});
