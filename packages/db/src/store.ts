/**
 * @module The `ExchangeStore` port: everything the stateless exchange app keeps between requests.
 * Implemented over libSQL by {@link createLibsqlStore}; any other implementation must keep the same semantics.
 */
import type { Order } from "@obmen/core";
import type {
	AppendResult,
	ChangeRow,
	ExportCandidate,
	ExportFilter,
	ImportApplication,
	ImportKeys,
	ImportOutcome,
	ImportPlanning,
	ImportRun,
	JournalEntry,
	JournalRow,
	NodeActivity,
	NodeRecord,
	RewindFilter,
	SessionRecord,
	StoredOrder,
} from "./types.ts";

/** Result of a site-side order upsert (`PUT /api/v1/orders/{id}`). */
export interface UpsertResult {
	created: boolean;
	/** False when the stored JSON was already identical (no revision bump, no change event). */
	changed: boolean;
	revision: number;
}

/** Storage used by `createExchangeApp`. All writes are serialised in-process. */
export interface ExchangeStore {
	// orders (site side)
	/** Creates or replaces a store order; bumps its revision only if the content changed (site-originated change). */
	upsertOrder(order: Order, at: string): Promise<UpsertResult>;
	getOrder(id: string): Promise<StoredOrder | null>;
	/** Orders by id, `cursor` = last id of the previous page. */
	listOrders(opts: { limit: number; cursor?: string | null }): Promise<{ items: StoredOrder[]; nextCursor: string | null }>;
	/** Candidates for matching incoming 1C documents: by site number, stored 1C `Ид`, stored 1C number or order id. */
	findOrdersForImport(keys: ImportKeys): Promise<StoredOrder[]>;
	/** Store status codes seen, with counts. */
	statusCounts(): Promise<{ code: string; count: number }[]>;
	/** Distinct payment and shipping methods seen in orders (for `mode=info`). */
	methods(): Promise<{ payment: string[]; shipping: string[] }>;
	listChanges(opts: { after: number; limit: number }): Promise<ChangeRow[]>;

	// nodes
	createNode(node: NodeRecord): Promise<void>;
	getNode(id: string): Promise<NodeRecord | null>;
	getNodeByLogin(login: string): Promise<NodeRecord | null>;
	getNodeByName(name: string): Promise<NodeRecord | null>;
	listNodes(): Promise<NodeRecord[]>;
	/** Updates a node; a changed password hash ends all its sessions (with their batches and uploads). */
	updateNode(node: NodeRecord): Promise<void>;
	/** Deletes the node with its sessions, acks and journal. */
	deleteNode(id: string): Promise<boolean>;

	// export handshake (query / success)
	/** Orders whose revision is newer than this node acknowledged, filtered, ordered by revision. No side effects. */
	selectExport(nodeId: string, filter: ExportFilter): Promise<ExportCandidate[]>;
	/** Records orders sent by `query` as pending for the session. */
	recordPending(sessionId: string, items: { orderId: string; revision: number }[]): Promise<void>;
	/** `success`: acknowledges exactly the pending revisions of this session (never lowers an ack); returns how many. */
	acknowledge(sessionId: string, nodeId: string): Promise<number>;

	// sessions
	/**
	 * Stores a new session and purges expired ones (created before `purgeBefore`, epoch ms) and the node's oldest
	 * beyond the newest `MAX_SESSIONS_PER_NODE` (20), with their pending batches and uploads.
	 */
	createSession(session: SessionRecord, purgeBefore: number): Promise<void>;
	getSession(idHash: string): Promise<SessionRecord | null>;
	/**
	 * The session of `nodeId` whose `sessid` hashes to `sessidHash` (1C clients that lost the cookie still send
	 * `sessid`; the caller must have verified that node's Basic credentials), or null.
	 */
	getSessionBySessid(sessidHash: string, nodeId: string): Promise<SessionRecord | null>;
	touchSession(idHash: string, now: number): Promise<void>;
	/** `init`: a new upload epoch (the next chunk of each name truncates), remembers `version`/`cmlVersion`. */
	startUploadEpoch(idHash: string, version: string | null, cmlVersion: string | null): Promise<void>;
	deleteSession(idHash: string): Promise<void>;

	// uploads
	/** Appends a chunk (truncating first when the file was started in an older epoch or finished), enforcing caps. */
	appendChunk(
		sessionId: string,
		name: string,
		epoch: number,
		bytes: Uint8Array,
		caps: { maxFileBytes: number; maxSessionBytes: number },
	): Promise<AppendResult>;
	/** The whole upload (small files and tests), or null when there is none. */
	readUpload(sessionId: string, name: string): Promise<Uint8Array | null>;
	/** The upload as its stored chunks, a few MiB per database read (bounded memory); empty when there is none. */
	readUploadChunks(sessionId: string, name: string): AsyncIterable<Uint8Array>;
	listUploads(sessionId: string): Promise<string[]>;
	markUploadDone(sessionId: string, name: string): Promise<void>;

	// import
	isImported(nodeId: string, sha256: string): Promise<boolean>;
	/** Time-sliced import: how many documents of this content are staged so far. */
	countImportDocs(sessionId: string, sha256: string): Promise<number>;
	/** Stages parsed documents (compact JSON records) at positions `startSeq…`; existing positions are kept. */
	addImportDocs(sessionId: string, sha256: string, startSeq: number, docs: string[]): Promise<void>;
	/**
	 * Applies an import under the in-process write lock: `plan` reads the staged documents in pages and fills the
	 * planning scratch tables (bounded memory); then ONE write transaction applies every patch and creation
	 * set-based, adds the ledger row and drops the scratch rows, all or nothing. Ledger hit → no-op, returns null.
	 */
	runImport(run: ImportRun, sessionId: string, plan: (p: ImportPlanning) => Promise<void>): Promise<ImportOutcome | null>;
	/** {@link ExchangeStore.runImport} for a plan already in memory. Ledger hit → no-op, returns false. */
	applyImport(app: ImportApplication, sessionId: string): Promise<boolean>;

	// throttling
	/** The largest number of failures recorded for any of the keys at or after `since` (epoch ms). */
	countFailures(keys: string[], since: number): Promise<number>;
	recordFailure(keys: string[], at: number): Promise<void>;
	/** When `login` last logged in successfully from `ip` at or after `since` (epoch ms), or null. */
	lastLoginSuccess(ip: string, login: string, since: number): Promise<number | null>;
	/** Records a successful login of `login` from `ip` (keeps the latest time; rows older than 1 h are dropped). */
	recordLoginSuccess(ip: string, login: string, at: number): Promise<void>;

	// journal
	addJournal(entry: JournalEntry): Promise<void>;
	listJournal(nodeId: string, opts: { limit: number; before?: number | null; errorsOnly?: boolean }): Promise<JournalRow[]>;

	// operator's console
	/**
	 * Sends these orders to the node again: its acknowledgements of them are forgotten, so the next `query` (and the
	 * preview) includes them even if unchanged. Returns the ids that exist and are exportable (revision > 0).
	 */
	resendOrders(nodeId: string, orderIds: string[]): Promise<string[]>;
	/** Like {@link ExchangeStore.resendOrders} for every order matching the filter; returns how many. */
	rewindExport(nodeId: string, filter: RewindFilter): Promise<number>;
	/** Marks an order deleted and bumps its revision (it goes to every node once more); null when there is no such order. */
	markOrderDeleted(id: string, at: string): Promise<{ revision: number } | null>;
	/** Removes orders marked deleted that every node acknowledged at their current revision; returns how many. */
	purgeDeletedOrders(): Promise<number>;
	/** How many orders wait for this node under the filter (what `selectExport` would return without a limit). */
	countExport(nodeId: string, filter: Omit<ExportFilter, "limit" | "session">): Promise<number>;
	/** Per node id: the latest exchange request and the latest successful one. */
	nodeActivity(): Promise<Map<string, NodeActivity>>;

	// misc
	getMeta(key: string): Promise<string | null>;
	setMeta(key: string, value: string): Promise<void>;
	/** Resolves when all queued writes are done. */
	idle(): Promise<void>;
	close(): void;
}
