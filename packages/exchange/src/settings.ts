/**
 * @module
 * Per-node exchange settings (the JSON keys are a public contract, see architecture.md), validated with zod.
 */
import { type ExportSettings, SCHEMA_VERSIONS, type SchemaVersion } from "@obmen/core";
import { z } from "zod";
import { isIpRange } from "./exim/ip-allow.ts";

/** A rule mapping what 1C reports to a store status: `on` a 1C flag (or the 1C status string) → `status`. */
export const ImportRuleSchema = z.object({
	on: z.enum(["paid", "shipped", "cancelled", "posted", "status"]),
	/** For flags: "true" (default) or "false"; for `status`: the exact 1C status string (absent = any). */
	value: z.string().optional(),
	status: z.string().min(1).max(64),
});

/** Node settings with their defaults. */
export const NodeSettingsSchema = z
	.object({
		/** The `ORDER_DELIVERY` service line: never, only when paid shipping (> 0), always. */
		shipping: z.enum(["none", "paid", "always"]).default("paid"),
		/** Send line options as `ХарактеристикиТовара`. */
		exportOptions: z.boolean().default(false),
		/** Only orders whose number is ≥ this (numeric comparison when both are all digits). */
		/** An order number (digits, optionally with the store's prefix): orders numbered below it are not exported. */
		exportFromNumber: z
			.string()
			.max(40)
			.regex(/^\S*\d\S*$/, "an order number: digits, no spaces")
			.nullable()
			.default(null),
		/** Send "Статус заказа" / "Статуса заказа ИД" / "Дата изменения статуса". */
		exportStatuses: z.boolean().default(true),
		/** Export only orders in these store statuses (empty = all). */
		exportStatusFilter: z.array(z.string().min(1)).default([]),
		statusMap: z
			.object({
				/** Store status code → the exact 1C status string. */
				export: z.record(z.string(), z.string()).default({}),
				/** Ordered rules; the last matching one wins. */
				import: z.array(ImportRuleSchema).default([]),
			})
			.default({ export: {}, import: [] }),
		/** Change the store status from what 1C reports (through `statusMap.import`). */
		importStatuses: z.boolean().default(true),
		schemaVersion: z.enum(SCHEMA_VERSIONS as [SchemaVersion, ...SchemaVersion[]]).default("2.05"),
		encoding: z.enum(["windows-1251", "utf-8"]).default("windows-1251"),
		/** Announce `zip=yes` in `init`. */
		zip: z.boolean().default(true),
		/** `file_limit` announced in `init`: 1C cuts uploads into chunks of this size. */
		fileLimit: z
			.number()
			.int()
			.min(1024)
			.max(1024 * 1024 * 1024)
			.default(8 * 1024 * 1024),
		/** Orders per `query`. */
		batchSize: z.number().int().min(1).max(10_000).default(500),
		/** Create store orders for unknown 1C documents (otherwise they are only reported). */
		createOrdersFrom1C: z.boolean().default(false),
		cancelledStatuses: z.array(z.string().min(1)).default([]),
		finalStatuses: z.array(z.string().min(1)).default([]),
		/**
		 * Which 1C configuration is on the other side; drives the number policy, the order-line `#` rules, VAT and
		 * transport details. `ut`: УТ 11 / КА 2 / ERP / BAS (library module `ОбменССайтом`); `retail`: Розница 2
		 * (library + `ОбменССайтомРТ`); `unf`: УНФ 3.0 and 1.6 (own `ОбменССайтом`); `bp`: Бухгалтерия 3.0
		 * (download-only `ОбменСИнтернетМагазином`). See docs/1c-setup.md.
		 */
		configuration: z.enum(["ut", "retail", "unf", "bp"]).default("ut"),
		/**
		 * Which exchange client the node serves: 1C:Enterprise (`1c`), or the cloud systems МойСклад (`moysklad`) and
		 * Класс365 / Бизнес.Ру (`class365`), which authenticate every request by HTTP Basic alone, never call `import`
		 * and never get `progress` (see docs/cloud-clients.md). Their endpoints are `/exim_moysklad` and `/exim_class`.
		 */
		client: z.enum(["1c", "moysklad", "class365"]).default("1c"),
		/**
		 * Apply an upload as soon as it is complete (a zip with its central directory, or an xml that ends with its root's
		 * closing tag), without waiting for `mode=import`, which УНФ and УТ with «без ожидания» never send: `complete`;
		 * or only on `import`: `never`.
		 */
		applyOnUpload: z.enum(["complete", "never"]).default("complete"),
		/**
		 * VAT on exported lines. `auto`: a line's rate only from its item's `vatRate`; `none`: "Без НДС" on every line; a
		 * rate: on lines without their own. In every mode the document says its prices include VAT.
		 */
		vat: z.enum(["auto", "none", "22", "20", "10", "7", "5", "0"]).default("auto"),
		/** Addresses (CIDR list) allowed to log in as this node; empty = any. Others are refused before any password check. */
		allowedIps: z.array(z.string().min(1).max(64).refine(isIpRange, "an IPv4 or IPv6 address or CIDR range")).max(256).default([]),
		/** Addresses that logged in successfully bypass the per-login failure counter for this many days. */
		knownIpDays: z.number().int().min(0).max(3650).default(30),
		/** Journal rows of this node older than this many days are pruned. */
		journalDays: z.number().int().min(1).max(3650).default(90),
		/**
		 * 1C's edits of an order's content (lines, delivery cost, total, buyer, comment): `report` puts the diff in the
		 * changes feed (the store decides); `apply` also updates the stored order to 1C's content (not exported back).
		 */
		contentFrom1C: z.enum(["report", "apply"]).default("report"),
		/**
		 * When the store and 1C both changed the same part of an order's content since the node last acknowledged it:
		 * `1c-wins` (1C's content is applied), `store-wins` (the store's is kept and exported again), `hold` (the order
		 * is not exported until resolved with `POST /api/v1/orders/{id}/resolve`). Edits of different parts merge.
		 */
		conflicts: z.enum(["1c-wins", "store-wins", "hold"]).default("hold"),
		/** Receives this node's change events (POST JSON), retried, never blocking 1C. */
		webhookUrl: z
			.url({ protocol: /^https?$/ })
			.nullable()
			.default(null),
		/**
		 * The node counts as stale (badge, `exchange.stale` alert) when 1C has not exchanged successfully for this many
		 * hours; 0 = never stale.
		 */
		staleAfterHours: z.number().int().min(0).max(8760).default(24),
		/**
		 * Secret for the `X-Obmen-Signature: sha256=<hex HMAC-SHA256 of the body>` header of alert webhooks
		 * (`exchange.failed`, `exchange.stale`), so the receiver can verify them; null = alerts are sent unsigned.
		 */
		webhookSecret: z.string().min(16).max(200).nullable().default(null),
	})
	.strict();

/** The kind of exchange client of a node (setting `client`). */
export type ClientKind = "1c" | "moysklad" | "class365";

/** Validated node settings. */
export type NodeSettings = z.output<typeof NodeSettingsSchema>;
/** Node settings as accepted (all keys optional). */
export type NodeSettingsInput = z.input<typeof NodeSettingsSchema>;

/** Default settings of a new node. */
export function defaultSettings(): NodeSettings {
	return NodeSettingsSchema.parse({});
}

/** Most distinct stored settings remembered by {@link readSettings} (one per node in practice). */
const SETTINGS_CACHE_MAX = 256;
/** Parsed settings by their stored JSON: every `/exim_1c` request reads its node, zod runs once per distinct value. */
const settingsCache = new Map<string, NodeSettings>();

/** @internal Freezes a parsed value deeply (cached settings are shared between requests). */
function deepFreeze<T>(v: T): T {
	if (v && typeof v === "object" && !Object.isFrozen(v)) {
		Object.freeze(v);
		for (const x of Object.values(v)) deepFreeze(x);
	}
	return v;
}

/**
 * Parses stored settings leniently: invalid stored JSON falls back to the defaults key by key. The result is shared
 * (memoised by the stored JSON) and frozen: copy before changing it.
 */
export function readSettings(stored: Record<string, unknown>): NodeSettings {
	const key = JSON.stringify(stored);
	const hit = settingsCache.get(key);
	if (hit) return hit;
	const parsed = deepFreeze(parseStoredSettings(stored));
	if (settingsCache.size >= SETTINGS_CACHE_MAX) settingsCache.clear();
	settingsCache.set(key, parsed);
	return parsed;
}

function parseStoredSettings(stored: Record<string, unknown>): NodeSettings {
	const r = NodeSettingsSchema.safeParse(stored);
	if (r.success) return r.data;
	const clean: Record<string, unknown> = {};
	for (const [k, v] of Object.entries(stored)) {
		if (NodeSettingsSchema.safeParse({ [k]: v }).success) clean[k] = v;
	}
	return NodeSettingsSchema.parse(clean);
}

/** Merges a partial settings patch (PATCH /nodes/{id}) into current settings; `statusMap` is merged per direction. */
export function mergeSettings(current: NodeSettings, patch: Record<string, unknown>): Record<string, unknown> {
	const merged: Record<string, unknown> = { ...current, ...patch };
	const sm = patch.statusMap;
	if (sm && typeof sm === "object" && !Array.isArray(sm)) merged.statusMap = { ...current.statusMap, ...(sm as object) };
	return merged;
}

/** What the CommerceML writer needs from the node settings. */
export function exportSettings(s: NodeSettings, generatedAt: Date): ExportSettings {
	return {
		schemaVersion: s.schemaVersion,
		encoding: s.encoding,
		shipping: s.shipping,
		exportOptions: s.exportOptions,
		exportStatuses: s.exportStatuses,
		statusMap: s.statusMap.export,
		cancelledStatuses: s.cancelledStatuses,
		finalStatuses: s.finalStatuses,
		vat: s.vat,
		configuration: s.configuration,
		generatedAt,
	};
}
