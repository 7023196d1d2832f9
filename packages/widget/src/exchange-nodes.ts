import { css, html, nothing, type TemplateResult } from "lit";
import { ObmenApiError } from "./api.ts";
import { formatDateTime, ObmenElement } from "./base-element.ts";
import { type MessageKey, messages } from "./i18n.ts";
import { baseStyles } from "./styles.ts";
import type { CheckResult, ExchangeNode, NodeState, RewindFilter } from "./types.ts";

/** The page elements a selected node is handed to (same document or shadow root as `<obmen-nodes>`). */
const TARGETS = "obmen-exchange-settings, obmen-export-preview, obmen-exchange-journal, obmen-conflicts";

const BADGE: Record<NodeState, string> = { ok: "✓", failed: "⚠", never: "○", stale: "⏱" };

type RewindKind = "fromNumber" | "fromDate" | "all";

/**
 * `<obmen-nodes>`: the 1C nodes of the server — one per 1C base that exchanges with the store. Lists each node with
 * the URL to paste into 1C's "Адрес сайта", its login, the last exchange and a badge (ok / failed / never / stale);
 * creates a node (the server generates the password, shown once with a copy button), renames it, sets a new
 * password, deletes it (after confirmation: its journal and export state go, store orders never), and sends orders
 * to it again ("send again from…" a number, a date, or everything; or a list of order ids).
 *
 * Selecting a node dispatches the cancelable `obmen-node-select` event (`detail: { nodeId, node }`) and, unless the
 * host cancels it, sets `node-id` on the `obmen-exchange-settings`, `obmen-export-preview`, `obmen-exchange-journal`
 * and `obmen-conflicts` elements of the same page. With no `node-id` the first node is selected.
 */
export class ObmenNodes extends ObmenElement {
	static override properties = {
		_nodes: { state: true },
		_loaded: { state: true },
		_error: { state: true },
		_notice: { state: true },
		_secret: { state: true },
		_confirmDelete: { state: true },
		_busy: { state: true },
		_rewindKind: { state: true },
		_check: { state: true },
	};

	static override styles = [
		baseStyles,
		css`
			.badge { display: inline-block; padding: 0 6px; border-radius: 10px; border: 1px solid currentColor; white-space: nowrap; font-weight: 600; }
			.badge.ok { color: var(--obmen-ok, #1b6e2a); }
			.badge.failed { color: var(--obmen-error, #b00020); }
			.badge.stale { color: var(--obmen-warn, #8a5300); }
			.badge.never { color: var(--obmen-muted, #4f5962); }
			tr.selected th, tr.selected td { background: var(--obmen-selected-bg, #fff8d6); }
			th[scope="row"] { font-weight: 400; }
			button.link { border: 0; background: none; padding: 0; min-height: 0; color: var(--obmen-accent, #1f5fa8); text-decoration: underline; font-weight: 600; text-align: start; }
			.url { word-break: break-all; }
			.secret { font-size: 1.1em; font-weight: 700; user-select: all; }
			fieldset .row + .row { margin-top: 8px; }
			ol.check-steps { margin: 4px 0; padding-inline-start: 20px; }
			ol.check-steps li.ok { color: var(--obmen-ok, #1b6e2a); }
			ol.check-steps li.error { color: var(--obmen-error, #b00020); font-weight: 600; }
			input[type="text"], input[type="date"] { min-width: 0; }
			input[type="date"] { border: 1px solid var(--obmen-border, #8a939c); border-radius: var(--obmen-radius, 4px); padding: 4px 6px; min-height: 28px; }
		`,
	];

	declare _nodes: ExchangeNode[];
	declare _loaded: boolean;
	declare _error: string | null;
	declare _notice: string | null;
	/** A password shown once (after create or "new password"), with the node it belongs to. */
	declare _secret: { nodeId: string; password: string; created: boolean } | null;
	declare _confirmDelete: boolean;
	declare _busy: boolean;
	declare _rewindKind: RewindKind;
	declare _check: CheckResult | null;

	constructor() {
		super();
		this._nodes = [];
		this._loaded = false;
		this._error = null;
		this._notice = null;
		this._secret = null;
		this._confirmDelete = false;
		this._busy = false;
		this._rewindKind = "fromNumber";
		this._check = null;
	}

	protected override get needsNode(): boolean {
		return false;
	}

	/** The selected node, if it is in the list. */
	get selected(): ExchangeNode | null {
		return this._nodes.find((n) => n.id === this.nodeId) ?? null;
	}

	override async load(): Promise<void> {
		try {
			this._nodes = await this.api.listNodes();
			this._error = null;
			this._loaded = true;
			const first = this._nodes[0];
			if (first && !this.selected) this.select(first.id, { force: true });
			this.emit("obmen-nodes-loaded", { count: this._nodes.length });
		} catch (e) {
			this._error = this.#message(e);
		}
	}

	/**
	 * Selects a node: dispatches `obmen-node-select` and hands the id to the page's other obmen elements. Asks first
	 * when the settings panel has unsaved changes (unless `force`). Returns false when cancelled.
	 */
	select(nodeId: string, { force = false } = {}): boolean {
		if (nodeId === this.nodeId && !force) return true;
		const targets = this.#targets();
		const settings = targets.find((t) => t.localName === "obmen-exchange-settings") as
			| (Element & { dirty?: boolean; discard?: (force?: boolean) => boolean })
			| undefined;
		if (!force && settings?.dirty && !confirm(this.t("nodes.discardConfirm"))) return false;
		const node = this._nodes.find((n) => n.id === nodeId) ?? null;
		const ev = new CustomEvent("obmen-node-select", { detail: { nodeId, node }, bubbles: true, composed: true, cancelable: true });
		if (!this.dispatchEvent(ev)) return false;
		settings?.discard?.(true);
		this.nodeId = nodeId;
		this._confirmDelete = false;
		this._check = null;
		if (this._secret && this._secret.nodeId !== nodeId) this._secret = null;
		for (const t of targets) t.setAttribute("node-id", nodeId);
		return true;
	}

	#targets(): Element[] {
		const root = this.getRootNode() as Document | ShadowRoot;
		return [...root.querySelectorAll(TARGETS)];
	}

	/** Makes the preview and journal of the page read again (after a resend or rewind changed what 1C gets next). */
	#refreshTargets(): void {
		for (const t of this.#targets()) {
			if (t.localName !== "obmen-exchange-settings" && t.getAttribute("node-id") === this.nodeId) void (t as ObmenElement).load();
		}
	}

	#message(e: unknown): string {
		if (e instanceof ObmenApiError) {
			const key = `nodes.error.${e.code}` as MessageKey;
			const field = e.path ? ` (${e.path})` : "";
			// known error codes have their own text in both languages; others show the server's message
			return Object.hasOwn(messages[this.uiLang], key) ? `${this.t(key)}${field}` : `${e.message}${field}`;
		}
		return e instanceof Error ? e.message : String(e);
	}

	async #run(action: () => Promise<void>): Promise<void> {
		this._busy = true;
		this._notice = null;
		try {
			await action();
			this._error = null;
		} catch (e) {
			this._error = this.#message(e);
		} finally {
			this._busy = false;
		}
	}

	#value(id: string): string {
		return (this.renderRoot.querySelector<HTMLInputElement | HTMLSelectElement>(`#${id}`)?.value ?? "").trim();
	}

	#create = (e: Event) => {
		e.preventDefault();
		const name = this.#value("new-name");
		const login = this.#value("new-login");
		if (!name || !login) {
			this._error = this.t("nodes.required");
			return;
		}
		const form = e.currentTarget as HTMLFormElement; // read now: after the dispatch the event has no target
		void this.#run(async () => {
			const node = await this.api.createNode({ name, login });
			const { password, ...rest } = node;
			this._nodes = [...this._nodes, rest];
			this._secret = password ? { nodeId: node.id, password, created: true } : null;
			form.reset();
			this.select(node.id, { force: true });
			this.emit("obmen-node-created", { nodeId: node.id, node: rest });
		});
	};

	#rename = (e: Event) => {
		e.preventDefault();
		const node = this.selected;
		const name = this.#value("rename");
		if (!node || !name || name === node.name) return;
		void this.#run(async () => {
			const saved = await this.api.patchNode(node.id, { name });
			this._nodes = this._nodes.map((n) => (n.id === saved.id ? { ...n, ...saved } : n));
			this._notice = this.t("nodes.renamed");
		});
	};

	#newPassword = () => {
		const node = this.selected;
		if (!node) return;
		void this.#run(async () => {
			const { password } = await this.api.newPassword(node.id);
			this._secret = { nodeId: node.id, password, created: false };
		});
	};

	#delete = () => {
		const node = this.selected;
		if (!node) return;
		void this.#run(async () => {
			await this.api.deleteNode(node.id);
			this._confirmDelete = false;
			this._secret = null;
			this._nodes = this._nodes.filter((n) => n.id !== node.id);
			this._notice = this.t("nodes.deleted", { name: node.name });
			const next = this._nodes[0];
			if (next) this.select(next.id, { force: true });
			else {
				this.nodeId = "";
				for (const t of this.#targets()) t.removeAttribute("node-id");
			}
			this.emit("obmen-node-deleted", { nodeId: node.id });
		});
	};

	#rewind = (e: Event) => {
		e.preventDefault();
		const node = this.selected;
		if (!node) return;
		const kind = this._rewindKind;
		const value = this.#value("rewind-value");
		if (kind !== "all" && !value) {
			this._error = this.t("nodes.required");
			return;
		}
		const filter: RewindFilter = kind === "all" ? { all: true } : kind === "fromDate" ? { fromDate: value } : { fromNumber: value };
		void this.#run(async () => {
			const { queued } = await this.api.rewind(node.id, filter);
			this._notice = this.t("nodes.queued", { count: queued });
			this.emit("obmen-export-requeued", { nodeId: node.id, count: queued });
			this.#refreshTargets();
		});
	};

	#resend = (e: Event) => {
		e.preventDefault();
		const node = this.selected;
		if (!node) return;
		const ids = this.#value("resend-ids")
			.split(/[\s,;]+/)
			.filter(Boolean);
		if (ids.length === 0) {
			this._error = this.t("nodes.required");
			return;
		}
		void this.#run(async () => {
			const { queued, unknown } = await this.api.resend(node.id, ids);
			this._notice = [
				this.t("nodes.queued", { count: queued.length }),
				unknown.length ? this.t("nodes.unknownOrders", { ids: unknown.join(", ") }) : "",
			]
				.filter(Boolean)
				.join(" ");
			this.emit("obmen-export-requeued", { nodeId: node.id, count: queued.length });
			this.#refreshTargets();
		});
	};

	#runCheck = (e: Event) => {
		e.preventDefault();
		const node = this.selected;
		const password = this.#value("check-password");
		if (!node) return;
		if (!password) {
			this._error = this.t("nodes.required");
			return;
		}
		void this.#run(async () => {
			this._check = null;
			this._check = await this.api.check(node.id, password);
		});
	};

	#checkResult(r: CheckResult): TemplateResult {
		return html`<ol class="check-steps" part="status" aria-label=${this.t("nodes.check")}>
			${r.steps.map((s) => {
				const why = s.ok
					? s.step === "query"
						? this.t("check.orders", { n: s.detail })
						: ""
					: this.t(`check.code.${s.code?.startsWith("http_") ? "http" : (s.code ?? "bad_reply")}` as MessageKey, {
							status: s.status ?? "",
							detail: s.detail,
						});
				return html`<li class=${s.ok ? "ok" : "error"} data-step=${s.step}>${s.ok ? "✓" : "✗"} ${this.t(`check.${s.step}`)}${why ? html` — ${why}` : nothing}</li>`;
			})}
		</ol>
		<p class=${r.ok ? "ok" : "error"} role="status">${this.t(r.ok ? "check.allOk" : "check.failed", { url: r.url })}</p>`;
	}

	async #copy(text: string, input: string): Promise<void> {
		try {
			await navigator.clipboard.writeText(text);
		} catch {
			this.renderRoot.querySelector<HTMLInputElement>(`#${input}`)?.select();
			document.execCommand("copy");
		}
		this._notice = this.t("nodes.copied");
	}

	#badge(n: ExchangeNode): TemplateResult {
		const state: NodeState = n.state ?? (n.lastExchange ? (n.lastExchange.ok ? "ok" : "failed") : "never");
		return html`<span class="badge ${state}" part="status" data-state=${state}>${BADGE[state]} ${this.t(`nodes.state.${state}`)}</span>`;
	}

	#row(n: ExchangeNode): TemplateResult {
		const selected = n.id === this.nodeId;
		const lang = this.uiLang;
		return html`<tr class=${selected ? "selected" : ""} data-node=${n.id}>
			<th scope="row"><button type="button" class="link" aria-pressed=${selected ? "true" : "false"} @click=${() => this.select(n.id)}>${n.name}</button></th>
			<td>${this.#badge(n)}</td>
			<td>${
				n.lastExchange
					? html`${formatDateTime(lang, n.lastExchange.at)}${
							n.lastExchange.error ? html`<br /><span class="error">${n.lastExchange.error}</span>` : nothing
						}`
					: "—"
			}${n.lastSuccessAt && !n.lastExchange?.ok ? html`<br /><span class="help">${this.t("nodes.lastSuccess", { time: formatDateTime(lang, n.lastSuccessAt) })}</span>` : nothing}</td>
			<td class="url"><code>${n.exchangeUrl}</code></td>
			<td><code>${n.login}</code></td>
		</tr>`;
	}

	#secretPanel(): TemplateResult | typeof nothing {
		const s = this._secret;
		const node = s && this._nodes.find((n) => n.id === s.nodeId);
		if (!s || !node) return nothing;
		return html`<div class="banner ok" part="status" role="status" id="secret">
			<p><b>${this.t(s.created ? "nodes.createdTitle" : "nodes.passwordTitle", { name: node.name })}</b></p>
			<p>${this.t("nodes.enterIn1C")}</p>
			<p>${this.t("nodes.url")}: <code>${node.exchangeUrl}</code></p>
			<p>${this.t("nodes.login")}: <code>${node.login}</code></p>
			<p class="row">
				<label for="secret-value">${this.t("nodes.password")}:</label>
				<input id="secret-value" type="text" class="secret" readonly .value=${s.password} size="24" part="input" />
				<button type="button" part="button" @click=${() => this.#copy(s.password, "secret-value")}>${this.t("nodes.copyPassword")}</button>
			</p>
			<p class="help">${this.t("nodes.shownOnce")}</p>
		</div>`;
	}

	#selectedPanel(node: ExchangeNode): TemplateResult {
		const t = (k: MessageKey, v?: Record<string, string | number>) => this.t(k, v);
		return html`<fieldset part="section" id="node-actions">
			<legend>${t("nodes.selectedTitle", { name: node.name })}</legend>
			<form class="row" @submit=${this.#rename}>
				<label for="rename">${t("nodes.name")}</label>
				<input id="rename" type="text" .value=${node.name} maxlength="100" part="input" />
				<button type="submit" part="button" ?disabled=${this._busy}>${t("nodes.rename")}</button>
			</form>
			<div class="row">
				<button type="button" part="button" ?disabled=${this._busy} @click=${this.#newPassword}>${t("nodes.newPassword")}</button>
				<button type="button" part="button" ?disabled=${this._busy} @click=${() => this.#copy(node.exchangeUrl, "none")}>${t("nodes.copyUrl")}</button>
			</div>
			<form class="row" @submit=${this.#rewind}>
				<label for="rewind-kind">${t("nodes.rewind")}</label>
				<select id="rewind-kind" part="input" .value=${this._rewindKind}
					@change=${(e: Event) => {
						this._rewindKind = (e.target as HTMLSelectElement).value as RewindKind;
					}}>
					<option value="fromNumber">${t("nodes.rewind.fromNumber")}</option>
					<option value="fromDate">${t("nodes.rewind.fromDate")}</option>
					<option value="all">${t("nodes.rewind.all")}</option>
				</select>
				${
					this._rewindKind === "all"
						? nothing
						: html`<input id="rewind-value" aria-label=${t(this._rewindKind === "fromDate" ? "nodes.rewind.fromDate" : "nodes.rewind.fromNumber")}
							type=${this._rewindKind === "fromDate" ? "date" : "text"} size="10" part="input" />`
				}
				<button type="submit" part="button" ?disabled=${this._busy}>${t("nodes.sendAgain")}</button>
			</form>
			<form class="row" @submit=${this.#resend}>
				<label for="resend-ids">${t("nodes.resendIds")}</label>
				<input id="resend-ids" type="text" size="18" part="input" />
				<button type="submit" part="button" ?disabled=${this._busy}>${t("nodes.sendAgain")}</button>
			</form>
			<p class="help">${t("nodes.resendHelp")}</p>
			<form class="row" @submit=${this.#runCheck}>
				<label for="check-password">${t("nodes.checkPassword")}</label>
				<input id="check-password" type="password" size="18" part="input" autocomplete="off"
					.value=${this._secret?.nodeId === node.id ? this._secret.password : ""} />
				<button type="submit" part="button" ?disabled=${this._busy}>${t("nodes.check")}</button>
			</form>
			<p class="help">${t("nodes.checkHelp")}</p>
			${this._check ? this.#checkResult(this._check) : nothing}
			<div class="row">
				${
					this._confirmDelete
						? html`<span class="warning" role="alert">${t("nodes.deleteConfirm", { name: node.name })}</span>
							<button type="button" part="button" class="primary" ?disabled=${this._busy} @click=${this.#delete}>${t("nodes.deleteYes")}</button>
							<button type="button" part="button" @click=${() => {
								this._confirmDelete = false;
							}}>${t("nodes.cancel")}</button>`
						: html`<button type="button" part="button" @click=${() => {
								this._confirmDelete = true;
							}}>${t("nodes.delete")}</button>`
				}
			</div>
		</fieldset>`;
	}

	override render(): TemplateResult {
		const t = (k: MessageKey, v?: Record<string, string | number>) => this.t(k, v);
		const node = this.selected;
		return html`<div class="root" part="panel">
			<h2 part="heading">${t("nodes.title")}</h2>
			${this._error ? html`<div class="banner error" part="error" role="alert">${t("common.error")}: ${this._error}</div>` : nothing}
			${this._notice ? html`<p class="ok" role="status" part="status">${this._notice}</p>` : nothing}
			${
				!this._loaded
					? this._error
						? nothing
						: html`<p>${t("common.loading")}</p>`
					: this._nodes.length === 0
						? html`<p id="empty">${t("nodes.empty")}</p>`
						: html`<div class="scroll"><table part="table">
								<caption class="visually-hidden">${t("nodes.title")}</caption>
								<thead><tr>
									<th scope="col">${t("nodes.name")}</th><th scope="col">${t("nodes.status")}</th>
									<th scope="col">${t("nodes.lastExchange")}</th><th scope="col">${t("nodes.url")}</th>
									<th scope="col">${t("nodes.login")}</th>
								</tr></thead>
								<tbody>${this._nodes.map((n) => this.#row(n))}</tbody>
							</table></div>`
			}
			${this.#secretPanel()}
			${node ? this.#selectedPanel(node) : nothing}
			<form @submit=${this.#create} part="section">
				<fieldset>
					<legend>${t("nodes.create")}</legend>
					<div class="row">
						<label for="new-name">${t("nodes.name")}</label>
						<input id="new-name" type="text" maxlength="100" placeholder=${t("nodes.namePlaceholder")} part="input" />
						<label for="new-login">${t("nodes.login")}</label>
						<input id="new-login" type="text" maxlength="100" pattern="[^:\\s]+" placeholder="exchange1c" part="input" />
						<button type="submit" class="primary" part="primary-button" ?disabled=${this._busy}>${t("nodes.createButton")}</button>
					</div>
					<p class="help">${t("nodes.createHelp")}</p>
				</fieldset>
			</form>
		</div>`;
	}
}
