/**
 * @module
 * Small rows the store tests write: a parsed store order and a journal entry, each with the fields a test cares about
 * given and the rest fixed.
 */
import { type Order, parseOrder } from "@obmen/core";
import type { JournalEntry } from "@obmen/db";

/** A parsed one-line store order `id` with the site number `number` (`over` replaces fields of the input). */
export function storeOrderRow(id: string, number: string, over: Record<string, unknown> = {}): Order {
	return parseOrder({
		id,
		number,
		createdAt: "2026-11-27T10:00:00+03:00",
		status: "new",
		customer: { name: "Петров Пётр" },
		items: [{ productId: "p", name: "Товар", quantity: 1, price: 10 }],
		...over,
	});
}

/** A journal entry of a successful `type=sale` request of node `nodeId` at `at` that moved nothing (`over` replaces fields). */
export function journalEntry(nodeId: string | null, at: string, over: Partial<JournalEntry> = {}): JournalEntry {
	return {
		nodeId,
		at,
		session: null,
		type: "sale",
		mode: "query",
		filename: null,
		bytesIn: 0,
		bytesOut: 0,
		reply: "success",
		durationMs: 1,
		ordersSent: 0,
		ordersAcknowledged: 0,
		ordersImported: 0,
		error: null,
		...over,
	};
}
