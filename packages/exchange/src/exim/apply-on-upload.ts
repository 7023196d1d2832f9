/**
 * @module
 * Apply on upload (node setting `applyOnUpload: "complete"`): 1C clients that never call `mode=import` (УНФ
 * 1.6.4–1.6.10 always; УНФ 3.0/1.6.26 unless the Bitrix protocol and «Выгружать подчиненные документы» are on; УТ/КА/
 * ERP/BAS with «Выгружать файлы без ожидания подтверждения импорта сервером») clear their change registration once
 * every `mode=file` piece was answered `success`, so the store applies an upload as soon as it is **complete**:
 * a zip whose end-of-central-directory record is present and whose entries pass the zip checks (each xml inside is
 * applied: УТ/УНФ zip their whole exchange directory), or an xml — also one sent in `file_limit` pieces under one name
 * (УНФ 1.6) — that ends with the root's closing tag `</КоммерческаяИнформация>` (any prefix, trailing whitespace) and
 * parses. An incomplete upload is never applied.
 *
 * The apply is the one `mode=import` does (same strict parser, all-or-nothing, content-hash ledger; see import.ts).
 * It is recorded in `upload_applies` before any work, then done in time slices under a lease any app process may
 * take (compare-and-set in the database): the first slice runs before the `file` reply; what is left continues after
 * the reply (the runtime's wait-until), on the next request of any kind, or on the host's periodic
 * {@link ExchangeApp.runBackgroundWork}. A later `import` of an applied xml answers `success` with the same summary
 * (УНФ re-sends earlier portions' xml inside later zips and polls them all: the ledger makes those no-ops).
 */
import { CommerceMLError, concatBytes, encodeCp1251, isCommerceMLError, isZip, replyProgress, replySuccess, unzipXml } from "@obmen/core";
import { type ExchangeStore, StoreBusyError, type UploadApply } from "@obmen/db";
import type { Context } from "hono";
import type { ResolvedOptions } from "../options.ts";
import { readSettings } from "../settings.ts";
import { keepAlive } from "../wait-until.ts";
import { isCloudRequest } from "./client.ts";
import { DIRECT_MAX_SLICES } from "./direct-budget.ts";
import { EximFailure } from "./failure.ts";
import {
	appliedProblems,
	appliedSummary,
	applyXmlSlice,
	cmlFailureReason,
	collect,
	head,
	stagedEntryName,
	type XmlSource,
} from "./import.ts";
import { ALREADY_IMPORTED, APPLYING, documentsStaged, NODE_DELETED } from "./replies.ts";
import { textReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";
import type { ActiveSession } from "./session.ts";

// ---------------------------------------------------------------------------------------------------------------
// completeness

const ROOT = "КоммерческаяИнформация";
/** The root element's name as UTF-8 and as windows-1251 bytes (1C writes either). */
const ROOT_NAMES = [new TextEncoder().encode(ROOT), encodeCp1251(ROOT)];
const isSpace = (b: number) => b === 0x20 || b === 0x09 || b === 0x0a || b === 0x0d;
const isNameByte = (b: number) =>
	(b >= 0x30 && b <= 0x39) || (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) || b === 0x5f || b === 0x2d || b === 0x2e;

/**
 * True when `bytes` (the tail of an xml upload) end with the root's closing tag: `</КоммерческаяИнформация>` or
 * `</prefix:КоммерческаяИнформация >`, in UTF-8 or windows-1251, followed by nothing but whitespace.
 */
export function endsWithRootClose(bytes: Uint8Array): boolean {
	let i = bytes.length - 1;
	while (i >= 0 && isSpace(bytes[i] as number)) i--;
	if (bytes[i] !== 0x3e) return false; // '>'
	i--;
	while (i >= 0 && isSpace(bytes[i] as number)) i--;
	for (const name of ROOT_NAMES) {
		let j = i;
		let k = name.length - 1;
		while (k >= 0 && j >= 0 && bytes[j] === name[k]) {
			j--;
			k--;
		}
		if (k >= 0) continue;
		if (bytes[j] === 0x3a) {
			// a namespace prefix: `</prefix:`
			j--;
			const end = j;
			while (j >= 0 && isNameByte(bytes[j] as number)) j--;
			if (j === end) continue;
		}
		if (bytes[j] === 0x2f && bytes[j - 1] === 0x3c) return true; // '</'
	}
	return false;
}

/** Largest end-of-central-directory record: 22 bytes plus a comment of up to 65 535. */
const EOCD_MAX = 22 + 0xffff;

/** True when `bytes` contain the end-of-central-directory signature `PK\x05\x06` where the record may start. */
function hasEocdSignature(bytes: Uint8Array): boolean {
	for (let i = bytes.length - 22; i >= Math.max(0, bytes.length - EOCD_MAX); i--) {
		if (bytes[i] === 0x50 && bytes[i + 1] === 0x4b && bytes[i + 2] === 5 && bytes[i + 3] === 6) return true;
	}
	return false;
}

/** The last `n` bytes of an upload (read through its chunks). */
async function tailOf(chunks: AsyncIterable<Uint8Array>, n: number): Promise<Uint8Array> {
	let parts: Uint8Array[] = [];
	let size = 0;
	for await (const c of chunks) {
		parts.push(c);
		size += c.byteLength;
		while (parts.length > 1 && size - (parts[0] as Uint8Array).byteLength >= n) size -= (parts.shift() as Uint8Array).byteLength;
	}
	const all = concatBytes(parts, size);
	parts = [];
	return all.subarray(Math.max(0, all.length - n));
}

/**
 * @internal Whether the upload `name` of the session is complete now that `last` was appended to it: a zip (only
 * when zips are enabled for the node) whose central directory is present and whose entries pass `unzipXml`'s checks,
 * or an xml that ends with the root's closing tag (whether it parses is found by applying it).
 */
export async function uploadIsComplete(
	o: ResolvedOptions,
	sessionId: string,
	name: string,
	last: Uint8Array,
	zipAllowed: boolean,
): Promise<boolean> {
	const chunks = () => o.store.readUploadChunks(sessionId, name);
	if (isZip(await head(chunks(), 4))) {
		if (!zipAllowed) return false;
		// the record sits in the last 64 KiB: look in the chunk just received before assembling anything
		const tail = last.byteLength >= EOCD_MAX ? last : await tailOf(chunks(), EOCD_MAX);
		if (!hasEocdSignature(tail)) return false;
		try {
			unzipXml(await collect(chunks()));
			return true;
		} catch (e) {
			if (isCommerceMLError(e)) return false; // a signature inside compressed data, or a broken archive: `import` tells
			throw e;
		}
	}
	let end = last.byteLength - 1;
	while (end >= 0 && isSpace(last[end] as number)) end--;
	if (end >= 0 && last[end] !== 0x3e) return false; // the chunk ends with something other than '>' (or whitespace)
	const tail = last.byteLength >= 256 ? last.subarray(last.byteLength - 256) : await tailOf(chunks(), 256);
	return endsWithRootClose(tail);
}

// ---------------------------------------------------------------------------------------------------------------
// one slice of work

/** What one slice did to an apply. */
export type ApplySlice =
	| { state: "done"; apply: UploadApply; ordersImported: number; problems: string[]; changes: [number, number] | null }
	| { state: "failed"; apply: UploadApply; reason: string }
	| { state: "progress"; apply: UploadApply; staged: number };

/** Per-file summary for the journal: `<xml>: documents: …` joined by "; ". */
export function applyNote(apply: UploadApply): string {
	return Object.entries(apply.result.done)
		.map(([xml, line]) => `${xml}: ${line}`)
		.join("; ");
}

/**
 * @internal Works on an apply whose lease the caller holds, for one time slice (at least one document of progress):
 * each xml of the upload in turn (the upload itself, or every xml entry of the zip, by name), skipping those already
 * done; saves the progress and frees the lease. A file that is not a valid 1C order file fails the apply (nothing of
 * it is applied; a later `import` tells 1C the same reason).
 */
export async function applyUploadSlice(o: ResolvedOptions, apply: UploadApply, c?: Context, renewLease?: LeaseKeeper): Promise<ApplySlice> {
	const started = Date.now();
	const { sessionId, name } = apply;
	const result: UploadApply["result"] = { ...apply.result, done: { ...apply.result.done } };
	// saved only while this slice still holds the lease (when it has one): else the work is another worker's now
	const save = async (patch: Parameters<ExchangeStore["saveUploadApply"]>[2]) => {
		if (!(await o.store.saveUploadApply(sessionId, name, patch, renewLease?.held())) && renewLease)
			throw new LeaseLost("lease taken by another worker");
	};
	const fail = async (reason: string): Promise<ApplySlice> => {
		await save({ result, state: "failed", error: reason });
		return { state: "failed", apply: { ...apply, result, state: "failed", error: reason }, reason };
	};
	const node = await o.store.getNode(apply.nodeId);
	if (!node) return fail(NODE_DELETED);
	const settings = readSettings(node.settings);
	const session = await o.store.getSession(sessionId);
	const x = {
		o,
		c,
		sessionId,
		nodeId: node.id,
		settings,
		uploadEpoch: session?.uploadEpoch ?? 0,
		now: o.clock.now(),
		started,
		keepAlive: renewLease,
	};
	let ordersImported = 0;
	const problems: string[] = [];
	/** The change-feed cursor range `(from, to]` of what this slice applied. */
	let changes: [number, number] | null = null;
	let current = name;
	try {
		const chunks = () => o.store.readUploadChunks(sessionId, name);
		let sources: (xml: string) => Promise<XmlSource>;
		if (isZip(await head(chunks(), 4))) {
			const uploads = await o.store.listUploads(sessionId);
			let unpacked: Map<string, Uint8Array> | null = null;
			const unpack = async () => {
				unpacked ??= unzipXml(await collect(chunks()));
				return unpacked;
			};
			result.entries ??= [...(await unpack()).keys()].sort();
			sources = async (xml) => {
				const staged = stagedEntryName(name, xml);
				if (uploads.includes(staged)) return { chunks: () => o.store.readUploadChunks(sessionId, staged), from: name };
				const hit = (await unpack()).get(xml);
				if (!hit) throw new CommerceMLError("ZIP_CORRUPT", `entry ${xml} missing`);
				return { chunks: () => [hit], from: name, unpacked: hit };
			};
		} else {
			result.entries ??= [name];
			sources = async () => ({ chunks, from: name });
		}
		for (const xml of result.entries) {
			if (Object.hasOwn(result.done, xml)) continue;
			if (Date.now() - started >= o.limits.importSliceMs && Object.keys(result.done).length > 0) {
				await save({ result });
				return { state: "progress", apply: { ...apply, result }, staged: 0 };
			}
			current = xml;
			const step = await applyXmlSlice(x, xml, await sources(xml));
			if (step.kind === "progress") {
				await save({ result });
				return { state: "progress", apply: { ...apply, result }, staged: step.staged };
			}
			if (step.kind === "already") result.done[xml] = ALREADY_IMPORTED;
			else {
				result.done[xml] = appliedSummary(step);
				ordersImported += step.outcome.updated + step.outcome.created + step.rematched;
				problems.push(...appliedProblems(step.report));
				const { cursorFrom, cursorTo } = step.outcome;
				if (cursorTo > cursorFrom)
					changes = [Math.min(changes?.[0] ?? cursorFrom, cursorFrom), Math.max(changes?.[1] ?? cursorTo, cursorTo)];
			}
		}
	} catch (e) {
		if (isCommerceMLError(e)) return fail(current === name ? cmlFailureReason(e) : `${current}: ${cmlFailureReason(e)}`);
		throw e;
	}
	await save({ result, state: "done" });
	return { state: "done", apply: { ...apply, result, state: "done" }, ordersImported, problems, changes };
}

/** The slice's lease was taken by another worker (it ended before the slice could renew it): that worker goes on. */
class LeaseLost extends Error {}

/**
 * @internal What a slice calls between pages of work, with the lease end it holds (`held`, which its saves must
 * still find). A call renews the lease once half of it has passed.
 */
export type LeaseKeeper = (() => Promise<void>) & { held(): number };

/**
 * @internal What a slice calls between pages of work: renews the apply's lease once half of it has passed (a 100 MB
 * file planned as it is parsed takes 5–8 s on our bench machine, and a direct parse may run for 30 s), and throws
 * {@link LeaseLost} when another worker took it meanwhile, so the slice stops instead of doing the work twice.
 */
export function leaseKeeper(o: ResolvedOptions, apply: UploadApply, heldUntil: number, now = Date.now): LeaseKeeper {
	let held = heldUntil;
	const keep = async () => {
		const t = now();
		if (t < held - o.limits.applyLeaseMs / 2) return;
		const next = t + o.limits.applyLeaseMs;
		let renewed: boolean;
		try {
			renewed = await o.store.renewUploadApply(apply.sessionId, apply.name, held, next);
		} catch (e) {
			// the database was busy: the lease still runs, so the slice goes on and the next call tries again
			if (t < held) return;
			throw e;
		}
		if (!renewed) throw new LeaseLost("lease taken by another worker");
		held = next;
	};
	return Object.assign(keep, { held: () => held });
}

/** Claims the apply and works one slice on it; null when another worker holds its lease (or it is not pending). */
async function claimAndSlice(o: ResolvedOptions, apply: UploadApply, c?: Context): Promise<ApplySlice | null> {
	const now = Date.now();
	if (!(await o.store.claimUploadApply(apply.sessionId, apply.name, now, o.limits.applyLeaseMs))) return null;
	const keeper = leaseKeeper(o, apply, now + o.limits.applyLeaseMs);
	try {
		return await applyUploadSlice(o, apply, c, keeper);
	} catch (e) {
		// the lease was lost to another worker: the work is its own now (what this slice applied stays applied, once)
		if (e instanceof LeaseLost) return null;
		// an unexpected error (database busy…): free the lease (if still this slice's) so the work is retried, and pass
		// the error on
		await o.store.saveUploadApply(apply.sessionId, apply.name, { result: apply.result }, keeper.held()).catch(() => undefined);
		throw e;
	}
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

// ---------------------------------------------------------------------------------------------------------------
// the request side: `file` and `import`

/**
 * @internal `mode=file`, before a chunk is stored: an apply still pending for this name (its upload was complete)
 * is finished first, so a new file under the same name never replaces bytes not yet applied. False when another
 * worker keeps it busy longer than a few slices (the chunk is then refused with "busy, retry").
 */
export async function finishPendingApply(r: EximRequest, sessionId: string, name: string): Promise<boolean> {
	// a slice may parse directly for up to DIRECT_MAX_SLICES slices, and plan a little longer
	const deadline = Date.now() + Math.max(10_000, (DIRECT_MAX_SLICES + 2) * r.o.limits.importSliceMs);
	for (;;) {
		const apply = await r.o.store.getUploadApply(sessionId, name);
		if (apply?.state !== "pending") return true;
		if (Date.now() > deadline) return false;
		if (!(await claimAndSlice(r.o, apply, r.c))) await sleep(50);
	}
}

/**
 * @internal `mode=file`, after a chunk was stored: when the upload is now complete, record the apply and work its
 * first slice before replying. The reply is `success` when the upload is applied or continues in the background, and
 * `failure` with the reason when the file is not a valid 1C order file (1C then keeps its change registration).
 * Null when the upload is not complete (or the node applies only on `import`).
 */
export async function applyOnUpload(r: EximRequest, s: ActiveSession, name: string, last: Uint8Array): Promise<Response | null> {
	const o = r.o;
	const sessionId = s.session.idHash;
	const settings = readSettings(s.node.settings);
	// cloud clients never call `import`: their uploads are always applied here, and to the end before the reply
	const cloud = isCloudRequest(r, s.node);
	if (settings.applyOnUpload !== "complete" && !cloud) return null;
	if (!(await uploadIsComplete(o, sessionId, name, last, settings.zip))) return null;
	await o.store.queueUploadApply(sessionId, name, s.node.id, Date.now());
	const apply = await o.store.getUploadApply(sessionId, name);
	let slice = apply ? await claimAndSlice(o, apply, r.c) : null;
	if (cloud) slice = await finishInRequest(o, sessionId, name, slice, r.c);
	if (slice?.state === "failed") {
		r.j.note = "apply on upload failed";
		throw new EximFailure(slice.reason);
	}
	if (slice?.state === "done") {
		r.j.ordersImported = slice.ordersImported;
		if (slice.changes) r.j.detail = { changes: slice.changes };
		if (slice.problems.length) r.j.error = slice.problems.join("; ");
		r.j.note = `applied on upload: ${applyNote(slice.apply)}`;
		return textReply(r, replySuccess());
	}
	r.j.note = `applying on upload in the background${slice ? ` (documents staged: ${slice.staged})` : ""}`;
	keepAlive(r.c, backgroundWork(o).run());
	return textReply(r, replySuccess());
}

/**
 * The rest of an apply worked within the request (cloud clients: their `file` reply is final, never `progress`): slices
 * until it is done or failed, waiting for another worker's lease when one holds it. Returns the last slice (a slice
 * made from the stored state when another worker finished it).
 */
async function finishInRequest(
	o: ResolvedOptions,
	sessionId: string,
	name: string,
	first: ApplySlice | null,
	c: Context,
): Promise<ApplySlice | null> {
	let slice = first;
	while (slice === null || slice.state === "progress") {
		const apply = await o.store.getUploadApply(sessionId, name);
		if (!apply) return null;
		if (apply.state === "done") return { state: "done", apply, ordersImported: 0, problems: [], changes: null };
		if (apply.state === "failed") return { state: "failed", apply, reason: apply.error ?? "apply on upload failed" };
		slice = await claimAndSlice(o, apply, c);
		if (slice === null) await sleep(50);
	}
	return slice;
}

/**
 * @internal {@link importAppliedOnUpload} for the upload known to hold `xml` (the xml itself, or a zip whose entries
 * an apply already listed), found without unpacking anything: УТ polls `import` in a tight loop while a big zip is
 * applied in the background. Null when no apply of this session is known to hold it.
 */
export async function importAppliedOnUploadOf(r: EximRequest, sessionId: string, xml: string): Promise<Response | null> {
	for (const upload of await r.o.store.listUploads(sessionId)) {
		if (upload.includes("\u001f")) continue; // an entry staged from a zip (see stagedEntryName)
		const apply = await r.o.store.getUploadApply(sessionId, upload);
		if (apply && (upload === xml || apply.result.entries?.includes(xml))) return importAppliedOnUpload(r, sessionId, upload, xml);
	}
	return null;
}

/**
 * @internal `mode=import` of an xml from an upload that is applied on upload: the summary the apply recorded (the same
 * `import` would give), then "already imported" (as a repeated `import`); a pending apply is driven from here (`progress` until it is done). Null when the upload has
 * no apply (or it failed: the import then reports the reason itself).
 */
export async function importAppliedOnUpload(r: EximRequest, sessionId: string, upload: string, xml: string): Promise<Response | null> {
	const o = r.o;
	const started = Date.now();
	for (;;) {
		const apply = await o.store.getUploadApply(sessionId, upload);
		if (!apply || apply.state === "failed") return null;
		if (apply.state === "done") {
			const line = apply.result.done[xml];
			if (line === undefined) return null;
			// as after an `import` that applied it: the summary once, then "already imported"
			if (line !== ALREADY_IMPORTED)
				await o.store.saveUploadApply(sessionId, upload, {
					result: { ...apply.result, done: { ...apply.result.done, [xml]: ALREADY_IMPORTED } },
				});
			return textReply(r, replySuccess(line));
		}
		const slice = await claimAndSlice(o, apply, r.c);
		if (slice?.state === "progress") return textReply(r, replyProgress(documentsStaged(slice.staged)));
		if (slice?.state === "failed") return null;
		if (slice === null) {
			// another worker holds the lease: wait a little for it (1C УТ re-polls at once), then answer progress
			if (Date.now() - started >= Math.min(1000, o.limits.importSliceMs)) return textReply(r, replyProgress(APPLYING));
			await sleep(50);
		}
	}
}

// ---------------------------------------------------------------------------------------------------------------
// background work

/** Pending applies looked at per pass. */
const CLAIM_BATCH = 16;
/** How often a request may look in the database for background work (ms). */
const KICK_INTERVAL_MS = 1000;

/** @internal The background worker of one app. */
export interface BackgroundWork {
	/** Works on every pending apply whose lease is free until none is left; one run at a time per app. */
	run(): Promise<void>;
	/**
	 * {@link BackgroundWork.run} at most once a second, counted from the app's creation (called after every request):
	 * the run's promise, or null when nothing was started.
	 */
	kick(): Promise<void> | null;
}

const workers = new WeakMap<ResolvedOptions, BackgroundWork>();

/** @internal The background worker of an app (per options object). */
export function backgroundWork(o: ResolvedOptions): BackgroundWork {
	let w = workers.get(o);
	if (w) return w;
	let running: Promise<void> | null = null;
	let lastKick = Date.now();
	const pass = async () => {
		for (;;) {
			const applies = await o.store.listClaimableApplies(Date.now(), CLAIM_BATCH);
			let worked = false;
			for (const apply of applies) {
				let slice: ApplySlice | null;
				try {
					slice = await claimAndSlice(o, apply);
				} catch (e) {
					// busy (the database locked, or an order changed while the file was planned): its lease is free again,
					// and the next pass retries it; the other applies go on meanwhile
					if (e instanceof StoreBusyError) continue;
					throw e;
				}
				if (!slice) continue;
				worked = true;
				if (slice.state !== "progress") await journalBackground(o, slice);
			}
			if (!worked) return;
		}
	};
	w = {
		run() {
			running ??= pass()
				.catch((e) => {
					try {
						o.onError(e);
					} catch {
						/* an onError that throws must not turn background work into an unhandled rejection */
					}
				})
				.finally(() => {
					running = null;
				});
			return running;
		},
		kick() {
			const now = Date.now();
			if (running || now - lastKick < KICK_INTERVAL_MS) return null;
			lastKick = now;
			return w?.run() ?? null;
		},
	};
	workers.set(o, w);
	return w;
}

/** The journal row of an apply finished in the background. */
async function journalBackground(o: ResolvedOptions, slice: Exclude<ApplySlice, { state: "progress" }>): Promise<void> {
	const done = slice.state === "done";
	await o.store.addJournal({
		nodeId: slice.apply.nodeId,
		at: o.clock.now().toISOString(),
		session: slice.apply.sessionId.slice(0, 12),
		type: "sale",
		mode: "file",
		filename: slice.apply.name,
		bytesIn: 0,
		bytesOut: 0,
		reply: done ? "success" : "failure",
		durationMs: 0,
		ordersSent: 0,
		ordersAcknowledged: 0,
		ordersImported: done ? slice.ordersImported : 0,
		error: done ? (slice.problems.length ? slice.problems.join("; ") : null) : slice.reason,
		note: done ? `applied on upload in the background: ${applyNote(slice.apply)}` : "apply on upload failed in the background",
	});
}
