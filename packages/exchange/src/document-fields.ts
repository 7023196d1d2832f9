/**
 * @module
 * What incoming 1C documents set on a store order (docs/protocol.md §7.3): the 1C id/number/date, "Проведен",
 * payment ("Оплачен", "Дата оплаты по 1С", "Номер оплаты по 1С"), shipment ("Отгружен", "Дата отгрузки по 1С",
 * "Номер отгрузки по 1С"), "Отменен" and `ПометкаУдаления` (which sets both deleted and cancelled), 1C's content of
 * the order; absent flags mean "unchanged" (1C omits false values). Payment/shipment documents mark the order
 * paid/shipped. And the store status 1C's state maps to through the node's `statusMap.import` rules.
 */
import type { IncomingDocument } from "@obmen/core";
import type { OneCFields, StoredOrder } from "@obmen/db";
import { contentOfDocument, contentText } from "./content.ts";
import type { NodeSettings } from "./settings.ts";

const PAYMENT_OPS = ["выплата безналичных денег", "выплата наличных денег", "эквайринговая операция"];
const SHIPMENT_OPS = ["отпуск товара"];

type Fields = OneCFields;
/** Every 1C field, none sent. */
export const EMPTY_FIELDS: Fields = {
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
	final: null,
	status: null,
	statusId: null,
	content: null,
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
	put("final", o.final);
	put("status", o.status);
	put("statusId", o.statusId);
	// 1C's content of the order (lines, delivery, total, buyer, comment), compared by its canonical text
	if (d.items.length > 0) put("content", contentText(contentOfDocument(d)));
	return set;
}

/** The fields a payment or shipment document sets on its order, or null when it is neither (or is deleted). */
export function subordinateFields(d: IncomingDocument): Partial<Fields> | null {
	if (d.oneC.deleted === true) return null;
	if (PAYMENT_OPS.includes(op(d))) return { paid: true, paidAt: d.date ?? null, paymentNumber: d.number ?? null };
	if (SHIPMENT_OPS.includes(op(d))) return { shipped: true, shippedAt: d.date ?? null, shipmentNumber: d.number ?? null };
	return null;
}

/** True for an order document (`ХозОперация` "Заказ товара", or none). */
export function isOrderDoc(d: IncomingDocument): boolean {
	return d.operation === null || op(d) === "заказ товара";
}

/**
 * Maps the merged 1C state to a store status through the rules (last match wins); null = no rule matched.
 * A `status` rule matches the raw "Статус заказа" or the "Статуса заказа ИД" (its `value` equal to either; without a
 * `value`, any status 1C sent).
 */
export function mapStatus(state: Fields, rules: NodeSettings["statusMap"]["import"]): string | null {
	let result: string | null = null;
	for (const rule of rules) {
		if (rule.on === "status") {
			const sent = state.status !== null || state.statusId !== null;
			if (sent && (rule.value === undefined || rule.value === state.status || rule.value === state.statusId)) result = rule.status;
			continue;
		}
		const flag = state[rule.on];
		if (flag !== null && flag === (rule.value === undefined ? true : rule.value.trim().toLowerCase() !== "false")) result = rule.status;
	}
	return result;
}

/** Longest store status code (the order model's limit). */
const STATUS_MAX = 64;

/**
 * The store status 1C's state asks for when `importStatuses` is on: the import rules' result, else "Статуса заказа ИД"
 * itself — a store status code (Bitrix semantics: 1C sends back the site's status id). null = leave the status.
 */
export function importedStatus(state: Fields, settings: NodeSettings): string | null {
	if (!settings.importStatuses) return null;
	const mapped = mapStatus(state, settings.statusMap.import);
	if (mapped !== null) return mapped;
	const id = state.statusId?.trim() ?? "";
	return id.length > 0 && id.length <= STATUS_MAX ? id : null;
}

/** The 1C fields stored with an order (every field, null when never sent). */
export function fieldsOf(s: StoredOrder): Fields {
	return s.oneC ? { ...EMPTY_FIELDS, ...(({ lastImportAt: _, ...rest }) => rest)(s.oneC) } : { ...EMPTY_FIELDS };
}
