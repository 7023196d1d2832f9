import { html, nothing, type TemplateResult } from "lit";
import { ObmenApiError } from "./api.ts";
import { ObmenElement } from "./base-element.ts";
import type { MessageKey } from "./i18n.ts";
import { changedSettings, draftOf, isDirty, type SettingsDraft, settingsOf, validateDraft } from "./settings-draft.ts";
import { idOf, renderExportMap, renderImportRules, renderStatusList, type StatusMapHost, statusDatalist } from "./status-map-fields.ts";
import type { ExchangeNode, NodePatch, NodeSettings, StatusInfo } from "./types.ts";

type BoolKey = "exportOptions" | "exportStatuses" | "importStatuses" | "zip" | "createOrdersFrom1C";
type TextKey = "fileLimit" | "batchSize" | "exportFromNumber" | "webhookUrl";
type SelectKey = "shipping" | "encoding" | "schemaVersion" | "configuration" | "applyOnUpload" | "vat";
type Configuration = NonNullable<NodeSettings["configuration"]>;
type VatMode = NonNullable<NodeSettings["vat"]>;

const CONFIGURATIONS: readonly Configuration[] = ["ut", "retail", "unf", "bp"];
const VAT_RATES = ["22", "20", "10", "7", "5", "0"] as const;
/**
 * Line VAT rates each configuration's loader maps to a rate of its own (docs/1c-setup.md): УТ/КА/ERP up to 11.5.20 and
 * УНФ 3.0.8 (`ПолучитьПоЗначениюДляВыгрузкиСтавкуНДС`) know 0/10/18/20, БП 3.0.198 also 22. Розница 2.2 takes any number, but
 * which rates its VAT catalog resolves was not verified, so it is warned about like УТ.
 */
const READABLE_RATES: Record<Configuration, readonly string[]> = {
	ut: ["0", "10", "18", "20"],
	retail: ["0", "10", "18", "20"],
	unf: ["0", "10", "18", "20"],
	bp: ["0", "10", "20", "22"],
};

/**
 * `<obmen-exchange-settings>`: the settings of one 1C node, each explained in the UI — what it changes in
 * the CommerceML that 1C receives (ORDER_DELIVERY service line, "Статус заказа" requisites, status filter,
 * start-from number), the status tables in both directions, the file format (encoding, schema version,
 * zip, file_limit) and the node's login, password (write-only) and exchange URL.
 *
 * Validates before saving, shows server errors (`{ error: { path } }`) next to their field, and warns on
 * page unload while there are unsaved changes. Fires `obmen-settings-saved` (detail `{ nodeId, node }`)
 * and `obmen-dirty-change` (detail `{ dirty }`).
 */
export class ObmenExchangeSettings extends ObmenElement implements StatusMapHost {
	static override properties = {
		_node: { state: true },
		_draft: { state: true },
		_statuses: { state: true },
		_errors: { state: true },
		_banner: { state: true },
		_busy: { state: true },
		_copied: { state: true },
		_generated: { state: true },
	};

	declare _node: ExchangeNode | null;
	declare _draft: SettingsDraft | null;
	declare _statuses: StatusInfo[];
	declare _errors: Map<string, string>;
	declare _banner: { kind: "error" | "ok"; text: string } | null;
	declare _busy: boolean;
	declare _copied: boolean;
	declare _generated: boolean;
	#login = "";
	#wasDirty = false;

	constructor() {
		super();
		this._node = null;
		this._draft = null;
		this._statuses = [];
		this._errors = new Map();
		this._banner = null;
		this._busy = false;
		this._copied = false;
		this._generated = false;
	}

	/** True while the form differs from what the server has. */
	get dirty(): boolean {
		if (!this._node || !this._draft) return false;
		return isDirty(this._node.settings, this._draft) || this.#login !== this._node.login;
	}

	#onBeforeUnload = (e: BeforeUnloadEvent) => {
		if (!this.dirty) return;
		e.preventDefault();
		e.returnValue = "";
	};

	override connectedCallback(): void {
		super.connectedCallback();
		window.addEventListener("beforeunload", this.#onBeforeUnload);
	}

	override disconnectedCallback(): void {
		window.removeEventListener("beforeunload", this.#onBeforeUnload);
		super.disconnectedCallback();
	}

	override async load(): Promise<void> {
		// never drop the user's edits silently: same node → keep them; another node → ask first
		if (this._node && this.dirty) {
			if (this._node.id === this.nodeId) return;
			if (!window.confirm(this.t("settings.confirmDiscard"))) {
				this.nodeId = this._node.id;
				return;
			}
		}
		this._busy = true;
		this._banner = null;
		try {
			const [node, statuses] = await Promise.all([this.api.getNode(this.nodeId), this.api.statuses().catch(() => [] as StatusInfo[])]);
			this.#reset(node);
			this._statuses = statuses;
		} catch (e) {
			this._banner = { kind: "error", text: messageOf(e) };
		} finally {
			this._busy = false;
		}
	}

	/** Discards local edits (asks first when there are any, unless `force`). */
	discard(force = false): boolean {
		if (!this._node) return true;
		if (!force && this.dirty && !window.confirm(this.t("settings.confirmDiscard"))) return false;
		this.#reset(this._node);
		return true;
	}

	#reset(node: ExchangeNode): void {
		this._node = node;
		this._draft = draftOf(node.settings);
		this.#login = node.login;
		this._errors = new Map();
		this._generated = false;
		this.touch();
	}

	/** Re-renders after an in-place edit of the draft and reports dirtiness changes. */
	touch(): void {
		this.requestUpdate();
		const dirty = this.dirty;
		if (dirty !== this.#wasDirty) {
			this.#wasDirty = dirty;
			this.emit("obmen-dirty-change", { dirty });
		}
	}

	/** Validates and sends only the changed settings (`PATCH /api/v1/nodes/{id}`). */
	async save(): Promise<boolean> {
		const node = this._node;
		const draft = this._draft;
		if (!node || !draft) return false;
		const problems = validateDraft(draft, this.#login);
		this._errors = new Map(problems.map((p) => [p.path, this.t(p.key)]));
		if (problems.length) {
			this._banner = { kind: "error", text: this.t("settings.invalid", { count: problems.length }) };
			await this.#focusFirstError();
			return false;
		}
		const patch: NodePatch = {};
		const settings = changedSettings(settingsOf(draftOf(node.settings)), settingsOf(draft));
		if (Object.keys(settings).length) patch.settings = settings;
		if (draft.password) patch.password = draft.password;
		if (this.#login.trim() !== node.login) patch.login = this.#login.trim();
		this._busy = true;
		try {
			const saved = Object.keys(patch).length ? await this.api.patchNode(node.id, patch) : node;
			this.#reset(saved);
			this._banner = { kind: "ok", text: this.t("settings.saved") };
			this.emit("obmen-settings-saved", { nodeId: saved.id, node: saved });
			return true;
		} catch (e) {
			if (e instanceof ObmenApiError && e.path) {
				this._errors = new Map([[this.#fieldPathOf(e.path), e.message]]);
				await this.#focusFirstError();
			}
			this._banner = { kind: "error", text: messageOf(e) };
			return false;
		} finally {
			this._busy = false;
		}
	}

	/** Maps a server path such as `settings.statusMap.export.new` to the row-based path of the form. */
	#fieldPathOf(path: string): string {
		const m = /^settings\.statusMap\.export\.(.+?)(\.(from|to))?$/.exec(path);
		if (m?.[1] && !/^\d+$/.test(m[1])) {
			const i = this._draft?.exportRows.findIndex((r) => r.from.trim() === m[1]) ?? -1;
			if (i >= 0) return `settings.statusMap.export.${i}.${m[3] ?? "to"}`;
		}
		return path;
	}

	async #focusFirstError(): Promise<void> {
		await this.updateComplete;
		for (const path of this._errors.keys()) {
			const el = this.renderRoot.querySelector<HTMLElement>(`#${idOf(path)}`);
			if (el) {
				el.focus();
				return;
			}
		}
	}

	fieldError(path: string): TemplateResult | typeof nothing {
		const msg = this._errors.get(path);
		return msg ? html`<p class="error" part="error" id="${idOf(path)}-error">${msg}</p>` : nothing;
	}

	describedBy(path: string, extra = ""): string {
		return [extra, this._errors.has(path) ? `${idOf(path)}-error` : ""].filter(Boolean).join(" ");
	}

	invalid(path: string): "true" | "false" {
		return this._errors.has(path) ? "true" : "false";
	}

	#check(key: BoolKey, s: NodeSettings): TemplateResult {
		const path = `settings.${key}`;
		const id = idOf(path);
		return html`<div class="field" part="field">
			<label class="check" part="label" for=${id}>
				<input type="checkbox" id=${id} .checked=${Boolean(s[key])} aria-describedby=${this.describedBy(path, `${id}-help`)}
					@change=${(e: Event) => {
						s[key] = (e.target as HTMLInputElement).checked;
						this.touch();
					}} />
				<span>${this.t(`field.${key}`)}</span>
			</label>
			<p class="help" part="help" id="${id}-help">${this.t(`help.${key}`)}</p>
			${this.fieldError(path)}
		</div>`;
	}

	#text(key: TextKey, draft: SettingsDraft, numeric: boolean): TemplateResult {
		const path = `settings.${key}`;
		const id = idOf(path);
		return html`<div class="field" part="field">
			<label part="label" for=${id}>${this.t(`field.${key}`)}</label>
			<input type="text" id=${id} part="input" inputmode=${numeric ? "numeric" : "text"} .value=${draft[key]}
				aria-invalid=${this.invalid(path)} aria-describedby=${this.describedBy(path, `${id}-help`)}
				@input=${(e: Event) => {
					draft[key] = (e.target as HTMLInputElement).value;
					this.touch();
				}} />
			<p class="help" part="help" id="${id}-help">${this.t(`help.${key}`)}</p>
			${this.fieldError(path)}
		</div>`;
	}

	/** A choice; `fallback` is shown when an older server's settings lack the key (its server-side default). */
	#select<K extends SelectKey>(
		key: K,
		s: NodeSettings,
		options: [NonNullable<NodeSettings[K]>, string][],
		fallback?: NonNullable<NodeSettings[K]>,
		extra: TemplateResult | typeof nothing = nothing,
	): TemplateResult {
		const path = `settings.${key}`;
		const id = idOf(path);
		const current = s[key] ?? fallback;
		return html`<div class="field" part="field">
			<label part="label" for=${id}>${this.t(`field.${key}`)}</label>
			<select id=${id} part="input" aria-invalid=${this.invalid(path)} aria-describedby=${this.describedBy(path, `${id}-help`)}
				@change=${(e: Event) => {
					s[key] = (e.target as HTMLSelectElement).value as NodeSettings[K];
					this.touch();
				}}>
				${options.map(([value, label]) => html`<option value=${value} ?selected=${current === value}>${label}</option>`)}
			</select>
			${extra}
			<p class="help" part="help" id="${id}-help">${this.t(`help.${key}`)}</p>
			${this.fieldError(path)}
		</div>`;
	}

	/** The 1C configuration on the other side, with the 1C menu path of its exchange node beside the choice. */
	#configuration(s: NodeSettings): TemplateResult {
		const current: Configuration = s.configuration ?? "ut";
		const menu = html`<p class="help menu-path" part="help" data-menu=${current}>
			<span>${this.t("field.configuration.menu")}</span> <b>${this.t(`menu.${current}`)}</b>
		</p>`;
		return this.#select(
			"configuration",
			s,
			CONFIGURATIONS.map((c) => [c, this.t(`field.configuration.${c}`)]),
			"ut",
			menu,
		);
	}

	/** VAT mode, with a warning when the chosen configuration cannot read the chosen rate. */
	#vat(s: NodeSettings): TemplateResult {
		const options: [VatMode, string][] = [
			["auto", this.t("field.vat.auto")],
			["none", this.t("field.vat.none")],
			...VAT_RATES.map((rate): [VatMode, string] => [rate, this.t("field.vat.rate", { rate })]),
		];
		const configuration: Configuration = s.configuration ?? "ut";
		const vat: VatMode = s.vat ?? "auto";
		let warning: TemplateResult | typeof nothing = nothing;
		if (vat === "none" && configuration === "retail") {
			warning = html`<p class="warning" part="warning" role="status">${this.t("warn.vatNoneRetail")}</p>`;
		} else if (vat !== "auto" && vat !== "none" && !READABLE_RATES[configuration].includes(vat)) {
			const config = this.t(`field.configuration.${configuration}`);
			warning = html`<p class="warning" part="warning" role="status">${this.t("warn.vatUnreadable", { config, rate: vat })}</p>`;
		}
		return this.#select("vat", s, options, "auto", warning);
	}

	#connection(node: ExchangeNode, draft: SettingsDraft): TemplateResult {
		return html`<fieldset part="section">
			<legend>${this.t("settings.connection")}</legend>
			<div class="field" part="field">
				<label part="label" for="f-exchangeUrl">${this.t("settings.exchangeUrl")}</label>
				<div class="row">
					<input type="text" id="f-exchangeUrl" class="wide" part="input" readonly size="48" .value=${node.exchangeUrl} />
					<button type="button" part="button" @click=${this.#copyUrl}>${this.t("settings.copy")}</button>
					<span role="status" class="ok">${this._copied ? `✓ ${this.t("settings.copied")}` : ""}</span>
				</div>
			</div>
			<div class="field" part="field">
				<label part="label" for=${idOf("login")}>${this.t("settings.login")}</label>
				<input type="text" id=${idOf("login")} part="input" autocomplete="off" .value=${this.#login}
					aria-invalid=${this.invalid("login")} aria-describedby=${this.describedBy("login")}
					@input=${(e: Event) => {
						this.#login = (e.target as HTMLInputElement).value;
						this.touch();
					}} />
				${this.fieldError("login")}
			</div>
			<div class="field" part="field">
				<label part="label" for=${idOf("password")}>${this.t("settings.password")}</label>
				<div class="row">
					<input type=${this._generated ? "text" : "password"} id=${idOf("password")} part="input" autocomplete="new-password"
						.value=${draft.password} aria-invalid=${this.invalid("password")} aria-describedby=${this.describedBy("password", "help-password")}
						@input=${(e: Event) => {
							draft.password = (e.target as HTMLInputElement).value;
							this._generated = false;
							this.touch();
						}} />
					<button type="button" part="button" @click=${() => this.#generatePassword(draft)}>${this.t("settings.generate")}</button>
				</div>
				<p class="help" part="help" id="help-password">${this.t(this._generated ? "settings.passwordGenerated" : "settings.passwordHelp")}</p>
				${this.fieldError("password")}
			</div>
		</fieldset>`;
	}

	#generatePassword(draft: SettingsDraft): void {
		const alphabet = "ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz23456789";
		const bytes = crypto.getRandomValues(new Uint8Array(20));
		draft.password = Array.from(bytes, (b) => alphabet[b % alphabet.length]).join("");
		this._generated = true;
		this.touch();
	}

	#copyUrl = async () => {
		const url = this._node?.exchangeUrl ?? "";
		try {
			await navigator.clipboard.writeText(url);
		} catch {
			const input = this.renderRoot.querySelector<HTMLInputElement>("#f-exchangeUrl");
			input?.select();
			document.execCommand("copy");
		}
		this._copied = true;
	};

	override render(): TemplateResult {
		const node = this._node;
		const draft = this._draft;
		const banner = this._banner
			? html`<div class="banner ${this._banner.kind === "ok" ? "ok" : "error"}" part=${this._banner.kind === "ok" ? "status" : "error"} role=${this._banner.kind === "ok" ? "status" : "alert"}>${this._banner.kind === "ok" ? "✓ " : ""}${this._banner.text}</div>`
			: nothing;
		if (!this.nodeId) return html`<div class="root" part="panel"><p>${this.t("common.noNode")}</p></div>`;
		if (!node || !draft) return html`<div class="root" part="panel" aria-busy="true">${banner}<p>${this.t("common.loading")}</p></div>`;
		const s = draft.settings;
		const dirty = this.dirty;
		const t = (k: MessageKey) => this.t(k);
		return html`<div class="root" part="panel">
			<h2 part="heading">${this.t("settings.title", { name: node.name })}</h2>
			${statusDatalist(this._statuses)}
			<form novalidate @submit=${(e: Event) => {
				e.preventDefault();
				void this.save();
			}}>
				${this.#connection(node, draft)}
				<fieldset part="section">
					<legend>${t("settings.oneC")}</legend>
					${this.#configuration(s)}
				</fieldset>
				<fieldset part="section">
					<legend>${t("settings.export")}</legend>
					${this.#select("shipping", s, [
						["none", t("field.shipping.none")],
						["paid", t("field.shipping.paid")],
						["always", t("field.shipping.always")],
					])}
					${this.#check("exportOptions", s)}
					${this.#vat(s)}
					${this.#text("exportFromNumber", draft, false)}
					${this.#check("exportStatuses", s)}
					${renderStatusList(this, draft, this._statuses, "exportStatusFilter")}
					${renderExportMap(this, draft)}
					${renderStatusList(this, draft, this._statuses, "cancelledStatuses")}
					${renderStatusList(this, draft, this._statuses, "finalStatuses")}
					${this.#text("batchSize", draft, true)}
				</fieldset>
				<fieldset part="section">
					<legend>${t("settings.import")}</legend>
					${this.#check("importStatuses", s)}
					${renderImportRules(this, draft, !s.importStatuses)}
					${this.#check("createOrdersFrom1C", s)}
					${this.#select(
						"applyOnUpload",
						s,
						[
							["complete", t("field.applyOnUpload.complete")],
							["never", t("field.applyOnUpload.never")],
						],
						"complete",
					)}
				</fieldset>
				<fieldset part="section">
					<legend>${t("settings.format")}</legend>
					${this.#select("encoding", s, [
						["windows-1251", "windows-1251"],
						["utf-8", "UTF-8"],
					])}
					${this.#select(
						"schemaVersion",
						s,
						(["2.03", "2.04", "2.05", "2.07", "2.08", "2.09", "2.10"] as const).map((v) => [v, v]),
					)}
					${this.#check("zip", s)}
					${this.#text("fileLimit", draft, true)}
				</fieldset>
				<fieldset part="section">
					<legend>${t("settings.notify")}</legend>
					${this.#text("webhookUrl", draft, false)}
				</fieldset>
				${banner}
				<div class="toolbar savebar" part="savebar">
					<button type="submit" class="primary" part="button primary-button" ?disabled=${this._busy}>${t("settings.save")}</button>
					<button type="button" part="button" ?disabled=${!dirty || this._busy} @click=${() => this.discard(true)}>${t("settings.reset")}</button>
					<span role="status" class="warning">${dirty ? `● ${t("settings.unsaved")}` : ""}</span>
				</div>
			</form>
		</div>`;
	}
}

function messageOf(e: unknown): string {
	return e instanceof Error ? e.message : String(e);
}
