/**
 * @module
 * `mode=import&filename=<xml>`: parse an uploaded 1C order file (directly, or the entry of an uploaded zip
 * with that base name) strictly, and apply all its documents in one write transaction together with a content-hash
 * ledger row, so importing the same content again is a no-op. A file that parses quickly enough (100 MB included,
 * on an ordinary machine: see {@link applyDirect}) is planned page by page as it is parsed and applied in the same
 * request, with nothing staged. A slower one is parsed in time slices: each call stages compact records of the
 * documents parsed so far and answers `progress` (always at least one more document per call); the last one plans
 * the staged records page by page and applies everything in one transaction, then answers `success`. The upload is
 * streamed from its chunk rows (hashed incrementally, then parsed), so memory does not grow with the file; only a
 * zip upload is assembled to be unpacked.
 */
import {
	CommerceMLError,
	concatBytes,
	formatPosition,
	isCommerceMLError,
	isZip,
	type ReadLimits,
	readDocuments,
	replyProgress,
	replySuccess,
	sanitizeUploadName,
	unzipXml,
} from "@obmen/core";
import type { ExchangeStore, ImportOutcome, ImportRun } from "@obmen/db";
import type { Context } from "hono";
import { type DocPage, PLAN_PAGE, type PlanReport, planPages, planStaged, replanOrders } from "../apply.ts";
import type { ResolvedOptions } from "../options.ts";
import { pacer } from "../pacer.ts";
import { type ParseWorker, type ParseWorkerFactory, ParseWorkerFailed, parseInWorker } from "../parse-worker.ts";
import { type NodeSettings, readSettings } from "../settings.ts";
import { sha256HexOfChunks } from "../sha256.ts";
import { type StagedDoc, stageDocument } from "../staged-doc.ts";
import { rematchNode } from "../unmatched.ts";
import { notifyWebhook } from "../webhooks.ts";
import { importAppliedOnUpload, importAppliedOnUploadOf } from "./apply-on-upload.ts";
import { directBudget } from "./direct-budget.ts";
import { EximFailure } from "./failure.ts";
import { releasedAfterUse } from "./released-chunks.ts";
import { ALREADY_IMPORTED, appliedLine, documentsStaged, FILE_NOT_FOUND, ZIP_DISABLED } from "./replies.ts";
import { textReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";
import { resolveSessionFile } from "./session.ts";

/** Parsed documents staged per write while a slice parses. */
const STAGE_BATCH = 1000;
/** Change events per webhook POST. */
const WEBHOOK_BATCH = 1000;

/**
 * @internal Reader limits of an import: the element cap scales with the upload cap (the default 1M elements is
 * ~40 MB of real 1C documents; a 100 MB file has ~2.5M), bytes are capped at the upload cap.
 */
function readLimits(o: ResolvedOptions): ReadLimits {
	return { maxElements: Math.max(1_000_000, Math.ceil(o.limits.maxFileBytes / 16)), maxBytes: o.limits.maxFileBytes };
}

/** An uploaded xml to import: its bytes as a re-readable stream of chunks, and the upload it came from. */
export interface XmlSource {
	/** New buffers on every read (the upload's rows), unless `unpacked` is set: then that one buffer, kept. */
	chunks: () => AsyncIterable<Uint8Array> | Iterable<Uint8Array>;
	from: string;
	/** The entry just unpacked from the zip `from` (absent when read from an upload, staged or not). */
	unpacked?: Uint8Array;
}

/**
 * The chunks of `found` for a consumer done with each when it asks for the next (a hash, the hand-over to a parse
 * thread, `readDocuments`): freed as they are used when they are the upload's rows.
 */
function usedOnce(found: XmlSource): AsyncIterable<Uint8Array> | Iterable<Uint8Array> {
	return found.unpacked ? found.chunks() : releasedAfterUse(found.chunks());
}

/**
 * @internal Upload name under which the xml entry `entry` of the uploaded zip `zip` is staged, so the progress polls
 * of a big import read it back in chunks instead of inflating the archive again. The separator is a control
 * character, which {@link sanitizeUploadName} rejects, so no `mode=file` name can collide with it; the database
 * drops these staged entries when the zip itself is uploaded again.
 */
export function stagedEntryName(zip: string, entry: string): string {
	return `${zip}\u001f${entry}`;
}

/** @internal Passes chunks through, telling `add` the size of each. */
async function* tally(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, add: (bytes: number) => void): AsyncGenerator<Uint8Array> {
	for await (const c of chunks) {
		add(c.byteLength);
		yield c;
	}
}

/** @internal Passes chunks through, letting the event loop run in between (pacer.ts; the driver is synchronous). */
async function* paced(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>): AsyncGenerator<Uint8Array> {
	const pace = pacer();
	for await (const c of chunks) {
		await pace();
		yield c;
	}
}

/** @internal The first `n` bytes of a chunk stream (fewer when it is shorter). */
export async function head(chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>, n: number): Promise<Uint8Array> {
	const out = new Uint8Array(n);
	let size = 0;
	for await (const c of chunks) {
		const take = Math.min(n - size, c.byteLength);
		out.set(c.subarray(0, take), size);
		size += take;
		if (size >= n) break;
	}
	return out.subarray(0, size);
}

/**
 * @internal Largest zip upload that is assembled for unpacking: its xml entries may hold 64 MiB in total
 * (`unzipXml`'s limit), so a bigger archive cannot be valid even stored without compression.
 */
const MAX_ZIP_BYTES = 64 * 1024 * 1024 + 1024 * 1024;

/** @internal A whole zip upload in one buffer (at most {@link MAX_ZIP_BYTES}). */
export async function collect(chunks: AsyncIterable<Uint8Array>): Promise<Uint8Array> {
	const parts: Uint8Array[] = [];
	let size = 0;
	for await (const c of chunks) {
		parts.push(c);
		size += c.byteLength;
		if (size > MAX_ZIP_BYTES) throw new CommerceMLError("ZIP_LIMIT", `zip upload larger than ${MAX_ZIP_BYTES} bytes`);
	}
	return concatBytes(parts, size);
}

/**
 * @internal Finds the xml for `name` among the session's uploads: the file itself (streamed from its chunk rows),
 * the entry of an uploaded zip staged by an earlier poll, or the entry unpacked now (the zip assembled and inflated:
 * zip entries are capped at 16 MiB each).
 * @throws EximFailure when it is not there, or is in a zip and zip is disabled
 */
export async function findXml(store: ExchangeStore, sessionId: string, name: string, zipAllowed: boolean): Promise<XmlSource> {
	const chunksOf = (upload: string) => () => store.readUploadChunks(sessionId, upload);
	const uploads = await store.listUploads(sessionId);
	const heads = new Map<string, Uint8Array>();
	const headOf = async (upload: string) => {
		const h = heads.get(upload) ?? (await head(chunksOf(upload)(), 4));
		heads.set(upload, h);
		return h;
	};
	if (uploads.includes(name) && !isZip(await headOf(name))) return { chunks: chunksOf(name), from: name };
	for (const upload of uploads) {
		if (!isZip(await headOf(upload))) continue;
		if (!zipAllowed) throw new EximFailure(ZIP_DISABLED);
		const staged = stagedEntryName(upload, name);
		if (uploads.includes(staged)) return { chunks: chunksOf(staged), from: upload };
		const hit = unzipXml(await collect(chunksOf(upload)())).get(name);
		if (hit) return { chunks: () => [hit], from: upload, unpacked: hit };
	}
	throw new EximFailure(FILE_NOT_FOUND);
}

/**
 * @internal The `failure` reason of a rejected file: `<CODE>: <reason>[ at line L, column C][ (byte N)]` (the code
 * once; the position as far as the parser knows it — an encoding error has only its byte offset).
 */
export function cmlFailureReason(e: CommerceMLError): string {
	return `${e.code}: ${e.reason}${formatPosition(e)}`;
}

/** What one time slice of applying an uploaded xml did. */
export type XmlStep =
	| { kind: "progress"; staged: number }
	| { kind: "already" }
	| { kind: "applied"; documents: number; outcome: ImportOutcome; report: PlanReport; rematched: number };

/** @internal Everything one slice of applying an xml needs (from a request, or from background work). */
export interface XmlApplyContext {
	o: ResolvedOptions;
	/** The request, when there is one (webhook deliveries are then kept alive with it). */
	c?: Context;
	sessionId: string;
	nodeId: string;
	settings: NodeSettings;
	uploadEpoch: number;
	now: Date;
	/** When the slice started (epoch ms): the time budget counts from here. */
	started: number;
	/**
	 * Called between pages of work (the apply on upload renews its lease there; it throws to stop a slice whose lease
	 * another worker took).
	 */
	keepAlive?: () => Promise<void>;
}

/**
 * @internal One time slice of applying the uploaded xml `name`: hash it (a ledger hit changes nothing); when nothing
 * is staged yet, try to parse, plan and apply it at once ({@link applyDirect}); else parse it strictly from the
 * start, stage the documents after those already staged, and — when the whole file is staged within the slice —
 * plan and apply everything in one transaction with the ledger row. Shared by `mode=import` and
 * the apply on upload, so both stage into the same rows and the ledger makes either one's apply final.
 * @throws CommerceMLError when the file is not a valid 1C order file
 */
export async function applyXmlSlice(x: XmlApplyContext, name: string, found: XmlSource): Promise<XmlStep> {
	const { o, sessionId, settings } = x;
	const store = o.store;
	let size = 0;
	// a big file's parse worker is started while the file is hashed (the thread loads meanwhile), and stopped unless
	// the file is then parsed directly (not when it was imported already, or is being staged slice by slice)
	let early: ParseWorker | null = null;
	let startedEarly = false;
	const parseWorker = o.parseWorker;
	let sha: string;
	let staged: number;
	try {
		sha = await sha256HexOfChunks(
			tally(paced(usedOnce(found)), (n) => {
				size += n;
				if (parseWorker && !startedEarly && size >= o.limits.parseWorkerMinBytes) {
					startedEarly = true;
					try {
						early = parseWorker();
					} catch {
						// it fails again when the parse starts, and is reported then
					}
				}
			}),
			o.sha256,
		);
		const spawn: ParseWorkerFactory | undefined =
			parseWorker && startedEarly
				? () => {
						const w = early ?? parseWorker();
						early = null;
						return w;
					}
				: undefined;
		if (await store.isImported(x.nodeId, sha)) return { kind: "already" };
		staged = await store.countImportDocs(sessionId, sha);
		// tried once per file: a direct attempt that did not finish (given up, or its process died) is not repeated
		if (staged === 0 && (await store.beginDirectImport(sessionId, sha))) {
			const direct = await applyDirect(x, name, found, sha, size, spawn);
			if (direct) return direct;
		}
	} finally {
		(early as ParseWorker | null)?.terminate();
		early = null;
	}
	// parse (again from the start: the parser cannot resume) and stage the documents after those already staged
	let next = staged;
	let batch: string[] = [];
	const flush = async () => {
		await store.addImportDocs(sessionId, sha, next, batch);
		next += batch.length;
		batch = [];
	};
	let index = 0;
	let finished = true;
	// the slice budget counts from the first new document, so re-reading the staged prefix of a file bigger than
	// one slice cannot shrink every later call to a single document
	let sliceStart = x.started;
	const pace = pacer();
	for await (const doc of readDocuments(usedOnce(found), readLimits(o))) {
		await pace();
		if (index++ < staged) continue;
		if (index === staged + 1 && staged > 0) sliceStart = Date.now();
		batch.push(JSON.stringify(stageDocument(doc, settings.createOrdersFrom1C)));
		if (batch.length >= STAGE_BATCH) {
			await flush();
			await x.keepAlive?.();
		}
		if (Date.now() - sliceStart >= o.limits.importSliceMs) {
			finished = false;
			break;
		}
	}
	await flush();
	if (!finished) {
		// more slices will follow: stage the unpacked entry once, so they read chunks instead of inflating again
		// (best effort: over the upload caps the next slice simply unpacks again)
		if (found.unpacked) await store.appendChunk(sessionId, stagedEntryName(found.from, name), x.uploadEpoch, found.unpacked, o.limits);
		return { kind: "progress", staged: next };
	}

	const run: ImportRun = { nodeId: x.nodeId, sha256: sha, filename: name, documents: next, at: x.now.toISOString() };
	let report: PlanReport = { unknown: [], unknownCount: 0, errors: [] };
	const outcome = await store.runImport(
		run,
		sessionId,
		async (p) => {
			report = await planStaged(p, settings, x.nodeId, x.keepAlive);
		},
		(ids, p) => replanOrders(p, ids, settings, x.nodeId),
	);
	return afterApply(x, run, outcome, report);
}

/** @internal The direct parse of {@link applyDirect} would not finish in time: the staged path takes over. */
class SliceOverrun extends Error {}

/**
 * @internal Applies the xml without staging it: parses it under the store's planning lock and plans each page of
 * documents as it is parsed, so the file is parsed once and none of its documents is written to `import_docs`.
 * Null when the parse does not fit its budget (direct-budget.ts): what it planned is then discarded (runImport drops
 * the attempt's scratch rows) and the caller stages the file slice by slice.
 * @throws CommerceMLError when the file is not a valid 1C order file (nothing is applied)
 */
async function applyDirect(
	x: XmlApplyContext,
	name: string,
	found: XmlSource,
	sha: string,
	size: number,
	/** Starts the thread that parses the file (absent: this thread parses it). */
	spawn?: ParseWorkerFactory,
): Promise<XmlStep | null> {
	const { o, settings } = x;
	const run: ImportRun = { nodeId: x.nodeId, sha256: sha, filename: name, documents: 0, at: x.now.toISOString() };
	// a parse on a worker thread may take longer than one on this thread, whose planning the budget does not count
	let budget = directBudget(o.limits.importSliceMs, size, Date.now() - x.started, spawn !== undefined);
	// how far the parse got: bytes given to the parser, and ms spent parsing (not planning, not serving other requests)
	let parsing = 0;
	let read = 0;
	// a big file is parsed on a worker thread when the runtime gave one: the pages are planned as the next are parsed
	async function* staged(): AsyncGenerator<StagedDoc[]> {
		if (spawn) {
			const limits = { limits: readLimits(o), createOrders: settings.createOrdersFrom1C, batch: PLAN_PAGE };
			let planned = false;
			try {
				// the worker's own parse time counts (it parses while this thread plans)
				for await (const docs of parseInWorker(spawn, usedOnce(found), limits, (p) => {
					read = p.read;
					parsing = p.parsing;
				})) {
					planned = true;
					yield docs;
				}
				return;
			} catch (e) {
				// a worker that failed before its first batch (it could not start): this thread parses the file
				if (!(e instanceof ParseWorkerFailed) || planned) throw e;
				reportWorkerFailure(x, e);
				read = 0;
				parsing = 0;
				budget = directBudget(o.limits.importSliceMs, size, Date.now() - x.started);
			}
		}
		const chunks = tally(usedOnce(found), (n) => {
			read += n;
		});
		const docs = readDocuments(chunks, readLimits(o));
		try {
			for (;;) {
				const from = Date.now();
				const next = await docs.next();
				if (next.done) return;
				const d = stageDocument(next.value, settings.createOrdersFrom1C);
				parsing += Date.now() - from;
				yield [d];
			}
		} finally {
			// stopped early (the attempt given up): the upload's read ends and its row in hand is freed
			await docs.return(undefined as never);
		}
	}
	async function* pages(): AsyncGenerator<DocPage> {
		const pace = pacer();
		let page: DocPage = [];
		for await (const docs of staged()) {
			for (const d of docs) {
				page.push({ seq: run.documents++, d });
				if (!budget.fits(parsing, read)) throw new SliceOverrun();
				if (page.length >= PLAN_PAGE) {
					await x.keepAlive?.();
					yield page;
					page = [];
				}
				await pace();
			}
		}
		if (page.length) yield page;
	}
	let report: PlanReport = { unknown: [], unknownCount: 0, errors: [] };
	let outcome: ImportOutcome | null;
	try {
		outcome = await o.store.runImport(
			run,
			x.sessionId,
			async (p) => {
				report = await planPages(p, pages(), settings, x.nodeId);
			},
			(ids, p) => replanOrders(p, ids, settings, x.nodeId),
		);
	} catch (e) {
		// given up (nothing applied): the file is staged slice by slice, parsed on this thread
		if (e instanceof SliceOverrun) return null;
		// the worker failed midway: what it planned is discarded, and this thread stages the file
		if (e instanceof ParseWorkerFailed) {
			reportWorkerFailure(x, e);
			return null;
		}
		throw e;
	}
	return afterApply(x, run, outcome, report);
}

/** Reports a failed parse worker (a missing script, a thread out of memory): never fatal to the import. */
function reportWorkerFailure(x: XmlApplyContext, e: ParseWorkerFailed): void {
	try {
		x.o.onError(e);
	} catch {}
}

/** @internal The step of an applied file (null outcome: the ledger had it): rematching, webhooks. */
async function afterApply(x: XmlApplyContext, run: ImportRun, outcome: ImportOutcome | null, report: PlanReport): Promise<XmlStep> {
	if (!outcome) return { kind: "already" };
	const store = x.o.store;
	// documents kept earlier whose order was exported (or created) since then
	const rematched = await rematchNode(store, x.nodeId, run.at);
	if (x.settings.webhookUrl && outcome.cursorTo > outcome.cursorFrom) await notifyImport(x, x.settings.webhookUrl, run.at, outcome);
	return { kind: "applied", documents: run.documents, outcome, report, rematched };
}

/** @internal The summary line of an applied file (line 2 of the `import` reply). */
export function appliedSummary(step: Extract<XmlStep, { kind: "applied" }>): string {
	return appliedLine({
		documents: step.documents,
		updated: step.outcome.updated,
		created: step.outcome.created,
		unknown: step.report.unknownCount,
	});
}

/** @internal The problems of an applied file for the journal's error column (unknown orders, invalid documents). */
export function appliedProblems(report: PlanReport): string[] {
	return [...(report.unknown.length ? [`kept unmatched: ${report.unknown.join(", ")}`] : []), ...report.errors.slice(0, 5)];
}

/** @internal */
export async function importFile(r: EximRequest): Promise<Response> {
	const started = Date.now();
	const { s, name } = await resolveSessionFile(r);
	const settings = readSettings(s.node.settings);
	const sessionId = s.session.idHash;
	const store = r.o.store;
	try {
		const known = await importAppliedOnUploadOf(r, sessionId, name);
		if (known) return known;
		const found = await findXml(store, sessionId, name, settings.zip);
		// the upload may be (or have been) applied on upload: the same work, driven or reported from here
		const onUpload = await importAppliedOnUpload(r, sessionId, found.from, name);
		if (onUpload) return onUpload;
		const step = await applyXmlSlice(
			{ o: r.o, c: r.c, sessionId, nodeId: s.node.id, settings, uploadEpoch: s.session.uploadEpoch, now: r.now, started },
			name,
			found,
		);
		if (step.kind === "progress") return textReply(r, replyProgress(documentsStaged(step.staged)));
		await store.markUploadDone(sessionId, found.from);
		if (step.kind === "already") return textReply(r, replySuccess(ALREADY_IMPORTED));
		r.j.ordersImported = step.outcome.updated + step.outcome.created + step.rematched;
		if (step.outcome.cursorTo > step.outcome.cursorFrom) r.j.detail = { changes: [step.outcome.cursorFrom, step.outcome.cursorTo] };
		const problems = appliedProblems(step.report);
		if (problems.length) r.j.error = problems.join("; ");
		return textReply(r, replySuccess(appliedSummary(step)));
	} catch (e) {
		if (isCommerceMLError(e)) throw new EximFailure(cmlFailureReason(e));
		throw e;
	}
}

/** @internal Sends this import's change events (read back from the feed) in POSTs of at most `WEBHOOK_BATCH`. */
async function notifyImport(r: XmlApplyContext, url: string, at: string, range: { cursorFrom: number; cursorTo: number }): Promise<void> {
	const nodeId = r.nodeId;
	let after = range.cursorFrom;
	while (after < range.cursorTo) {
		const rows = await r.o.store.listChanges({ after, limit: WEBHOOK_BATCH });
		if (rows.length === 0) break;
		const items = rows
			.filter((c) => c.cursor <= range.cursorTo && c.nodeId === nodeId)
			.map((c) => ({ orderId: c.orderId, nodeId, at: c.at, changes: c.changes }));
		after = rows.at(-1)?.cursor ?? range.cursorTo;
		if (items.length) notifyWebhook(r, url, { event: "1c.import", nodeId, at, items });
	}
}
