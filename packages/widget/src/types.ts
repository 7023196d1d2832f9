/**
 * Shapes of the admin API (docs/architecture.md, "Admin API") as the widget sees them.
 * JSON keys are a public contract shared with `@obmen/exchange`; they are repeated here because the
 * widget runs in the browser and must not bundle the server packages.
 */

/** When the delivery cost goes to 1C as a separate `<Товар>` with Ид `ORDER_DELIVERY` (ТипНоменклатуры = Услуга). */
export type ShippingMode = "none" | "paid" | "always";

/** CommerceML schema versions 1C accepts in `ВерсияСхемы` (the node's "format version"). */
export type SchemaVersion = "2.03" | "2.04" | "2.05" | "2.07" | "2.08" | "2.09" | "2.10";

/** Byte encoding of the `mode=query` answer; 1C УТ 11 reads both, old Bitrix-style clients expect windows-1251. */
export type XmlEncoding = "windows-1251" | "utf-8";

/** What an incoming 1C document says that triggers a store status: a flag (Оплачен, Отгружен, Отменен, Проведен) or 1C's "Статус заказа". */
export type ImportTrigger = "paid" | "shipped" | "cancelled" | "posted" | "status";

/** One ordered rule of the 1C → store status mapping; the last matching rule wins. */
export interface ImportStatusRule {
	on: ImportTrigger;
	/** For `on: "status"`: the exact 1C status string, e.g. "Закрыт" (absent = any); for flags "true" (default) or "false". */
	value?: string;
	/** Store status code to set. */
	status: string;
}

/** Per-node exchange settings (architecture.md, "Node settings"). */
export interface NodeSettings {
	shipping: ShippingMode;
	exportOptions: boolean;
	exportFromNumber: string | null;
	exportStatuses: boolean;
	exportStatusFilter: string[];
	statusMap: { export: Record<string, string>; import: ImportStatusRule[] };
	importStatuses: boolean;
	schemaVersion: SchemaVersion;
	encoding: XmlEncoding;
	zip: boolean;
	fileLimit: number;
	batchSize: number;
	createOrdersFrom1C: boolean;
	/** Store codes sent with "Отменен" = true. */
	cancelledStatuses?: string[];
	/** Store codes sent with "Финальный статус" = true. */
	finalStatuses?: string[];
	/** Which 1C configuration is on the other side (УТ/КА/ERP, Розница, УНФ, БП). */
	configuration?: "ut" | "retail" | "unf" | "bp";
	/** Apply a complete upload without waiting for `mode=import`. */
	applyOnUpload?: "complete" | "never";
	/** VAT on exported lines. */
	vat?: "auto" | "none" | "22" | "20" | "10" | "7" | "5" | "0";
	allowedIps?: string[];
	knownIpDays?: number;
	journalDays?: number;
	/** Where the server POSTs this node's change events; null = off. */
	webhookUrl?: string | null;
	[other: string]: unknown;
}

/** A 1C node: one 1C base (or exchange client) with its own login, settings and watermark. */
export interface ExchangeNode {
	id: string;
	name: string;
	login: string;
	settings: NodeSettings;
	/** The URL to paste into the 1C node's "Адрес сайта" field (ends with `/exim_1c`). */
	exchangeUrl: string;
	/** Exchange state for the badge: never exchanged, latest request failed, no success for `staleAfterHours`, ok. */
	state?: NodeState;
	/** The latest `/exim_1c` request of this node. */
	lastExchange?: { at: string; ok: boolean; error: string | null } | null;
	/** When 1C last exchanged successfully. */
	lastSuccessAt?: string | null;
	/** Only in the reply of `POST /api/v1/nodes` without a password: the generated password, shown once. */
	password?: string;
}

/** The badge of a node in `<obmen-nodes>`. */
export type NodeState = "ok" | "failed" | "never" | "stale";

/** Body of `POST /api/v1/nodes`: no password = the server generates one and returns it once. */
export interface NodeCreate {
	name: string;
	login: string;
	password?: string;
	settings?: Partial<NodeSettings>;
}

/** Which orders `POST /api/v1/nodes/{id}/rewind` sends again. */
export type RewindFilter = { fromNumber: string } | { fromDate: string } | { all: true };

/** Body of `PATCH /api/v1/nodes/{id}`: settings are merged on the server, the password is write-only. */
export interface NodePatch {
	name?: string;
	login?: string;
	password?: string;
	settings?: Partial<NodeSettings>;
}

/** One order of the export preview (`GET …/preview?format=json`). */
export interface PreviewOrder {
	id: string;
	number: string;
	date: string;
	buyer: string;
	total: string;
	/** Store status code. */
	status: string;
	/** The exact "Статус заказа" text 1C gets (the node's export map), when statuses are exported. */
	status1C?: string | null;
	currency?: string;
	lines: number | unknown[];
	/** Deleted on the site: this export carries "ПометкаУдаления" so 1C marks its order. */
	deleted?: boolean;
	/** Plain text (older servers) or coded warnings (`orderWarnings` of @obmen/core), translated when the code is known. */
	warnings: (string | PreviewWarning)[];
}

/**
 * A coded warning about an order as 1C will see it (e.g. `NUMBER_TOO_LONG` with `params.length`, `params.max`);
 * `message` is the server's English text, shown when the widget does not know the code.
 */
export interface PreviewWarning {
	code: string;
	message: string;
	params?: Record<string, string | number>;
}

/** What the next `mode=query` would send to the node, without moving its watermark. */
export interface PreviewSummary {
	orders: PreviewOrder[];
	count: number;
	/** Every order waiting for the node (this batch holds at most `batchSize`; newer servers). */
	waiting?: number;
	/** Byte size of the XML in the node's encoding (newer servers). */
	bytes?: number;
	encoding: XmlEncoding | string;
	schemaVersion: SchemaVersion | string;
}

/** The raw preview XML: the bytes exactly as the server sent them, plus a decoded copy for display. */
export interface PreviewXml {
	blob: Blob;
	text: string;
	charset: string;
}

/** One logged HTTP request of a 1C exchange (checkauth, init, query, success, file, import). */
export interface JournalItem {
	id: string | number;
	at: string;
	session: string | null;
	type: string | null;
	mode: string | null;
	filename: string | null;
	bytesIn: number | null;
	bytesOut: number | null;
	reply: string | null;
	durationMs: number | null;
	ordersSent: number | null;
	ordersAcknowledged: number | null;
	ordersImported: number | null;
	error: string | null;
	/** What else the request did, e.g. "applied on upload: <xml>: documents: 2, updated: 2, created: 0, unknown: 0". */
	note?: string | null;
	/** The whole text reply 1C got (capped; newer servers). */
	replyText?: string | null;
	/** Why the request failed, as a code the widget explains (newer servers): `auth_failed`, `unknown_orders`, … */
	code?: string | null;
	/** Details for the code's message, e.g. `{ orders: ["1001"] }` or `{ cmlCode, line, column }`. */
	params?: Record<string, string | number | string[]> | null;
	/** Client address and User-Agent of the request (newer servers). */
	ip?: string | null;
	userAgent?: string | null;
	/** Order numbers and ids a `query` sent, or the change-feed range `(from, to]` of an import (newer servers). */
	detail?: { orders?: string[]; ids?: string[]; changes?: [number, number] } | null;
}

/** One entry of `GET /api/v1/changes`: what 1C (or the site) changed on an order. */
export interface ChangeItem {
	cursor: number;
	orderId: string;
	nodeId: string | null;
	at: string;
	changes: { source?: string; type?: string; fields?: Record<string, { from: unknown; to: unknown }> };
}

/** A page of the exchange journal, newest first. */
export interface JournalPage {
	items: JournalItem[];
	nextBefore?: string | number | null;
}

/** A store status code seen in the orders, with how many orders carry it (for status pickers). */
export interface StatusInfo {
	code: string;
	count: number;
	/** The shop's name of the status, from the status dictionary (`PUT /api/v1/statuses`), when set. */
	name?: string | null;
}

/** The answer of `POST /api/v1/nodes/{id}/check`: each step of an emulated 1C exchange. */
export interface CheckResult {
	url: string;
	ok: boolean;
	steps: { step: "reach" | "checkauth" | "init" | "query"; ok: boolean; status: number | null; code: string | null; detail: string }[];
}

/** One order line as compared (amounts are exact decimal strings; null = not sent). */
export interface ContentLine {
	/** `Ид` (product GUID, `#` characteristic), else `sku:<Артикул>`, else `name:<Наименование>`. */
	key: string;
	sku: string | null;
	name: string | null;
	quantity: string | null;
	price: string | null;
	/** `Сумма` of the line (after its discounts). */
	total: string | null;
	kind: "goods" | "service" | null;
}

/** The content of an order as one side sees it (issue #12). */
export interface OrderContent {
	lines: ContentLine[];
	/** Price of the `ORDER_DELIVERY` line; null when there is none. */
	delivery: string | null;
	/** `Сумма` of the document. */
	total: string | null;
	currency: string | null;
	buyer: { name: string | null; inn: string | null; kpp: string | null } | null;
	comment: string | null;
}

/** A held content conflict: the base (what the node last acknowledged), the store's and 1C's versions. */
export interface HeldConflict {
	nodeId: string;
	/** The parts both sides changed differently: `lines.<key>`, `lines.<key>.<field>`, `delivery`, `comment`… */
	parts: string[];
	base: OrderContent;
	store: OrderContent;
	oneC: OrderContent;
}

/** An order held by a content conflict (`GET /api/v1/conflicts`). */
export interface ConflictItem {
	id: string;
	number: string;
	held: HeldConflict;
}
