import type { MessageKey } from "./i18n.ts";
import type { ImportStatusRule, NodeSettings } from "./types.ts";

/** One editable row of the store → 1C status table ("Статус заказа" text sent for a store status). */
export interface ExportMapRow {
	from: string;
	to: string;
}

/**
 * The form's working copy of a node's settings. The export status map is edited as ordered rows (so a
 * half-typed duplicate is visible instead of silently overwriting a key); everything else mirrors
 * {@link NodeSettings}. Number fields stay as typed text until validation.
 */
export interface SettingsDraft {
	settings: NodeSettings;
	exportRows: ExportMapRow[];
	fileLimit: string;
	batchSize: string;
	exportFromNumber: string;
	webhookUrl: string;
	password: string;
}

/** A validation problem, keyed by the API path of the field (`settings.fileLimit`, `settings.statusMap.import.2.value`). */
export interface FieldProblem {
	path: string;
	key: MessageKey;
}

/** Builds a draft from the settings the server returned. */
export function draftOf(settings: NodeSettings): SettingsDraft {
	const copy = structuredClone(settings);
	copy.statusMap ??= { export: {}, import: [] };
	copy.statusMap.export ??= {};
	copy.statusMap.import ??= [];
	copy.exportStatusFilter ??= [];
	copy.cancelledStatuses ??= [];
	copy.finalStatuses ??= [];
	return {
		settings: copy,
		exportRows: Object.entries(copy.statusMap.export).map(([from, to]) => ({ from, to })),
		fileLimit: String(copy.fileLimit ?? ""),
		batchSize: String(copy.batchSize ?? ""),
		exportFromNumber: copy.exportFromNumber ?? "",
		webhookUrl: copy.webhookUrl ?? "",
		password: "",
	};
}

/** Checks a draft before saving; the server validates again and its answer wins. */
export function validateDraft(draft: SettingsDraft, login?: string): FieldProblem[] {
	const problems: FieldProblem[] = [];
	if (login !== undefined) {
		if (!login.trim()) problems.push({ path: "login", key: "err.required" });
		else if (/[:\s]/.test(login.trim())) problems.push({ path: "login", key: "err.login" });
	}
	const fileLimit = draft.fileLimit.trim();
	if (!fileLimit) problems.push({ path: "settings.fileLimit", key: "err.required" });
	else if (!/^\d+$/.test(fileLimit)) problems.push({ path: "settings.fileLimit", key: "err.integer" });
	else if (Number(fileLimit) < 1024) problems.push({ path: "settings.fileLimit", key: "err.fileLimitMin" });

	const batch = draft.batchSize.trim();
	if (!batch) problems.push({ path: "settings.batchSize", key: "err.required" });
	else if (!/^\d+$/.test(batch)) problems.push({ path: "settings.batchSize", key: "err.integer" });
	else if (Number(batch) < 1 || Number(batch) > 10_000) problems.push({ path: "settings.batchSize", key: "err.batchSizeRange" });

	const fromNumber = draft.exportFromNumber.trim();
	if (fromNumber.length > 40) problems.push({ path: "settings.exportFromNumber", key: "err.numberTooLong" });
	else if (fromNumber && !/^\S*\d\S*$/.test(fromNumber)) problems.push({ path: "settings.exportFromNumber", key: "err.notANumber" });
	const hook = draft.webhookUrl.trim();
	if (hook && !/^https?:\/\/[^\s/]+/i.test(hook)) problems.push({ path: "settings.webhookUrl", key: "err.url" });
	if (draft.password && draft.password.length < 6) problems.push({ path: "password", key: "err.passwordShort" });

	const seen = new Set<string>();
	draft.exportRows.forEach((row, i) => {
		const from = row.from.trim();
		if (!from) problems.push({ path: `settings.statusMap.export.${i}.from`, key: "err.required" });
		else if (seen.has(from)) problems.push({ path: `settings.statusMap.export.${i}.from`, key: "err.duplicate" });
		seen.add(from);
		if (!row.to.trim()) problems.push({ path: `settings.statusMap.export.${i}.to`, key: "err.required" });
	});
	draft.settings.statusMap.import.forEach((rule, i) => {
		if (!rule.status.trim()) problems.push({ path: `settings.statusMap.import.${i}.status`, key: "err.required" });
	});
	return problems;
}

/** Turns a (valid) draft into full settings as the API expects them. */
export function settingsOf(draft: SettingsDraft): NodeSettings {
	const s = structuredClone(draft.settings);
	s.fileLimit = Number(draft.fileLimit.trim());
	s.batchSize = Number(draft.batchSize.trim());
	s.exportFromNumber = draft.exportFromNumber.trim() || null;
	if ("webhookUrl" in s || draft.webhookUrl.trim()) s.webhookUrl = draft.webhookUrl.trim() || null;
	s.statusMap = {
		export: Object.fromEntries(draft.exportRows.map((r) => [r.from.trim(), r.to.trim()])),
		import: s.statusMap.import.map((r): ImportStatusRule => {
			const rule: ImportStatusRule = { on: r.on, status: r.status.trim() };
			const value = (r.value ?? "").trim();
			// flags: "true" is the default and is left out; status: empty = any 1C status
			if (r.on === "status" ? value !== "" : value === "false") rule.value = value;
			return rule;
		}),
	};
	return s;
}

/** The top-level settings keys whose value differs; these form the PATCH body (the server merges). */
export function changedSettings(saved: NodeSettings, next: NodeSettings): Partial<NodeSettings> {
	const out: Record<string, unknown> = {};
	for (const key of Object.keys(next) as (keyof NodeSettings)[]) {
		if (stableJson(saved[key]) !== stableJson(next[key])) out[key] = next[key];
	}
	return out as Partial<NodeSettings>;
}

/** True when the draft differs from what the server has (including a typed new password). */
export function isDirty(saved: NodeSettings, draft: SettingsDraft): boolean {
	if (draft.password) return true;
	return Object.keys(changedSettings(normalise(saved), settingsOf(draft))).length > 0;
}

function normalise(s: NodeSettings): NodeSettings {
	return settingsOf(draftOf(s));
}

function stableJson(value: unknown): string {
	return JSON.stringify(value, (_k, v: unknown) =>
		v && typeof v === "object" && !Array.isArray(v)
			? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
			: v,
	);
}
