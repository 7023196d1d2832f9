/**
 * @module
 * Drizzle schema of the Obmen exchange database (libSQL / SQLite).
 *
 * Domain tables: `orders` (store orders), `order_one_c` (what 1C told us about them), `node_acks` (per-1C-node
 * acknowledged revisions), `order_changes` (the changes feed), `import_ledger` (content hashes of imported 1C files).
 * Exchange state that must survive between HTTP requests (the app is stateless): `sessions`, `pending_batch`,
 * `upload_files`/`upload_chunks`, `upload_applies`, `import_docs` (+ the planning scratch
 * `import_patches`, `import_creates`), `login_failures`, `login_successes`, `journal`, `meta`. Per node:
 * `export_identities` (the `Номер`/date each order was first exported with) and `unmatched_documents` (1C documents
 * that matched no order).
 */
import { sql } from "drizzle-orm";
import { blob, index, integer, primaryKey, sqliteTable, text, uniqueIndex } from "drizzle-orm/sqlite-core";

/**
 * What 1C told about an order (from imported `Документ`s), one column per field: on `order_one_c`, and on the planning
 * scratch `import_patches` (the changed ones, flagged in its `mask`), so the applying statement copies columns.
 */
function oneCColumns() {
	return {
		/** 1C document `Ид` (GUID). */
		oneCId: text("one_c_id"),
		/** "Номер по 1С" / `Номер1С`. */
		oneCNumber: text("one_c_number"),
		/** "Дата по 1С" / `Дата1С`, as sent. */
		oneCDate: text("one_c_date"),
		posted: integer("posted", { mode: "boolean" }),
		paid: integer("paid", { mode: "boolean" }),
		paidAt: text("paid_at"),
		paymentNumber: text("payment_number"),
		shipped: integer("shipped", { mode: "boolean" }),
		shippedAt: text("shipped_at"),
		shipmentNumber: text("shipment_number"),
		cancelled: integer("cancelled", { mode: "boolean" }),
		deleted: integer("deleted", { mode: "boolean" }),
		/** "Финальный статус" as 1C sent it (the order is closed in 1C). */
		final: integer("final", { mode: "boolean" }),
		/** "Статус заказа" as 1C sent it (the raw 1C string). */
		oneCStatus: text("one_c_status"),
		/** "Статуса заказа ИД" as 1C sent it (a store status code in Bitrix semantics). */
		oneCStatusId: text("one_c_status_id"),
		/** 1C's content of the order from its last upload (canonical JSON, see the exchange's content module). */
		oneCContent: text("one_c_content"),
	};
}

/** Store orders. `revision` is a global, monotonically increasing version bumped only by site-originated changes. */
export const orders = sqliteTable(
	"orders",
	{
		id: text("id").primaryKey(),
		number: text("number").notNull(),
		/** Numeric value of `number` when it is all digits (≤ 15), for `exportFromNumber`. */
		numberNum: integer("number_num"),
		status: text("status").notNull(),
		createdAt: text("created_at").notNull(),
		data: text("data").notNull(),
		revision: integer("revision").notNull(),
		updatedAt: text("updated_at").notNull(),
		/**
		 * Set by `DELETE /api/v1/orders/{id}`: the order goes to every node once more with the requisite
		 * "ПометкаУдаления" = true, and the row is removed once every node acknowledged that revision.
		 */
		deletedAt: text("deleted_at"),
		/** A held content conflict (JSON: node, base, store and 1C versions): not exported until resolved. */
		held: text("held"),
	},
	(t) => [
		index("orders_number").on(t.number),
		index("orders_deleted_at").on(t.deletedAt),
		index("orders_revision").on(t.revision),
		index("orders_status").on(t.status),
	],
);

/**
 * What 1C told about a store order (one row per order 1C ever sent a document for), apart from `orders`: an import
 * writes these narrow rows, and rewrites an order's row only when its status, JSON or held conflict changes (a
 * 45,000-order import wrote ~92 MB of pages with the columns on `orders`, ~29 MB here). Removed with its order.
 */
export const orderOneC = sqliteTable(
	"order_one_c",
	{
		orderId: text("order_id").primaryKey(),
		...oneCColumns(),
		/** When an import last applied a document to the order. */
		lastImportAt: text("last_import_at"),
	},
	(t) => [index("order_one_c_id").on(t.oneCId), index("order_one_c_number").on(t.oneCNumber)],
);

/** 1C exchange nodes (one per 1C base): credentials (password hashed) and settings JSON. */
export const nodes = sqliteTable("nodes", {
	id: text("id").primaryKey(),
	name: text("name").notNull().unique(),
	login: text("login").notNull().unique(),
	passwordHash: text("password_hash").notNull(),
	settings: text("settings").notNull(),
	createdAt: text("created_at").notNull(),
	updatedAt: text("updated_at").notNull(),
});

/** Per node, the order revision 1C confirmed with `success`. */
export const nodeAcks = sqliteTable(
	"node_acks",
	{
		nodeId: text("node_id").notNull(),
		orderId: text("order_id").notNull(),
		ackedRevision: integer("acked_revision").notNull(),
		/** The order JSON at the acknowledged revision (what the node last received): the base of content merges. */
		data: text("data"),
		/**
		 * The content of `data` as the node received it (exchange's `contentText` under the node's settings then), when
		 * the acknowledgement came from an export; NULL otherwise. 1C sending back this very text changed nothing, which
		 * an import sees without reading `data`. Written with `data`, always: a new `data` without one is NULL.
		 */
		content: text("content"),
	},
	(t) => [primaryKey({ columns: [t.nodeId, t.orderId] })],
);

/** Changes feed: site upserts (nodeId null) and 1C imports (nodeId set). */
export const orderChanges = sqliteTable(
	"order_changes",
	{
		cursor: integer("cursor").primaryKey({ autoIncrement: true }),
		orderId: text("order_id").notNull(),
		nodeId: text("node_id"),
		at: text("at").notNull(),
		changes: text("changes").notNull(),
	},
	(t) => [index("order_changes_order").on(t.orderId)],
);

/** Content hashes of 1C files already applied (per node): re-importing the same bytes is a no-op. */
export const importLedger = sqliteTable(
	"import_ledger",
	{
		nodeId: text("node_id").notNull(),
		sha256: text("sha256").notNull(),
		filename: text("filename").notNull(),
		at: text("at").notNull(),
		documents: integer("documents").notNull(),
		applied: integer("applied").notNull(),
	},
	(t) => [primaryKey({ columns: [t.nodeId, t.sha256] })],
);

/** Exchange sessions created by `checkauth`; ids and sessid tokens are stored as SHA-256 hashes. */
export const sessions = sqliteTable(
	"sessions",
	{
		idHash: text("id_hash").primaryKey(),
		sessidHash: text("sessid_hash").notNull(),
		nodeId: text("node_id").notNull(),
		createdAt: integer("created_at").notNull(),
		lastSeenAt: integer("last_seen_at").notNull(),
		/** Incremented by `init`: the first `file` chunk of a name in a new epoch truncates. */
		uploadEpoch: integer("upload_epoch").notNull().default(0),
		version: text("version"),
		cmlVersion: text("cml_version"),
		/**
		 * The kind of client that opened the session (`moysklad`, `class365`); null for 1C. A cloud client without the
		 * session cookie continues only a session a cloud client of the same kind opened, never a 1C session.
		 */
		client: text("client"),
	},
	(t) => [index("sessions_node").on(t.nodeId), index("sessions_sessid").on(t.sessidHash)],
);

/** Orders sent by `query` and not yet confirmed by `success`, per session. */
export const pendingBatch = sqliteTable(
	"pending_batch",
	{
		sessionId: text("session_id").notNull(),
		orderId: text("order_id").notNull(),
		revision: integer("revision").notNull(),
		/** The order JSON as sent (kept with the acknowledgement). */
		data: text("data"),
		/** The order's content as sent (exchange's `contentText`), kept with the acknowledgement. */
		content: text("content"),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.orderId] })],
);

/** Uploaded files of a session (sanitised name), with the epoch they were started in. */
export const uploadFiles = sqliteTable(
	"upload_files",
	{
		sessionId: text("session_id").notNull(),
		name: text("name").notNull(),
		epoch: integer("epoch").notNull(),
		size: integer("size").notNull(),
		/** 1 once an `import` completed from this file: the next chunk starts a new file. */
		done: integer("done").notNull().default(0),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.name] })],
);

/** Upload chunks, appended in `seq` order. */
export const uploadChunks = sqliteTable(
	"upload_chunks",
	{
		sessionId: text("session_id").notNull(),
		name: text("name").notNull(),
		seq: integer("seq").notNull(),
		data: blob("data", { mode: "buffer" }).notNull(),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.name, t.seq] })],
);

/**
 * Uploads applied without waiting for `mode=import` (node setting `applyOnUpload`): one row per completed upload of a
 * session (a zip with its central directory, or an xml ending with its root's closing tag). `pending` rows are worked
 * on in time slices by whichever app process claims them (`claimed_until`, epoch ms: a lease, taken with a
 * compare-and-set), so the work survives a restart and is done once; `done`/`failed` rows keep the per-file summary
 * for a later `import` of the same xml. A session with a pending row is never purged.
 */
export const uploadApplies = sqliteTable(
	"upload_applies",
	{
		sessionId: text("session_id").notNull(),
		/** The upload's name (the zip or the xml). */
		name: text("name").notNull(),
		nodeId: text("node_id").notNull(),
		/** `pending`, `done` or `failed`. */
		state: text("state").notNull(),
		/** Lease of the process working on it (epoch ms); 0 = free. */
		claimedUntil: integer("claimed_until").notNull().default(0),
		createdAt: integer("created_at").notNull(),
		/** JSON: `{ entries?: string[], done: { <xml name>: <summary line> } }`. */
		result: text("result").notNull().default("{}"),
		/** Why the apply failed (`<CODE>: <reason>`). */
		error: text("error"),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.name] }), index("upload_applies_state").on(t.state, t.claimedUntil)],
);

/** Documents parsed so far by a time-sliced `import`: one compact JSON record per document (what applying needs). */
export const importDocs = sqliteTable(
	"import_docs",
	{
		sessionId: text("session_id").notNull(),
		sha256: text("sha256").notNull(),
		seq: integer("seq").notNull(),
		doc: text("doc").notNull(),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.sha256, t.seq] })],
);

/**
 * No longer written: the planner of an earlier version kept here, for every staged document that matched a store
 * order, the 1C fields it sets. Kept (and purged with the sessions) so that instances of that version keep working
 * during a rolling upgrade; migrations stay additive, and a later release drops it.
 */
export const importEffects = sqliteTable(
	"import_effects",
	{
		sessionId: text("session_id").notNull(),
		sha256: text("sha256").notNull(),
		orderId: text("order_id").notNull(),
		seq: integer("seq").notNull(),
		/** JSON of the 1C fields this document sets. */
		fields: text("fields").notNull(),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.sha256, t.orderId, t.seq] })],
);

/** Planning scratch: the net change of one order (only changed 1C columns, the mapped status, the feed entry). */
export const importPatches = sqliteTable(
	"import_patches",
	{
		sessionId: text("session_id").notNull(),
		sha256: text("sha256").notNull(),
		orderId: text("order_id").notNull(),
		/**
		 * Written "" since the changed 1C fields are columns; kept for a rolling upgrade, where the previous version still
		 * writes the JSON of the changed fields here (each version applies only its own planning attempt's rows).
		 */
		fields: text("fields").notNull(),
		/** Which 1C columns the patch sets (bit i: the i-th field of the import repository's `COLUMN`). */
		mask: integer("mask").notNull().default(0),
		/** The new values of the fields set (the others are null and ignored). */
		...oneCColumns(),
		/**
		 * The order's revision its new JSON or held conflict was planned from: the applying batch refuses to run when the
		 * order has moved on since (another process wrote it meanwhile), so a store edit is never overwritten.
		 */
		baseRevision: integer("base_revision"),
		/** New store status, or null when unchanged. */
		status: text("status"),
		/** JSON for `order_changes.changes`; "" = no feed event. */
		changes: text("changes").notNull(),
		/** New order JSON (1C's content applied): the revision is bumped and the importing node acknowledges it. */
		data: text("data"),
		/** A held conflict to set (JSON), "" to clear, null to leave. */
		held: text("held"),
		/** 1 when the importing node already has `data` (1C's own content): it acknowledges the new revision. */
		ack: integer("ack").notNull().default(0),
	},
	(t) => [primaryKey({ columns: [t.sessionId, t.sha256, t.orderId] })],
);

/** Planning scratch: store orders to create from unknown 1C order documents (`createOrdersFrom1C`). */
export const importCreates = sqliteTable(
	"import_creates",
	{
		sessionId: text("session_id").notNull(),
		sha256: text("sha256").notNull(),
		seq: integer("seq").notNull(),
		/** The document's number label: one creation per label and per order id. */
		label: text("label").notNull(),
		orderId: text("order_id").notNull(),
		number: text("number").notNull(),
		numberNum: integer("number_num"),
		status: text("status").notNull(),
		createdAt: text("created_at").notNull(),
		data: text("data").notNull(),
		/** JSON of the 1C fields the document sets. */
		fields: text("fields").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.sessionId, t.sha256, t.seq] }),
		uniqueIndex("import_creates_label").on(t.sessionId, t.sha256, t.label),
		uniqueIndex("import_creates_order").on(t.sessionId, t.sha256, t.orderId),
	],
);

/** Failed login attempts (keys `ip:<addr>` and `login:<name>`), for throttling. */
export const loginFailures = sqliteTable(
	"login_failures",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		key: text("key").notNull(),
		at: integer("at").notNull(),
	},
	(t) => [index("login_failures_key_at").on(t.key, t.at)],
);

/**
 * Successful logins per (client address, login), the latest time only: an address that logged in as a login
 * recently is exempt from that login's failure counter (anti lock-out, see the exchange's login throttle).
 */
export const loginSuccesses = sqliteTable(
	"login_successes",
	{
		ip: text("ip").notNull(),
		login: text("login").notNull(),
		at: integer("at").notNull(),
	},
	(t) => [primaryKey({ columns: [t.ip, t.login] }), index("login_successes_at").on(t.at)],
);

/**
 * One row per authenticated `/exim_1c` request. Requests that fail before authentication are not journalled one by
 * one: they are counted in one row per client address, node (when the login names one) and minute (`bucket`, `count`),
 * so unauthenticated traffic grows the table by a constant per address per minute.
 */
export const journal = sqliteTable(
	"journal",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		nodeId: text("node_id"),
		at: text("at").notNull(),
		session: text("session"),
		type: text("type"),
		mode: text("mode"),
		filename: text("filename"),
		bytesIn: integer("bytes_in").notNull().default(0),
		bytesOut: integer("bytes_out").notNull().default(0),
		reply: text("reply").notNull(),
		durationMs: integer("duration_ms").notNull().default(0),
		ordersSent: integer("orders_sent").notNull().default(0),
		ordersAcknowledged: integer("orders_acknowledged").notNull().default(0),
		ordersImported: integer("orders_imported").notNull().default(0),
		error: text("error"),
		/** Client address (capped), recorded on counter rows. */
		ip: text("ip"),
		/** Requests this row stands for (1 for a journalled request, the tally for a counter row). */
		count: integer("count").notNull().default(1),
		/** Counter rows only: `<minute>|<ip>|<node id>`, unique; null for a journalled request. */
		bucket: text("bucket"),
		/** What else the request did, e.g. "applied on upload: <file>: documents: 2, updated: 2, created: 0, unknown: 0". */
		note: text("note"),
		/** The whole text reply (capped; session secrets of `checkauth` left out); `reply` keeps line 1. */
		replyText: text("reply_text"),
		/** Client address and `User-Agent` of the request (the 1C client family and version). */
		userAgent: text("user_agent"),
		/** JSON: `{ orders?: string[] }` (numbers sent by `query`), `{ changes?: [from, to] }` (change-feed cursors of an import). */
		detail: text("detail"),
	},
	(t) => [
		index("journal_node_id").on(t.nodeId, t.id),
		uniqueIndex("journal_bucket").on(t.bucket),
		index("journal_node_at").on(t.nodeId, t.at),
	],
);

/**
 * The identity an order was first exported with to a node: the `Номер` (the store number, or an alias when the node's
 * 1C configuration would cut it or merge it with another order) and the date/time, fixed forever after. `key` is
 * БП's invoice key of that number (`YYYY:P`, P = digits and capital letters, padded/cut to 6), kept for every row so
 * that collision checks also see orders assigned under another configuration. `policy` is the configuration that
 * assigned it, or `legacy` for an order exported before identities existed (it keeps its store number).
 */
export const exportIdentities = sqliteTable(
	"export_identities",
	{
		nodeId: text("node_id").notNull(),
		orderId: text("order_id").notNull(),
		number: text("number").notNull(),
		/** The exported date/time (the order's `createdAt` at first export). */
		date: text("date").notNull(),
		key: text("key").notNull(),
		/** The first 11 characters of `number` (Розница stores and sends back the number cut to 11). */
		cut: text("cut").notNull(),
		policy: text("policy").notNull(),
		createdAt: text("created_at").notNull(),
	},
	(t) => [
		primaryKey({ columns: [t.nodeId, t.orderId] }),
		// two assignments (two processes) never hand out one number or one БП key: the second insert is ignored
		uniqueIndex("export_identities_number").on(t.nodeId, t.number).where(sql`policy <> 'legacy'`),
		uniqueIndex("export_identities_bp_key").on(t.nodeId, t.key).where(sql`policy = 'bp'`),
		index("export_identities_key").on(t.nodeId, t.key),
		// lookups by number go through the cut (a number's cut is a prefix of it; ≤ 11 characters it is the number)
		index("export_identities_cut").on(t.nodeId, t.cut),
		index("export_identities_order").on(t.orderId),
	],
);

/**
 * 1C documents (orders, payments, shipments) of an import that matched no store order, kept with the staged record
 * needed to apply them later (re-matched when the order appears, or attached by an operator). One row per node and
 * `ref` (the document kind plus its 1C `Ид`, number or `Основание`); a re-sent document refreshes it.
 */
export const unmatchedDocuments = sqliteTable(
	"unmatched_documents",
	{
		id: integer("id").primaryKey({ autoIncrement: true }),
		nodeId: text("node_id").notNull(),
		ref: text("ref").notNull(),
		/** `order` or `payment`/`shipment` (a document with `Основание`). */
		kind: text("kind").notNull(),
		oneCId: text("one_c_id"),
		number: text("number"),
		date: text("date"),
		/** `Основание` of a payment/shipment. */
		basis: text("basis"),
		/** The staged record (JSON): what applying it sets. */
		doc: text("doc").notNull(),
		reason: text("reason").notNull(),
		firstSeen: text("first_seen").notNull(),
		lastSeen: text("last_seen").notNull(),
	},
	(t) => [
		uniqueIndex("unmatched_documents_ref").on(t.nodeId, t.ref),
		index("unmatched_documents_number").on(t.number),
		index("unmatched_documents_basis").on(t.basis),
	],
);

/** Small key/value settings of the installation (e.g. the hashed admin token). */
export const meta = sqliteTable("meta", {
	key: text("key").primaryKey(),
	value: text("value").notNull(),
});

/**
 * Leases shared by every instance on this database (many processes behind a proxy, Workers isolates): the export of a
 * node (`export:<node id>`, held by the session between its `query` and `success`) and each kind of background work
 * (`bg:<task>`, held by the instance running it). A lease is taken with one compare-and-set upsert: free, expired, or
 * already this holder's.
 */
export const leases = sqliteTable("leases", {
	/** What is leased, e.g. `export:<node id>` or `bg:journal-retention`. */
	name: text("name").primaryKey(),
	/** Who holds it: a session id hash, or an instance id. */
	holder: text("holder").notNull(),
	/** The client behind the holder (the 1C client's IP for an export lease), so that its new `checkauth` ends the lease. */
	owner: text("owner").notNull().default(""),
	/** When the holder took it first (epoch ms). */
	since: integer("since").notNull(),
	/** The lease ends at this time (epoch ms) unless renewed. */
	until: integer("until").notNull(),
});
