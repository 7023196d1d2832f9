/**
 * @module
 * Applying incoming 1C documents to store orders (docs/protocol.md §7.3) — pure planning, no I/O.
 *
 * Find the order by `Номер`: the number it was exported with to this node, that number cut to 11 characters
 * (Розница stores and sends back the cut), the store number; then by the stored 1C `Ид`. Never by "Номер по 1С"
 * alone: 1C numbers restart every year, so it would attach documents to another order. A document that matches no
 * order is kept (`unmatched_documents`) with the reason, and applied once its order appears or an operator attaches it.
 * What each document sets is document-fields.ts (payment/shipment documents, `ПодчиненныеДокументы` or top-level
 * with `Основание`, mark the order paid/shipped); the status goes through the node's `statusMap.import` rules (last
 * match wins) when `importStatuses` is on, and only when 1C actually changed something. An unknown order document
 * creates a store order with `createOrdersFrom1C` (order-from-1c.ts). The plan is computed outside the write
 * transaction.
 *
 * Big files: each parsed document is reduced to a compact {@link StagedDoc} (staged-doc.ts), and {@link planPages}
 * plans page by page through the store's {@link ImportPlanning}, so memory does not grow with the file: straight
 * from the parser when the file parses quickly enough (exim/import.ts), else from the records staged slice by slice
 * ({@link planStaged}). {@link planImport} runs the same steps in memory for one small file.
 */
import type { IncomingDocument } from "@obmen/core";
import type {
	ImportEffect,
	ImportKeys,
	ImportMatch,
	ImportPlanning,
	ImportTarget,
	OneCFields,
	OrderCreate,
	OrderPatch,
	StagedCreate,
	StoredOrder,
	UnmatchedInput,
} from "@obmen/db";
import { cutNumber } from "@obmen/db";
import type { OrderContent } from "./content.ts";
import { type ContentOutcome, contentOutcome } from "./content-sync.ts";
import { EMPTY_FIELDS, fieldsOf, importedStatus } from "./document-fields.ts";
import { pacer } from "./pacer.ts";
import type { NodeSettings } from "./settings.ts";
import { type StagedDoc, stageDocument } from "./staged-doc.ts";

type Fields = OneCFields;

/** The result of planning one file. */
export interface ImportPlan {
	patches: OrderPatch[];
	creates: OrderCreate[];
	/** Numbers (or ids) of documents that matched no order and were not created (the first 20). */
	unknown: string[];
	/** Per-document problems, e.g. an order from 1C that is not a valid store order (the first 20). */
	errors: string[];
}

/** Problems found while planning (the reply and the journal show a few). */
export interface PlanReport {
	/** Numbers (or ids) of documents that matched no order and were not created: the first 20. */
	unknown: string[];
	unknownCount: number;
	/** Per-document problems (e.g. an order from 1C that is not a valid store order): the first 20. */
	errors: string[];
}

/** Why a staged document matched no order (kept with it). */
export function unmatchedReason(d: StagedDoc): string {
	if (d.k === "o")
		return `no order with Номер ${JSON.stringify(d.n ?? "")} (exported, cut to 11 or store number) or 1C Ид ${JSON.stringify(d.i ?? "")}`;
	if (d.k === "p") return d.b ? `no order with number or id ${JSON.stringify(d.b)} (Основание)` : "no Основание";
	return "";
}

/** The kept record of a staged document that matched no order. */
export function unmatchedOf(d: StagedDoc, reason: string): UnmatchedInput | null {
	if (d.k === "o") return { kind: "order", oneCId: d.i, number: d.n, date: d.dt ?? null, basis: null, doc: JSON.stringify(d), reason };
	if (d.k === "p")
		return {
			kind: d.s.paid ? "payment" : "shipment",
			oneCId: d.i ?? null,
			number: d.n ?? null,
			date: d.dt ?? null,
			basis: d.b,
			doc: JSON.stringify(d),
			reason,
		};
	return null;
}

const REPORT_MAX = 20;

function report(r: PlanReport, kind: "unknown" | "errors", text: string): void {
	if (kind === "unknown") r.unknownCount++;
	if (r[kind].length < REPORT_MAX) r[kind].push(text);
}

/** Match keys of a page of staged documents. */
export function keysOf(page: StagedDoc[]): ImportKeys {
	const numbers = new Set<string>();
	const ids = new Set<string>();
	const orderIds = new Set<string>();
	for (const d of page) {
		if (d.k === "o") {
			if (d.n) numbers.add(d.n);
			if (d.i) ids.add(d.i);
		} else if (d.k === "p" && d.b) {
			numbers.add(d.b);
			orderIds.add(d.b);
		}
	}
	return { numbers: [...numbers], oneCIds: [...ids], orderIds: [...orderIds] };
}

/** Effects and creations of one page of staged documents, given the orders their keys matched. */
export function planPage(
	page: { seq: number; d: StagedDoc }[],
	targets: ImportMatch[],
	settings: NodeSettings,
	out: PlanReport,
): { effects: ImportEffect[]; creates: StagedCreate[]; kept: UnmatchedInput[] } {
	const byExported = new Map(targets.filter((t) => t.exported).map((t) => [t.exported as string, t]));
	// Розница sends back the number cut to 11: a cut shared by two orders identifies neither
	const cuts = new Map<string, ImportMatch | null>();
	for (const t of targets) {
		if (!t.exported) continue;
		const c = cutNumber(t.exported);
		cuts.set(c, cuts.has(c) && cuts.get(c)?.id !== t.id ? null : t);
	}
	const byNumber = new Map(targets.map((t) => [t.number, t]));
	const byOneCId = new Map(targets.filter((t) => t.oneCId).map((t) => [t.oneCId as string, t]));
	const byOrderId = new Map(targets.map((t) => [t.id, t]));
	const byNumberLike = (n: string) => byExported.get(n) || cuts.get(n) || byNumber.get(n);
	// never by "Номер по 1С" alone (1C numbers restart every year)
	const find = (number: string | null, id: string | null) => (number && byNumberLike(number)) || (id && byOneCId.get(id)) || null;
	// `Основание` of a payment/shipment: the exported/site number, else the store order id (Bitrix writes it)
	const findBasis = (basis: string | null) => (basis && (byNumberLike(basis) || byOrderId.get(basis))) || null;
	const effects: ImportEffect[] = [];
	const creates: StagedCreate[] = [];
	const kept: UnmatchedInput[] = [];
	const keep = (d: StagedDoc, reason: string) => {
		const u = unmatchedOf(d, reason);
		if (u) kept.push(u);
	};
	for (const { seq, d } of page) {
		if (d.k === "x") continue;
		const t = d.k === "o" ? find(d.n, d.i) : findBasis(d.b);
		if (t) {
			effects.push({ orderId: t.id, seq, set: d.s });
			continue;
		}
		if (d.k === "p" || !settings.createOrdersFrom1C || !d.create) {
			const reason = unmatchedReason(d);
			report(out, "unknown", `${d.l} (${reason})`);
			keep(d, reason);
			continue;
		}
		if ("error" in d.create) {
			report(out, "errors", `${d.l}: ${d.create.error}`);
			keep(d, `not a valid store order: ${d.create.error}`);
			continue;
		}
		const fields = { ...EMPTY_FIELDS, ...d.s };
		const status = importedStatus(fields, settings) ?? "new";
		creates.push({ seq, label: d.l, order: { ...d.create.order, status }, oneC: d.s });
	}
	return { effects, creates, kept };
}

/** The net patch of one matched order after every document of the file (null when nothing changes). */
export function patchFor(target: ImportTarget, sets: Partial<Fields>[], settings: NodeSettings): OrderPatch | null {
	const before: Fields = { ...EMPTY_FIELDS, ...target.oneC };
	let fields = before;
	for (const s of sets) fields = { ...fields, ...s };
	const set: Partial<Fields> = {};
	const changes: OrderPatch["changes"] = {};
	for (const k of Object.keys(fields) as (keyof Fields)[]) {
		if (fields[k] !== before[k]) {
			(set as Record<string, unknown>)[k] = fields[k];
			// the content's change is its own event (see content-sync.ts), not a field diff of two JSON texts
			if (k !== "content") changes[k] = { from: before[k], to: fields[k] };
		}
	}
	if (Object.keys(set).length === 0) return null;
	const patch: OrderPatch = { orderId: target.id, set, changes };
	const mapped = importedStatus(fields, settings);
	if (mapped !== null && mapped !== target.status) {
		patch.status = mapped;
		changes.status = { from: target.status, to: mapped };
	}
	return patch;
}

/** Documents planned per page (one query for the orders they may refer to). */
export const PLAN_PAGE = 500;
/** Net 1C fields of this many recent patches are kept in memory, so an order matched again soon is not read back. */
const RECENT_PATCHES = 500;

/** A page of documents in file order, with their positions. */
export type DocPage = { seq: number; d: StagedDoc }[];

/**
 * Plans documents through the store, page by page (from the staged rows, or straight from the parser): match each
 * page's documents (one query reads the candidate orders), and add each order's net patch after every document
 * seen so far. An order matched again on a later page (a payment apart from its order) has its patch recomputed
 * from the net fields already planned, so the patch is the net effect of the whole file in file order.
 */
export async function planPages(
	p: ImportPlanning,
	pages: AsyncIterable<DocPage>,
	settings: NodeSettings,
	nodeId = "",
	/** @internal How many recent patches are kept in memory (tests make it small to exercise the read-back). */
	recentPatches = RECENT_PATCHES,
): Promise<PlanReport> {
	const out: PlanReport = { unknown: [], unknownCount: 0, errors: [] };
	const pace = pacer();
	// orders matched so far: true when they have a patch (~100 bytes an order: bounded by the upload cap)
	const matched = new Map<string, boolean>();
	// the net fields of the most recent patches (insertion order = age)
	const recent = new Map<string, Partial<Fields>>();
	const remember = (id: string, set: Partial<Fields> | null) => {
		recent.delete(id);
		if (set) recent.set(id, set);
		if (recent.size > recentPatches) recent.delete(recent.keys().next().value as string);
	};
	for await (const page of pages) {
		// one query per page: the candidates come with what the patches are planned from
		// the content the node was sent stands in for an order's JSON unless 1C's content is applied to it
		const candidates = await p.findTargets({ ...keysOf(page.map((x) => x.d)), sentStandsIn: settings.contentFrom1C !== "apply" });
		const { effects, creates, kept } = planPage(page, candidates, settings, out);
		await p.addCreates(creates);
		await p.keepUnmatched(kept);
		const groups = new Map<string, Partial<Fields>[]>();
		for (const e of effects) {
			const g = groups.get(e.orderId);
			if (g) g.push(e.set);
			else groups.set(e.orderId, [e.set]);
		}
		const ids = [...groups.keys()];
		const planned = await p.plannedSets(ids.filter((id) => matched.get(id) && !recent.has(id)));
		// taken before this page's patches move the window
		const earlier = new Map(ids.map((id) => [id, recent.get(id) ?? planned.get(id)]));
		const patches: OrderPatch[] = [];
		const dropped: string[] = [];
		const targets = new Map(candidates.map((c) => [c.id, c.target]));
		for (const id of ids) {
			const target = targets.get(id);
			if (!target) continue;
			const before = earlier.get(id);
			const sets = groups.get(id) ?? [];
			const patch = patchFor(target, before ? [before, ...sets] : sets, settings);
			if (patch) patches.push(withContent(patch, target, settings, nodeId));
			else if (matched.get(id)) dropped.push(id);
			matched.set(id, patch !== null);
			remember(id, patch?.set ?? null);
		}
		await p.addPatches(patches);
		await p.dropPatches(dropped);
		await pace();
	}
	return out;
}

/**
 * Plans the patches of `orderIds` again from the orders as they are now: the applying batch found that another process
 * wrote them after their patches were planned (a patch with new order JSON or a held conflict is planned from one
 * revision; `runImport`'s `replan`). Each order's net 1C fields of the file, as planned, are the patch's fields; what
 * they change, the status they map to and what 1C's content does are worked out again ({@link patchFor},
 * {@link withContent}). An order that is gone, or that the file no longer changes, loses its patch.
 */
export async function replanOrders(p: ImportPlanning, orderIds: string[], settings: NodeSettings, nodeId = ""): Promise<void> {
	// a page at a time, as they were planned: memory stays bounded however many orders another process wrote
	for (let i = 0; i < orderIds.length; i += PLAN_PAGE) {
		const ids = orderIds.slice(i, i + PLAN_PAGE);
		const sets = await p.plannedSets(ids);
		const targets = new Map((await p.findTargets({ numbers: [], oneCIds: [], orderIds: ids })).map((c) => [c.id, c.target]));
		const patches: OrderPatch[] = [];
		const dropped: string[] = [];
		for (const id of ids) {
			const target = targets.get(id);
			const set = sets.get(id);
			const patch = target && set ? patchFor(target, [set], settings) : null;
			if (patch && target) patches.push(withContent(patch, target, settings, nodeId));
			else dropped.push(id);
		}
		await p.addPatches(patches);
		await p.dropPatches(dropped);
	}
}

/** Plans the documents staged in `import_docs` ({@link planPages} over their pages; `keepAlive` before each). */
export function planStaged(p: ImportPlanning, settings: NodeSettings, nodeId = "", keepAlive?: () => Promise<void>): Promise<PlanReport> {
	async function* staged(): AsyncGenerator<DocPage> {
		let after = -1;
		for (;;) {
			await keepAlive?.();
			const rows = await p.staged(after, PLAN_PAGE);
			if (rows.length === 0) return;
			after = rows.at(-1)?.seq ?? after;
			yield rows.map((r) => ({ seq: r.seq, d: JSON.parse(r.doc) as StagedDoc }));
		}
	}
	return planPages(p, staged(), settings, nodeId);
}

/**
 * Adds what 1C's new content does ({@link contentOutcome}) to a patch: the feed event's `content`/`conflict`, the new
 * order JSON, a held conflict. A patch that only stores 1C's content, equal to what the node got, makes no event.
 */
export function withContent(patch: OrderPatch, target: ImportTarget, settings: NodeSettings, nodeId: string): OrderPatch {
	const text = patch.set.content;
	if (typeof text !== "string") return patch;
	// 1C sent back the very content the node was sent (node_acks.content): it changed nothing, which the comparison
	// would find only after reading the order's JSON and rendering its content
	const out: ContentOutcome =
		target.store?.ackedContent === text ? { event: null } : contentOutcome(target, JSON.parse(text) as OrderContent, settings, nodeId);
	if (out.event) patch.event = out.event;
	else if (Object.keys(patch.changes).length === 0) patch.silent = true;
	if (out.data !== undefined) patch.data = out.data;
	if (out.ack) patch.ack = true;
	if (out.held !== undefined) patch.held = out.held;
	// planned from the store's JSON at this revision: applied only while the order is still at it
	if ((out.data !== undefined || out.held !== undefined) && target.store) patch.baseRevision = target.store.revision;
	return patch;
}

/** What an import sees of a stored order. */
export function targetOf(s: StoredOrder): ImportTarget {
	return {
		id: s.order.id,
		number: s.order.number,
		status: s.order.status,
		oneC: fieldsOf(s),
		store: { data: JSON.stringify(s.order), revision: s.revision, ackedRevision: null, ackedData: null, held: null },
	};
}

/**
 * Plans the effect of all documents of one file on the stored orders, in memory (small files; the same steps as
 * {@link planStaged}). Creations are deduplicated by number label and by order id.
 */
export async function planImport(
	docs: IncomingDocument[],
	stored: StoredOrder[],
	settings: NodeSettings,
	/** The `Номер` each order was exported with to the importing node, by order id (absent: never exported). */
	exported: ReadonlyMap<string, string> = new Map(),
): Promise<ImportPlan> {
	const out: PlanReport = { unknown: [], unknownCount: 0, errors: [] };
	const page = docs.map((d, seq) => ({ seq, d: stageDocument(d, settings.createOrdersFrom1C) }));
	const targets = stored.map(targetOf);
	const matches = targets.map((t) => ({
		id: t.id,
		number: t.number,
		oneCId: t.oneC.id,
		oneCNumber: t.oneC.number,
		exported: exported.get(t.id) ?? null,
	}));
	const { effects, creates } = planPage(page, matches, settings, out);
	const byId = new Map(targets.map((t) => [t.id, t]));
	const groups = new Map<string, Partial<Fields>[]>();
	for (const e of effects) groups.set(e.orderId, [...(groups.get(e.orderId) ?? []), e.set]);
	const patches: OrderPatch[] = [];
	for (const [id, sets] of groups) {
		const target = byId.get(id);
		const patch = target ? patchFor(target, sets, settings) : null;
		if (patch && target) patches.push(withContent(patch, target, settings, ""));
	}
	const labels = new Set<string>();
	const ids = new Set<string>();
	const made: OrderCreate[] = [];
	for (const c of creates) {
		if (labels.has(c.label) || ids.has(c.order.id)) continue;
		labels.add(c.label);
		ids.add(c.order.id);
		made.push({ order: c.order, oneC: c.oneC });
	}
	return { patches, creates: made, unknown: out.unknown, errors: out.errors };
}
