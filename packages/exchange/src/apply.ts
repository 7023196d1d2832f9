/**
 * @module Applying incoming 1C documents to store orders (protocol.md §7.4) — pure planning, no I/O.
 *
 * Find the order by `Номер` (the site number 1C keeps), then by the stored 1C `Ид`, then by the stored 1C number.
 * Store the 1C id/number/date, "Проведен", payment ("Оплачен", "Дата оплаты по 1С", "Номер оплаты по 1С"),
 * shipment ("Отгружен", "Дата отгрузки по 1С", "Номер отгрузки по 1С"), "Отменен" and `ПометкаУдаления`
 * (which sets both deleted and cancelled). Absent flags mean "unchanged" (1C omits false values).
 * Payment/shipment documents (`ПодчиненныеДокументы`, or top-level with `Основание`) mark the order paid/shipped.
 * Status: through the node's `statusMap.import` rules (last match wins) when `importStatuses` is on, and only when
 * 1C actually changed something. The plan is computed outside the write transaction.
 */
import { type IncomingDocument, type Order, safeParseOrder } from "@obmen/core";
import type { OneCFields, OrderCreate, OrderPatch, StoredOrder } from "@obmen/db";
import type { NodeSettings } from "./settings.ts";

/** The result of planning one file. */
export interface ImportPlan {
	patches: OrderPatch[];
	creates: OrderCreate[];
	/** Numbers (or ids) of documents that matched no order and were not created. */
	unknown: string[];
	/** Per-document problems (e.g. an order from 1C that is not a valid store order). */
	errors: string[];
}

const PAYMENT_OPS = ["выплата безналичных денег", "выплата наличных денег", "эквайринговая операция"];
const SHIPMENT_OPS = ["отпуск товара"];

type Fields = OneCFields;
const EMPTY: Fields = {
	id: null,
	number: null,
	date: null,
	posted: null,
	paid: null,
	paidAt: null,
	paymentNumber: null,
	shipped: null,
	shippedAt: null,
	shipmentNumber: null,
	cancelled: null,
	deleted: null,
	status: null,
};

function op(d: IncomingDocument): string {
	return (d.operation ?? "").trim().toLowerCase();
}

/** The 1C fields an order document sets (only what was sent). */
export function orderDocFields(d: IncomingDocument): Partial<Fields> {
	const o = d.oneC;
	const set: Partial<Fields> = {};
	const put = <K extends keyof Fields>(k: K, v: Fields[K] | undefined) => {
		if (v !== null && v !== undefined) set[k] = v;
	};
	put("id", o.id ?? d.id);
	put("number", o.number);
	put("date", o.date);
	put("posted", o.posted);
	put("paid", o.paid ?? (o.paidAt ? true : null));
	put("paidAt", o.paidAt);
	put("paymentNumber", o.paymentNumber);
	put("shipped", o.shipped ?? (o.shippedAt ? true : null));
	put("shippedAt", o.shippedAt);
	put("shipmentNumber", o.shipmentNumber);
	put("cancelled", o.deleted === true ? true : o.cancelled);
	put("deleted", o.deleted);
	put("status", o.status ?? o.statusId);
	return set;
}

/** The fields a payment or shipment document sets on its order, or null when it is neither (or is deleted). */
export function subordinateFields(d: IncomingDocument): Partial<Fields> | null {
	if (d.oneC.deleted === true) return null;
	if (PAYMENT_OPS.includes(op(d))) return { paid: true, paidAt: d.date ?? null, paymentNumber: d.number ?? null };
	if (SHIPMENT_OPS.includes(op(d))) return { shipped: true, shippedAt: d.date ?? null, shipmentNumber: d.number ?? null };
	return null;
}

function isOrderDoc(d: IncomingDocument): boolean {
	return d.operation === null || op(d) === "заказ товара";
}

/** Maps the merged 1C state to a store status through the rules (last match wins); null = no rule matched. */
export function mapStatus(state: Fields, rules: NodeSettings["statusMap"]["import"]): string | null {
	let result: string | null = null;
	for (const rule of rules) {
		if (rule.on === "status") {
			if (state.status !== null && (rule.value === undefined || rule.value === state.status)) result = rule.status;
			continue;
		}
		const flag = state[rule.on];
		if (flag !== null && flag === (rule.value === undefined ? true : rule.value.trim().toLowerCase() !== "false")) result = rule.status;
	}
	return result;
}

function fieldsOf(s: StoredOrder): Fields {
	return s.oneC ? { ...EMPTY, ...(({ lastImportAt: _, ...rest }) => rest)(s.oneC) } : { ...EMPTY };
}

/** ISO date-time for a 1C date (`2026-11-28` or `2026-11-28T10:00:00`), or null. */
function isoDateTime(d: string | null): string | null {
	if (!d) return null;
	if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return `${d}T00:00:00`;
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/.test(d) ? d.slice(0, 19) : null;
}

/** A store order built from an unknown 1C order document (`createOrdersFrom1C`). */
export function orderFrom1C(d: IncomingDocument, status: string): { ok: true; order: Order } | { ok: false; reason: string } {
	const buyer = d.counterparties.find((c) => (c.role ?? "").toLowerCase() === "покупатель") ?? d.counterparties[0];
	const r = safeParseOrder({
		id: `1c-${d.oneC.id ?? d.id ?? d.number}`.slice(0, 40),
		number: d.number ?? d.oneC.number ?? "",
		createdAt: isoDateTime(d.date) ?? "",
		status,
		currency: (d.currency ?? "RUB").slice(0, 3),
		rate: d.rate ?? "1",
		...(d.total ? { total: d.total } : {}),
		customer: {
			name: buyer?.name ?? buyer?.fullName ?? "",
			type: buyer?.inn ? "company" : "person",
			inn: buyer?.inn ?? "",
			kpp: buyer?.kpp ?? "",
		},
		items: d.items.map((i, n) => ({
			productId: i.id ?? i.sku ?? `line-${n + 1}`,
			...(i.id ? { externalId: i.id } : {}),
			...(i.sku ? { sku: i.sku } : {}),
			name: i.name ?? "—",
			quantity: i.quantity ?? "1",
			price: i.price ?? "0",
			kind: i.kind ?? "goods",
		})),
		comment: d.comment ?? "",
	});
	if (r.ok) return r;
	return { ok: false, reason: r.issues.map((i) => `${i.path}: ${i.message}`).join("; ") };
}

/** Plans the effect of all documents of one file on the stored orders. */
export function planImport(docs: IncomingDocument[], stored: StoredOrder[], settings: NodeSettings): ImportPlan {
	const byNumber = new Map(stored.map((s) => [s.order.number, s]));
	const byOneCId = new Map(stored.filter((s) => s.oneC?.id).map((s) => [s.oneC!.id!, s]));
	const byOneCNumber = new Map(stored.filter((s) => s.oneC?.number).map((s) => [s.oneC!.number!, s]));
	const find = (number: string | null, id: string | null, oneCNumber: string | null) =>
		(number && byNumber.get(number)) || (id && byOneCId.get(id)) || (oneCNumber && byOneCNumber.get(oneCNumber)) || null;

	const state = new Map<string, { stored: StoredOrder; fields: Fields }>();
	const plan: ImportPlan = { patches: [], creates: [], unknown: [], errors: [] };
	const apply = (s: StoredOrder, set: Partial<Fields>) => {
		const cur = state.get(s.order.id) ?? { stored: s, fields: fieldsOf(s) };
		cur.fields = { ...cur.fields, ...set };
		state.set(s.order.id, cur);
	};
	const createdNumbers = new Set<string>();

	for (const d of docs) {
		if (isOrderDoc(d)) {
			const s = find(d.number, d.oneC.id ?? d.id, d.oneC.number);
			const set = orderDocFields(d);
			for (const sub of d.subordinate) Object.assign(set, subordinateFields(sub) ?? {});
			if (s) {
				apply(s, set);
				continue;
			}
			const label = d.number ?? d.oneC.number ?? d.id ?? "?";
			if (!settings.createOrdersFrom1C) {
				plan.unknown.push(label);
				continue;
			}
			if (createdNumbers.has(label)) continue;
			const fields = { ...EMPTY, ...set };
			const status = (settings.importStatuses ? mapStatus(fields, settings.statusMap.import) : null) ?? "new";
			const made = orderFrom1C(d, status);
			if (!made.ok) {
				plan.errors.push(`${label}: ${made.reason}`);
				continue;
			}
			createdNumbers.add(label);
			plan.creates.push({ order: made.order, oneC: set });
			continue;
		}
		const set = subordinateFields(d);
		if (!set) continue;
		const s = find(d.basis, null, d.basis);
		if (s) apply(s, set);
		else plan.unknown.push(d.basis ?? d.number ?? "?");
	}

	for (const { stored, fields } of state.values()) {
		const before = fieldsOf(stored);
		const set: Partial<Fields> = {};
		const changes: OrderPatch["changes"] = {};
		for (const k of Object.keys(fields) as (keyof Fields)[]) {
			if (fields[k] !== before[k]) {
				(set as Record<string, unknown>)[k] = fields[k];
				changes[k] = { from: before[k], to: fields[k] };
			}
		}
		if (Object.keys(set).length === 0) continue;
		const patch: OrderPatch = { orderId: stored.order.id, set, changes };
		const mapped = settings.importStatuses ? mapStatus(fields, settings.statusMap.import) : null;
		if (mapped !== null && mapped !== stored.order.status) {
			patch.status = mapped;
			changes.status = { from: stored.order.status, to: mapped };
		}
		plan.patches.push(patch);
	}
	return plan;
}
