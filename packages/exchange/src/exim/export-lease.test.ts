/**
 * Issue 13: two exchanges of one node (two 1C bases with the same login, or a retry racing the original) never
 * interleave batches: the node's export lease (in the DB) lets one session query until its `success`.
 */

import { createHarness, type Harness } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

const numbers = async (res: Response) =>
	[...new TextDecoder("windows-1251").decode(new Uint8Array(await res.arrayBuffer())).matchAll(/<Номер>(\d+)<\/Номер>/g)].map((m) => m[1]);

async function loginFrom(h: Harness, ip: string): Promise<string> {
	const lines = (await h.text("type=sale&mode=checkauth", { ip })).split("\n");
	expect(lines[0]).toBe("success");
	return `${lines[1]}=${lines[2]}`;
}

const query = (h: Harness, cookie: string, ip: string) => h.exim("type=sale&mode=query", { cookie, auth: null, ip });

describe("the per-node export lease", () => {
	it("two sessions querying at the same moment: one gets the batch, the other a clear failure; after success it is free", async () => {
		const h = await createHarness();
		for (const n of [1, 2, 3]) await h.putOrder({ id: `o${n}`, number: String(n) });
		const a = await loginFrom(h, "10.0.0.1");
		const b = await loginFrom(h, "10.0.0.2");
		// a second app over the same database: another instance behind the proxy
		const other = h.app;
		const second = h.restart();
		const [ra, rb] = await Promise.all([
			other.request("/exim_1c?type=sale&mode=query", { headers: { Cookie: a, "x-test-ip": "10.0.0.1" } }),
			second.request("/exim_1c?type=sale&mode=query", { headers: { Cookie: b, "x-test-ip": "10.0.0.2" } }),
		]);
		const replies = [ra, rb].map((r) => r.headers.get("Content-Type") ?? "");
		const winner = replies[0]?.startsWith("application/xml") ? 0 : 1;
		const loser = 1 - winner;
		const [won, lost] = winner === 0 ? [ra, rb] : [rb, ra];
		expect(await numbers(won)).toEqual(["1", "2", "3"]);
		expect(await lost.text()).toMatch(
			/^failure\nДругой обмен этого узла ещё не завершён.*another exchange of this node is in progress since/,
		);
		const cookies = [a, b];
		const ips = ["10.0.0.1", "10.0.0.2"];
		// the loser keeps failing while the winner has not confirmed; its success ends the lease
		expect(await (await query(h, cookies[loser] ?? "", ips[loser] ?? "")).text()).toMatch(/^failure\n/);
		expect(await h.text("type=sale&mode=success", { cookie: cookies[winner] ?? "", auth: null, ip: ips[winner] ?? "" })).toBe("success\n");
		expect(await numbers(await query(h, cookies[loser] ?? "", ips[loser] ?? ""))).toEqual([]);
		await h.store.idle();
		const j = await h.client.execute("SELECT count(*) AS n FROM journal WHERE error LIKE 'Другой обмен%'");
		expect(Number(j.rows[0]?.n)).toBe(2);
	});

	it("ends after exportLeaseMs without success (the holder died)", async () => {
		const h = await createHarness({ limits: { exportLeaseMs: 60_000 } });
		await h.putOrder({ id: "o1", number: "1" });
		const a = await loginFrom(h, "10.0.0.1");
		expect(await numbers(await query(h, a, "10.0.0.1"))).toEqual(["1"]);
		const b = await loginFrom(h, "10.0.0.2");
		h.clock.advance(59_000);
		expect(await (await query(h, b, "10.0.0.2")).text()).toMatch(/^failure\n/);
		h.clock.advance(2_000);
		expect(await numbers(await query(h, b, "10.0.0.2"))).toEqual(["1"]);
		// now the first session is the one refused
		expect(await (await query(h, a, "10.0.0.1")).text()).toMatch(/^failure\n/);
	});

	it("a new checkauth from the holder's client ends it; one from another client does not", async () => {
		const h = await createHarness();
		await h.putOrder({ id: "o1", number: "1" });
		const a = await loginFrom(h, "10.0.0.1");
		expect(await numbers(await query(h, a, "10.0.0.1"))).toEqual(["1"]);
		const b = await loginFrom(h, "10.0.0.2");
		expect(await (await query(h, b, "10.0.0.2")).text()).toMatch(/^failure\n/);
		// the first 1C base starts over (its previous run broke off before success)
		const a2 = await loginFrom(h, "10.0.0.1");
		expect(await numbers(await query(h, a2, "10.0.0.1"))).toEqual(["1"]);
		expect(await (await query(h, b, "10.0.0.2")).text()).toMatch(/^failure\n/);
	});
});
