/**
 * @module
 * The `ExchangeStore` port: everything the stateless exchange app keeps between requests.
 * Implemented over libSQL by {@link createLibsqlStore}; any other implementation must keep the same semantics.
 */
import type { Order } from "@obmen/core";
import type {
	AppendResult,
	ChangeRow,
	ExportCandidate,
	ExportFilter,
	ExportIdentity,
	ImportApplication,
	ImportKeys,
	ImportMatch,
	ImportOutcome,
	ImportPlanning,
	ImportRun,
	JournalCount,
	JournalEntry,
	JournalRow,
	LeaseRow,
	MetricsSnapshot,
	NodeActivity,
	NodeRecord,
	OrderPatch,
	PendingItem,
	RewindFilter,
	SessionRecord,
	StoredOrder,
	UnmatchedDocument,
	UploadApply,
} from "./types.ts";

/** Longest text stored in a journal field (type, mode, filename, reply, session, ip); errors get {@link JOURNAL_ERROR_MAX}. */
export const JOURNAL_FIELD_MAX = 200;
/** Longest stored journal error text. */
export const JOURNAL_ERROR_MAX = 1000;
/** How long a successful login is remembered at most (the largest `knownIpDays`, 3650 days). */
export const LOGIN_SUCCESS_KEEP_MS = 3650 * 86_400_000;

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
	/**
	 * Store orders an incoming document refers to: by store number, 1C `Ид`, order id and (with `keys.nodeId`) the
	 * number exported to that node or its 11-character cut — never by the 1C number alone.
	 */
	findImportTargets(keys: ImportKeys): Promise<ImportMatch[]>;
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
	recordPending(sessionId: string, items: PendingItem[]): Promise<void>;
	/**
	 * Forgets what this session's earlier `query` sent (a repeated `query` re-sends it: its reply replaces the batch,
	 * so `success` confirms exactly the last reply). Nothing is acknowledged.
	 */
	clearPending(sessionId: string): Promise<void>;
	/** `success`: acknowledges exactly the pending revisions of this session (never lowers an ack); returns how many. */
	acknowledge(sessionId: string, nodeId: string): Promise<number>;

	// export identities (the Номер/date each order was first exported with, per node)
	/**
	 * The identities of these orders on the node. Orders the node got before identities existed get their `legacy`
	 * row (their store number) first, once per node.
	 */
	getExportIdentities(nodeId: string, orderIds: string[]): Promise<ExportIdentity[]>;
	/** Every node's identity of one order. */
	orderExportIdentities(orderId: string): Promise<ExportIdentity[]>;
	/** Identities of the node that already use one of these numbers or БП keys. */
	findTakenIdentities(nodeId: string, numbers: string[], keys: string[]): Promise<{ orderId: string; number: string; key: string }[]>;
	/**
	 * `query`: stores the new identities (a number or БП key another assignment took meanwhile is ignored, never
	 * duplicated) and records the orders as pending for the session, in one transaction; returns the identities now
	 * stored for the items' orders (an order missing from it lost a race and must be assigned again).
	 */
	recordExport(nodeId: string, sessionId: string, items: PendingItem[], identities: ExportIdentity[]): Promise<ExportIdentity[]>;

	// 1C documents that matched no order
	listUnmatched(nodeId: string, opts: { limit: number; after?: number | null }): Promise<UnmatchedDocument[]>;
	getUnmatched(nodeId: string, id: number): Promise<UnmatchedDocument | null>;
	/** The node's kept documents that some order (by number, id or 1C `Ид`) or export identity may now match. */
	listRematchable(nodeId: string, limit: number): Promise<UnmatchedDocument[]>;
	/** Kept documents (any node) whose number or `Основание` is one of `keys` (at most 1000). */
	findUnmatched(keys: string[]): Promise<UnmatchedDocument[]>;
	/**
	 * Applies a kept document's patch to its order (when not null) and forgets the document, in one transaction. The
	 * patch's new order JSON and held conflict (1C's content, issue #12) apply only while the order is still at
	 * `revision` (when given): the revision the patch was planned against.
	 */
	resolveUnmatched(id: number, nodeId: string, patch: OrderPatch | null, at: string, revision?: number): Promise<boolean>;

	// order content (issue #12)
	/** What `nodeId` last acknowledged of an order: the revision and the order JSON it received (null when unknown). */
	getAck(nodeId: string, orderId: string): Promise<{ revision: number; data: string | null } | null>;
	/** Orders holding a content conflict (at most `limit`, by id). */
	listHeld(limit: number): Promise<StoredOrder[]>;
	/**
	 * Settles a held content conflict in one transaction: clears `held`, sets the new order JSON (when given) and bumps
	 * the revision (when data is given, or `bump`), makes `ackNodeId` acknowledge the new revision (it already has that
	 * content) and appends `event` to the changes feed. false when the order holds no conflict.
	 */
	resolveHeld(
		orderId: string,
		r: { data: string | null; bump: boolean; ackNodeId: string | null; event: Record<string, unknown> },
		at: string,
	): Promise<boolean>;

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
	/**
	 * The node's current exchange session of one client kind: its most recently created session opened by that kind
	 * (`"1c"`, the default, matches sessions with no `client`), or null. Cloud clients (МойСклад, Класс365) send
	 * neither the cookie nor `sessid`, so their requests work on this session — never on a session 1C opened, whose
	 * pending batch a cloud `success` must not acknowledge.
	 */
	getCurrentSession(nodeId: string, client?: string): Promise<SessionRecord | null>;
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

	// apply on upload (node setting `applyOnUpload`)
	/**
	 * Records that the upload `name` of the session is complete and must be applied: a `pending` row (replacing an
	 * earlier row of the same name) and the upload marked done, so the next chunk of that name starts a new file.
	 */
	queueUploadApply(sessionId: string, name: string, nodeId: string, at: number): Promise<void>;
	getUploadApply(sessionId: string, name: string): Promise<UploadApply | null>;
	/**
	 * Takes the lease of a pending apply (compare-and-set: only when it is free or its lease ended before `now`), for
	 * `leaseMs`. True when this caller got it; with two app processes on one database exactly one does.
	 */
	claimUploadApply(sessionId: string, name: string, now: number, leaseMs: number): Promise<boolean>;
	/**
	 * Extends a lease the caller still holds — the apply's lease end is still `heldUntil`, the value its claim (or last
	 * renewal) set — to `until`. False when the lease was lost (it ended and another worker claimed it, or the apply
	 * is no longer pending). One statement of its own, outside the store's write queue: the caller may be planning an
	 * import, which holds the queue.
	 */
	renewUploadApply(sessionId: string, name: string, heldUntil: number, until: number): Promise<boolean>;
	/**
	 * Saves progress (`result`), optionally the final state, and frees the lease. With `heldUntil` (the lease end the
	 * caller's claim or last renewal set) only while the caller still holds the lease: false when another worker took
	 * it meanwhile (nothing is saved; that worker's progress stands).
	 */
	saveUploadApply(
		sessionId: string,
		name: string,
		patch: { result: UploadApply["result"]; state?: "done" | "failed"; error?: string | null },
		heldUntil?: number,
	): Promise<boolean>;
	/** Pending applies whose lease is free at `now`, oldest first. */
	listClaimableApplies(now: number, limit: number): Promise<UploadApply[]>;

	// import
	isImported(nodeId: string, sha256: string): Promise<boolean>;
	/** Time-sliced import: how many documents of this content are staged so far. */
	countImportDocs(sessionId: string, sha256: string): Promise<number>;
	/** Stages parsed documents (compact JSON records) at positions `startSeq…`; existing positions are kept. */
	addImportDocs(sessionId: string, sha256: string, startSeq: number, docs: string[]): Promise<void>;
	/**
	 * Marks that this content is being imported without staging (planned as it is parsed). False when it was marked
	 * before: that attempt did not finish (given up, or its process died), so this one stages instead — every attempt
	 * after the first makes progress. The mark is a staging row at position -1 (not counted, dropped with the staging).
	 */
	beginDirectImport(sessionId: string, sha256: string): Promise<boolean>;
	/**
	 * Applies an import under the in-process write lock: `plan` reads the documents in pages (staged ones, or from
	 * the parser) and fills the planning scratch tables (bounded memory); then ONE write transaction applies every
	 * patch and creation set-based, adds the ledger row and drops the staging and scratch rows, all or nothing.
	 * Ledger hit → no-op, returns null. Throws {@link StoreBusyError} (nothing applied) when a patch carrying new order
	 * JSON or a held conflict was planned from a revision its order has left since (`OrderPatch.baseRevision`: another
	 * process wrote it) — unless `replan` is given: then the batch is refused, those orders are given to `replan`, which
	 * adds their patches again from the orders as they are now (or drops them), and the batch runs again, a few times at
	 * most; only then is the import busy. Without `replan` the caller plans the file again.
	 */
	runImport(
		run: ImportRun,
		sessionId: string,
		plan: (p: ImportPlanning) => Promise<void>,
		replan?: (orderIds: string[], p: ImportPlanning) => Promise<void>,
	): Promise<ImportOutcome | null>;
	/**
	 * {@link ExchangeStore.runImport} for a plan already in memory (made outside the lock: a patch's `baseRevision`
	 * still guards its order). Ledger hit → no-op, returns false.
	 */
	applyImport(app: ImportApplication, sessionId: string): Promise<boolean>;

	// throttling
	/** The largest number of failures recorded for any of the keys at or after `since` (epoch ms). */
	countFailures(keys: string[], since: number): Promise<number>;
	recordFailure(keys: string[], at: number): Promise<void>;
	/** When `login` last logged in successfully from `ip` at or after `since` (epoch ms), or null. */
	lastLoginSuccess(ip: string, login: string, since: number): Promise<number | null>;
	/**
	 * Records a successful login of `login` from `ip` (keeps the latest time; rows older than
	 * {@link LOGIN_SUCCESS_KEEP_MS}, the longest `knownIpDays`, are dropped).
	 */
	recordLoginSuccess(ip: string, login: string, at: number): Promise<void>;

	// journal
	/** Journals one request; every text field is capped ({@link JOURNAL_FIELD_MAX}). */
	addJournal(entry: JournalEntry): Promise<void>;
	/** Counts a request that failed before authentication in its (minute, address, node) row; fields capped. */
	countJournal(entry: JournalCount): Promise<void>;
	/**
	 * Deletes at most `limit` journal rows of `nodeId` (null = rows of no node) older than `before` (ISO), oldest first,
	 * in one short write transaction; returns how many. Callers loop while it returns `limit`.
	 */
	pruneJournal(nodeId: string | null, before: string, limit: number): Promise<number>;
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

	// coordination between instances on one database (lease-repo.ts)
	/**
	 * Stores `value` under `key` unless a value is already there (first writer wins; start-up seeding of several
	 * instances at once); returns the value now stored.
	 */
	initMeta(key: string, value: string): Promise<string>;
	/**
	 * Takes or renews a lease until `now + ttlMs` (compare-and-set: only when it is free, ended before `now`, or already
	 * held by `lease.holder`). When it is held by someone else, returns that lease.
	 */
	acquireLease(
		lease: { name: string; holder: string; owner?: string },
		now: number,
		ttlMs: number,
	): Promise<{ acquired: true; lease: null } | { acquired: false; lease: LeaseRow | null }>;
	/** Ends a lease if `holder` (or the client `owner`) holds it; true when one was ended. */
	releaseLease(name: string, by: { holder: string } | { owner: string }): Promise<boolean>;
	getLease(name: string): Promise<LeaseRow | null>;

	// monitoring (metrics-repo.ts)
	/** Counts for `/metrics` read at scrape time (`now`: epoch ms, for leases and the last hour of login failures). */
	metricsSnapshot(now: number): Promise<MetricsSnapshot>;
	/** Resolves when all queued writes are done. */
	idle(): Promise<void>;
	close(): void;
}
