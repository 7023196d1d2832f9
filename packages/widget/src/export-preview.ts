import { css, html, nothing, type TemplateResult } from "lit";
import { formatWallClock, ObmenElement } from "./base-element.ts";
import { formatBytes } from "./journal-groups.ts";
import { warningText } from "./preview-warnings.ts";
import { baseStyles } from "./styles.ts";
import type { PreviewSummary, PreviewXml } from "./types.ts";
import { highlightXml, indentXml } from "./xml-highlight.ts";

/** Above this size the XML is shown as plain text: highlighting a multi-megabyte answer would stall the page. */
const HIGHLIGHT_LIMIT = 256 * 1024;

/**
 * `<obmen-export-preview>`: what the next `mode=query` would send to this node — a table of orders
 * (with warnings such as a Номер longer than 11 characters, which 1C УТ 11 cannot match — coded warnings
 * are shown in the UI language, plain-text ones as sent) and the raw
 * CommerceML, highlighted and downloadable as the exact bytes in the node's encoding.
 *
 * It only reads `GET …/preview`, which never moves the node's watermark, so opening it changes nothing
 * that 1C will receive. It refreshes itself when `<obmen-exchange-settings>` saves the same node.
 */
export class ObmenExportPreview extends ObmenElement {
	static override properties = {
		_summary: { state: true },
		_xml: { state: true },
		_error: { state: true },
		_busy: { state: true },
		_wrap: { state: true },
		_indent: { state: true },
	};

	static override styles = [
		baseStyles,
		css`
			pre {
				max-height: var(--obmen-xml-height, 420px);
				overflow: auto;
				background: var(--obmen-code-bg, #f7f8fa);
				border: 1px solid var(--obmen-border, #c7ccd1);
				padding: 8px;
				margin: 4px 0;
				font-size: 12px;
				white-space: pre;
				tab-size: 2;
				/* never widen the host page's layout (old admin pages are table-based) */
				contain: inline-size;
			}
			pre.wrap {
				white-space: pre-wrap;
				overflow-wrap: anywhere;
			}
			.x-tag { color: var(--obmen-xml-tag, #1f4f99); font-weight: 600; }
			.x-attr { color: var(--obmen-xml-attr, #7a3e00); }
			.x-value { color: var(--obmen-xml-value, #1b6e2a); }
			.x-comment, .x-pi { color: var(--obmen-muted, #4f5962); font-style: italic; }
			.x-punct { color: var(--obmen-muted, #4f5962); }
			tr.warn td { background: var(--obmen-warn-bg, #fff6e0); }
			a.download {
				display: inline-block;
				border: 1px solid var(--obmen-border, #8a939c);
				border-radius: var(--obmen-radius, 4px);
				padding: 4px 10px;
				color: var(--obmen-accent, #1f5fa8);
				text-decoration: underline;
			}
		`,
	];

	declare _summary: PreviewSummary | null;
	declare _xml: PreviewXml | null;
	declare _error: string | null;
	declare _busy: boolean;
	declare _wrap: boolean;
	/** Show the XML one element per line (off = exactly the characters 1C reads). */
	declare _indent: boolean;
	#downloadUrl: string | null = null;

	constructor() {
		super();
		this._summary = null;
		this._xml = null;
		this._error = null;
		this._busy = false;
		this._wrap = true;
		this._indent = true;
	}

	#onSaved = (e: Event) => {
		const detail = (e as CustomEvent<{ nodeId?: string }>).detail;
		if (detail?.nodeId === this.nodeId) void this.load();
	};

	override connectedCallback(): void {
		super.connectedCallback();
		window.addEventListener("obmen-settings-saved", this.#onSaved);
	}

	override disconnectedCallback(): void {
		window.removeEventListener("obmen-settings-saved", this.#onSaved);
		this.#revoke();
		super.disconnectedCallback();
	}

	override async load(): Promise<void> {
		this._busy = true;
		this._error = null;
		try {
			const [summary, xml] = await Promise.all([this.api.previewJson(this.nodeId), this.api.previewXml(this.nodeId)]);
			this._summary = summary;
			this._xml = xml;
			this.#revoke();
			this.emit("obmen-preview-loaded", { nodeId: this.nodeId, count: summary.count });
		} catch (e) {
			this._error = e instanceof Error ? e.message : String(e);
		} finally {
			this._busy = false;
		}
	}

	#revoke(): void {
		if (this.#downloadUrl) URL.revokeObjectURL(this.#downloadUrl);
		this.#downloadUrl = null;
	}

	#href(xml: PreviewXml): string {
		this.#downloadUrl ??= URL.createObjectURL(xml.blob);
		return this.#downloadUrl;
	}

	#table(summary: PreviewSummary): TemplateResult {
		if (!summary.orders.length) return html`<p>${this.t("preview.empty")}</p>`;
		const lang = this.uiLang;
		return html`<div class="scroll"><table part="table">
			<caption>${
				summary.waiting == null
					? this.t("preview.count", { count: summary.count, encoding: summary.encoding, schemaVersion: summary.schemaVersion })
					: this.t(summary.waiting > summary.count ? "preview.countOfMore" : "preview.countOf", {
							count: summary.count,
							waiting: summary.waiting,
							size: formatBytes(summary.bytes ?? null),
							encoding: summary.encoding,
							schemaVersion: summary.schemaVersion,
						})
			}</caption>
			<thead><tr>
				<th scope="col">${this.t("preview.number")}</th><th scope="col">${this.t("preview.date")}</th>
				<th scope="col">${this.t("preview.buyer")}</th><th scope="col" class="num">${this.t("preview.total")}</th>
				<th scope="col">${this.t("preview.status")}</th><th scope="col" class="num">${this.t("preview.lines")}</th>
				<th scope="col">${this.t("preview.warnings")}</th>
			</tr></thead>
			<tbody>
				${summary.orders.map(
					(o) => html`<tr class=${o.warnings.length ? "warn" : ""}>
					<td>${o.number}${o.deleted ? html` <span class="warning">🗑 ${this.t("preview.deleted")}</span>` : nothing}</td>
					<td>${formatWallClock(lang, o.date)}</td>
					<td>${o.buyer}</td>
					<td class="num">${formatMoney(lang, o.total)}${o.currency ? ` ${o.currency}` : ""}</td>
					<td>${o.status}${o.status1C && o.status1C !== o.status ? html` → «${o.status1C}»` : nothing}</td>
					<td class="num">${Array.isArray(o.lines) ? o.lines.length : o.lines}</td>
					<td>${o.warnings.map((w) => html`<div class="warning" part="warning">⚠ <span class="visually-hidden">${this.t("common.warning")}: </span>${warningText(lang, w)}</div>`)}</td>
				</tr>`,
				)}
			</tbody>
		</table></div>`;
	}

	override render(): TemplateResult {
		if (!this.nodeId) return html`<div class="root" part="panel"><p>${this.t("common.noNode")}</p></div>`;
		const { _summary: summary, _xml: xml } = this;
		const big = xml ? xml.text.length > HIGHLIGHT_LIMIT : false;
		return html`<div class="root" part="panel" aria-busy=${this._busy ? "true" : "false"}>
			<h2 part="heading">${this.t("preview.title")}</h2>
			<p class="help" part="help">${this.t("preview.note")}</p>
			<div class="toolbar">
				<button type="button" part="button" ?disabled=${this._busy} @click=${() => this.load()}>${this.t("common.refresh")}</button>
				${
					xml
						? html`<a part="button" class="download" href=${this.#href(xml)} download="orders-${this.nodeId}.xml">${this.t("preview.download", { charset: xml.charset })}</a>`
						: nothing
				}
			</div>
			${this._error ? html`<div class="banner error" part="error" role="alert">${this.t("common.error")}: ${this._error}</div>` : nothing}
			${summary ? this.#table(summary) : this._busy ? html`<p>${this.t("common.loading")}</p>` : nothing}
			${
				xml
					? html`<h3>${this.t("preview.xml")}</h3>
					${big ? html`<p class="help">${this.t("preview.truncated", { size: "256 KiB" })}</p>` : nothing}
					<label class="check" part="label"><input type="checkbox" .checked=${this._indent} ?disabled=${big}
						@change=${(e: Event) => {
							this._indent = (e.target as HTMLInputElement).checked;
						}} /> ${this.t("preview.indent")}</label>
					<label class="check" part="label"><input type="checkbox" .checked=${this._wrap}
						@change=${(e: Event) => {
							this._wrap = (e.target as HTMLInputElement).checked;
						}} /> ${this.t("preview.wrap")}</label>
					<pre part="xml" class=${this._wrap ? "wrap" : ""} tabindex="0" aria-label=${this.t("preview.xml")}>${big ? xml.text : highlightXml(this._indent ? indentXml(xml.text) : xml.text)}</pre>`
					: nothing
			}
		</div>`;
	}
}

/**
 * A money amount as the store sent it (an exact decimal string) with at least two decimals and the UI language's
 * separators: `1500` → `1 500,00` (ru) / `1,500.00` (en). No floating point is involved.
 */
export function formatMoney(lang: "ru" | "en", value: string | null | undefined): string {
	const m = /^(-?)(\d+)(?:\.(\d+))?$/.exec(value ?? "");
	if (!m) return value ?? "";
	const int = BigInt(m[2] ?? "0").toLocaleString(lang === "en" ? "en-GB" : "ru-RU");
	const frac = (m[3] ?? "").padEnd(2, "0");
	return `${m[1]}${int}${lang === "en" ? "." : ","}${frac}`;
}
