import { CommerceMLError, isCommerceMLError, readDocuments } from "@obmen/core";
import { oneCFile } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { releasedAfterUse } from "./exim/released-chunks.ts";
import {
	BATCHES_AHEAD,
	type ParseWorker,
	type ParseWorkerFactory,
	ParseWorkerFailed,
	PIECE_BYTES,
	parseInWorker,
	serveParseWorker,
	warmUpParser,
} from "./parse-worker.ts";
import { type StagedDoc, stageDocument } from "./staged-doc.ts";

const enc = new TextEncoder();
const LIMITS = { maxElements: 10_000_000, maxBytes: 64 * 1024 * 1024 };

/**
 * A parse worker on this thread: the two ends of the channel exchange structured clones on later turns of the event
 * loop (transferred buffers are detached, as between threads). `fail` makes the "thread" die before its `n`th message.
 */
function channel(opts: { dieBefore?: number } = {}) {
	const stats = { batchesSent: 0, creditsSent: 0, maxAhead: 0, terminated: false, messages: 0, maxPiece: 0 };
	const toWorker: ((m: unknown) => void)[] = [];
	let toMain: (m: unknown) => void = () => {};
	let failMain: (e: unknown) => void = () => {};
	const deliver = (f: (m: unknown) => void, m: unknown, transfer?: ArrayBuffer[]) => {
		const copy = structuredClone(m, { transfer: transfer ?? [] });
		setTimeout(() => {
			if (!stats.terminated) f(copy);
		}, 0);
	};
	serveParseWorker({
		post(m) {
			stats.messages++;
			if (opts.dieBefore !== undefined && stats.messages >= opts.dieBefore) {
				setTimeout(() => failMain(new Error("worker out of memory")), 0);
				stats.terminated = true;
				return;
			}
			if ((m as { t: string }).t === "docs") {
				stats.batchesSent++;
				stats.maxAhead = Math.max(stats.maxAhead, stats.batchesSent - stats.creditsSent);
			}
			deliver(toMain, m);
		},
		listen(f) {
			toWorker.push(f);
		},
	});
	const worker: ParseWorker = {
		post(m, transfer) {
			if ((m as { t: string }).t === "credit") stats.creditsSent++;
			const piece = (m as { bytes?: Uint8Array | null }).bytes;
			if (piece) stats.maxPiece = Math.max(stats.maxPiece, piece.byteLength);
			for (const f of toWorker) deliver(f, m, transfer);
		},
		listen(message, fail) {
			toMain = message;
			failMain = fail;
		},
		terminate() {
			stats.terminated = true;
		},
	};
	let spawned = 0;
	const factory: ParseWorkerFactory = () => {
		spawned++;
		if (spawned > 1) throw new Error("one worker per channel");
		return worker;
	};
	return { factory, stats };
}

function file(orders: number): Uint8Array {
	const docs: Parameters<typeof oneCFile>[0] = [];
	for (let i = 1; i <= orders; i++) {
		docs.push({
			number: String(i),
			requisites: [["Номер по 1С", `УТ-${i}`], ...(i % 3 ? [] : ([["Оплачен", "true"]] as [string, string][]))],
		});
		if (i % 4 === 0) docs.push({ number: `ПП-${i}`, id: `pay-${i}`, operation: "Выплата безналичных денег", basis: String(i) });
	}
	docs.push({ number: "bad", date: "not-a-date" });
	return enc.encode(oneCFile(docs));
}

function* chunksOf(bytes: Uint8Array, size: number): Generator<Uint8Array> {
	for (let at = 0; at < bytes.length; at += size) yield bytes.subarray(at, at + size);
}

async function onThisThread(bytes: Uint8Array, createOrders: boolean): Promise<StagedDoc[]> {
	const out: StagedDoc[] = [];
	for await (const d of readDocuments(chunksOf(bytes, 4096), LIMITS)) out.push(stageDocument(d, createOrders));
	return out;
}

async function inWorker(factory: ParseWorkerFactory, bytes: Uint8Array, opts: { batch: number; createOrders?: boolean; chunk?: number }) {
	const batches: StagedDoc[][] = [];
	const progress: { read: number; parsing: number }[] = [];
	for await (const b of parseInWorker(
		factory,
		chunksOf(bytes, opts.chunk ?? 64 * 1024),
		{ limits: LIMITS, createOrders: opts.createOrders ?? false, batch: opts.batch },
		(p) => progress.push(p),
	))
		batches.push(b);
	return { batches, progress };
}

async function rejection(p: Promise<unknown>): Promise<unknown> {
	try {
		await p;
	} catch (e) {
		return e;
	}
	throw new Error("expected a rejection");
}

describe("parse worker (parsing on another thread, the protocol of both ends)", () => {
	it("the warm-up parses and stages every document of its generated file (a thread started ahead runs it)", async () => {
		expect(await warmUpParser(3)).toBe(3);
		expect(await warmUpParser()).toBe(200);
	});

	it("yields the documents the parser on this thread stages, in file order and batches, with the bytes read", async () => {
		const bytes = file(300);
		for (const createOrders of [false, true]) {
			const { factory, stats } = channel();
			const { batches, progress } = await inWorker(factory, bytes, { batch: 50, createOrders, chunk: 10_000 });
			const expected = await onThisThread(bytes, createOrders);
			expect(expected.length).toBe(376);
			expect(batches.flat()).toEqual(expected);
			expect(batches.slice(0, -1).every((b) => b.length === 50)).toBe(true);
			// one report per batch and one at the end, never going back; the whole file read by the end
			expect(progress).toHaveLength(batches.length + 1);
			expect(progress.map((p) => p.read)).toEqual([...progress.map((p) => p.read)].sort((a, b) => a - b));
			expect(progress.at(-1)?.read).toBe(bytes.length);
			expect(progress.every((p) => p.parsing >= 0)).toBe(true);
			expect(stats.terminated).toBe(true);
		}
	});

	it("a source released as it is used (the import's rows): each row is copied whole before it is freed", async () => {
		const bytes = file(300);
		const expected = await onThisThread(bytes, false);
		// rows smaller and larger than a piece: a row is asked for again only once all of it was handed over
		for (const size of [10_000, 150_000]) {
			const rows = [...chunksOf(bytes, size)].map((r) => r.slice());
			const lengths = rows.map((r) => r.byteLength);
			const { factory } = channel();
			const batches: StagedDoc[][] = [];
			for await (const b of parseInWorker(factory, releasedAfterUse(rows), { limits: LIMITS, createOrders: false, batch: 50 }, () => {}))
				batches.push(b);
			expect(batches.flat()).toEqual(expected);
			expect(lengths.every((n) => n > 0)).toBe(true);
			expect(rows.map((r) => r.byteLength)).toEqual(lengths.map(() => 0));
		}
	});

	it("cuts a batch after batchBytes of the file, so big documents make smaller batches", async () => {
		const bytes = file(300);
		const { factory } = channel();
		const batches: StagedDoc[][] = [];
		const opts = { limits: LIMITS, createOrders: false, batch: 1000, batchBytes: 20_000 };
		for await (const b of parseInWorker(factory, chunksOf(bytes, 1000), opts, () => {})) batches.push(b);
		expect(batches.flat()).toEqual(await onThisThread(bytes, false));
		// ~1 KB a document: a batch holds about 20 of them, not 1000
		expect(batches.length).toBeGreaterThan(bytes.length / 20_000 - 2);
		expect(Math.max(...batches.map((b) => b.length))).toBeLessThan(40);
	});

	it("hands a chunk of megabytes (a zip entry comes whole) over in pieces of at most PIECE_BYTES", async () => {
		const bytes = file(3000);
		expect(bytes.length).toBeGreaterThan(3 * 1024 * 1024);
		const { factory, stats } = channel();
		const { batches, progress } = await inWorker(factory, bytes, { batch: 500, chunk: bytes.length });
		expect(batches.flat()).toEqual(await onThisThread(bytes, false));
		expect(stats.maxPiece).toBe(PIECE_BYTES);
		expect(progress.at(-1)?.read).toBe(bytes.length);
	});

	it("sends at most BATCHES_AHEAD batches the importing thread has not taken (bounded memory)", async () => {
		const { factory, stats } = channel();
		let taken = 0;
		for await (const b of parseInWorker(
			factory,
			chunksOf(file(400), 32 * 1024),
			{ limits: LIMITS, createOrders: false, batch: 10 },
			() => {},
		)) {
			taken += b.length;
			// a slow consumer: the worker could run far ahead if nothing held it back
			await new Promise((r) => setTimeout(r, 2));
		}
		expect(taken).toBe(501);
		expect(stats.batchesSent).toBe(51);
		expect(stats.maxAhead).toBe(BATCHES_AHEAD);
	});

	it("a file that is not valid fails with the parser's own CommerceMLError: code, reason and position", async () => {
		const good = new TextDecoder().decode(file(20));
		const broken = enc.encode(good.replace("<Номер>7</Номер>", "<Номер>7</Номр>"));
		const doctype = enc.encode(good.replace("<КоммерческаяИнформация", '<!DOCTYPE x [<!ENTITY a "b">]><КоммерческаяИнформация'));
		for (const bytes of [broken, doctype]) {
			const own = await rejection(onThisThread(bytes, false));
			const { factory, stats } = channel();
			const e = await rejection(inWorker(factory, bytes, { batch: 5 }));
			expect(e).toBeInstanceOf(CommerceMLError);
			expect(isCommerceMLError(own)).toBe(true);
			const pick = (x: unknown) => {
				const c = x as CommerceMLError;
				return { code: c.code, reason: c.reason, offset: c.offset, line: c.line, column: c.column, message: c.message };
			};
			expect(pick(e)).toEqual(pick(own));
			expect(stats.terminated).toBe(true);
		}
	});

	it("stops the worker and closes the source when the importing thread stops early", async () => {
		const { factory, stats } = channel();
		let closed = false;
		async function* source(): AsyncGenerator<Uint8Array> {
			try {
				yield* chunksOf(file(300), 8 * 1024);
			} finally {
				closed = true;
			}
		}
		for await (const b of parseInWorker(factory, source(), { limits: LIMITS, createOrders: false, batch: 20 }, () => {})) {
			expect(b).toHaveLength(20);
			break;
		}
		expect(stats.terminated).toBe(true);
		expect(closed).toBe(true);
	});

	it("a worker that dies, or cannot start, is ParseWorkerFailed (the import then parses on its own thread)", async () => {
		const { factory } = channel({ dieBefore: 4 });
		const died = await rejection(inWorker(factory, file(200), { batch: 10 }));
		expect(died).toBeInstanceOf(ParseWorkerFailed);
		expect(String(died)).toContain("worker out of memory");
		const none = await rejection(
			inWorker(
				() => {
					throw new Error("no such script");
				},
				file(5),
				{ batch: 10 },
			),
		);
		expect(none).toBeInstanceOf(ParseWorkerFailed);
	});

	it("a source that fails reading is that failure, and the caller's bytes are copied, not taken", async () => {
		const { factory } = channel();
		const bytes = file(50);
		const kept = bytes.slice();
		async function* failing(): AsyncGenerator<Uint8Array> {
			yield bytes.subarray(0, 1000);
			throw new Error("disk read failed");
		}
		const e = await rejection(parseInWorker(factory, failing(), { limits: LIMITS, createOrders: false, batch: 10 }, () => {}).next());
		expect(String(e)).toContain("disk read failed");
		// the worker got the first 1000 bytes as a copy of its own
		const { factory: f2 } = channel();
		const { batches } = await inWorker(f2, bytes, { batch: 100, chunk: 1000 });
		expect(batches.flat()).toHaveLength(63);
		// handed over as copies: the caller's buffer is intact
		expect(bytes).toEqual(kept);
	});

	it("copies a chunk whose slice is a view (a Node Buffer in a shared pool): the pool is never transferred", async () => {
		// Node's Buffer#slice returns a view of the same memory, as this one does
		class ViewSlice extends Uint8Array {
			override slice(start?: number, end?: number): Uint8Array<ArrayBuffer> {
				return this.subarray(start, end);
			}
		}
		const bytes = file(300);
		const pool = new ViewSlice(bytes.byteLength + 10);
		pool.set(bytes, 10);
		const chunks = function* () {
			for (let o = 0; o < bytes.byteLength; o += 100_000) yield pool.subarray(10 + o, 10 + Math.min(o + 100_000, bytes.byteLength));
		};
		const { factory } = channel();
		const batches: StagedDoc[][] = [];
		for await (const b of parseInWorker(factory, chunks(), { limits: LIMITS, createOrders: false, batch: 100 }, () => {})) batches.push(b);
		expect(batches.flat()).toEqual(await onThisThread(bytes, false));
		expect(pool.buffer.byteLength).toBe(bytes.byteLength + 10);
		expect(new Uint8Array(pool.buffer, 10)).toEqual(bytes);
	});
});
