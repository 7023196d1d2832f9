import { html, nothing, type TemplateResult } from "lit";
import type { MessageKey } from "./i18n.ts";
import type { SettingsDraft } from "./settings-draft.ts";
import type { ImportTrigger, StatusInfo } from "./types.ts";

/** What the status tables need from the settings form. */
export interface StatusMapHost {
	t(key: MessageKey, vars?: Record<string, string | number>): string;
	fieldError(path: string): TemplateResult | typeof nothing;
	describedBy(path: string, extra?: string): string;
	invalid(path: string): "true" | "false";
	touch(): void;
}

/** The element id used for a field with the given API path. */
export function idOf(path: string): string {
	return `f-${path.replace(/[^A-Za-z0-9_-]/g, "-")}`;
}

const TRIGGERS: ImportTrigger[] = ["paid", "shipped", "cancelled", "posted", "status"];

/** `<datalist>` of the store status codes seen in orders, shared by every status input. */
export function statusDatalist(statuses: StatusInfo[]): TemplateResult {
	return html`<datalist id="obmen-statuses">${statuses.map((s) => html`<option value=${s.code} label=${s.name ?? s.code}></option>`)}</datalist>`;
}

/**
 * The store → 1C table: for each store status code, the exact text 1C must find in its node's
 * "Соответствие статусов заказов" table. Unmapped codes go to 1C as they are.
 */
export function renderExportMap(host: StatusMapHost, draft: SettingsDraft): TemplateResult {
	const rows = draft.exportRows;
	return html`<fieldset part="section">
		<legend>${host.t("field.statusMapExport")}</legend>
		<p class="help" id="help-statusMapExport" part="help">${host.t("help.statusMapExport")}</p>
		<div class="scroll"><table part="table">
			<thead><tr><th scope="col">${host.t("field.statusMapExport.from")}</th><th scope="col">${host.t("field.statusMapExport.to")}</th><th scope="col"><span class="visually-hidden">${host.t("common.remove")}</span></th></tr></thead>
			<tbody>
				${rows.map((row, i) => {
					const fromPath = `settings.statusMap.export.${i}.from`;
					const toPath = `settings.statusMap.export.${i}.to`;
					return html`<tr>
						<td>
							<input type="text" part="input" id=${idOf(fromPath)} list="obmen-statuses" .value=${row.from}
								aria-label="${host.t("field.statusMapExport.from")} ${i + 1}" aria-invalid=${host.invalid(fromPath)}
								aria-describedby=${host.describedBy(fromPath)}
								@input=${(e: Event) => {
									row.from = (e.target as HTMLInputElement).value;
									host.touch();
								}} />
							${host.fieldError(fromPath)}
						</td>
						<td>
							<input type="text" part="input" id=${idOf(toPath)} .value=${row.to}
								aria-label="${host.t("field.statusMapExport.to")} ${i + 1}" aria-invalid=${host.invalid(toPath)}
								aria-describedby=${host.describedBy(toPath)}
								@input=${(e: Event) => {
									row.to = (e.target as HTMLInputElement).value;
									host.touch();
								}} />
							${host.fieldError(toPath)}
						</td>
						<td><button type="button" part="button" aria-label="${host.t("common.remove")} ${i + 1}"
							@click=${() => {
								rows.splice(i, 1);
								host.touch();
							}}>${host.t("common.remove")}</button></td>
					</tr>`;
				})}
			</tbody>
		</table></div>
		<button type="button" part="button" @click=${() => {
			rows.push({ from: "", to: "" });
			host.touch();
		}}>${host.t("field.statusMapExport.add")}</button>
	</fieldset>`;
}

/** The ordered 1C → store rules (last match wins): a 1C flag or status text → a store status code. */
export function renderImportRules(host: StatusMapHost, draft: SettingsDraft, disabled: boolean): TemplateResult {
	const rules = draft.settings.statusMap.import;
	const move = (i: number, by: number) => {
		const j = i + by;
		if (j < 0 || j >= rules.length) return;
		const [rule] = rules.splice(i, 1);
		if (rule) rules.splice(j, 0, rule);
		host.touch();
	};
	return html`<fieldset part="section" ?disabled=${disabled}>
		<legend>${host.t("field.statusMapImport")}</legend>
		<p class="help" part="help">${host.t("help.statusMapImport")}</p>
		<div class="scroll"><table part="table">
			<thead><tr>
				<th scope="col">#</th><th scope="col">${host.t("field.statusMapImport.on")}</th>
				<th scope="col">${host.t("field.statusMapImport.value")}</th><th scope="col">${host.t("field.statusMapImport.status")}</th>
				<th scope="col"><span class="visually-hidden">${host.t("common.remove")}</span></th>
			</tr></thead>
			<tbody>
				${rules.map((rule, i) => {
					const onPath = `settings.statusMap.import.${i}.on`;
					const valuePath = `settings.statusMap.import.${i}.value`;
					const statusPath = `settings.statusMap.import.${i}.status`;
					return html`<tr>
						<td class="num">${i + 1}</td>
						<td><select part="input" id=${idOf(onPath)} aria-label="${host.t("field.statusMapImport.on")} ${i + 1}"
							@change=${(e: Event) => {
								rule.on = (e.target as HTMLSelectElement).value as ImportTrigger;
								rule.value = rule.on === "status" ? "" : "true";
								host.touch();
							}}>
							${TRIGGERS.map((tr) => html`<option value=${tr} ?selected=${rule.on === tr}>${host.t(`trigger.${tr}`)}</option>`)}
						</select></td>
						<td>${
							rule.on === "status"
								? html`<input type="text" part="input" id=${idOf(valuePath)} .value=${rule.value ?? ""}
								placeholder=${host.t("field.statusMapImport.any")}
								aria-label="${host.t("field.statusMapImport.value")} ${i + 1}" aria-invalid=${host.invalid(valuePath)}
								aria-describedby=${host.describedBy(valuePath)}
								@input=${(e: Event) => {
									rule.value = (e.target as HTMLInputElement).value;
									host.touch();
								}} />${host.fieldError(valuePath)}`
								: html`<select part="input" id=${idOf(valuePath)} aria-label="${host.t("field.statusMapImport.value")} ${i + 1}"
								@change=${(e: Event) => {
									rule.value = (e.target as HTMLSelectElement).value;
									host.touch();
								}}>
								<option value="true" ?selected=${rule.value !== "false"}>${host.t("flag.true")}</option>
								<option value="false" ?selected=${rule.value === "false"}>${host.t("flag.false")}</option>
							</select>`
						}</td>
						<td><input type="text" part="input" id=${idOf(statusPath)} list="obmen-statuses" .value=${rule.status}
							aria-label="${host.t("field.statusMapImport.status")} ${i + 1}" aria-invalid=${host.invalid(statusPath)}
							aria-describedby=${host.describedBy(statusPath)}
							@input=${(e: Event) => {
								rule.status = (e.target as HTMLInputElement).value;
								host.touch();
							}} />${host.fieldError(statusPath)}</td>
						<td class="row">
							<button type="button" part="button" aria-label="${host.t("common.moveUp")} ${i + 1}" ?disabled=${i === 0} @click=${() => move(i, -1)}>↑</button>
							<button type="button" part="button" aria-label="${host.t("common.moveDown")} ${i + 1}" ?disabled=${i === rules.length - 1} @click=${() => move(i, 1)}>↓</button>
							<button type="button" part="button" aria-label="${host.t("common.remove")} ${i + 1}" @click=${() => {
								rules.splice(i, 1);
								host.touch();
							}}>${host.t("common.remove")}</button>
						</td>
					</tr>`;
				})}
			</tbody>
		</table></div>
		<button type="button" part="button" @click=${() => {
			rules.push({ on: "status", value: "", status: "" });
			host.touch();
		}}>${host.t("field.statusMapImport.add")}</button>
	</fieldset>`;
}

/** Settings that are lists of store status codes, edited as checkbox lists. */
export type StatusListKey = "exportStatusFilter" | "cancelledStatuses" | "finalStatuses";

/**
 * Checkboxes for a list of store status codes (the codes seen in orders, plus any already listed):
 * the export status filter (none checked = every status is exported), and the statuses that send
 * "Отменен" = true or "Финальный статус" = true.
 */
export function renderStatusList(host: StatusMapHost, draft: SettingsDraft, statuses: StatusInfo[], key: StatusListKey): TemplateResult {
	const list = (draft.settings[key] ??= []);
	const codes = new Map(statuses.map((s) => [s.code, s.count]));
	const names = new Map(statuses.map((s) => [s.code, s.name ?? null]));
	for (const code of list) if (!codes.has(code)) codes.set(code, 0);
	return html`<fieldset part="section" aria-describedby="help-${key}" data-list=${key}>
		<legend>${host.t(`field.${key}`)}</legend>
		<p class="help" id="help-${key}" part="help">${host.t(`help.${key}`)}</p>
		${codes.size === 0 ? html`<p class="help">${host.t("field.exportStatusFilter.none")}</p>` : nothing}
		<div class="row">
			${[...codes].map(
				([code, count]) => html`<label class="check" part="label">
				<input type="checkbox" .checked=${list.includes(code)} data-status=${code}
					@change=${(e: Event) => {
						const on = (e.target as HTMLInputElement).checked;
						const at = list.indexOf(code);
						if (on && at < 0) list.push(code);
						if (!on && at >= 0) list.splice(at, 1);
						host.touch();
					}} />
				<span>${code}</span>${names.get(code) ? html` <span>«${names.get(code)}»</span>` : nothing} <span class="help">(${count})</span>
			</label>`,
			)}
		</div>
	</fieldset>`;
}
