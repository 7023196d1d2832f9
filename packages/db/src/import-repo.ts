/**
 * @module
 * Applying a 1C file: the content-hash ledger (re-import = no-op), time-sliced parse staging (files not planned as
 * they are parsed), planning scratch tables filled in pages (keyed per planning attempt; on a local database the
 * connection's own TEMP tables, {@link tempScratch}), and the single write transaction that applies every document of
 * the file.
 *
 * Memory stays bounded whatever the file size (docs/reliability.md §3.3: 100k statements in one `batch()` cost ~500 MB):
 * the planner reads documents (staged, or from the parser) and their matched orders in pages and appends each
 * order's net patch and each order to create to scratch tables in
 * batches of at most {@link SCRATCH_ROWS_PER_COMMIT} rows; the applying transaction is a handful of set-based statements (`INSERT … SELECT`
 * into the narrow `order_one_c` rows, `UPDATE … FROM import_patches` of the orders whose status, JSON or held conflict
 * changes), so SQLite, not JavaScript, walks the rows. Planning runs under the in-process write mutex, so
 * no write of this process lands between planning and applying (other writes of the process wait: with a file planned
 * as it is parsed, the parse too, ~10 s for 100 MB); the SQLite write lock is held only for the final batch, so other
 * processes keep writing. A patch that gives an order new JSON or a held conflict records the revision it was planned
 * from; when another process wrote the order meanwhile, the final batch refuses to run, so a stale plan never overwrites
 * a store edit: the orders that moved on are planned again (`runImport`'s `replan`) and the batch runs again, a few times
 * at most, before {@link StoreBusyError} (nothing is applied, and the file is planned again).
 */
import type { InStatement, ResultSet, Row } from "@libsql/client";
import { StoreBusyError } from "./errors.ts";
import { unmatchedUpserts } from "./identity-repo.ts";
import { D1_MAX_PARAMETERS, type JsonRowValue, rowChars, rowInserts } from "./json-rows.ts";
import { cutNumber } from "./order-keys.ts";
import { numberValue } from "./orders-repo.ts";
import type { ExchangeStore } from "./store.ts";
import type {
	ImportCandidate,
	ImportKeys,
	ImportMatch,
	ImportOutcome,
	ImportPlanning,
	ImportRun,
	ImportTarget,
	OneCFields,
	UnmatchedInput,
} from "./types.ts";
import { sqlBool, str } from "./values.ts";
import type { SqlClient, StoreContext } from "./write-queue.ts";

type ImportRepo = Pick<
	ExchangeStore,
	"isImported" | "countImportDocs" | "addImportDocs" | "beginDirectImport" | "runImport" | "applyImport" | "findImportTargets"
>;

/** @internal 1C field → column. */
export const COLUMN: Record<keyof OneCFields, string> = {
	id: "one_c_id",
	number: "one_c_number",
	date: "one_c_date",
	posted: "posted",
	paid: "paid",
	paidAt: "paid_at",
	paymentNumber: "payment_number",
	shipped: "shipped",
	shippedAt: "shipped_at",
	shipmentNumber: "shipment_number",
	cancelled: "cancelled",
	deleted: "deleted",
	final: "final",
	status: "one_c_status",
	statusId: "one_c_status_id",
	content: "one_c_content",
};
const FIELDS = Object.keys(COLUMN) as (keyof OneCFields)[];
const BOOLEAN_FIELDS = new Set<keyof OneCFields>(["posted", "paid", "shipped", "cancelled", "deleted", "final"]);
/** The bit of each field in `import_patches.mask` (set: the patch sets that column); 16 fields, far from 31. */
const BIT = new Map(FIELDS.map((k, i) => [k, 1 << i]));

/** Statements per scratch batch. */
const STATEMENTS_PER_BATCH = 50;
/**
 * Scratch rows the planner buffers before committing them together (remote libSQL): each commit waits for the disk
 * (~10 ms), and scratch rows need no commit of their own per page (a 45,000-document file: 90 commits → under 20).
 * On D1 each page is committed as it comes (its batches stay small), and so are the TEMP tables' (no commit at all).
 */
const SCRATCH_ROWS_PER_COMMIT = 5000;
/** …and at most this many characters of values (rows may carry whole orders: memory stays bounded). */
const SCRATCH_CHARS_PER_COMMIT = 4_000_000;
/**
 * Times the orders a refused applying batch found moved on are planned again (`runImport`'s `replan`) before the
 * import gives up as busy: each time only those orders are read and planned, and the batch runs at once, so another
 * process would have to write one of them within that moment again.
 */
const REPLANS = 3;
/** Patches per ranged UPDATE of the applying transaction. */
const UPDATE_ROWS = 1000;

/**
 * @internal The `sha256` value under which one planning attempt of the file `sha256` keeps its scratch rows: the
 * hash's first 16 digits and 64 random bits, so two planners of the same file (two instances, a retry racing the
 * original) never read, replace or delete each other's rows. Short, because every scratch row and its key index
 * carry it (a full hash and a UUID: ~6 MB more written for 45,000 patches).
 */
export function scratchKey(sha256: string): string {
	const random = Array.from(crypto.getRandomValues(new Uint8Array(8)), (b) => b.toString(16).padStart(2, "0")).join("");
	return `${sha256.slice(0, 16)}#${random}`;
}

/**
 * @internal Where one import keeps its planning scratch: the database's shared tables (their rows keyed by session and
 * planning attempt, purged with the session), or, on a client that runs every call on one connection, TEMP tables of
 * that connection made for the attempt ({@link tempScratch}); `temp` tells which.
 */
export interface ScratchTables {
	patches: string;
	creates: string;
	temp: boolean;
}

/** @internal The shared scratch tables (D1, remote libSQL: each call may be another connection). */
export const SHARED_SCRATCH: ScratchTables = { patches: "import_patches", creates: "import_creates", temp: false };

/**
 * @internal The TEMP tables of one planning attempt on a single-connection client (local libSQL through
 * {@link SqlClient.singleConnection}), named after the attempt: never in the WAL, so the planner's pages cost no
 * commits, the applying transaction's commit carries only the orders' changes, and another process never sees them.
 * Dropped whole by the applying transaction (or when the attempt fails): no row is visited, and another store on the
 * same connection keeps its own. `temp_store` is FILE, so they spill to a temporary file rather than grow the heap.
 */
export function tempScratch(attempt: string): ScratchTables {
	const suffix = attempt.replace(/[^0-9a-z]/gi, "_");
	return { patches: `temp.plan_patches_${suffix}`, creates: `temp.plan_creates_${suffix}`, temp: true };
}

/** The scratch tables as a list (emptied by the applying transaction, and when an attempt fails). */
function scratchList(t: ScratchTables): string[] {
	return [t.patches, t.creates];
}

/** The statements removing one attempt's scratch (`key`: session, attempt): its rows, or its TEMP tables. */
function scratchDeletes(t: ScratchTables, key: string[]): InStatement[] {
	return scratchList(t).map((table) =>
		t.temp
			? { sql: `DROP TABLE IF EXISTS ${table}`, args: [] }
			: { sql: `DELETE FROM ${table} WHERE session_id = ? AND sha256 = ?`, args: key },
	);
}

/**
 * @internal The DDL of one attempt's TEMP scratch tables and indexes ({@link tempScratch}) from the shared tables' own
 * DDL (`sqlite_master.sql`), so the copies always have the shape the migrations gave the originals: `import_x` becomes
 * `temp.plan_x_<attempt>`.
 */
export function tempScratchDdl(sql: string, t: ScratchTables): string {
	const m = /^CREATE\s+(UNIQUE\s+)?(TABLE|INDEX)\s+[`"]?(\w+)[`"]?(\s+ON\s+[`"]?(\w+)[`"]?)?/i.exec(sql);
	if (!m) throw new Error(`unexpected scratch DDL: ${sql.slice(0, 80)}`);
	const suffix = t.patches.slice("temp.plan_patches_".length);
	const rename = (n: string) => `${n.replace(/^import_/, "plan_")}_${suffix}`;
	const [head, unique = "", kind, name = "", , table] = m;
	const rest = sql.slice(head.length);
	return kind?.toUpperCase() === "TABLE"
		? `CREATE TEMP TABLE ${rename(name)}${rest}`
		: `CREATE ${unique}INDEX temp.${rename(name)} ON ${rename(table ?? "")}${rest}`;
}

/** A 1C column's value as stored (booleans 0/1) → the field's value. */
function fieldValue(k: keyof OneCFields, v: unknown): unknown {
	if (v === null || v === undefined) return null;
	return BOOLEAN_FIELDS.has(k) ? Number(v) !== 0 : String(v);
}

/** The patch's 1C fields as `import_patches` columns: the mask of those it sets, then one value per field. */
function patchColumns(set: Partial<OneCFields>): JsonRowValue[] {
	let mask = 0;
	const values = FIELDS.map((k): JsonRowValue => {
		const v = set[k];
		if (v === undefined) return null;
		mask |= BIT.get(k) ?? 0;
		return typeof v === "boolean" ? sqlBool(v) : v;
	});
	return [mask, ...values];
}

/** The 1C fields a patch row sets (its mask's columns). */
function rowSet(r: Row): Partial<OneCFields> {
	const mask = Number(r.mask);
	const set: Record<string, unknown> = {};
	for (const k of FIELDS) if (mask & (BIT.get(k) ?? 0)) set[k] = fieldValue(k, r[COLUMN[k]]);
	return set as Partial<OneCFields>;
}

/** The set fields of a patch without its `undefined` entries (what the patch row keeps). */
function definedSet(set: Partial<OneCFields>): Partial<OneCFields> {
	const out: Record<string, unknown> = {};
	for (const k of FIELDS) if (set[k] !== undefined) out[k] = set[k];
	return out as Partial<OneCFields>;
}

/**
 * Patches of one planning attempt (`?`, `?`: session, attempt) planned from a revision their order has left
 * (`what`: the column selected, e.g. `p.order_id`).
 */
function movedOn(t: ScratchTables, what = "1"): string {
	return `SELECT ${what} FROM ${t.patches} p JOIN orders o ON o.id = p.order_id
	WHERE p.session_id = ? AND p.sha256 = ? AND p.base_revision IS NOT NULL AND o.revision <> p.base_revision`;
}

/**
 * @internal The statements of the applying transaction: set-based, so their number does not grow with the file.
 * The first and the last statement read the changes-feed cursor (the range of this import's events).
 */
export function applyStatements(
	run: ImportRun,
	sessionId: string,
	bounds: string[] = [],
	attempt = run.sha256,
	t: ScratchTables = SHARED_SCRATCH,
): InStatement[] {
	// staged documents are keyed by the file's hash, scratch rows by the planning attempt (scratchKey)
	const staged = [sessionId, run.sha256];
	const key = [sessionId, attempt];
	const pick = (table: string, k: keyof OneCFields) => `json_extract(${table}.fields, '$.${k}')`;
	const cols = FIELDS.map((k) => COLUMN[k]).join(", ");
	// each set column from the patch, the others as they are (no row yet: null)
	const merged = FIELDS.map((k) => `CASE WHEN p.mask & ${BIT.get(k)} THEN p.${COLUMN[k]} ELSE c.${COLUMN[k]} END`).join(", ");
	// the statements read and write ranges of at most UPDATE_ROWS patches in order-id order: SQLite materialises the
	// FROM side of an UPDATE … FROM, and the SELECT of an INSERT that reads its own table (~1 KB a row in memory)
	const ranges = [...bounds.map((b, i) => [bounds[i - 1] ?? null, b] as const), [bounds.at(-1) ?? null, null] as const];
	const rangeOf = (from: string | null, to: string | null) => {
		const args: string[] = [];
		let sql = "";
		if (from !== null) {
			sql += " AND p.order_id > ?";
			args.push(from);
		}
		if (to !== null) {
			sql += " AND p.order_id <= ?";
			args.push(to);
		}
		return { sql, args };
	};
	const updates = ranges.flatMap(([from, to]): InStatement[] => {
		const range = rangeOf(from, to);
		return [
			{
				// 1C's columns: a narrow row of their own, written for every matched order (its last import) that still
				// exists (another process may have purged it since it was planned)
				sql: `INSERT INTO order_one_c (order_id, ${cols}, last_import_at)
					SELECT p.order_id, ${merged}, ? FROM ${t.patches} p JOIN orders o ON o.id = p.order_id
						LEFT JOIN order_one_c c ON c.order_id = p.order_id
					WHERE p.session_id = ? AND p.sha256 = ?${range.sql} ORDER BY p.order_id
					ON CONFLICT(order_id) DO UPDATE SET ${FIELDS.map((k) => `${COLUMN[k]} = excluded.${COLUMN[k]}`).join(", ")},
						last_import_at = excluded.last_import_at`,
				args: [run.at, ...key, ...range.args],
			},
			{
				// the order's own row only when its status, JSON or held conflict changes
				// new JSON without a new status keeps the status the order has now: another process may have changed only
				// the status since the JSON was planned (a status change keeps the revision, so the guard cannot see it)
				sql: `UPDATE orders SET status = coalesce(p.status, orders.status),
					data = CASE WHEN p.status IS NOT NULL THEN json_set(coalesce(p.data, orders.data), '$.status', p.status, '$.statusChangedAt', ?)
						WHEN p.data IS NULL THEN orders.data
						WHEN json_type(orders.data, '$.statusChangedAt') IS NULL THEN json_remove(json_set(p.data, '$.status', orders.status), '$.statusChangedAt')
						ELSE json_set(p.data, '$.status', orders.status, '$.statusChangedAt', json_extract(orders.data, '$.statusChangedAt')) END,
					revision = CASE WHEN p.data IS NULL THEN orders.revision ELSE (SELECT max(revision) FROM orders) + 1 END,
					updated_at = CASE WHEN p.data IS NULL THEN orders.updated_at ELSE p.at END,
					held = CASE WHEN p.held IS NULL THEN orders.held WHEN p.held = '' THEN NULL ELSE p.held END
					FROM (SELECT p.*, ? AS at FROM ${t.patches} p WHERE p.session_id = ? AND p.sha256 = ?${range.sql}
						AND (p.status IS NOT NULL OR p.data IS NOT NULL OR p.held IS NOT NULL)) p WHERE p.order_id = orders.id`,
				args: [run.at, run.at, ...key, ...range.args],
			},
		];
	});
	return [
		"SELECT coalesce(max(cursor), 0) AS c FROM order_changes",
		// an order whose new JSON or held conflict was planned from a revision it has left (another process wrote it
		// while the file was planned) aborts the batch: a row the ledger's NOT NULL refuses (SQLite has no RAISE outside
		// triggers); runImport plans those orders again from what they are now and runs the batch again (`replan`, a few
		// rounds), else reports it as busy and the file is planned again
		{
			sql: `INSERT INTO import_ledger (node_id, sha256, filename, at, documents, applied)
				SELECT NULL, '', '', '', 0, 0 WHERE EXISTS (${movedOn(t)})`,
			args: key,
		},
		...updates,
		{
			sql: `INSERT INTO order_changes (order_id, node_id, at, changes)
				SELECT order_id, ?, ?, changes FROM ${t.patches} WHERE session_id = ? AND sha256 = ? AND changes <> '' ORDER BY order_id`,
			args: [run.nodeId, run.at, ...key],
		},
		{
			// 1C's content applied: the node already has it (no echo); other nodes get the new revision
			sql: `INSERT INTO node_acks (node_id, order_id, acked_revision, data)
				SELECT ?, o.id, o.revision, o.data FROM ${t.patches} p JOIN orders o ON o.id = p.order_id
				WHERE p.session_id = ? AND p.sha256 = ? AND p.data IS NOT NULL AND p.ack = 1 AND true
				ON CONFLICT(node_id, order_id) DO UPDATE SET acked_revision = excluded.acked_revision, data = excluded.data, content = NULL`,
			args: [run.nodeId, ...key],
		},
		{
			// before the insert, so an id that already exists (INSERT OR IGNORE below) gets no "created" event
			sql: `INSERT INTO order_changes (order_id, node_id, at, changes)
				SELECT c.order_id, ?, ?, '{"source":"1c","type":"created"}' FROM ${t.creates} c
				WHERE c.session_id = ? AND c.sha256 = ? AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.order_id) ORDER BY c.seq`,
			args: [run.nodeId, run.at, ...key],
		},
		{
			// before the orders, so an id that already exists keeps what 1C told about it (as it keeps its row)
			sql: `INSERT OR REPLACE INTO order_one_c (order_id, ${cols}, last_import_at)
				SELECT c.order_id, ${FIELDS.map((k) => pick("c", k)).join(", ")}, ? FROM ${t.creates} c
				WHERE c.session_id = ? AND c.sha256 = ? AND NOT EXISTS (SELECT 1 FROM orders o WHERE o.id = c.order_id) ORDER BY c.seq`,
			args: [run.at, ...key],
		},
		{
			sql: `INSERT OR IGNORE INTO orders (id, number, number_num, status, created_at, data, revision, updated_at)
				SELECT order_id, number, number_num, status, created_at, data, 0, ? FROM ${t.creates}
				WHERE session_id = ? AND sha256 = ? ORDER BY seq`,
			args: [run.at, ...key],
		},
		{
			sql: `INSERT INTO import_ledger (node_id, sha256, filename, at, documents, applied)
				VALUES (?, ?, ?, ?, ?, (SELECT count(*) FROM ${t.patches} WHERE session_id = ? AND sha256 = ?)
					+ (SELECT count(*) FROM ${t.creates} WHERE session_id = ? AND sha256 = ?))`,
			args: [run.nodeId, run.sha256, run.filename, run.at, run.documents, ...key, ...key],
		},
		{ sql: `SELECT count(*) AS n FROM ${t.patches} WHERE session_id = ? AND sha256 = ?`, args: key },
		{ sql: `SELECT count(*) AS n FROM ${t.creates} WHERE session_id = ? AND sha256 = ?`, args: key },
		{ sql: "DELETE FROM import_docs WHERE session_id = ? AND sha256 = ?", args: staged },
		...scratchDeletes(t, key),
		"SELECT coalesce(max(cursor), 0) AS c FROM order_changes",
	];
}

/**
 * @internal The SQL condition and arguments selecting the store orders an incoming 1C document may refer to: by store
 * number, stored 1C `Ид`, order id, and — for `keys.nodeId` (`?1`) — the number the order was exported with to that
 * node or its 11-character cut. Never by the 1C number alone: 1C numbers restart every year (a payment would land on
 * another order).
 */
function candidatesOf({ numbers, oneCIds, orderIds = [], nodeId }: ImportKeys): { where: string; args: string[] } {
	const json = (a: string[]) => JSON.stringify(a);
	// one index range per key: the exported number's cut equals the key (Розница sends the cut back) or the key's cut
	// (the exact number); the planner tells the two apart
	const cuts = [...new Set([...numbers, ...numbers.map(cutNumber)])];
	const exported = nodeId
		? "OR id IN (SELECT order_id FROM export_identities WHERE node_id = ?1 AND cut IN (SELECT value FROM json_each(?5)))"
		: "";
	return {
		where: `o.id IN (SELECT id FROM orders WHERE number IN (SELECT value FROM json_each(?2))
			OR id IN (SELECT order_id FROM order_one_c WHERE one_c_id IN (SELECT value FROM json_each(?3)))
			OR id IN (SELECT value FROM json_each(?4)) ${exported})`,
		args: [nodeId ?? "", json(numbers), json(oneCIds), json(orderIds), json(cuts)],
	};
}

/** What the applying batch's results tell (see {@link applyStatements}). */
function outcomeOf(rs: ResultSet[], tables: ScratchTables): ImportOutcome {
	const n = (i: number, col: string) => Number(rs[i]?.rows[0]?.[col] ?? 0);
	// … the two counts, the DELETEs of import_docs and of the scratch tables, the last cursor
	const counts = rs.length - 1 - (1 + scratchList(tables).length) - 2;
	return { cursorFrom: n(0, "c"), updated: n(counts, "n"), created: n(counts + 1, "n"), cursorTo: n(rs.length - 1, "c") };
}

/** @internal Store orders an incoming 1C document may refer to ({@link candidatesOf}), as matching needs them. */
export async function findTargets(client: SqlClient, keys: ImportKeys): Promise<ImportMatch[]> {
	const { where, args } = candidatesOf(keys);
	const rs = await client.execute({
		sql: `SELECT o.id, o.number, c.one_c_id, c.one_c_number, i.number AS exported FROM orders o
			LEFT JOIN order_one_c c ON c.order_id = o.id
			LEFT JOIN export_identities i ON i.node_id = ?1 AND i.order_id = o.id WHERE ${where} ORDER BY o.id`,
		args,
	});
	return rs.rows.map((r) => ({
		id: String(r.id),
		number: String(r.number),
		oneCId: str(r, "one_c_id"),
		oneCNumber: str(r, "one_c_number"),
		exported: str(r, "exported"),
	}));
}

/**
 * @internal The same orders with what planning needs of them ({@link ImportCandidate}), in one query. The small
 * values travel as one JSON array: the driver builds each row column by column, and 25 columns cost twice what 3
 * do (45,000 rows: ~1.3 s against ~0.6 s). The acknowledged JSON only when it differs from the order's: equal, the
 * store's content is the base (content-sync.ts); the acknowledged content text (node_acks.content) as it is; and the
 * order JSON not at all where that content stands in for it ({@link ImportKeys.sentStandsIn}).
 */
export async function findCandidates(client: SqlClient, keys: ImportKeys, importingNode: string): Promise<ImportCandidate[]> {
	const { where, args } = candidatesOf(keys);
	const rs = await client.execute({
		sql: `SELECT CASE WHEN ?7 AND a.content IS NOT NULL AND a.data = o.data THEN NULL ELSE o.data END AS data,
				nullif(a.data, o.data) AS acked_data, a.content AS acked_content, json_array(o.id, o.number, o.status, o.revision, o.held,
				a.acked_revision, i.number, ${FIELDS.map((k) => `c.${COLUMN[k]}`).join(", ")}) AS f
			FROM orders o LEFT JOIN order_one_c c ON c.order_id = o.id LEFT JOIN export_identities i ON i.node_id = ?1 AND i.order_id = o.id
			LEFT JOIN node_acks a ON a.node_id = ?6 AND a.order_id = o.id WHERE ${where} ORDER BY o.id`,
		args: [...args, importingNode, keys.sentStandsIn ? 1 : 0],
	});
	return rs.rows.map((r) => {
		const f = JSON.parse(String(r.f)) as unknown[];
		const oneC = {} as Record<keyof OneCFields, unknown>;
		FIELDS.forEach((k, i) => {
			oneC[k] = fieldValue(k, f[7 + i]);
		});
		const nullable = (v: unknown) => (v === null ? null : String(v));
		const target: ImportTarget = {
			id: String(f[0]),
			number: String(f[1]),
			status: String(f[2]),
			oneC: oneC as OneCFields,
			store: {
				data: str(r, "data"),
				revision: Number(f[3]),
				ackedRevision: f[5] === null ? null : Number(f[5]),
				ackedData: str(r, "acked_data"),
				ackedContent: str(r, "acked_content"),
				held: nullable(f[4]),
			},
		};
		return {
			id: target.id,
			number: target.number,
			oneCId: target.oneC.id,
			oneCNumber: target.oneC.number,
			exported: nullable(f[6]),
			target,
		};
	});
}

/** @internal */
export function importRepo(ctx: StoreContext): ImportRepo {
	const { client } = ctx;
	/** Multi-row INSERT statements for `rows` (each an argument list), cut to the engine's parameter limit. */
	const inserts = (head: string, width: number, rows: JsonRowValue[][]) => rowInserts(head, width, rows, ctx.maxParameters);
	const isImported = async (nodeId: string, sha256: string) => {
		const rs = await client.execute({ sql: "SELECT 1 FROM import_ledger WHERE node_id = ? AND sha256 = ?", args: [nodeId, sha256] });
		return rs.rows.length > 0;
	};
	/**
	 * Scratch writes while the planner holds the mutex: small batches of their own (scratch data, not domain data). The
	 * TEMP tables' batches are deferred: they write nothing of the database file, so they take none of its locks.
	 */
	const scratch = async (stmts: InStatement[], t: ScratchTables) => {
		const mode = t.temp ? "deferred" : "write";
		for (let i = 0; i < stmts.length; i += STATEMENTS_PER_BATCH) await client.batch(stmts.slice(i, i + STATEMENTS_PER_BATCH), mode);
	};
	/** The scratch tables of one planning attempt: on a single connection, its own TEMP tables, made now. */
	const scratchFor = async (attempt: string): Promise<ScratchTables> => {
		if (!ctx.singleConnection) return SHARED_SCRATCH;
		const t = tempScratch(attempt);
		// set when the database was opened; again for a connection the driver may have opened since (the same value: a no-op)
		await client.execute("PRAGMA temp_store = FILE");
		const ddl = await client.execute(
			"SELECT sql FROM main.sqlite_master WHERE tbl_name IN ('import_patches', 'import_creates') AND sql IS NOT NULL ORDER BY type DESC",
		);
		await client.batch(
			ddl.rows.map((r) => tempScratchDdl(String(r.sql), t)),
			"deferred",
		);
		return t;
	};
	// the TEMP tables cost no commit: each page's rows go at once, and die young in the JavaScript heap
	const buffersScratch = !ctx.singleConnection && ctx.maxParameters > D1_MAX_PARAMETERS;

	const runImport: ImportRepo["runImport"] = (run, sessionId, plan, replan) =>
		ctx.lock.run(async (): Promise<ImportOutcome | null> => {
			if (await isImported(run.nodeId, run.sha256)) return null;
			// this attempt's own scratch rows: a planner racing on the same file (another instance) cannot touch them
			const attempt = scratchKey(run.sha256);
			const tables = await scratchFor(attempt);
			const key = [sessionId, attempt];
			const unmatched: UnmatchedInput[] = [];
			// scratch rows waiting for one commit (flushed before the applying batch), and the net fields of the
			// buffered patches by order (null: dropped), so reading planned patches back needs no flush
			let buffered: InStatement[] = [];
			let bufferedRows = 0;
			let bufferedChars = 0;
			let pending = new Map<string, Partial<OneCFields> | null>();
			const flushScratch = async () => {
				const stmts = buffered;
				buffered = [];
				bufferedRows = 0;
				bufferedChars = 0;
				pending = new Map();
				await scratch(stmts, tables);
			};
			const addScratch = async (rows: JsonRowValue[][], toStatements: (rows: JsonRowValue[][]) => InStatement[]) => {
				buffered.push(...toStatements(rows));
				bufferedRows += rows.length;
				for (const r of rows) bufferedChars += rowChars(r);
				if (!buffersScratch || bufferedRows >= SCRATCH_ROWS_PER_COMMIT || bufferedChars >= SCRATCH_CHARS_PER_COMMIT) await flushScratch();
			};
			const planning: ImportPlanning = {
				async staged(afterSeq, limit) {
					const rs = await client.execute({
						sql: "SELECT seq, doc FROM import_docs WHERE session_id = ? AND sha256 = ? AND seq > ? ORDER BY seq LIMIT ?",
						args: [sessionId, run.sha256, afterSeq, limit],
					});
					return rs.rows.map((r) => ({ seq: Number(r.seq), doc: String(r.doc) }));
				},
				findTargets: (keys) => findCandidates(client, { ...keys, nodeId: keys.nodeId ?? run.nodeId }, run.nodeId),
				async keepUnmatched(docs) {
					unmatched.push(...docs);
				},
				async addCreates(creates) {
					await addScratch(
						creates.map((c) => [
							...key,
							c.seq,
							c.label,
							c.order.id,
							c.order.number,
							numberValue(c.order.number),
							c.order.status,
							c.order.createdAt,
							JSON.stringify(c.order),
							JSON.stringify(c.oneC),
						]),
						(rows) =>
							inserts(
								`INSERT OR IGNORE INTO ${tables.creates} (session_id, sha256, seq, label, order_id, number, number_num, status, created_at, data, fields)`,
								11,
								rows,
							),
					);
				},
				async plannedSets(orderIds) {
					const out = new Map<string, Partial<OneCFields>>();
					const committed: string[] = [];
					for (const id of orderIds) {
						const fields = pending.get(id);
						if (fields === undefined) committed.push(id);
						else if (fields !== null) out.set(id, fields);
					}
					if (committed.length === 0) return out;
					const rs = await client.execute({
						sql: `SELECT order_id, mask, ${FIELDS.map((k) => COLUMN[k]).join(", ")} FROM ${tables.patches}
							WHERE session_id = ? AND sha256 = ? AND order_id IN (SELECT value FROM json_each(?))`,
						args: [...key, JSON.stringify(committed)],
					});
					for (const r of rs.rows) out.set(String(r.order_id), rowSet(r));
					return out;
				},
				async dropPatches(orderIds) {
					if (orderIds.length === 0) return;
					if (buffersScratch) for (const id of orderIds) pending.set(id, null);
					await addScratch([], () => [
						{
							sql: `DELETE FROM ${tables.patches} WHERE session_id = ? AND sha256 = ? AND order_id IN (SELECT value FROM json_each(?))`,
							args: [...key, JSON.stringify(orderIds)],
						},
					]);
				},
				async addPatches(patches) {
					if (buffersScratch) for (const p of patches) pending.set(p.orderId, definedSet(p.set));
					await addScratch(
						patches.map((p) => [
							...key,
							p.orderId,
							"",
							...patchColumns(p.set),
							p.status ?? null,
							p.silent ? "" : JSON.stringify({ source: "1c", fields: p.changes, ...p.event }),
							p.data ?? null,
							p.held ?? null,
							p.ack ? 1 : 0,
							p.baseRevision ?? null,
						]),
						(rows) =>
							inserts(
								`INSERT OR REPLACE INTO ${tables.patches} (session_id, sha256, order_id, fields, mask, ${FIELDS.map((k) => COLUMN[k]).join(", ")}, status, changes, data, held, ack, base_revision)`,
								10 + 1 + FIELDS.length,
								rows,
							),
					);
				},
			};
			// an attempt that fails (or is given up) leaves no scratch rows behind (best effort: the session purge clears them too)
			const dropScratch = () => scratch(scratchDeletes(tables, key), tables).catch(() => undefined);
			try {
				await plan(planning);
				await flushScratch();
			} catch (e) {
				buffered = [];
				await dropScratch();
				throw e;
			}
			for (let replans = 0; ; replans++) {
				try {
					const bounds = await client.execute({
						sql: `SELECT order_id FROM (SELECT order_id, row_number() OVER (ORDER BY order_id) AS rn FROM ${tables.patches}
							WHERE session_id = ? AND sha256 = ?) WHERE rn % ? = 0 ORDER BY order_id`,
						args: [...key, UPDATE_ROWS],
					});
					const stmts = applyStatements(
						run,
						sessionId,
						bounds.rows.map((r) => String(r.order_id)),
						attempt,
						tables,
					);
					// kept before the ledger row is read back: the last statement must stay the cursor read
					stmts.splice(1, 0, ...unmatchedUpserts(run.nodeId, run.at, unmatched));
					const rs = await client.batch(stmts, "write");
					rs.splice(1, unmatched.length);
					return outcomeOf(rs, tables);
				} catch (e) {
					// the guard's refused row names the ledger's node_id (the only NULL ever inserted there), else the query tells
					const moved = await client.execute({ sql: movedOn(tables, "p.order_id"), args: key }).then(
						(r) => r.rows.map((row) => String(row.order_id)),
						() => [],
					);
					const stale = /NOT NULL constraint failed: import_ledger\.node_id/.test(String((e as Error)?.message ?? e)) || moved.length > 0;
					// only the orders that moved on are planned again, from what they are now: the file is not (unless another
					// process applied this very file meanwhile, which moved them)
					if (stale && replan && moved.length > 0 && replans < REPLANS && !(await isImported(run.nodeId, run.sha256))) {
						try {
							await replan(moved, planning);
							await flushScratch();
							continue;
						} catch (again) {
							buffered = [];
							await dropScratch();
							throw again;
						}
					}
					await dropScratch();
					// another process applied the same content meanwhile: the ledger's primary key refused the second copy
					if (await isImported(run.nodeId, run.sha256)) return null;
					if (stale)
						throw new StoreBusyError("an order changed while the file was planned (another process wrote it): plan again", { cause: e });
					throw e;
				}
			}
		});

	return {
		isImported,
		findImportTargets: (keys) => findTargets(client, keys),
		async countImportDocs(sessionId, sha256) {
			const rs = await client.execute({
				sql: "SELECT count(*) AS n FROM import_docs WHERE session_id = ? AND sha256 = ? AND seq >= 0",
				args: [sessionId, sha256],
			});
			return Number(rs.rows[0]?.n ?? 0);
		},
		async beginDirectImport(sessionId, sha256) {
			const [rs] = await ctx.write([
				{ sql: "INSERT OR IGNORE INTO import_docs (session_id, sha256, seq, doc) VALUES (?, ?, -1, '')", args: [sessionId, sha256] },
			]);
			return (rs?.rowsAffected ?? 0) > 0;
		},
		async addImportDocs(sessionId, sha256, startSeq, docs) {
			if (docs.length === 0) return;
			const stmts = inserts(
				"INSERT OR IGNORE INTO import_docs (session_id, sha256, seq, doc)",
				4,
				docs.map((doc, i) => [sessionId, sha256, startSeq + i, doc]),
			);
			for (let i = 0; i < stmts.length; i += STATEMENTS_PER_BATCH) await ctx.write(stmts.slice(i, i + STATEMENTS_PER_BATCH));
		},
		runImport,
		async applyImport(app, sessionId) {
			const out = await runImport(app, sessionId, async (p) => {
				await p.addPatches(app.patches);
				await p.addCreates(app.creates.map((c, i) => ({ ...c, seq: i, label: `#${i}` })));
			});
			return out !== null;
		},
	};
}
