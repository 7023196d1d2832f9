/**
 * @module
 * Store types: what the exchange app reads and writes, independent of the database driver.
 */
import type { IncomingOneC, Order } from "@obmen/core";

/**
 * The 1C facts an import stores on an order: the fields of core's {@link IncomingOneC} with the same meaning, as the
 * merged result of every imported document (`null` = never sent; absent false flags leave them unchanged):
 * `id` (1C `Ид`), `number`/`date` ("Номер по 1С"/"Дата по 1С"), `posted` ("Проведен"), `paid`/`paidAt`/
 * `paymentNumber`, `shipped`/`shippedAt`/`shipmentNumber`, `cancelled` ("Отменен", also set by `ПометкаУдаления`),
 * `deleted` (`ПометкаУдаления`), `final` ("Финальный статус"), `status` ("Статус заказа", the raw 1C string) and `statusId` ("Статуса заказа ИД",
 * a store status code in Bitrix semantics). Differences from the document: `paid`/`shipped` are also true when only a
 * real date was sent, and `cancelled` includes the deletion mark.
 */
export type OneCFields = Pick<
	IncomingOneC,
	| "id"
	| "number"
	| "date"
	| "posted"
	| "paid"
	| "paidAt"
	| "paymentNumber"
	| "shipped"
	| "shippedAt"
	| "shipmentNumber"
	| "cancelled"
	| "deleted"
	| "final"
	| "status"
	| "statusId"
> & {
	/** 1C's content of the order (canonical JSON text of the exchange's `OrderContent`), from its last upload. */
	content?: string | null;
};

/** What 1C told us about an order (from imported `Документ`s): {@link OneCFields} plus when an import last changed it. */
export interface OneCState extends OneCFields {
	/** When the last import changed this order (ISO). */
	lastImportAt: string | null;
}

/** An order as stored: the store's JSON, the export revision and the 1C state (null when 1C never sent anything). */
export interface StoredOrder {
	order: Order;
	revision: number;
	updatedAt: string;
	oneC: OneCState | null;
	/** When `DELETE /api/v1/orders/{id}` marked it (it still goes to 1C once with "ПометкаУдаления"), else null. */
	deletedAt?: string | null;
	/** A held content conflict (node, base, store and 1C versions): the order is not exported until resolved. */
	held?: Record<string, unknown> | null;
}

/** A 1C exchange node (one 1C base): credentials and settings JSON (validated by the exchange app). */
export interface NodeRecord {
	id: string;
	name: string;
	login: string;
	/** `pbkdf2-sha256$<iterations>$<salt b64>$<hash b64>`. */
	passwordHash: string;
	settings: Record<string, unknown>;
	createdAt: string;
	updatedAt: string;
}

/** An exchange session created by `checkauth` (the cookie and sessid are stored hashed). */
export interface SessionRecord {
	idHash: string;
	sessidHash: string;
	nodeId: string;
	/** Epoch milliseconds. */
	createdAt: number;
	lastSeenAt: number;
	uploadEpoch: number;
	version: string | null;
	cmlVersion: string | null;
	/** The cloud client kind that opened the session (`moysklad`, `class365`); null or absent for 1C. */
	client?: string | null;
}

/** Which orders a node's `query` may send. */
export interface ExportFilter {
	/** Store status codes; empty = all. */
	statuses: string[];
	/** Only orders whose number is ≥ this (numeric comparison when both are all digits). */
	fromNumber: string | null;
	limit: number;
	/** Skip orders already pending at the same revision in this session (a second `query` returns the next ones). */
	session?: string | null;
}

/** One order ready for export with its revision and known 1C identity. */
export interface ExportCandidate {
	order: Order;
	revision: number;
	oneC: { id: string | null; number: string | null };
	/** Marked deleted on the site: exported with "ПометкаУдаления" = true. */
	deleted?: boolean;
	/**
	 * The stored order JSON exactly as read for this batch: recorded with the pending batch, so the acknowledgement
	 * keeps what 1C was sent (the base of a later content merge) even when the order changed before `query` replied.
	 */
	data?: string;
}

/** An order sent by `query`, recorded as pending for the session until `success`. */
export interface PendingItem {
	orderId: string;
	revision: number;
	/** The order JSON as sent ({@link ExportCandidate.data}); absent: the stored JSON of that revision, if still current. */
	data?: string;
	/**
	 * The order's content as sent (exchange's `contentText` of it under the node's settings), kept with the
	 * acknowledgement: an import that gets this very text back from 1C knows nothing changed without reading the JSON.
	 */
	content?: string;
}

/** An update derived from one incoming 1C document. */
export interface OrderPatch {
	orderId: string;
	/** New values of 1C columns (only the ones that change). */
	set: Partial<OneCFields>;
	/** New store status (mapped through `statusMap.import`), when it changes. */
	status?: string;
	/** Human-readable diff for the changes feed: field → { from, to }. */
	changes: Record<string, { from: unknown; to: unknown }>;
	/** Extra keys of the feed event (`content`, `conflict`, `applied`). */
	event?: Record<string, unknown>;
	/** No feed event (only 1C's stored content changes, and it equals what the node got). */
	silent?: boolean;
	/** New store order JSON (1C's content applied): the revision is bumped and the importing node acknowledges it. */
	data?: string;
	/** A held conflict (JSON) to set on the order; "" clears it. */
	held?: string;
	/** The importing node already has `data` (1C's own content): it acknowledges the new revision (no echo). */
	ack?: boolean;
	/**
	 * The order's revision `data` / `held` were planned from: the import is applied only while the order is still at
	 * it (else the store answers "busy, retry" and the file is planned again).
	 */
	baseRevision?: number;
}

/** An order created from 1C (`createOrdersFrom1C`). It gets revision 0, so it is never echoed back. */
export interface OrderCreate {
	order: Order;
	oneC: Partial<OneCFields>;
}

/** A stored order as an import sees it: identity, store status and the current 1C columns. */
export interface ImportTarget {
	id: string;
	number: string;
	status: string;
	oneC: OneCFields;
	/** The store order JSON and revision, what the importing node last acknowledged (revision; its order JSON, or null
	 * when that equals `data`), and a held conflict. */
	store?: {
		/**
		 * The order JSON; null when the planning asked not to read it ({@link ImportKeys.sentStandsIn}) and the order is
		 * the JSON the node acknowledged with its content kept (`ackedContent` then stands in for it).
		 */
		data: string | null;
		revision: number;
		ackedRevision: number | null;
		ackedData: string | null;
		/** The content the node was sent at `ackedRevision` (node_acks.content), when the acknowledgement kept one. */
		ackedContent?: string | null;
		held: string | null;
	};
}

/**
 * Keys to find the store orders incoming 1C documents refer to: site numbers (`Номер`), stored 1C `Ид`s, stored
 * 1C numbers, and store order ids (payment/shipment documents from Bitrix-style setups name the order id in `Основание`).
 */
export interface ImportKeys {
	numbers: string[];
	oneCIds: string[];
	/** Ignored by {@link ImportPlanning.findTargets}: 1C numbers restart every year, so they never identify an order alone. */
	oneCNumbers?: string[];
	orderIds?: string[];
	/** The importing node: numbers also match the `Номер` this node was exported (or its 11-character cut). */
	nodeId?: string;
	/**
	 * The content the importing node was sent stands in for the order JSON of an order that is still that JSON (the
	 * planning only reports 1C's content, never applies it): such targets come without `store.data`, which is the
	 * largest value a candidate carries.
	 */
	sentStandsIn?: boolean;
}

/** What matching a document needs of a store order: its id, site number and stored 1C identity. */
export interface ImportMatch {
	id: string;
	number: string;
	oneCId: string | null;
	oneCNumber: string | null;
	/** The `Номер` the order was exported with to the importing node (null when never exported to it). */
	exported?: string | null;
}

/** A store order an import may apply documents to: how documents match it, and its state to plan the patch from. */
export interface ImportCandidate extends ImportMatch {
	/** Its stored 1C fields, status, order JSON and what the importing node acknowledged. */
	target: ImportTarget;
}

/** The 1C fields one staged document sets on a matched order (`seq` = the document's position in the file). */
export interface ImportEffect {
	orderId: string;
	seq: number;
	set: Partial<OneCFields>;
}

/** An order to create, with the position and number label of its document (one creation per label and per id). */
export interface StagedCreate extends OrderCreate {
	seq: number;
	label: string;
}

/**
 * What the import planner works with while the store holds its in-process write lock: the staged documents in
 * pages (when the file was staged), order lookups, and scratch tables of net patches and creations that the applying
 * transaction turns into set-based updates.
 */
export interface ImportPlanning {
	/** Staged documents (compact JSON records) after `afterSeq`, in file order, at most `limit`. */
	staged(afterSeq: number, limit: number): Promise<{ seq: number; doc: string }[]>;
	/**
	 * Store orders a document with one of the keys may refer to (by number, the number exported to the importing
	 * node, stored 1C `Ид`, or order id), each with what planning needs of it.
	 */
	findTargets(keys: ImportKeys): Promise<ImportCandidate[]>;
	addCreates(creates: StagedCreate[]): Promise<void>;
	/** Adds (or replaces) the net patch of each order. */
	addPatches(patches: OrderPatch[]): Promise<void>;
	/** The 1C fields of the patches already added for `orderIds` (an order matched again later in the file). */
	plannedSets(orderIds: string[]): Promise<Map<string, Partial<OneCFields>>>;
	/** Removes the patches of `orderIds` (a later document of the file set the order back as it is stored). */
	dropPatches(orderIds: string[]): Promise<void>;
	/** Documents that matched no order: kept (committed with the import) in `unmatched_documents`. */
	keepUnmatched(docs: UnmatchedInput[]): Promise<void>;
}

/**
 * The `Номер` and date/time an order was first exported with to a node (fixed forever after). `key` is БП's
 * invoice key of the number (`YYYY:P`, see {@link bpOrderKey}); `policy` the configuration that assigned it, or
 * `legacy` for an order exported before identities existed (it keeps its store number).
 */
export interface ExportIdentity {
	nodeId: string;
	orderId: string;
	number: string;
	date: string;
	key: string;
	policy: "ut" | "retail" | "unf" | "bp" | "legacy";
	createdAt: string;
}

/** A 1C document that matched no store order, as an import keeps it. */
export interface UnmatchedInput {
	/** `order`, or `payment`/`shipment` (a document naming its order in `Основание`). */
	kind: string;
	oneCId: string | null;
	number: string | null;
	date: string | null;
	basis: string | null;
	/** The staged record (JSON text) applied when the document is matched later. */
	doc: string;
	reason: string;
}

/** A kept unmatched document. */
export interface UnmatchedDocument extends UnmatchedInput {
	id: number;
	nodeId: string;
	firstSeen: string;
	lastSeen: string;
}

/** The ledger facts of one import. */
export interface ImportRun {
	nodeId: string;
	sha256: string;
	filename: string;
	/** Documents in the file (the planner may set it while it plans, when it parses the file itself). */
	documents: number;
	at: string;
}

/** What an applied import changed; its change events have cursors in `(cursorFrom, cursorTo]`. */
export interface ImportOutcome {
	updated: number;
	created: number;
	cursorFrom: number;
	cursorTo: number;
}

/** Everything one `import` writes, applied in one write transaction together with the ledger row (small imports). */
export interface ImportApplication {
	nodeId: string;
	sha256: string;
	filename: string;
	documents: number;
	at: string;
	patches: OrderPatch[];
	creates: OrderCreate[];
}

/** One `/exim_1c` request in the journal. */
export interface JournalEntry {
	nodeId: string | null;
	at: string;
	session: string | null;
	type: string | null;
	mode: string | null;
	filename: string | null;
	bytesIn: number;
	bytesOut: number;
	/** Reply line 1: `success`, `failure`, `progress`, or the XML content type for `query`. */
	reply: string;
	durationMs: number;
	ordersSent: number;
	ordersAcknowledged: number;
	ordersImported: number;
	error: string | null;
	/** What else the request did (e.g. "applied on upload: …" with the per-file summary). */
	note?: string | null;
	/** The whole text reply 1C got (capped, no session secrets); absent/null for XML and older rows. */
	replyText?: string | null;
	/** Client address of the request. */
	ip?: string | null;
	/** `User-Agent` of the request (capped). */
	userAgent?: string | null;
	/** What the request moved: order numbers sent by `query`, or the change-feed cursor range `(from, to]` of an import. */
	detail?: JournalDetail | null;
}

/** Details of a journal row (see {@link JournalEntry.detail}). */
export interface JournalDetail {
	/** Order numbers (as 1C sees them) and, in the same order, the store ids. */
	orders?: string[];
	ids?: string[];
	changes?: [number, number];
}

/**
 * A request that failed before authentication, counted rather than journalled (one row per address, node and minute).
 * `at` (ISO) gives the minute; the counter row keeps the latest reply, error and `at`.
 */
export interface JournalCount {
	nodeId: string | null;
	at: string;
	ip: string;
	type: string | null;
	mode: string | null;
	reply: string;
	error: string | null;
}

/** A journal row as listed. */
export interface JournalRow extends JournalEntry {
	id: number;
	/** Client address (of the request, or of a counter row), or null. */
	ip: string | null;
	/** How many requests the row stands for: 1, or the tally of a counter row of unauthenticated failures. */
	count: number;
}

/** One row of the changes feed. */
export interface ChangeRow {
	cursor: number;
	orderId: string;
	nodeId: string | null;
	at: string;
	changes: Record<string, unknown>;
}

/** Result of appending an upload chunk. */
export type AppendResult = { ok: true; fileSize: number } | { ok: false; reason: "file" | "session" };

/**
 * An upload being applied without waiting for `mode=import` (node setting `applyOnUpload`), see `upload_applies`.
 * `result.done` maps each xml already applied (or found in the ledger) to its summary line; `result.entries` lists
 * the xml entries of a zip upload once known.
 */
export interface UploadApply {
	sessionId: string;
	name: string;
	nodeId: string;
	state: "pending" | "done" | "failed";
	/** Lease of the process working on it (epoch ms); 0 = free. */
	claimedUntil: number;
	createdAt: number;
	result: { entries?: string[]; done: Record<string, string> };
	error: string | null;
}

/** Which orders `rewindExport` sends to a node again: numbers from N on, orders created from a date on, or all. */
export type RewindFilter = { fromNumber: string } | { fromDate: string } | { all: true };

/** A node's latest exchange request (from the journal) and its latest successful one. */
export interface NodeActivity {
	/** When the latest `/exim_1c` request of the node was journalled (ISO), null = never. */
	lastAt: string | null;
	/** Whether that request succeeded (null = never). */
	lastOk: boolean | null;
	/** Its error, when it failed. */
	lastError: string | null;
	/** When the latest successful request was journalled. */
	lastSuccessAt: string | null;
}

/** A lease shared by the instances on one database (see `ExchangeStore.acquireLease`). */
export interface LeaseRow {
	/** What is leased: `export:<node id>`, `bg:<task>`. */
	name: string;
	/** Who holds it (a session id hash, an instance id). */
	holder: string;
	/** The client behind the holder (an export lease: the 1C client's address), or "". */
	owner: string;
	/** When the holder first took it (epoch ms). */
	since: number;
	/** When it ends unless renewed (epoch ms). */
	until: number;
}

/** Per node, what the database holds for `/metrics` (`ExchangeStore.metricsSnapshot`). */
export interface NodeMetrics {
	nodeId: string;
	/** Orders the node acknowledged (with `success`) at some revision: `node_acks` rows. */
	ordersAcknowledged: number;
	/** Orders sent by `query` and not yet confirmed by `success` (`pending_batch` rows of the node's sessions). */
	ordersAwaitingSuccess: number;
	/** Distinct 1C files applied by `import` (the import ledger, kept forever). */
	filesImported: number;
	/** Documents of those files applied to store orders. */
	documentsImported: number;
}

/** Values read from the database at scrape time: the same on every instance on the database. */
export interface MetricsSnapshot {
	nodes: NodeMetrics[];
	/** Exchange sessions in the table (expired ones are purged lazily). */
	sessions: number;
	/** Uploads applied on upload (`upload_applies`) not finished yet. */
	uploadsPending: number;
	/** Of those, the ones an instance works on right now (lease not run out). */
	uploadsApplying: number;
	/** Time-sliced `import`s in progress: files with staged documents (`import_docs`). */
	importsInProgress: number;
	/** Failed 1C logins during the last hour, from any instance (`login_failures`, one row per attempt per address). */
	loginFailuresLastHour: number;
}
