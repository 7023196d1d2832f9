/**
 * @module
 * Parsing a big 1C order file on another thread. A direct import (exim/import.ts `applyDirect`) parses the upload and
 * plans each page of documents against the store as it goes; on one thread the parse (about a third of the time of a
 * 100 MB file) and the planning with its SQL take turns. With a parse worker they overlap: the worker reads the bytes
 * it is handed, parses them with {@link readDocuments} and reduces each document to its {@link StagedDoc}, and the
 * importing thread plans pages while the next ones are parsed.
 *
 * The runtime provides the thread ({@link ParseWorkerFactory}: Node's `worker_threads` in apps/node); this module is
 * the protocol on both sides, web-standard only. Memory stays bounded: the worker asks for the upload in pieces of
 * {@link PIECE_BYTES}, at most {@link PIECES_AHEAD} ahead of what it parses; it cuts a batch at a number of documents or at
 * {@link BATCH_BYTES} of the file, and sends one only while the importing thread has fewer than {@link BATCHES_AHEAD}
 * batches it has not taken yet.
 */
import { CommerceMLError, isCommerceMLError, type ReadLimits, readDocuments } from "@obmen/core";
import { type StagedDoc, stageDocument } from "./staged-doc.ts";

/** Batches of documents the worker may send before the importing thread has taken them. */
export const BATCHES_AHEAD = 2;

/** A batch is sent after this many bytes of the file at most, so big documents make smaller batches. */
export const BATCH_BYTES = 4 * 1024 * 1024;

/** The importing thread's end of a parse worker (made per file by a {@link ParseWorkerFactory}). */
export interface ParseWorker {
	/** Sends a message to the worker (`transfer`: buffers handed over, not copied). */
	post(message: unknown, transfer?: ArrayBuffer[]): void;
	/** Receives the worker's messages; `fail` when the worker could not start or died. */
	listen(message: (m: unknown) => void, fail: (e: unknown) => void): void;
	/** Stops the worker (after the file, or when the import stops early). */
	terminate(): void;
}

/**
 * Starts a parse worker: a thread running {@link serveParseWorker}. `prepare`, when the runtime has it, starts a
 * thread ahead for the next call (the exchange app calls it as a big upload arrives).
 */
export type ParseWorkerFactory = (() => ParseWorker) & { prepare?: () => void };

/** The worker's end of the channel (Node's `parentPort`, a Web Worker's `self`). */
export interface ParsePort {
	post(message: unknown): void;
	listen(message: (m: unknown) => void): void;
}

/** Messages to the worker. */
type ToWorker =
	| { t: "start"; limits: ReadLimits; createOrders: boolean; batch: number; batchBytes: number }
	/** The next chunk of the file; null at its end. */
	| { t: "chunk"; bytes: Uint8Array | null }
	/** The importing thread took a batch: one more may be sent. */
	| { t: "credit" };

/** A parse error as it crosses threads. */
type ErrorData =
	| { cml: true; code: CommerceMLError["code"]; reason: string; offset?: number; line?: number; column?: number }
	| { cml: false; message: string };

/** How far the worker's parse got: bytes of the file given to the parser, and ms spent parsing (not waiting). */
export interface ParseProgress {
	read: number;
	parsing: number;
}

/** Messages from the worker. */
type FromWorker =
	| { t: "pull" }
	| ({ t: "docs"; docs: StagedDoc[] } & ParseProgress)
	| ({ t: "end" } & ParseProgress)
	| { t: "error"; error: ErrorData };

/**
 * Bytes handed to the worker at a time, and given to its parser at a time (so that `read` is never far ahead of what
 * was parsed): a zip entry, which comes as one chunk of up to the upload cap, is handed over piece by piece too.
 * 64 KiB, the size of the upload's rows on libSQL: under glibc's mmap threshold as the deploy files set it, so a
 * piece is not a freshly mapped buffer (see `UPLOAD_ROW_BYTES` of @obmen/db).
 */
export const PIECE_BYTES = 64 * 1024;
/** Pieces the worker asks for ahead of its parse (8 MiB; the importing thread answers between its pages of work). */
const PIECES_AHEAD = 128;

/** The worker failed for a reason of its own (not the file's): the import parses on its own thread instead. */
export class ParseWorkerFailed extends Error {
	constructor(cause: unknown) {
		super(`parse worker failed: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
		this.name = "ParseWorkerFailed";
	}
}

function errorData(e: unknown): ErrorData {
	if (isCommerceMLError(e)) {
		const d: ErrorData = { cml: true, code: e.code, reason: e.reason };
		if (e.offset !== undefined) d.offset = e.offset;
		if (e.line !== undefined) d.line = e.line;
		if (e.column !== undefined) d.column = e.column;
		return d;
	}
	return { cml: false, message: e instanceof Error ? e.message : String(e) };
}

function revive(d: ErrorData): Error {
	if (!d.cml) return new ParseWorkerFailed(new Error(d.message));
	const position: { offset?: number; line?: number; column?: number } = {};
	if (d.offset !== undefined) position.offset = d.offset;
	if (d.line !== undefined) position.line = d.line;
	if (d.column !== undefined) position.column = d.column;
	return new CommerceMLError(d.code, d.reason, position);
}

/** A promise with its resolver (a wake-up for one waiter). */
function signal(): { wait: Promise<void>; wake: () => void } {
	let wake = () => {};
	const wait = new Promise<void>((resolve) => {
		wake = resolve;
	});
	return { wait, wake };
}

/** A 1C order document as 1C sends one back (two goods lines, the delivery as a service, requisites): warm-up input. */
function sampleDocument(n: number): string {
	const req = (name: string, value: string) =>
		`<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>`;
	const line = (id: string, sku: string, name: string, price: number, qty: number, extra = "") =>
		`<Товар><Ид>${id}</Ид>${sku ? `<Артикул>${sku}</Артикул>` : ""}<Наименование>${name}</Наименование><ЦенаЗаЕдиницу>${price}</ЦенаЗаЕдиницу>` +
		`<Количество>${qty}</Количество><Сумма>${price * qty}</Сумма>${extra}</Товар>`;
	return (
		`<Документ><Ид>${n}-8b1b-11df-be16-e0cb4ed5f70f</Ид><Номер>${n}</Номер><Дата>2026-11-28</Дата><ХозОперация>Заказ товара</ХозОперация>` +
		`<Роль>Продавец</Роль><Валюта>руб</Валюта><Курс>1</Курс><Сумма>${1490 + 250 * 2 + 300}</Сумма><Контрагенты><Контрагент><Ид>c${n}</Ид>` +
		`<Наименование>Покупатель ${n}</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты><Время>10:00:00</Время><Товары>` +
		line("a1f0c3e2-8b1b-11df-be16-e0cb4ed5f70f", "SKU-1", "Чайник", 1490, 1) +
		line("a1f0c3e3-8b1b-11df-be16-e0cb4ed5f70f", "SKU-2", "Кружка", 250, 2) +
		line("ORDER_DELIVERY", "", "Доставка заказа", 300, 1, `<ЗначенияРеквизитов>${req("ТипНоменклатуры", "Услуга")}</ЗначенияРеквизитов>`) +
		`</Товары><ЗначенияРеквизитов>${req("Номер по 1С", `УТ-${n}`)}${req("Проведен", "true")}${req(n % 2 ? "Оплачен" : "Отгружен", "true")}` +
		`</ЗначенияРеквизитов></Документ>\n`
	);
}

/**
 * Parses and stages a small generated file (`documents` orders, ~2 KB each) and forgets it: run by a thread started
 * ahead of an import ({@link ParseWorkerFactory}'s `prepare`) before it serves, so the JIT has compiled the parser
 * when the file comes (a cold parser takes several times longer over the first megabyte, while the importing thread
 * waits for its first page). Returns the number of documents staged.
 */
export async function warmUpParser(documents = 200): Promise<number> {
	const text = `<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08" ДатаФормирования="2026-11-28T10:00:00">\n${Array.from(
		{ length: documents },
		(_, i) => sampleDocument(i + 1),
	).join("")}</КоммерческаяИнформация>\n`;
	let staged = 0;
	for await (const doc of readDocuments([new TextEncoder().encode(text)], {})) if (stageDocument(doc, true).k === "o") staged++;
	return staged;
}

/**
 * The worker's side: waits for `start`, then parses the chunks it asks for and sends the staged documents in batches
 * (a parse error is sent as such, with its code and position). One file per worker.
 */
export function serveParseWorker(port: ParsePort): void {
	const chunks: (Uint8Array | null)[] = [];
	let pulled = 0;
	let credits = BATCHES_AHEAD;
	let arrived = signal();
	let ended = false;
	port.listen((m) => {
		const msg = m as ToWorker;
		if (msg.t === "start") void run(msg);
		else if (msg.t === "chunk") {
			pulled--;
			chunks.push(msg.bytes);
		} else if (msg.t === "credit") credits++;
		arrived.wake();
	});
	// asks for pieces until PIECES_AHEAD are on their way or waiting, until the end of the file was seen
	const topUp = () => {
		while (!ended && pulled + chunks.length < PIECES_AHEAD) {
			pulled++;
			port.post({ t: "pull" } satisfies FromWorker);
		}
	};
	let read = 0;
	// time spent waiting (for a chunk, for a credit) is not parsing
	let waited = 0;
	let began = 0;
	const progress = (): ParseProgress => ({ read, parsing: Date.now() - began - waited });
	const waitFor = async (ready: () => boolean) => {
		const from = Date.now();
		while (!ready()) {
			await arrived.wait;
			arrived = signal();
		}
		waited += Date.now() - from;
	};
	async function* input(): AsyncGenerator<Uint8Array> {
		topUp();
		for (;;) {
			await waitFor(() => chunks.length > 0);
			const bytes = chunks.shift() as Uint8Array | null;
			if (bytes === null) {
				ended = true;
				return;
			}
			// the next pieces are on their way while this one is parsed
			topUp();
			read += bytes.byteLength;
			yield bytes;
		}
	}
	async function send(docs: StagedDoc[]): Promise<void> {
		await waitFor(() => credits > 0);
		credits--;
		port.post({ t: "docs", docs, ...progress() } satisfies FromWorker);
	}
	async function run(start: Extract<ToWorker, { t: "start" }>): Promise<void> {
		began = Date.now();
		try {
			let batch: StagedDoc[] = [];
			let from = 0;
			for await (const doc of readDocuments(input(), start.limits)) {
				batch.push(stageDocument(doc, start.createOrders));
				if (batch.length >= start.batch || read - from >= start.batchBytes) {
					await send(batch);
					batch = [];
					from = read;
				}
			}
			if (batch.length) await send(batch);
			port.post({ t: "end", ...progress() } satisfies FromWorker);
		} catch (e) {
			port.post({ t: "error", error: errorData(e) } satisfies FromWorker);
		}
	}
}

/**
 * The importing thread's side: starts a worker, hands it the file in pieces as it asks for them (copies: the caller's
 * bytes stay usable) and yields its batches of staged documents in file order. The worker is stopped when the
 * iteration ends, early or not.
 * @throws CommerceMLError when the file is not a valid 1C order file (as the parser on this thread would)
 * @throws ParseWorkerFailed when the worker failed for a reason of its own
 */
export async function* parseInWorker(
	spawn: ParseWorkerFactory,
	chunks: AsyncIterable<Uint8Array> | Iterable<Uint8Array>,
	/** `batch`: documents per batch at most; `batchBytes`: bytes of the file per batch at most (default {@link BATCH_BYTES}). */
	opts: { limits: ReadLimits; createOrders: boolean; batch: number; batchBytes?: number },
	/** Told how far the worker's parse got, with each batch. */
	onProgress: (p: ParseProgress) => void,
): AsyncGenerator<StagedDoc[]> {
	let worker: ParseWorker;
	try {
		worker = spawn();
	} catch (e) {
		throw new ParseWorkerFailed(e);
	}
	const w = worker;
	const inbox: Exclude<FromWorker, { t: "pull" }>[] = [];
	let failure: unknown = null;
	let arrived = signal();
	const source = Symbol.asyncIterator in chunks ? chunks[Symbol.asyncIterator]() : (chunks as Iterable<Uint8Array>)[Symbol.iterator]();
	// pieces are handed over in the order they were asked for (one request at a time reads the source)
	let reading: Promise<void> = Promise.resolve();
	let rest: Uint8Array = new Uint8Array(0);
	let done = false;
	const handOver = async () => {
		try {
			while (rest.byteLength === 0 && !done) {
				const r = await source.next();
				if (r.done) done = true;
				else rest = r.value;
			}
			if (rest.byteLength === 0) {
				w.post({ t: "chunk", bytes: null } satisfies ToWorker);
				return;
			}
			// a copy of at most PIECE_BYTES: the caller's bytes stay whole and usable
			// (into a buffer of its own: a Node Buffer's slice is a view, and its whole pool would be transferred)
			const copy = new Uint8Array(Math.min(PIECE_BYTES, rest.byteLength));
			copy.set(rest.subarray(0, copy.byteLength));
			rest = rest.subarray(copy.byteLength);
			w.post({ t: "chunk", bytes: copy } satisfies ToWorker, [copy.buffer as ArrayBuffer]);
		} catch (e) {
			failure ??= e;
			arrived.wake();
		}
	};
	w.listen(
		(m) => {
			const msg = m as FromWorker;
			if (msg.t === "pull") reading = reading.then(handOver);
			else {
				inbox.push(msg);
				arrived.wake();
			}
		},
		(e) => {
			failure ??= new ParseWorkerFailed(e);
			arrived.wake();
		},
	);
	try {
		const start = { limits: opts.limits, createOrders: opts.createOrders, batch: opts.batch, batchBytes: opts.batchBytes ?? BATCH_BYTES };
		w.post({ t: "start", ...start } satisfies ToWorker);
		for (;;) {
			while (inbox.length === 0 && failure === null) {
				await arrived.wait;
				arrived = signal();
			}
			const msg = inbox.shift();
			if (!msg) throw failure;
			if (msg.t === "error") throw revive(msg.error);
			onProgress({ read: msg.read, parsing: msg.parsing });
			if (msg.t === "end") return;
			yield msg.docs;
			w.post({ t: "credit" } satisfies ToWorker);
		}
	} finally {
		w.terminate();
		try {
			await (source as { return?: () => unknown }).return?.();
		} catch {
			// the error that ended the iteration (if any) is the one to report
		}
	}
}
