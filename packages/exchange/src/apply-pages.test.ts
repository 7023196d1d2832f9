import { parseOrder } from "@obmen/core";
import type { ImportKeys, ImportPlanning, ImportTarget, OneCFields, OrderPatch } from "@obmen/db";
import { sampleOrder } from "@obmen/testing/harness";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { type DocPage, keysOf, type PlanReport, patchFor, planPage, planPages, replanOrders, withContent } from "./apply.ts";
import { contentOfOrder, contentText } from "./content.ts";
import { EMPTY_FIELDS } from "./document-fields.ts";
import { readSettings } from "./settings.ts";
import type { StagedDoc } from "./staged-doc.ts";

const settings = readSettings({
	statusMap: {
		import: [
			{ on: "paid", status: "paid" },
			{ on: "shipped", status: "shipped" },
		],
	},
});

/** An in-memory {@link ImportPlanning}: the patch table is a map, so what a store keeps can be inspected. */
function memoryPlanning(stored: ImportTarget[]) {
	const patches = new Map<string, OrderPatch>();
	const reads = { targets: 0, plannedSets: 0 };
	const keys: ImportKeys[] = [];
	const p: ImportPlanning = {
		staged: async () => [],
		async findTargets(k) {
			reads.targets++;
			keys.push(k);
			// as a store reads them: without the JSON where the content the node was sent stands in for it
			const unread = (t: ImportTarget): ImportTarget =>
				k.sentStandsIn && t.store?.ackedContent && t.store.ackedData === null ? { ...t, store: { ...t.store, data: null } } : t;
			return stored
				.filter((t) => k.numbers.includes(t.number) || k.orderIds?.includes(t.id))
				.map((t) => ({ id: t.id, number: t.number, oneCId: t.oneC.id, oneCNumber: t.oneC.number, exported: null, target: unread(t) }));
		},
		addCreates: async () => undefined,
		keepUnmatched: async () => undefined,
		async addPatches(ps) {
			for (const x of ps) patches.set(x.orderId, x);
		},
		async plannedSets(ids) {
			if (ids.length) reads.plannedSets++;
			// as a store gives them back: through JSON
			return new Map(ids.flatMap((id) => (patches.has(id) ? [[id, JSON.parse(JSON.stringify(patches.get(id)?.set))] as const] : [])));
		},
		async dropPatches(ids) {
			for (const id of ids) patches.delete(id);
		},
	};
	return { p, patches, reads, keys };
}

/** The reference: the whole file as one page, each order's documents merged in file order (what planImport does). */
function wholeFile(docs: StagedDoc[], stored: ImportTarget[]): Map<string, OrderPatch> {
	const out: PlanReport = { unknown: [], unknownCount: 0, errors: [] };
	const page = docs.map((d, seq) => ({ seq, d }));
	const matches = stored.map((t) => ({ id: t.id, number: t.number, oneCId: t.oneC.id, oneCNumber: t.oneC.number, exported: null }));
	const { effects } = planPage(page, matches, settings, out);
	const groups = new Map<string, Partial<OneCFields>[]>();
	for (const e of effects) groups.set(e.orderId, [...(groups.get(e.orderId) ?? []), e.set]);
	const patches = new Map<string, OrderPatch>();
	for (const [id, sets] of groups) {
		const t = stored.find((x) => x.id === id);
		const patch = t && patchFor(t, sets, settings);
		if (patch) patches.set(id, patch);
	}
	return patches;
}

async function* paged(docs: StagedDoc[], cuts: number[]): AsyncGenerator<DocPage> {
	let from = 0;
	for (const to of [...cuts.filter((c) => c > 0 && c < docs.length).sort((a, b) => a - b), docs.length]) {
		if (to > from) yield docs.slice(from, to).map((d, i) => ({ seq: from + i, d }));
		from = to;
	}
}

const ORDERS = 6;
const target = (i: number, paid: boolean | null, shipped: boolean | null): ImportTarget => ({
	id: `o${i}`,
	number: String(i),
	status: "new",
	oneC: { ...EMPTY_FIELDS, paid, shipped },
});

const flag = fc.constantFrom(true, false, undefined);
const fields = fc.record({ paid: flag, shipped: flag, number: fc.constantFrom("УТ-1", "УТ-2", undefined) }).map((r) => {
	const s: Partial<OneCFields> = {};
	for (const [k, v] of Object.entries(r)) if (v !== undefined) (s as Record<string, unknown>)[k] = v;
	return s;
});
// order documents by number, payment/shipment documents by Основание; "9" matches no order
const doc: fc.Arbitrary<StagedDoc> = fc
	.tuple(fc.boolean(), fc.integer({ min: 1, max: ORDERS + 1 }), fields)
	.map(([order, n, s]): StagedDoc => {
		const num = n > ORDERS ? "9" : String(n);
		return order ? { k: "o", n: num, i: null, c: null, s, l: num } : { k: "p", b: num, s, l: num };
	});

/** Order o1 with two lines (p1 × 2 at 100, p2 × 1 at 300) and a comment. */
function twoLines() {
	return parseOrder(
		sampleOrder("o1", {
			number: "1",
			items: [
				{ productId: "p1", name: "Товар p1", quantity: 2, price: "100" },
				{ productId: "p2", name: "Товар p2", quantity: 1, price: "300" },
			],
			comment: "до 18:00",
		}),
	);
}

describe("planPages (apply.ts): paging does not change the plan", () => {
	it("gives each order the net patch of the whole file, whatever the page cuts and the in-memory window", async () => {
		await fc.assert(
			fc.asyncProperty(
				fc.array(doc, { maxLength: 40 }),
				fc.array(fc.integer({ min: 1, max: 39 }), { maxLength: 8 }),
				fc.array(fc.tuple(flag, flag), { minLength: ORDERS, maxLength: ORDERS }),
				fc.integer({ min: 0, max: 3 }),
				async (docs, cuts, state, recent) => {
					const stored = state.map(([paid, shipped], i) => target(i + 1, paid ?? null, shipped ?? null));
					const { p, patches } = memoryPlanning(stored);
					await planPages(p, paged(docs, cuts), settings, "", recent);
					const strip = (m: Map<string, OrderPatch>) =>
						[...m].map(([id, x]) => [id, { set: x.set, status: x.status, changes: x.changes }] as const).sort();
					expect(strip(patches)).toEqual(strip(wholeFile(docs, stored)));
				},
			),
			{ numRuns: 400 },
		);
	});

	it("an order matched again after the in-memory window is read back; a later document setting it back drops its patch", async () => {
		const stored = [target(1, false, null), target(2, false, null), target(3, null, null)];
		const { p, patches, reads } = memoryPlanning(stored);
		const docs: StagedDoc[] = [
			{ k: "o", n: "1", i: null, c: null, s: { paid: true }, l: "1" },
			{ k: "o", n: "2", i: null, c: null, s: { paid: true }, l: "2" },
			{ k: "o", n: "3", i: null, c: null, s: { number: "УТ-3" }, l: "3" },
			{ k: "p", b: "1", s: { shipped: true }, l: "1" },
			{ k: "p", b: "2", s: { paid: false }, l: "2" },
		];
		await planPages(p, paged(docs, [1, 2, 3, 4]), settings, "", 1);
		expect(reads.plannedSets).toBe(2);
		expect(reads.targets).toBe(5); // one query per page (five pages of one document) reads the orders
		expect([...patches.keys()].sort()).toEqual(["o1", "o3"]);
		expect(patches.get("o1")).toMatchObject({
			set: { paid: true, shipped: true },
			status: "shipped",
			changes: { paid: { from: false, to: true }, shipped: { from: null, to: true } },
		});
		expect(keysOf(docs)).toEqual({ numbers: ["1", "2", "3"], oneCIds: [], orderIds: ["1", "2"] });
	});

	it("replanOrders plans the patches again from the orders as they are now: fields, status and 1C's content", async () => {
		const apply = readSettings({ ...settings, contentFrom1C: "apply" });
		const order = twoLines();
		// 1C took one p1 off the order
		const base = contentOfOrder(order, apply);
		const oneC = { ...base, lines: base.lines.map((l) => (l.key === "p1" ? { ...l, quantity: "1", total: "100" } : l)), total: "400" };
		const stored = (o: typeof order, revision: number, over: Partial<ImportTarget> = {}): ImportTarget => ({
			id: o.id,
			number: o.number,
			status: "new",
			oneC: EMPTY_FIELDS,
			// the node acknowledged the order as it was at revision 5
			store: { data: JSON.stringify(o), revision, ackedRevision: 5, ackedData: JSON.stringify(order), held: null },
			...over,
		});
		// another process changed the comment (a new revision), o2 got its payment from another import, o3 is gone
		const targets = [stored({ ...order, comment: "позвонить" }, 6), { ...target(2, true, null), status: "paid" }];
		const { p, patches } = memoryPlanning(targets);
		await p.addPatches([
			{ orderId: "o1", set: { paid: true, content: contentText(oneC) }, changes: {}, baseRevision: 5 },
			{ orderId: "o2", set: { paid: true }, changes: {}, status: "paid" },
			{ orderId: "o3", set: { paid: true }, changes: {} },
		]);
		await replanOrders(p, ["o1", "o2", "o3"], apply, "n1");
		expect([...patches.keys()]).toEqual(["o1"]);
		const o1 = patches.get("o1");
		expect(o1).toMatchObject({ baseRevision: 6, status: "paid", event: { merged: true, applied: true } });
		// the store's edit and 1C's are both in the new JSON
		const data = JSON.parse(o1?.data ?? "{}");
		expect(data.comment).toBe("позвонить");
		expect(data.items.map((i: { quantity: string }) => i.quantity)).toEqual(["1", "1"]);
	});
});

describe("withContent (apply.ts): the content kept with the node's acknowledgement", () => {
	const order = twoLines();
	const node = readSettings(settings);
	const sentContent = contentOfOrder(order, node);
	const sent = contentText(sentContent);
	const target = (data: string, ackedContent: string | null): ImportTarget => ({
		id: "o1",
		number: "1",
		status: "new",
		oneC: EMPTY_FIELDS,
		store: { data, revision: 3, ackedRevision: 3, ackedData: null, ackedContent, held: null },
	});
	const patch = (content: string): OrderPatch => ({ orderId: "o1", set: { content }, changes: {} });

	it("1C's very text of what it was sent is no change, and the order's JSON is not read for it", () => {
		// JSON that cannot be parsed: the comparison with the order would throw
		const p = withContent(patch(sent), target("{not json", sent), node, "n1");
		expect(p.silent).toBe(true);
		expect([p.event, p.data, p.held, p.baseRevision]).toEqual([undefined, undefined, undefined, undefined]);
		expect(() => withContent(patch(sent), target("{not json", null), node, "n1")).toThrow(SyntaxError);
	});

	it("1C's own line Ид against the kept content: compared without the order's JSON unless 1C's content is applied", () => {
		// 1C keys the lines by its own product GUIDs (matched to the store's by name); the order JSON cannot be read
		const own = (quantity: string) =>
			contentText({
				...sentContent,
				lines: sentContent.lines.map((l, i) => ({
					...l,
					key: `1c-guid-${i}`,
					...(l.key === "p2" ? { quantity, total: String(300 * Number(quantity)) } : {}),
				})),
				total: String(200 + 300 * Number(quantity)),
			});
		const unread = target("{not json", sent);
		const same = withContent(patch(own("1")), unread, node, "n1");
		expect([same.silent, same.event]).toEqual([true, undefined]);
		const changed = withContent(patch(own("2")), unread, node, "n1");
		expect(changed.event).toMatchObject({ content: { lines: { changed: [{ key: "p2", fields: { quantity: { from: "1", to: "2" } } }] } } });
		expect(changed.data).toBeUndefined();
		// applied, 1C's content goes into the order's JSON, which is read then
		const apply = readSettings({ ...settings, contentFrom1C: "apply" });
		expect(() => withContent(patch(own("2")), unread, apply, "n1")).toThrow(SyntaxError);
		const ok = withContent(patch(own("2")), target(JSON.stringify(order), sent), apply, "n1");
		expect(ok.event).toMatchObject({ applied: true });
		expect(JSON.parse(ok.data ?? "{}").items.map((i: { quantity: string }) => i.quantity)).toEqual(["2", "2"]);
	});

	it("planPages reads no order JSON for 1C's content when it only reports it, and reads it to apply it", async () => {
		const edited = contentText({
			...sentContent,
			lines: sentContent.lines.map((l) => (l.key === "p2" ? { ...l, quantity: "2", total: "600" } : l)),
			total: "800",
		});
		const page: DocPage = [{ seq: 0, d: { k: "o", n: "1", i: null, c: null, s: { content: edited }, l: "1" } }];
		async function* once() {
			yield page;
		}
		const report = memoryPlanning([target(JSON.stringify(order), sent)]);
		await planPages(report.p, once(), node, "n1");
		expect(report.keys.map((k) => k.sentStandsIn)).toEqual([true]);
		expect(report.patches.get("o1")?.event).toMatchObject({ content: { lines: { changed: [{ key: "p2" }] } } });
		expect(report.patches.get("o1")?.data).toBeUndefined();
		const apply = memoryPlanning([target(JSON.stringify(order), sent)]);
		await planPages(apply.p, once(), readSettings({ ...settings, contentFrom1C: "apply" }), "n1");
		expect(apply.keys.map((k) => k.sentStandsIn)).toEqual([false]);
		expect(JSON.parse(apply.patches.get("o1")?.data ?? "{}").items.map((i: { quantity: string }) => i.quantity)).toEqual(["2", "2"]);
	});

	it("another text is compared with the order; without a kept content the same text is no change either", () => {
		const edited = contentText({ ...sentContent, comment: "позвонить" });
		const p = withContent(patch(edited), target(JSON.stringify(order), sent), node, "n1");
		expect(p.event).toMatchObject({ content: { comment: { from: "до 18:00", to: "позвонить" } } });
		const same = withContent(patch(sent), target(JSON.stringify(order), null), node, "n1");
		expect([same.silent, same.event]).toEqual([true, undefined]);
	});
});
