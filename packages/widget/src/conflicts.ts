import { css, html, nothing, type TemplateResult } from "lit";
import { ObmenApiError } from "./api.ts";
import { ObmenElement } from "./base-element.ts";
import { formatMoney } from "./export-preview.ts";
import type { MessageKey } from "./i18n.ts";
import { baseStyles } from "./styles.ts";
import type { ConflictItem, ContentLine, HeldConflict, OrderContent } from "./types.ts";

/** One row of a conflict's side-by-side diff: a part of the order and its value in the base, the store and 1C. */
export interface DiffRow {
	/** The part as the server names it in `parts`: `lines.<key>`, `lines.<key>.<field>`, `delivery`, `comment`… */
	part: string;
	/** The line's key and name for line rows; null for order-level rows. */
	line: { key: string; name: string | null } | null;
	/** `line` (a line added or removed), a line field (`quantity`, `price`, `total`, `name`, `sku`, `kind`) or an order field. */
	field: string;
	/** Values; `undefined` = that side did not send this field (no `Комментарий`, `Артикул`…), which counts as unchanged. */
	base: string | null;
	store: string | null | undefined;
	oneC: string | null | undefined;
	/** Both sides changed this part differently (it is in the conflict's `parts`). */
	conflict: boolean;
}

const LINE_FIELDS = ["quantity", "price", "total", "name", "sku", "kind"] as const;
/** Fields shown as money amounts. */
const MONEY = new Set(["price", "total", "delivery"]);

/** A value a side may leave out: null (not sent) becomes `undefined`. */
function sent(v: string | null): string | null | undefined {
	return v === null ? undefined : v;
}

/** A side's value equals the base (a value not sent counts as unchanged). */
function same(base: string | null, v: string | null | undefined): boolean {
	return v === undefined || v === base;
}

function lineText(l: ContentLine | undefined): string | null {
	if (!l) return null;
	return `${l.quantity ?? "?"} × ${l.price ?? "?"} = ${l.total ?? "?"}`;
}

function buyerText(b: OrderContent["buyer"]): string | null {
	if (!b) return null;
	const ids = [b.inn, b.kpp].filter((v) => v).join("/");
	return [b.name, ids].filter((v) => v).join(", ") || null;
}

/**
 * The rows of a held conflict's diff: every line present in only some versions (added or removed), every line field
 * and order field whose value is not the same in the base, the store's and 1C's version. Rows both sides changed
 * differently are marked `conflict`; the others merged by themselves and are shown for context.
 */
export function conflictRows(held: HeldConflict): DiffRow[] {
	const parts = new Set(held.parts);
	const rows: DiffRow[] = [];
	const versions = [held.base, held.store, held.oneC].map((c) => new Map(c.lines.map((l) => [l.key, l])));
	const [b, s, c] = versions as [Map<string, ContentLine>, Map<string, ContentLine>, Map<string, ContentLine>];
	const keys = [...new Set([...b.keys(), ...s.keys(), ...c.keys()])].sort();
	for (const key of keys) {
		const lb = b.get(key);
		const ls = s.get(key);
		const lc = c.get(key);
		const line = { key, name: (ls ?? lc ?? lb)?.name ?? null };
		if (!lb || !ls || !lc) {
			const part = `lines.${key}`;
			rows.push({ part, line, field: "line", base: lineText(lb), store: lineText(ls), oneC: lineText(lc), conflict: parts.has(part) });
			continue;
		}
		for (const f of LINE_FIELDS) {
			const [vs, vc] = [sent(ls[f]), sent(lc[f])];
			if (same(lb[f], vs) && same(lb[f], vc)) continue;
			const part = `lines.${key}.${f}`;
			rows.push({ part, line, field: f, base: lb[f], store: vs, oneC: vc, conflict: parts.has(part) });
		}
	}
	// delivery and total: null is a value (no delivery line); currency, buyer and comment: null = not sent
	const order: [string, (x: OrderContent) => string | null, boolean][] = [
		["delivery", (x) => x.delivery, false],
		["total", (x) => x.total, false],
		["currency", (x) => x.currency, true],
		["buyer", (x) => buyerText(x.buyer), true],
		["comment", (x) => x.comment, true],
	];
	for (const [field, get, optional] of order) {
		const vb = get(held.base);
		const [vs, vc] = optional ? [sent(get(held.store)), sent(get(held.oneC))] : [get(held.store), get(held.oneC)];
		if (same(vb, vs) && same(vb, vc)) continue;
		rows.push({ part: field, line: null, field, base: vb, store: vs, oneC: vc, conflict: parts.has(field) });
	}
	return rows;
}

/**
 * `<obmen-conflicts>`: the orders of this node held by a content conflict (issue #12; node setting `conflicts:
 * "hold"`): the store and 1C both changed the same part of an order since the node last acknowledged it, so the order
 * is not exported to 1C until an operator decides. Each order shows a side-by-side diff — the base (what 1C last
 * acknowledged), the store's and 1C's version, per line and field (lines added or removed, quantity, price, line sum,
 * delivery, order total, buyer, comment) with the conflicting parts marked — and two buttons: keep the store's
 * version (it goes to 1C again) or take 1C's (the store order takes it; nothing is sent back). Both call
 * `POST /api/v1/orders/{id}/resolve`; the element then dispatches `obmen-conflict-resolved`
 * (`detail: { nodeId, orderId, take }`).
 */
export class ObmenConflicts extends ObmenElement {
	static override properties = {
		_items: { state: true },
		_loaded: { state: true },
		_error: { state: true },
		_notice: { state: true },
		_busy: { state: true },
	};

	static override styles = [
		baseStyles,
		css`
			section.conflict { border: 1px solid var(--obmen-border, #c7ccd1); border-radius: var(--obmen-radius, 4px); padding: 8px; margin: 8px 0; }
			section.conflict h3 { margin-top: 0; }
			tr.conflict th, tr.conflict td { background: var(--obmen-warn-bg, #fff6e0); }
			td.changed { font-weight: 700; }
			td .absent { color: var(--obmen-muted, #4f5962); }
			th[scope="row"] { font-weight: 400; }
			th[scope="row"] .key { color: var(--obmen-muted, #4f5962); font-size: 0.9em; word-break: break-all; }
			td.value { overflow-wrap: break-word; }
		`,
	];

	declare _items: ConflictItem[];
	declare _loaded: boolean;
	declare _error: string | null;
	declare _notice: string | null;
	declare _busy: boolean;

	constructor() {
		super();
		this._items = [];
		this._loaded = false;
		this._error = null;
		this._notice = null;
		this._busy = false;
	}

	override async load(): Promise<void> {
		try {
			this._items = await this.api.conflicts(this.nodeId);
			this._error = null;
			this._loaded = true;
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		}
	}

	async #resolve(item: ConflictItem, take: "store" | "1c"): Promise<void> {
		this._busy = true;
		this._notice = null;
		let error: string | null = null;
		try {
			await this.api.resolve(item.id, take);
			this._notice = this.t(take === "store" ? "conflicts.keptStore" : "conflicts.took1C", { number: item.number });
			this.emit("obmen-conflict-resolved", { nodeId: this.nodeId, orderId: item.id, take });
		} catch (e) {
			error =
				e instanceof ObmenApiError && e.code === "not_held"
					? this.t("conflicts.notHeld", { number: item.number })
					: String((e as Error).message);
		} finally {
			this._busy = false;
		}
		// the list is read again either way (another operator may have settled it); a failure stays shown
		await this.load();
		if (error) this._error = error;
	}

	#cell(value: string | null | undefined, base: string | null, field: string): TemplateResult {
		if (value === undefined) return html`<td class="value"><span class="absent">${this.t("conflicts.notSent")}</span></td>`;
		const changed = value !== base;
		const text =
			value === null
				? html`<span class="absent">${this.t(field === "line" ? "conflicts.noLine" : "conflicts.none")}</span>`
				: MONEY.has(field)
					? formatMoney(this.uiLang, value)
					: value;
		return html`<td class="value ${changed ? "changed" : ""}">${changed ? html`<span aria-hidden="true">✎ </span><span class="visually-hidden">${this.t("conflicts.changed")}: </span>` : nothing}${text}</td>`;
	}

	#fieldName(row: DiffRow): string {
		return this.t(
			row.line === null && row.field === "total" ? "conflicts.field.orderTotal" : (`conflicts.field.${row.field}` as MessageKey),
		);
	}

	#order(item: ConflictItem): TemplateResult {
		const rows = conflictRows(item.held);
		return html`<section class="conflict" part="section" data-order=${item.id}>
			<h3>${this.t("conflicts.order", { number: item.number })}</h3>
			<div class="scroll"><table part="table">
				<caption class="visually-hidden">${this.t("conflicts.order", { number: item.number })}</caption>
				<thead><tr>
					<th scope="col">${this.t("conflicts.part")}</th>
					<th scope="col">${this.t("conflicts.base")}</th>
					<th scope="col">${this.t("conflicts.store")}</th>
					<th scope="col">${this.t("conflicts.oneC")}</th>
				</tr></thead>
				<tbody>
					${rows.map(
						(r) => html`<tr class=${r.conflict ? "conflict" : ""} data-part=${r.part}>
						<th scope="row">${r.conflict ? html`<span class="warning">⚠ ${this.t("conflicts.both")}</span><br /> ` : nothing}${
							r.line
								? html`${r.line.name ?? r.line.key} <span class="key">(${r.line.key})</span>: ${this.#fieldName(r)}`
								: this.#fieldName(r)
						}</th>
						${this.#cell(r.base, r.base, r.field)}${this.#cell(r.store, r.base, r.field)}${this.#cell(r.oneC, r.base, r.field)}
					</tr>`,
					)}
				</tbody>
			</table></div>
			<div class="toolbar">
				<button type="button" part="button" ?disabled=${this._busy} @click=${() => this.#resolve(item, "store")}>${this.t("conflicts.keepStore")}</button>
				<button type="button" part="button" ?disabled=${this._busy} @click=${() => this.#resolve(item, "1c")}>${this.t("conflicts.take1C")}</button>
			</div>
		</section>`;
	}

	override render(): TemplateResult {
		if (!this.nodeId) return html`<div class="root" part="panel"><p>${this.t("common.noNode")}</p></div>`;
		return html`<div class="root" part="panel" aria-busy=${this._busy ? "true" : "false"}>
			<h2 part="heading">${this.t("conflicts.title")}</h2>
			<p class="help" part="help">${this.t("conflicts.note")}</p>
			<div class="toolbar">
				<button type="button" part="button" ?disabled=${this._busy} @click=${() => this.load()}>${this.t("common.refresh")}</button>
			</div>
			${this._error ? html`<div class="banner error" part="error" role="alert">${this.t("common.error")}: ${this._error}</div>` : nothing}
			${this._notice ? html`<p class="ok" role="status" part="status">${this._notice}</p>` : nothing}
			${
				!this._loaded
					? this._error
						? nothing
						: html`<p>${this.t("common.loading")}</p>`
					: this._items.length === 0
						? html`<p>${this.t("conflicts.empty")}</p>`
						: this._items.map((i) => this.#order(i))
			}
		</div>`;
	}
}
