/**
 * End to end (issue #12): a manager edits a site order in 1C (УТ 11 and УНФ 3.0 profiles) — removes a line, changes a
 * quantity and the delivery cost — and 1C uploads it. Obmen's changes feed shows the structured diff; with the node's
 * `contentFrom1C: "apply"` the store order (and so the next preview) holds 1C's content and 1C gets nothing back.
 */

import { obmenPerTest, storeOrder } from "@obmen/testing/obmen";
import { describe, expect, it } from "vitest";
import { type ProfileName, sync } from "../index.ts";
import { Infobase } from "../infobase.ts";

const obmen = obmenPerTest();

/** The manager's edit: the mug line goes, the first line's quantity becomes 3, the delivery costs 500. */
function edit(b: Infobase, siteNumber: string): void {
	const o = b.findBySiteNumber(siteNumber);
	if (!o) throw new Error(`1C has no order ${siteNumber}`);
	o.lines = o.lines.filter((l) => !l.name.startsWith("Кружка"));
	for (const l of o.lines) {
		if (l.name.startsWith("Доставка")) {
			l.price = "500";
			l.total = "500";
		} else {
			l.quantity = "3";
			l.total = "4501.5";
		}
	}
	o.total = "5001.5";
	b.setStatus(siteNumber, o.status);
}

const CASES: { label: string; profile: ProfileName; configuration: string }[] = [
	{ label: "УТ 11", profile: "ut", configuration: "ut" },
	{ label: "УНФ 3.0", profile: "unf30", configuration: "unf" },
];

describe.each(CASES)("$label edits an order's content", (c) => {
	const run = (n: { url: string; login: string; password: string }, base: Infobase, beforeUpload?: (b: Infobase) => void) =>
		sync(c.profile, {
			url: n.url,
			login: n.login,
			password: n.password,
			infobase: base,
			maxImportPolls: 200,
			sleep: async () => {},
			...(beforeUpload ? { beforeUpload } : {}),
		});

	it("the feed shows the diff (report); with apply the preview shows 1C's content and 1C gets nothing back", async () => {
		for (const mode of ["report", "apply"] as const) {
			const n = await obmen.createNode({ configuration: c.configuration, contentFrom1C: mode });
			const id = mode === "report" ? 5201 : 5202;
			await obmen.putOrder(storeOrder(id));
			const base = new Infobase();
			const first = await run(n, base, (b) => edit(b, String(id)));
			expect(first.deviations).toEqual([]);
			const feed = await obmen.api<{ items: { orderId: string; changes: Record<string, unknown> }[] }>(
				"GET",
				"/api/v1/changes?after=0&limit=1000",
			);
			const events = feed.json.items.filter((e) => e.orderId === `ord-${id}` && e.changes.content);
			expect(events).toHaveLength(1);
			expect(events[0]?.changes.content).toMatchObject({
				lines: {
					removed: [{ key: "p-mug" }],
					added: [],
					changed: [{ fields: { quantity: { from: "2", to: "3" } } }],
				},
				delivery: { from: "350", to: "500" },
				total: { to: "5001.5" },
			});
			const o = (await obmen.getOrder(`ord-${id}`)) as unknown as {
				items: { quantity: string }[];
				shipping: { price: string };
				oneC: { content: unknown } | null;
			};
			expect(o.oneC?.content).toMatchObject({ total: "5001.5" });
			if (mode === "report") {
				expect(o.items).toHaveLength(2);
				continue;
			}
			expect(o.items.map((i) => i.quantity)).toEqual(["3"]);
			expect(o.shipping.price).toBe("500");
			type Preview = { orders: { id: string; total: string }[] };
			// this node's next preview is empty (it has 1C's content); another node's shows 1C's content
			expect((await obmen.api<Preview>("GET", `/api/v1/nodes/${n.id}/preview?format=json`)).json.orders).toEqual([]);
			const other = await obmen.createNode({ configuration: c.configuration });
			const shown = (await obmen.api<Preview>("GET", `/api/v1/nodes/${other.id}/preview?format=json`)).json.orders;
			expect(shown.find((x) => x.id === `ord-${id}`)?.total).toBe("5001.5");
			// the next exchange: 1C gets nothing back
			const second = await run(n, base);
			expect(second.deviations).toEqual([]);
			expect(second.loads.reduce((a, l) => a + l.documents, 0)).toBe(0);
		}
	});
});
