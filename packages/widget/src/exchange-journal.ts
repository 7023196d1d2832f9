import { css, html, nothing, type PropertyValues, type TemplateResult } from "lit";
import { formatDateTime, ObmenElement } from "./base-element.ts";
import { type MessageKey, messages } from "./i18n.ts";
import { formatBytes, groupBySession, isFailed, type JournalSession, replyHead } from "./journal-groups.ts";

import { baseStyles } from "./styles.ts";
import type { ChangeItem, JournalItem } from "./types.ts";

/**
 * `<obmen-exchange-journal>`: the exchange log of one node — recent runs grouped by 1C session, each
 * request with its mode (checkauth, init, query, success, file, import), bytes in/out, the first line of
 * the reply 1C got, duration and orders sent / acknowledged by `success` / imported. Failed requests are
 * marked with an icon and the word "Error", not only with colour. "Errors only" asks the server for
 * `errors=1`; auto-refresh polls every `refresh-seconds` (default 10, 0 = off).
 */
export class ObmenExchangeJournal extends ObmenElement {
	static override properties = {
		refreshSeconds: { attribute: "refresh-seconds", type: Number },
		limit: { type: Number },
		_items: { state: true },
		_errorsOnly: { state: true },
		_auto: { state: true },
		_error: { state: true },
		_updatedAt: { state: true },
		_nextCursor: { state: true },
		_changes: { state: true },
		_notice: { state: true },
	};

	static override styles = [
		baseStyles,
		css`
			details { margin: 0 0 8px; border: 1px solid var(--obmen-border, #c7ccd1); border-radius: var(--obmen-radius, 4px); padding: 4px 8px; }
			summary { cursor: pointer; font-weight: 600; padding: 2px 0; }
			tr.failed td { background: var(--obmen-error-bg, #fdecee); }
			.failed-mark { color: var(--obmen-error, #b00020); font-weight: 600; }
			.hint { margin-top: 2px; font-size: 0.9em; }
			details.reply, details.orders { border: 0; padding: 0; margin: 0; }
			details.orders { text-align: start; }
			button.again { margin: 2px 2px 0 0; padding: 0 6px; min-height: 22px; }
			ul.changes { margin: 2px 0; padding-inline-start: 16px; }
			details.reply summary { font-weight: 400; }
			details.reply pre { margin: 2px 0 0; white-space: pre-wrap; overflow-wrap: anywhere; max-height: 12em; overflow: auto; }
		`,
	];

	/** Polling period in seconds; 0 disables auto-refresh. */
	declare refreshSeconds: number;
	/** How many requests to fetch per page. */
	declare limit: number;
	declare _items: JournalItem[];
	declare _errorsOnly: boolean;
	declare _auto: boolean;
	declare _error: string | null;
	declare _updatedAt: Date | null;
	declare _nextCursor: string | null;
	/** Change-feed entries of imports, by cursor range, loaded when their row is opened. */
	declare _changes: Map<string, ChangeItem[]>;
	declare _notice: string | null;
	#timer: ReturnType<typeof setInterval> | null = null;

	constructor() {
		super();
		this.refreshSeconds = 10;
		this.limit = 100;
		this._items = [];
		this._errorsOnly = false;
		this._auto = true;
		this._error = null;
		this._updatedAt = null;
		this._nextCursor = null;
		this._changes = new Map();
		this._notice = null;
	}

	override connectedCallback(): void {
		super.connectedCallback();
		this.#schedule();
	}

	override disconnectedCallback(): void {
		this.#stop();
		super.disconnectedCallback();
	}

	protected override updated(changed: PropertyValues<this>): void {
		super.updated(changed);
		if (changed.has("refreshSeconds") || changed.has("_auto")) this.#schedule();
	}

	#stop(): void {
		if (this.#timer) clearInterval(this.#timer);
		this.#timer = null;
	}

	#schedule(): void {
		this.#stop();
		if (!this.isConnected || !this._auto || !(this.refreshSeconds > 0)) return;
		this.#timer = setInterval(() => {
			if (this.nodeId && !document.hidden) void this.load();
		}, this.refreshSeconds * 1000);
	}

	override async load(): Promise<void> {
		try {
			const page = await this.api.journal(this.nodeId, { limit: this.limit, errors: this._errorsOnly });
			this._items = page.items;
			this._nextCursor = page.nextCursor ?? null;
			this._error = null;
			this._updatedAt = new Date();
			this.emit("obmen-journal-loaded", { nodeId: this.nodeId, count: page.items.length });
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		}
	}

	async #older(): Promise<void> {
		try {
			const page = await this.api.journal(this.nodeId, { limit: this.limit, errors: this._errorsOnly, cursor: this._nextCursor });
			this._items = [...this._items, ...page.items];
			this._nextCursor = page.nextCursor ?? null;
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		}
	}

	#session(group: JournalSession, open: boolean): TemplateResult {
		const lang = this.uiLang;
		const title = group.session ? this.t("journal.session", { session: group.session }) : this.t("journal.noSession");
		return html`<details ?open=${open} part="section">
			<summary>
				${group.errors ? html`<span class="failed-mark">⚠ ${this.t("journal.sessionErrors", { count: group.errors })}</span> · ` : nothing}
				${formatDateTime(lang, group.startedAt)} · ${title} ·
				${this.t("journal.sessionSummary", { count: group.items.length, sent: group.sent, ack: group.acknowledged, imported: group.imported })}
				${group.client ? html` · <span class="client">${group.client}</span>` : nothing}${group.ip ? html` · IP ${group.ip}` : nothing}
			</summary>
			<div class="scroll"><table part="table">
				<caption class="visually-hidden">${title}</caption>
				<thead><tr>
					<th scope="col">${this.t("journal.at")}</th><th scope="col">${this.t("journal.mode")}</th>
					<th scope="col">${this.t("journal.file")}</th><th scope="col" class="num">${this.t("journal.bytes")}</th>
					<th scope="col">${this.t("journal.reply")}</th><th scope="col" class="num">${this.t("journal.duration")}</th>
					<th scope="col" class="num">${this.t("journal.orders")}</th><th scope="col">${this.t("journal.error")}</th>
				</tr></thead>
				<tbody>
					${group.items.map((item) => {
						const failed = isFailed(item);
						return html`<tr class=${failed ? "failed" : ""} data-mode=${item.mode ?? ""}>
							<td>${formatDateTime(lang, item.at)}</td>
							<td>${
								item.type === "admin" && (item.mode === "resend" || item.mode === "rewind")
									? html`<span class="admin">${this.t(`journal.admin.${item.mode}`, { count: item.ordersSent ?? 0, detail: item.filename ?? "" })}</span>`
									: item.type === "admin" && (item.mode === "exchange.failed" || item.mode === "exchange.stale")
										? html`<span class="admin">🔔 ${this.t(item.mode === "exchange.failed" ? "journal.alert.failed" : "journal.alert.stale", { url: item.filename ?? "" })}</span>`
										: html`<code>${[item.type, item.mode].filter(Boolean).join(" / ")}</code>`
							}</td>
							<td>${item.filename ?? ""}${item.note ? html`<br /><small part="note">${item.note}</small>` : ""}</td>
							<td class="num">${formatBytes(item.bytesIn)} / ${formatBytes(item.bytesOut)}</td>
							<td>${this.#reply(item)}</td>
							<td class="num">${item.durationMs == null ? "—" : `${item.durationMs} ms`}</td>
							<td class="num">${item.ordersSent ?? "—"} / ${item.ordersAcknowledged ?? "—"} / ${item.ordersImported ?? "—"}${this.#detail(item)}</td>
							<td>${failed ? this.#error(item) : ""}</td>
						</tr>`;
					})}
				</tbody>
			</table></div>
		</details>`;
	}

	/** The reply: line 1 (what 1C acts on), and the whole text reply behind a disclosure when there is more. */
	#reply(item: JournalItem): TemplateResult {
		const head = replyHead(item.reply);
		const whole = item.replyText ?? null;
		if (!whole?.includes("\n") || whole.trim() === head) return html`<code>${head}</code>`;
		return html`<details class="reply"><summary><code>${head}</code></summary><pre part="xml">${whole}</pre></details>`;
	}

	/** A failed request: the localized message of its code and what to do; the server's text only for unknown codes. */
	#error(item: JournalItem): TemplateResult {
		const code = item.code ?? null;
		const known = code !== null && code !== "other" && Object.hasOwn(messages[this.uiLang], `jerr.${code}`);
		const mark = html`<span class="failed-mark" part="error">⚠ ${this.t("common.error")}:</span>`;
		if (!known) return html`${mark} ${item.error ?? replyHead(item.reply)}`;
		const p = item.params ?? {};
		const vars: Record<string, string | number> = {
			orders: Array.isArray(p.orders) ? p.orders.join(", ") : "",
			cmlCode: typeof p.cmlCode === "string" ? p.cmlCode : "",
			where: typeof p.line === "number" ? this.t("jerr.atLine", { line: p.line }) : "",
		};
		return html`${mark} <span data-code=${code}>${this.t(`jerr.${code}` as MessageKey, vars)}</span>
			<div class="hint" part="help"><b>${this.t("journal.whatToDo")}</b> ${this.t(`jhint.${code}` as MessageKey)}</div>`;
	}

	/** Orders a `query` sent (each with "send again") or what an import changed (loaded from the changes feed). */
	#detail(item: JournalItem): TemplateResult | typeof nothing {
		const d = item.detail;
		if (d?.orders?.length && item.type !== "admin") {
			const ids = d.ids ?? [];
			return html`<details class="orders"><summary>${this.t("journal.sentOrders", { numbers: d.orders.join(", ") })}</summary>
				${d.orders.map((n, i) =>
					ids[i]
						? html`<button type="button" part="button" class="again" @click=${() => this.#resend(String(ids[i]), n)}>↻ ${this.t("journal.sendAgain", { number: n })}</button>`
						: nothing,
				)}
			</details>`;
		}
		const range = d?.changes;
		if (range) {
			const key = `${range[0]}-${range[1]}`;
			const loaded = this._changes.get(key);
			return html`<details class="orders" @toggle=${(e: Event) => {
				if ((e.target as HTMLDetailsElement).open && !loaded) void this.#loadChanges(key, range);
			}}><summary>${this.t("journal.changes")}</summary>
				${
					loaded
						? html`<ul class="changes">${loaded.map(
								(c) =>
									html`<li data-order=${c.orderId}><b>${c.orderId}</b>: ${Object.entries(c.changes.fields ?? {})
										.map(([k, v]) => `${this.#fieldLabel(k)} ${this.#value(v.from)} → ${this.#value(v.to)}`)
										.join("; ")}</li>`,
							)}</ul>`
						: html`<p>${this.t("common.loading")}</p>`
				}
			</details>`;
		}
		return nothing;
	}

	#fieldLabel(k: string): string {
		const key = `chg.${k}` as MessageKey;
		return Object.hasOwn(messages[this.uiLang], key) ? this.t(key) : k;
	}

	#value(v: unknown): string {
		if (v === true) return this.t("common.yes");
		if (v === false) return this.t("common.no");
		if (v === null || v === undefined || v === "") return "—";
		return String(v);
	}

	async #loadChanges(key: string, [from, to]: [number, number]): Promise<void> {
		try {
			const items = await this.api.changes(from, Math.min(1000, to - from));
			this._changes = new Map(this._changes).set(key, items);
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		}
	}

	async #resend(orderId: string, number: string): Promise<void> {
		try {
			await this.api.resend(this.nodeId, [orderId]);
			this._notice = this.t("journal.queued", { number });
			this.emit("obmen-export-requeued", { nodeId: this.nodeId, count: 1 });
			const root = this.getRootNode() as Document | ShadowRoot;
			for (const p of root.querySelectorAll("obmen-export-preview")) {
				if (p.getAttribute("node-id") === this.nodeId) void (p as unknown as { load(): Promise<void> }).load();
			}
			void this.load();
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		}
	}

	async #download(format: "csv" | "ndjson"): Promise<void> {
		try {
			const blob = await this.api.journalFile(this.nodeId, format);
			const a = document.createElement("a");
			a.href = URL.createObjectURL(blob);
			a.download = `journal-${this.nodeId}.${format}`;
			this.renderRoot.append(a);
			a.click();
			a.remove();
			setTimeout(() => URL.revokeObjectURL(a.href), 10_000);
			this.emit("obmen-journal-downloaded", { nodeId: this.nodeId, format, bytes: blob.size });
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		}
	}

	override render(): TemplateResult {
		if (!this.nodeId) return html`<div class="root" part="panel"><p>${this.t("common.noNode")}</p></div>`;
		const groups = groupBySession(this._items);
		return html`<div class="root" part="panel">
			<h2 part="heading">${this.t("journal.title")}</h2>
			<div class="toolbar">
				<label class="check" part="label"><input type="checkbox" .checked=${this._errorsOnly}
					@change=${(e: Event) => {
						this._errorsOnly = (e.target as HTMLInputElement).checked;
						void this.load();
					}} />
					${this.t("journal.errorsOnly")}</label>
				${
					this.refreshSeconds > 0
						? html`<label class="check" part="label"><input type="checkbox" .checked=${this._auto}
						@change=${(e: Event) => {
							this._auto = (e.target as HTMLInputElement).checked;
						}} />
						${this.t("journal.autoRefresh", { s: this.refreshSeconds })}</label>`
						: nothing
				}
				<button type="button" part="button" @click=${() => this.load()}>${this.t("common.refresh")}</button>
				<span class="help">${this.t("journal.download")}</span>
				<button type="button" part="button" @click=${() => this.#download("csv")}>CSV</button>
				<button type="button" part="button" @click=${() => this.#download("ndjson")}>NDJSON</button>
				<span class="help" role="status">${this._updatedAt ? this.t("journal.updated", { time: this._updatedAt.toLocaleTimeString(this.uiLang === "en" ? "en-GB" : "ru-RU") }) : ""}</span>
			</div>
			${this._error ? html`<div class="banner error" part="error" role="alert">${this.t("common.error")}: ${this._error}</div>` : nothing}
			${this._notice ? html`<p class="ok" role="status" part="status">${this._notice}</p>` : nothing}
			${groups.length ? groups.map((g, i) => this.#session(g, i === 0 || g.errors > 0)) : html`<p>${this.t("journal.empty")}</p>`}
			${this._nextCursor != null ? html`<button type="button" part="button" @click=${() => this.#older()}>${this.t("journal.more")}</button>` : nothing}
		</div>`;
	}
}
