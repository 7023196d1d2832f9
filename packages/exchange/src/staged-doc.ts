/**
 * @module
 * The staged format of a big import: each parsed document is reduced to a compact {@link StagedDoc} (what applying
 * it needs, not the whole document), planned page by page (apply.ts) as the file is parsed, or — for a file whose
 * parse does not fit that budget (exim/direct-budget.ts) — stored as JSON in `import_docs` slice by slice and
 * planned afterwards.
 */
import type { IncomingDocument, Order } from "@obmen/core";
import type { OneCFields } from "@obmen/db";
import { isOrderDoc, orderDocFields, subordinateFields } from "./document-fields.ts";
import { orderFrom1C } from "./order-from-1c.ts";

type Fields = OneCFields;

/**
 * The compact record staged for one parsed document (JSON in `import_docs`): an order document (`o`: its number,
 * 1C id and 1C number to match on, the fields it sets, and — only with `createOrdersFrom1C` — the store order it
 * would create or why it cannot), a payment/shipment document (`p`: its `Основание` and the fields it sets), or a
 * document that changes nothing (`x`, kept so document positions stay stable across time slices).
 */
export type StagedDoc =
	| {
			k: "o";
			n: string | null;
			i: string | null;
			c: string | null;
			s: Partial<Fields>;
			l: string;
			/** The document's date (kept with an unmatched document). */
			dt?: string | null;
			/** The order to create (status still to be mapped), or the reason it is not a valid store order. */
			create?: { order: Order } | { error: string };
	  }
	| { k: "p"; b: string | null; s: Partial<Fields>; l: string; n?: string | null; i?: string | null; dt?: string | null }
	| { k: "x" };

/** Reduces a parsed document to what applying it needs. */
export function stageDocument(d: IncomingDocument, createOrders: boolean): StagedDoc {
	if (isOrderDoc(d)) {
		const set = orderDocFields(d);
		for (const sub of d.subordinate) Object.assign(set, subordinateFields(sub) ?? {});
		const staged: StagedDoc = {
			k: "o",
			n: d.number,
			i: d.oneC.id ?? d.id,
			c: d.oneC.number,
			s: set,
			l: d.number ?? d.oneC.number ?? d.id ?? "?",
			dt: d.date,
		};
		if (createOrders) {
			const made = orderFrom1C(d, "new");
			staged.create = made.ok ? { order: made.order } : { error: made.reason };
		}
		return staged;
	}
	const set = subordinateFields(d);
	return set ? { k: "p", b: d.basis, s: set, l: d.basis ?? d.number ?? "?", n: d.number, i: d.oneC.id ?? d.id, dt: d.date } : { k: "x" };
}
