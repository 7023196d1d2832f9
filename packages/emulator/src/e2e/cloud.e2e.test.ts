/**
 * End to end: the cloud profiles `moysklad` and `class365` (HTTP Basic only, no cookie, no `sessid`, no `import`)
 * against the real Obmen exchange app through their endpoint aliases: `query` returns the orders, `success`
 * acknowledges them, a `query` without `success` returns them again, and an uploaded "Статус заказа" changes the
 * mapped store status during `mode=file` — no reply is ever `progress`.
 */

import { obmenPerTest, storeOrder } from "@obmen/testing/obmen";
import { describe, expect, it } from "vitest";
import { type CloudOptions, type ExchangeOptions, type ExchangeReport, sync } from "../index.ts";
import { Infobase } from "../infobase.ts";

const obmen = obmenPerTest();

const STATUS_RULES = {
	export: {},
	import: [
		{ on: "status", value: "Согласован", status: "confirmed" },
		{ on: "status", value: "К отгрузке", status: "ready" },
	],
};

const CLIENTS = [
	{ client: "moysklad", path: "/exim_moysklad" },
	{ client: "class365", path: "/exim_class" },
] as const;

/** Every request the client sent: its URL and whether it carried a cookie. */
interface Sent {
	url: string;
	cookie: boolean;
	auth: boolean;
}

function recordingFetch(sent: Sent[]): typeof fetch {
	return (input, init) => {
		const headers = new Headers(init?.headers);
		sent.push({ url: String(input), cookie: headers.has("Cookie"), auth: headers.has("Authorization") });
		return fetch(input, init);
	};
}

const devs = (r: ExchangeReport) => r.deviations.map((d) => `${d.step}: ${d.message} ${d.reply?.body.slice(0, 200) ?? ""}`);

describe.each(CLIENTS)("$client ⇄ Obmen through $path", ({ client, path }) => {
	async function setup(nodeClient: string = client) {
		const n = await obmen.createNode({ client: nodeClient, statusMap: STATUS_RULES });
		const url = `${obmen.base}${path}`;
		const base = new Infobase();
		const sent: Sent[] = [];
		const run = (extra: Partial<ExchangeOptions> & { cloud?: CloudOptions } = {}) =>
			sync(client, { url, login: n.login, password: n.password, infobase: base, fetch: recordingFetch(sent), ...extra });
		return { n, base, sent, run };
	}

	it("query → success, re-query without success, status upload applied during file; Basic only, never progress", async () => {
		const { n, base, sent, run } = await setup();
		for (const i of [5401, 5402, 5403]) await obmen.putOrder(storeOrder(i));

		// a run whose `success` is lost: the orders come again
		const lost = await run({ faults: { dropSuccess: true } });
		expect(devs(lost)).toEqual([]);
		expect(lost.successSent).toBe(false);
		expect(lost.loads.map((l) => l.documents)).toEqual([3]);

		const full = await run({
			beforeUpload: (b) => {
				b.setStatus("5401", "Согласован");
				b.setStatus("5402", "К отгрузке");
			},
		});
		expect(devs(full)).toEqual([]);
		expect(full.loads.map((l) => l.documents)).toEqual([3]);
		expect(full.successSent).toBe(true);
		expect(full.upload.delivered).toBeGreaterThan(0);
		expect((await obmen.getOrder("ord-5401")).status).toBe("confirmed");
		expect((await obmen.getOrder("ord-5402")).status).toBe("ready");
		expect((await obmen.getOrder("ord-5403")).status).toBe("new");
		// each store order is one order of the client, across the re-sent download
		for (const i of [5401, 5402, 5403]) expect(base.findBySiteId(`ord-${i}`)).toHaveLength(1);

		const steps = [...lost.steps, ...full.steps];
		expect(steps.map((s) => s.step)).not.toContain("import");
		expect(steps.map((s) => s.summary)).not.toContain("progress");
		expect(sent.length).toBe(steps.length);
		expect(sent.every((s) => s.auth && !s.cookie && !/[?&]sessid=/.test(s.url))).toBe(true);

		const journal = await obmen.api<{ items: { mode: string; reply: string; ordersImported: number }[] }>(
			"GET",
			`/api/v1/nodes/${n.id}/journal?limit=100`,
		);
		expect(journal.status).toBe(200);
		expect(journal.json.items.map((j) => j.reply)).not.toContain("progress");
		expect(journal.json.items.filter((j) => j.mode === "import")).toEqual([]);
		// the upload was applied by `file` itself
		expect(journal.json.items.filter((j) => j.mode === "file").reduce((sum, j) => sum + j.ordersImported, 0)).toBeGreaterThanOrEqual(2);
	});

	it("without checkauth and init (an implicit session), the exchange works the same", async () => {
		const { base, run } = await setup();
		await obmen.putOrder(storeOrder(5501));
		const r = await run({ cloud: { checkauth: false, init: false }, beforeUpload: (b) => b.setStatus("5501", "Согласован") });
		expect(devs(r)).toEqual([]);
		expect(r.steps.map((s) => s.step)).not.toContain("checkauth");
		expect(r.steps.map((s) => s.step)).not.toContain("init");
		expect(r.successSent).toBe(true);
		expect((await obmen.getOrder("ord-5501")).status).toBe("confirmed");
		expect(base.findBySiteId("ord-5501")).toHaveLength(1);
		// a second run on the same implicit session: nothing duplicated
		const again = await run({ cloud: { checkauth: false, init: false } });
		expect(devs(again)).toEqual([]);
		expect(again.successSent).toBe(true);
		expect(base.findBySiteId("ord-5501")).toHaveLength(1);
	});

	it("the alias selects the profile for a node left at client 1c; the admin shows the client's URL", async () => {
		const { n, run } = await setup("1c");
		await obmen.putOrder(storeOrder(5601));
		const r = await run({ beforeUpload: (b) => b.setStatus("5601", "К отгрузке") });
		expect(devs(r)).toEqual([]);
		expect((await obmen.getOrder("ord-5601")).status).toBe("ready");
		const shown = await obmen.api<{ exchangeUrl: string }>("GET", `/api/v1/nodes/${n.id}`);
		expect(new URL(shown.json.exchangeUrl).pathname).toBe("/exim_1c");
		await obmen.api("PATCH", `/api/v1/nodes/${n.id}`, { settings: { client } });
		const patched = await obmen.api<{ exchangeUrl: string }>("GET", `/api/v1/nodes/${n.id}`);
		expect(new URL(patched.json.exchangeUrl).pathname).toBe(path);
	});
});
