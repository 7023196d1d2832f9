/**
 * @module
 * The content of an order as the two sides of the exchange see it: lines, the `ORDER_DELIVERY` service line, `Сумма`,
 * currency, buyer and comment (issue #12).
 *
 * 1C sends the whole order back in its upload (a manager removed a line, changed a quantity, corrected the delivery
 * cost); the store's side is the order *as exported to that node*: what the reader would return from the writer's
 * bytes under the node's settings (core's `exportedContent`, computed from the writer's own figures and proven equal to
 * the round trip; rendered and read back when a value would not survive the XML), so both sides are compared in exactly
 * the form 1C receives and returns (line `Ид` with its characteristic after `#`, the order discount spread over the
 * lines' `Сумма`, exact decimals, the currency by its ISO code). Lines are keyed by their `Ид` (product +
 * characteristic), else `Артикул`, else the name (docs/protocol.md §16.1: 1C matches by GUID(+characteristic), then
 * `Артикул`, then name).
 *
 * {@link diffContent} is the structured diff of the changes feed's `content` event; {@link mergeContent} the
 * field-level three-way merge (base = the content the node last acknowledged) that tells non-overlapping edits, which
 * merge, from conflicting ones. A value a side did not send (null: no `Комментарий`, `Артикул`, `ТипНоменклатуры`,
 * currency or buyer) is "unchanged", never "cleared"; a missing `ORDER_DELIVERY` line is a delivery cost removed.
 */
import {
	type ExportedContent,
	type ExportSettings,
	exportedContent,
	formatDecimal,
	type IncomingDocument,
	lineIdentity,
	mulDecimal,
	ORDER_DELIVERY_ID,
	ORDER_DELIVERY_NAME,
	type Order,
	parseDecimal,
	readDocumentsSync,
	safeParseOrder,
	subDecimal,
	sumDecimals,
	totalMismatch,
	writeOrdersXmlSync,
} from "@obmen/core";
import { exportSettings, type NodeSettings } from "./settings.ts";

/** One order line (`Товар`) as compared: amounts are normalised decimal strings (null = not sent). */
export interface ContentLine {
	/** `Ид` (product GUID, `#` characteristic), else `sku:<Артикул>`, else `name:<Наименование>`. */
	key: string;
	sku: string | null;
	name: string | null;
	quantity: string | null;
	price: string | null;
	/** `Сумма` of the line (after its discounts, including its share of an order discount). */
	total: string | null;
	kind: "goods" | "service" | null;
}

/** The buyer (`Контрагент` with `Роль` Покупатель, else the first). */
export interface ContentBuyer {
	name: string | null;
	inn: string | null;
	kpp: string | null;
}

/** The content of one order as one side sees it. `lines` are sorted by key and never hold the delivery line. */
export interface OrderContent {
	lines: ContentLine[];
	/** Price of the `ORDER_DELIVERY` line; null when there is none. */
	delivery: string | null;
	/** `Сумма` of the document. */
	total: string | null;
	currency: string | null;
	buyer: ContentBuyer | null;
	comment: string | null;
}

/** A changed value. */
export interface Change<T = string | null> {
	from: T;
	to: T;
}

/** The structured diff of two contents (feed event `content`); only what differs is present. */
export interface ContentDiff {
	lines?: {
		added: ContentLine[];
		removed: ContentLine[];
		changed: { key: string; fields: Record<string, Change> }[];
	};
	delivery?: Change;
	total?: Change;
	currency?: Change;
	buyer?: Change<ContentBuyer | null>;
	comment?: Change;
}

const LINE_FIELDS = ["sku", "name", "quantity", "price", "total", "kind"] as const;

function nonBlank(v: string | null | undefined): string | null {
	const t = v?.trim() ?? "";
	return t === "" ? null : t;
}

function lineKey(i: { id: string | null; sku: string | null; name: string | null }): string {
	const id = nonBlank(i.id);
	if (id) return id;
	const sku = nonBlank(i.sku);
	return sku ? `sku:${sku}` : `name:${nonBlank(i.name) ?? ""}`;
}

function byKey(a: ContentLine, b: ContentLine): number {
	return a.key < b.key ? -1 : a.key > b.key ? 1 : 0;
}

/**
 * Names 1C and stores give a currency, by ISO 4217 code: the store exports its code ("RUB"), 1C writes back its own
 * name or code for the same currency ("руб", "руб.", "643"), which is no change of the order.
 */
const CURRENCY_NAMES: Record<string, string[]> = {
	RUB: ["rur", "643", "руб", "рубль", "рублей", "российский рубль", "₽"],
	USD: ["840", "$", "долл", "доллар", "доллар сша"],
	EUR: ["978", "€", "евро"],
	KZT: ["398", "тенге", "тг", "₸"],
	BYN: ["933", "бел. руб", "бел руб", "белорусский рубль"],
	UAH: ["980", "грн", "гривна", "₴"],
	CNY: ["156", "юань"],
};
const CURRENCY_KEY = new Map<string, string>();
for (const [code, names] of Object.entries(CURRENCY_NAMES)) {
	CURRENCY_KEY.set(code.toLowerCase(), code);
	for (const n of names) CURRENCY_KEY.set(n, code);
}

/** The currency as compared: its ISO code when known by any of its names (see {@link CURRENCY_NAMES}), else as sent. */
export function currencyKey(v: string | null): string | null {
	const t = nonBlank(v);
	if (t === null) return null;
	return CURRENCY_KEY.get(t.toLowerCase().replace(/\.$/, "").trim()) ?? t;
}

/** 1C's content of an order document from its upload. */
export function contentOfDocument(d: ExportedContent | IncomingDocument): OrderContent {
	let delivery: string | null = null;
	const lines: ContentLine[] = [];
	for (const i of d.items) {
		if (nonBlank(i.id) === ORDER_DELIVERY_ID) {
			delivery = i.total ?? i.price;
			continue;
		}
		lines.push({
			key: lineKey(i),
			sku: nonBlank(i.sku),
			name: nonBlank(i.name),
			quantity: i.quantity,
			price: i.price,
			total: i.total,
			kind: i.kind,
		});
	}
	// two lines with one key (the same product twice): the later ones get a position suffix so none is lost
	const seen = new Map<string, number>();
	for (const l of lines) {
		const n = (seen.get(l.key) ?? 0) + 1;
		seen.set(l.key, n);
		if (n > 1) l.key = `${l.key}@${n}`;
	}
	lines.sort(byKey);
	const buyer = d.counterparties.find((c) => (c.role ?? "").toLowerCase() === "покупатель") ?? d.counterparties[0];
	return {
		lines,
		delivery,
		total: d.total,
		currency: currencyKey(d.currency),
		buyer: buyer ? { name: nonBlank(buyer.name ?? buyer.fullName), inn: buyer.inn, kpp: buyer.kpp } : null,
		comment: nonBlank(d.comment),
	};
}

/** The export settings each node's settings render with here (an import compares thousands of orders). */
const RENDERING = new WeakMap<NodeSettings, ExportSettings>();

/**
 * The store's content of an order as exported to a node with `settings`: exactly what 1C receives (and would return
 * unchanged) — computed from the writer's figures ({@link exportedContent}), else rendered by the CommerceML writer
 * and read back.
 */
export function contentOfOrder(order: Order, settings: NodeSettings): OrderContent {
	let rendering = RENDERING.get(settings);
	if (!rendering) {
		rendering = exportSettings(settings, new Date(0));
		RENDERING.set(settings, rendering);
	}
	// computed directly (a few µs); rendered and read back when a value would not survive the XML unchanged
	const doc = exportedContent(order, rendering) ?? readDocumentsSync(writeOrdersXmlSync([order], rendering))[0];
	if (!doc) throw new Error(`order ${order.id} rendered no Документ`);
	return contentOfDocument(doc);
}

/** A canonical text of a content (equal contents give equal texts): what is stored and compared. */
export function contentText(c: OrderContent): string {
	return JSON.stringify({
		lines: [...c.lines].sort(byKey).map((l) => ({
			key: l.key,
			sku: l.sku,
			name: l.name,
			quantity: l.quantity,
			price: l.price,
			total: l.total,
			kind: l.kind,
		})),
		delivery: c.delivery,
		total: c.total,
		currency: c.currency,
		buyer: c.buyer ? { name: c.buyer.name, inn: c.buyer.inn, kpp: c.buyer.kpp } : null,
		comment: c.comment,
	});
}

function sameBuyer(a: ContentBuyer | null, b: ContentBuyer | null): boolean {
	return a === b || (a !== null && b !== null && a.name === b.name && a.inn === b.inn && a.kpp === b.kpp);
}

/** What changed from `from` to `to`, or null when the contents are equal. Exact decimal strings are compared. */
export function diffContent(from: OrderContent, to: OrderContent): ContentDiff | null {
	const out: ContentDiff = {};
	const before = new Map(from.lines.map((l) => [l.key, l]));
	const after = new Map(to.lines.map((l) => [l.key, l]));
	const added = to.lines.filter((l) => !before.has(l.key));
	const removed = from.lines.filter((l) => !after.has(l.key));
	const changed: { key: string; fields: Record<string, Change> }[] = [];
	for (const l of to.lines) {
		const old = before.get(l.key);
		if (!old) continue;
		const fields: Record<string, Change> = {};
		// a line field one side did not send (null: no `Артикул`, no `ТипНоменклатуры`) is not a change
		for (const f of LINE_FIELDS) if (old[f] !== null && l[f] !== null && old[f] !== l[f]) fields[f] = { from: old[f], to: l[f] };
		if (Object.keys(fields).length > 0) changed.push({ key: l.key, fields });
	}
	if (added.length + removed.length + changed.length > 0) out.lines = { added, removed, changed };
	for (const f of ["delivery", "total"] as const) if (from[f] !== to[f]) out[f] = { from: from[f], to: to[f] };
	// currency, comment and buyer one side did not send (null) are not a change
	for (const f of ["currency", "comment"] as const)
		if (from[f] !== null && to[f] !== null && from[f] !== to[f]) out[f] = { from: from[f], to: to[f] };
	if (from.buyer !== null && to.buyer !== null && !sameBuyer(from.buyer, to.buyer)) out.buyer = { from: from.buyer, to: to.buyer };
	return Object.keys(out).length > 0 ? out : null;
}

/** The result of a three-way merge: the merged content, or the parts both sides changed differently. */
export type MergeResult = { ok: true; content: OrderContent } | { ok: false; conflicts: string[] };

/**
 * Field-level three-way merge of the store's and 1C's edits of `base` (the content the node last acknowledged).
 * Every part — each line's presence and each of its fields, the delivery cost, currency, buyer, comment — takes the
 * side that changed it; a part both sides changed to different values is a conflict. `Сумма` follows the parts: when
 * only one side changed anything it is that side's, otherwise the sum of the merged lines and delivery.
 */
export function mergeContent(base: OrderContent, store: OrderContent, oneC: OrderContent): MergeResult {
	const conflicts: string[] = [];
	const pick = <T>(name: string, b: T, s: T, c: T, same: (x: T, y: T) => boolean): T => {
		if (same(s, b)) return c;
		if (same(c, b) || same(s, c)) return s;
		conflicts.push(name);
		return s;
	};
	const eq = <T>(x: T, y: T) => x === y;
	const maps = [base, store, oneC].map((c) => new Map(c.lines.map((l) => [l.key, l])));
	const [mb, ms, mc] = maps as [Map<string, ContentLine>, Map<string, ContentLine>, Map<string, ContentLine>];
	const keys = [...new Set([...mb.keys(), ...ms.keys(), ...mc.keys()])].sort();
	const lines: ContentLine[] = [];
	for (const key of keys) {
		const b = mb.get(key) ?? null;
		const s = ms.get(key) ?? null;
		const c = mc.get(key) ?? null;
		if (s === null || c === null || b === null) {
			// presence: a line added or removed on one side; a removal against an edit of the other is a conflict
			const present = pick(
				`lines.${key}`,
				b === null ? null : JSON.stringify(b),
				s === null ? null : JSON.stringify(s),
				c === null ? null : JSON.stringify(c),
				eq,
			);
			if (present !== null) lines.push(JSON.parse(present) as ContentLine);
			continue;
		}
		const merged = { ...s };
		// a field a side did not send counts as unchanged on that side
		for (const f of LINE_FIELDS) (merged as Record<string, unknown>)[f] = pick(`lines.${key}.${f}`, b[f], s[f] ?? b[f], c[f] ?? b[f], eq);
		lines.push(merged);
	}
	const content: OrderContent = {
		lines,
		delivery: pick("delivery", base.delivery, store.delivery, oneC.delivery, eq),
		total: null,
		currency: pick("currency", base.currency, store.currency, oneC.currency ?? base.currency, eq),
		buyer: pick("buyer", base.buyer, store.buyer, oneC.buyer ?? base.buyer, sameBuyer),
		comment: pick("comment", base.comment, store.comment, oneC.comment ?? base.comment, eq),
	};
	if (conflicts.length > 0) return { ok: false, conflicts };
	const storeChanged = diffContent(base, store) !== null;
	const oneCChanged = diffContent(base, oneC) !== null;
	content.total = !storeChanged ? oneC.total : !oneCChanged ? store.total : sumOf(content);
	return { ok: true, content };
}

/** Σ line `Сумма` + delivery, exact decimals. */
function sumOf(c: OrderContent): string {
	const parts = [...c.lines.map((l) => l.total), c.delivery].filter((v): v is string => v !== null);
	return formatDecimal(sumDecimals(parts.map((v) => parseDecimal(v))));
}

/** The store line keys of an order's items as exported (the same keys {@link contentOfDocument} gives them). */
export function itemKeys(order: Order, settings: NodeSettings): string[] {
	const seen = new Map<string, number>();
	return order.items.map((item) => {
		const ident = lineIdentity(item, settings.exportOptions);
		const key = lineKey({ id: ident.id, sku: item.sku ?? null, name: ident.name });
		const n = (seen.get(key) ?? 0) + 1;
		seen.set(key, n);
		return n > 1 ? `${key}@${n}` : key;
	});
}

/** A line's discount: price × quantity − `Сумма` when positive, else "0". */
export function lineDiscount(line: Pick<ContentLine, "quantity" | "price" | "total">): string {
	if (line.quantity === null || line.price === null || line.total === null) return "0";
	const gross = mulDecimal(parseDecimal(line.price), parseDecimal(line.quantity));
	const off = subDecimal(gross, parseDecimal(line.total));
	return off.units > 0n ? formatDecimal(off) : "0";
}

/**
 * The store order with 1C's content applied: kept lines take 1C's quantity, price and `Сумма` (as a line discount),
 * removed lines go, added lines are appended (1C's `Ид` as product and external id), the delivery cost, comment,
 * buyer name/ИНН/КПП and `Сумма` become 1C's (what 1C did not send stays; the currency stays the store's code). The order discount is already spread over 1C's line sums, so it becomes
 * 0. Everything else of the store order (options, units, VAT, payment, addresses) stays. Returns the reason when the
 * result is not a valid store order.
 */
export function applyContent(
	order: Order,
	content: OrderContent,
	settings: NodeSettings,
): { ok: true; order: Order } | { ok: false; reason: string } {
	const keys = itemKeys(order, settings);
	const byKey = new Map(content.lines.map((l) => [l.key, l]));
	const items: unknown[] = [];
	const kept = new Set<string>();
	order.items.forEach((item, i) => {
		const key = keys[i] as string;
		const line = byKey.get(key);
		if (!line) return;
		kept.add(key);
		items.push({
			...item,
			quantity: line.quantity ?? item.quantity,
			price: line.price ?? item.price,
			discount: lineDiscount(line),
		});
	});
	for (const line of content.lines) {
		if (kept.has(line.key)) continue;
		const bare = line.key.replace(/@\d+$/, "");
		const isId = !bare.startsWith("sku:") && !bare.startsWith("name:");
		items.push({
			productId: (isId ? bare : (line.sku ?? bare)).slice(0, 80),
			...(isId ? { externalId: bare.slice(0, 80) } : {}),
			...(line.sku ? { sku: line.sku } : {}),
			name: line.name?.split("#")[0]?.trim() || "—",
			quantity: line.quantity ?? "1",
			price: line.price ?? "0",
			discount: lineDiscount(line),
			kind: line.kind ?? "goods",
		});
	}
	const customer = content.buyer
		? {
				...order.customer,
				name: content.buyer.name ?? order.customer.name,
				inn: content.buyer.inn ?? "",
				kpp: content.buyer.kpp ?? "",
			}
		: order.customer;
	const shipping =
		content.delivery !== null
			? { method: "", address: "", ...order.shipping, price: content.delivery }
			: order.shipping
				? { ...order.shipping, price: "0" }
				: undefined;
	const r = safeParseOrder({
		...order,
		items,
		customer,
		discount: "0",
		...(shipping ? { shipping } : {}),
		comment: content.comment ?? order.comment,
		...(content.total !== null ? { total: content.total } : {}),
	});
	if (!r.ok) return { ok: false, reason: r.issues.map((i) => `${i.path}: ${i.message}`).join("; ") };
	const mismatch = totalMismatch(r.order);
	if (mismatch) return { ok: false, reason: `Сумма ${mismatch.total} differs from the lines and delivery (${mismatch.computed})` };
	return r;
}

function plainName(name: string | null): string | null {
	return nonBlank(name?.split("#")[0]);
}

/**
 * 1C's content with its lines keyed like the store's (docs/protocol.md §16.1): 1C sends its own product GUID
 * (`#characteristic`) as a line's `Ид`, which equals the store's id only when the store's products came from 1C. A 1C
 * line whose key no store line has takes the key of a not yet matched store line with the same `Артикул`, else the
 * same name (before any `#`). A line that matches none and is named "Доставка заказа" (1C kept the store's delivery as
 * a service product of its own) is the delivery cost.
 */
export function alignContent(oneC: OrderContent, ...references: OrderContent[]): OrderContent {
	const ref = new Map<string, ContentLine>();
	for (const c of references) for (const l of c.lines) if (!ref.has(l.key)) ref.set(l.key, l);
	const taken = new Set(oneC.lines.filter((l) => ref.has(l.key)).map((l) => l.key));
	// the first reference line not taken yet that `is` accepts
	const free = (is: (r: ContentLine) => boolean) => {
		for (const r of ref.values()) if (!taken.has(r.key) && is(r)) return r;
		return undefined;
	};
	const lines: ContentLine[] = [];
	let delivery = oneC.delivery;
	for (const l of oneC.lines) {
		if (ref.has(l.key)) {
			lines.push(l);
			continue;
		}
		const name = plainName(l.name);
		const match =
			(l.sku !== null ? free((r) => r.sku === l.sku) : undefined) ?? (name !== null ? free((r) => plainName(r.name) === name) : undefined);
		if (match) {
			taken.add(match.key);
			lines.push({ ...l, key: match.key });
		} else if (delivery === null && plainName(l.name) === ORDER_DELIVERY_NAME) {
			delivery = l.total ?? l.price;
		} else lines.push(l);
	}
	return { ...oneC, lines: lines.sort(byKey), delivery };
}
