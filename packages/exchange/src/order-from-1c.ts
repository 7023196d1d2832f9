/**
 * @module
 * A store order built from an order document 1C sent that matches no store order (node setting
 * `createOrdersFrom1C`): number, date, buyer, lines with their discounts, the `ORDER_DELIVERY` line as the delivery
 * cost, comment — validated as any store order.
 */
import { type IncomingDocument, ORDER_DELIVERY_ID, type Order, safeParseOrder } from "@obmen/core";
import { lineDiscount } from "./content.ts";

/** ISO date-time for a 1C date (`2026-11-28` or `2026-11-28T10:00:00`), or null. */
function isoDateTime(d: string | null): string | null {
	if (!d) return null;
	if (/^\d{4}-\d{2}-\d{2}$/.test(d)) return `${d}T00:00:00`;
	return /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?/.test(d) ? d.slice(0, 19) : null;
}

/** A store order built from an unknown 1C order document (`createOrdersFrom1C`). */
export function orderFrom1C(d: IncomingDocument, status: string): { ok: true; order: Order } | { ok: false; reason: string } {
	const buyer = d.counterparties.find((c) => (c.role ?? "").toLowerCase() === "покупатель") ?? d.counterparties[0];
	const delivery = d.items.find((i) => i.id?.trim() === ORDER_DELIVERY_ID);
	const lines = d.items.filter((i) => i !== delivery);
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
		// the full content: lines with their discounts (from Сумма), the ORDER_DELIVERY line as the delivery cost
		items: lines.map((i, n) => ({
			productId: i.id ?? i.sku ?? `line-${n + 1}`,
			...(i.id ? { externalId: i.id } : {}),
			...(i.sku ? { sku: i.sku } : {}),
			name: i.name ?? "—",
			quantity: i.quantity ?? "1",
			price: i.price ?? "0",
			discount: lineDiscount(i),
			kind: i.kind ?? "goods",
		})),
		...(delivery ? { shipping: { price: delivery.total ?? delivery.price ?? "0" } } : {}),
		comment: d.comment ?? "",
	});
	if (r.ok) return r;
	return { ok: false, reason: r.issues.map((i) => `${i.path}: ${i.message}`).join("; ") };
}
