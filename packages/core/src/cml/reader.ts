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
 * Reads CommerceML order documents from 1C one at a time (bounded memory).
 * Throws {@link CommerceMLError} (XML_*, ENCODING_*, LIMIT_*, DOCTYPE_FORBIDDEN, NOT_COMMERCEML,
 * CHAR_FORBIDDEN) with a byte offset and/or line/column. Documents already yielded before an
 * error stay valid, but a caller importing a file must treat any error as "import nothing".
 * @param header optional object filled with the root attributes once the root element is seen.
 */
export async function* readDocuments(
	input: CmlInput,
	limits?: ReadLimits,
	header?: CmlHeader,
): AsyncGenerator<IncomingDocument, CmlHeader, undefined> {
	const resolved = resolveLimits(limits);
	let total = 0;
	let head: Uint8Array[] = [];
	let headLen = 0;
	let decoder: FatalStreamDecoder | null = null;
	let parser: StrictXmlParser | null = null;
	let textStart = 0; // char index of the current decoded text
	let textByteStart = 0;
	let currentText = "";
	const collector = new DocumentCollector(resolved.maxValueLength);
	if (header) collector.header = header;

	const byteOffsetOf = (charIndex: number): number | undefined => {
		if (!decoder) return undefined;
		const rel = charIndex - textStart;
		if (rel < 0 || rel > currentText.length) return undefined;
		const prefix = currentText.slice(0, rel);
		return textByteStart + (decoder.encoding === "utf-8" ? new TextEncoder().encode(prefix).length : prefix.length);
	};

	const feed = (bytes: Uint8Array): void => {
		const d = decoder as FatalStreamDecoder;
		const before = d.textByteOffset;
		const text = bytes.length ? d.decode(bytes) : d.end();
		textStart += currentText.length;
		textByteStart = before;
		currentText = text;
		(parser as StrictXmlParser).write(text);
	};

	const start = (bytes: Uint8Array): void => {
		const det = detectEncoding(bytes);
		collector.header.encoding = det.encoding;
		decoder = new FatalStreamDecoder(det.encoding, det.bomLength);
		parser = new StrictXmlParser(collector, resolved, byteOffsetOf);
		collector.parser = parser;
		feed(bytes.subarray(det.bomLength));
	};

	for await (const chunk of chunksOf(input)) {
		total += chunk.length;
		if (total > resolved.maxBytes)
			throw new CommerceMLError("LIMIT_SIZE", `input larger than ${resolved.maxBytes} bytes`, { offset: resolved.maxBytes });
		if (!decoder) {
			head.push(chunk);
			headLen += chunk.length;
			const joined = head.length === 1 ? chunk : concatBytes(head, headLen);
			head = [joined];
			if (!canDetect(joined, false)) continue;
			head = [];
			start(joined);
		} else feed(chunk);
		while (collector.ready.length) yield collector.ready.shift() as IncomingDocument;
	}
	if (!decoder) {
		if (headLen === 0) throw new CommerceMLError("XML_TRUNCATED", "empty input", { offset: 0 });
		start(concatBytes(head, headLen));
	}
	feed(new Uint8Array(0));
	(parser as unknown as StrictXmlParser).close();
	while (collector.ready.length) yield collector.ready.shift() as IncomingDocument;
	return collector.header;
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
