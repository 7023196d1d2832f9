/**
 * `@obmen/widget`: embeddable admin components for the Obmen 1C exchange server. Importing this module
 * (or loading `obmen-widget.js` with one `<script type="module">`) registers the custom elements
 * `<obmen-nodes>`, `<obmen-exchange-settings>`, `<obmen-export-preview>`, `<obmen-exchange-journal>` and
 * `<obmen-conflicts>`.
 *
 * @example
 * <script type="module" src="/admin/obmen-widget.js"></script>
 * <obmen-exchange-settings api-base="" node-id="1" token="…" lang="ru"></obmen-exchange-settings>
 */
import { ObmenConflicts } from "./conflicts.ts";
import { ObmenExchangeJournal } from "./exchange-journal.ts";
import { ObmenNodes } from "./exchange-nodes.ts";
import { ObmenExchangeSettings } from "./exchange-settings.ts";
import { ObmenExportPreview } from "./export-preview.ts";

export { charsetOf, ObmenApi, ObmenApiError, type ObmenApiOptions, type TokenProvider } from "./api.ts";
export { ObmenElement } from "./base-element.ts";
export { conflictRows, type DiffRow, ObmenConflicts } from "./conflicts.ts";
export { ObmenExchangeJournal } from "./exchange-journal.ts";
export { ObmenNodes } from "./exchange-nodes.ts";
export { ObmenExchangeSettings } from "./exchange-settings.ts";
export { ObmenExportPreview } from "./export-preview.ts";
export { type Lang, type MessageKey, messages, resolveLang, translate } from "./i18n.ts";
export { groupBySession, isFailed, type JournalSession } from "./journal-groups.ts";
export { type FieldProblem, type SettingsDraft, validateDraft } from "./settings-draft.ts";
export type * from "./types.ts";
export { tokenizeXml, type XmlToken } from "./xml-highlight.ts";

/** Registers the five custom elements (idempotent: a page may load the bundle twice). */
export function defineObmenElements(registry: CustomElementRegistry = customElements): void {
	const defs: [string, CustomElementConstructor][] = [
		["obmen-exchange-settings", ObmenExchangeSettings],
		["obmen-export-preview", ObmenExportPreview],
		["obmen-exchange-journal", ObmenExchangeJournal],
		["obmen-nodes", ObmenNodes],
		["obmen-conflicts", ObmenConflicts],
	];
	for (const [name, ctor] of defs) if (!registry.get(name)) registry.define(name, ctor);
}

defineObmenElements();

declare global {
	interface HTMLElementTagNameMap {
		"obmen-exchange-settings": ObmenExchangeSettings;
		"obmen-export-preview": ObmenExportPreview;
		"obmen-exchange-journal": ObmenExchangeJournal;
		"obmen-nodes": ObmenNodes;
		"obmen-conflicts": ObmenConflicts;
	}
}
