/**
 * @module
 * The strict, streaming CommerceML reader for order files uploaded by 1C (`mode=file`/`import`).
 *
 * Bytes → encoding detection → fatal streaming decoder → limited saxes → one `Документ` at a time.
 * Memory stays bounded by the largest single document: only the element tree of the document
 * being read is kept, and each is yielded as soon as its end tag is seen. `Документ`s are accepted
 * directly under `КоммерческаяИнформация` or inside `Контейнер` (3.x); namespaces are ignored.
 */
import { concatBytes } from "../bytes.ts";
import { canDetect, detectEncoding, FatalStreamDecoder, type SupportedEncoding } from "../encoding/detect.ts";
import { CommerceMLError } from "../errors.ts";
import { type CmlElement, type IncomingDocument, mapDocument } from "./document-mapper.ts";
import { type ReadLimits, resolveLimits, StrictXmlParser, type XmlSink } from "./sax-limits.ts";

export type {
	CmlElement,
	IncomingCounterparty,
	IncomingDocument,
	IncomingItem,
	IncomingOneC,
	IncomingRequisite,
	IncomingUnit,
} from "./document-mapper.ts";
export type { ReadLimits } from "./sax-limits.ts";

/** What the reader accepts: a web stream, one buffer, or any async iterable of byte chunks. */
export type CmlInput = ReadableStream<Uint8Array> | Uint8Array | AsyncIterable<Uint8Array> | Iterable<Uint8Array>;

/** The header of the file (`КоммерческаяИнформация` attributes). */
export interface CmlHeader {
	/** `ВерсияСхемы`, e.g. "2.09"; null when missing (1C 8 B2B files). */
	schemaVersion: string | null;
	/** `ДатаФормирования` as sent. */
	generatedAt: string | null;
	/** The encoding the bytes were decoded with. */
	encoding: SupportedEncoding | null;
}

const ROOT = "КоммерческаяИнформация";
const SLICE = 64 * 1024;

async function* chunksOf(input: CmlInput): AsyncGenerator<Uint8Array> {
	if (input instanceof Uint8Array) {
		for (let i = 0; i < input.length; i += SLICE) yield input.subarray(i, i + SLICE);
		return;
	}
	if (typeof (input as ReadableStream<Uint8Array>).getReader === "function") {
		const reader = (input as ReadableStream<Uint8Array>).getReader();
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) return;
				yield* sliceChunk(value);
			}
		} finally {
			reader.releaseLock();
		}
	}
	for await (const chunk of input as AsyncIterable<Uint8Array>) yield* sliceChunk(chunk);
}

function* sliceChunk(chunk: Uint8Array): Generator<Uint8Array> {
	if (!(chunk instanceof Uint8Array)) throw new TypeError("CommerceML input chunks must be Uint8Array");
	for (let i = 0; i < chunk.length; i += SLICE) yield chunk.subarray(i, i + SLICE);
}

/** Builds element trees for `Документ`s and hands each finished one to `emit`. */
class DocumentCollector implements XmlSink {
	header: CmlHeader = { schemaVersion: null, generatedAt: null, encoding: null };
	readonly ready: IncomingDocument[] = [];
	/** Open elements of the current document (empty when outside a document). */
	private stack: CmlElement[] = [];
	private docDepth = 0;
	/** Set once the parser exists; used to position errors raised here. */
	parser: StrictXmlParser | null = null;

	constructor(private readonly maxValueLength: number) {}

	private fail(code: "NOT_COMMERCEML" | "LIMIT_VALUE", message: string): CommerceMLError {
		return this.parser ? this.parser.error(code, message) : new CommerceMLError(code, message);
	}

	open(name: string, attrs: Map<string, string> | null, depth: number): void {
		if (depth === 1) {
			if (name !== ROOT) throw this.fail("NOT_COMMERCEML", `root element is <${name}>, expected <${ROOT}>`);
			this.header.schemaVersion = attrs?.get("ВерсияСхемы") ?? null;
			this.header.generatedAt = attrs?.get("ДатаФормирования") ?? null;
			return;
		}
		const el: CmlElement = { name, attrs, children: [], text: "" };
		const parent = this.stack[this.stack.length - 1];
		if (parent !== undefined) {
			parent.children.push(el);
			this.stack.push(el);
		} else if (name === "Документ") {
			this.docDepth = depth;
			this.stack.push(el);
		}
	}

	text(text: string): void {
		const top = this.stack[this.stack.length - 1];
		if (top === undefined) return;
		// Text split by comments/CDATA arrives in pieces: cap the element's total too.
		if (top.text.length + text.length > this.maxValueLength)
			throw this.fail("LIMIT_VALUE", `text of <${top.name}> longer than ${this.maxValueLength}`);
		top.text += text;
	}

	close(_name: string, depth: number): void {
		if (this.stack.length === 0) return;
		const el = this.stack.pop() as CmlElement;
		if (depth === this.docDepth && this.stack.length === 0) this.ready.push(mapDocument(el));
	}
}

/**
 * The reader's synchronous core: bytes pushed in, finished `Документ`s collected in {@link ready}. Encoding detection
 * waits for enough leading bytes; {@link end} flushes the decoder and checks the document is complete.
 */
class DocumentReader {
	readonly collector: DocumentCollector;
	private readonly limits: ReturnType<typeof resolveLimits>;
	private total = 0;
	private head: Uint8Array[] = [];
	private headLen = 0;
	private decoder: FatalStreamDecoder | null = null;
	private parser: StrictXmlParser | null = null;
	/** Char index of the current decoded text, and the byte offset it starts at. */
	private textStart = 0;
	private textByteStart = 0;
	private currentText = "";

	constructor(limits: ReadLimits | undefined, header: CmlHeader | undefined) {
		this.limits = resolveLimits(limits);
		this.collector = new DocumentCollector(this.limits.maxValueLength);
		if (header) this.collector.header = header;
	}

	get ready(): IncomingDocument[] {
		return this.collector.ready;
	}

	private byteOffsetOf = (charIndex: number): number | undefined => {
		const decoder = this.decoder;
		if (!decoder) return undefined;
		const rel = charIndex - this.textStart;
		if (rel < 0 || rel > this.currentText.length) return undefined;
		const prefix = this.currentText.slice(0, rel);
		return this.textByteStart + (decoder.encoding === "utf-8" ? new TextEncoder().encode(prefix).length : prefix.length);
	};

	private feed(bytes: Uint8Array): void {
		const d = this.decoder as FatalStreamDecoder;
		const before = d.textByteOffset;
		const text = bytes.length ? d.decode(bytes) : d.end();
		this.textStart += this.currentText.length;
		this.textByteStart = before;
		this.currentText = text;
		(this.parser as StrictXmlParser).write(text);
	}

	private start(bytes: Uint8Array): void {
		const det = detectEncoding(bytes);
		this.collector.header.encoding = det.encoding;
		this.decoder = new FatalStreamDecoder(det.encoding, det.bomLength);
		this.parser = new StrictXmlParser(this.collector, this.limits, this.byteOffsetOf);
		this.collector.parser = this.parser;
		this.feed(bytes.subarray(det.bomLength));
	}

	/** Takes the next slice of bytes (at most {@link SLICE}: the parser's positions stay cheap to compute). */
	push(chunk: Uint8Array): void {
		this.total += chunk.length;
		if (this.total > this.limits.maxBytes)
			throw new CommerceMLError("LIMIT_SIZE", `input larger than ${this.limits.maxBytes} bytes`, { offset: this.limits.maxBytes });
		if (this.decoder) {
			this.feed(chunk);
			return;
		}
		this.head.push(chunk);
		this.headLen += chunk.length;
		const joined = this.head.length === 1 ? chunk : concatBytes(this.head, this.headLen);
		if (!canDetect(joined, false)) {
			// kept until the next chunk: as a copy, since the caller may free or reuse a chunk once it gives the next
			this.head = [joined === chunk ? chunk.slice() : joined];
			return;
		}
		this.head = [];
		this.start(joined);
	}

	/** The input is over: flushes the decoder and checks the document is complete. */
	end(): void {
		if (!this.decoder) {
			if (this.headLen === 0) throw new CommerceMLError("XML_TRUNCATED", "empty input", { offset: 0 });
			this.start(concatBytes(this.head, this.headLen));
		}
		this.feed(new Uint8Array(0));
		(this.parser as StrictXmlParser).close();
	}
}

/**
 * Reads CommerceML order documents from 1C one at a time (bounded memory).
 * Throws {@link CommerceMLError} (XML_*, ENCODING_*, LIMIT_*, DOCTYPE_FORBIDDEN, NOT_COMMERCEML,
 * CHAR_FORBIDDEN) with a byte offset and/or line/column. Documents already yielded before an
 * error stay valid, but a caller importing a file must treat any error as "import nothing".
 * Each chunk of `input` is used up before the next one is asked for: the caller may free or reuse it then.
 * @param header optional object filled with the root attributes once the root element is seen.
 */
export async function* readDocuments(
	input: CmlInput,
	limits?: ReadLimits,
	header?: CmlHeader,
): AsyncGenerator<IncomingDocument, CmlHeader, undefined> {
	const reader = new DocumentReader(limits, header);
	const ready = reader.ready;
	for await (const chunk of chunksOf(input)) {
		reader.push(chunk);
		while (ready.length) yield ready.shift() as IncomingDocument;
	}
	reader.end();
	while (ready.length) yield ready.shift() as IncomingDocument;
	return reader.collector.header;
}

/**
 * {@link readDocuments} over bytes already in memory, synchronously (no stream, no promise per chunk): for small
 * documents read many times, such as one order rendered and read back to compare its content. Same checks, same
 * errors.
 */
export function readDocumentsSync(bytes: Uint8Array, limits?: ReadLimits, header?: CmlHeader): IncomingDocument[] {
	const reader = new DocumentReader(limits, header);
	for (let i = 0; i < bytes.length; i += SLICE) reader.push(bytes.subarray(i, i + SLICE));
	reader.end();
	return reader.ready;
}

/** Reads a whole (small) CommerceML file: the header and every document. */
export async function readDocumentsAll(
	input: CmlInput,
	limits?: ReadLimits,
): Promise<{ schemaVersion: string | null; generatedAt: string | null; documents: IncomingDocument[] }> {
	const header: CmlHeader = { schemaVersion: null, generatedAt: null, encoding: null };
	const documents: IncomingDocument[] = [];
	for await (const doc of readDocuments(input, limits, header)) documents.push(doc);
	return { schemaVersion: header.schemaVersion, generatedAt: header.generatedAt, documents };
}
