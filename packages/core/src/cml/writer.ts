/**
 * @module
 * The CommerceML order export (site → 1C): the body of the `mode=query` answer.
 *
 * A hand-written streaming generator: orders are pulled one by one from an (async) iterable,
 * written as escaped, encoded bytes straight into a {@link ByteSink} (no intermediate string, no
 * DOM; xmlbuilder2 is not used here), and emitted as chunks of about 64 KB only when the
 * consumer asks for more (a pull-based `ReadableStream` with high-water mark 0). Memory stays
 * constant however many orders flow through; a slow HTTP client slows the database cursor down.
 *
 * Bytes: nothing before `<?xml`, no BOM in either encoding (every 1C configuration checks that the body
 * string starts with `<?xml`, and a BOM the platform keeps as a character fails that); the declaration names the
 * real encoding; the root `КоммерческаяИнформация` has no default namespace (1C's XDTO would
 * otherwise validate against its bundled schema, see docs/protocol.md §3.3). An empty batch is the
 * root element without `Документ`, which 1C treats as "nothing to load".
 */
import { concatBytes } from "../bytes.ts";
import { ByteSink } from "./byte-sink.ts";
import { writeDocument } from "./document-writer.ts";
import { type ExportOrder, type ExportSettings, resolveSettings, type WriterContext, type XmlEncoding } from "./export-settings.ts";

export type { ExportOrder, ExportSettings, SchemaVersion, XmlEncoding } from "./export-settings.ts";
export { SCHEMA_VERSIONS } from "./export-settings.ts";
/** Kept here for compatibility: the warnings moved to their own module. */
export { MAX_1C_NUMBER_LENGTH, numberWarnings, type OrderWarning, type OrderWarningCode, orderWarnings } from "./order-warnings.ts";

/** Target chunk size in bytes. */
const DEFAULT_CHUNK_BYTES = 64 * 1024;

/** Low-level knobs (tests, benchmarks); not part of the node settings. */
export interface WriterStreamOptions {
	/** Bytes to accumulate before a chunk is emitted (a chunk always ends after a whole `Документ`); default 65536. */
	chunkBytes?: number;
}

/** The XML declaration and root start tag (no BOM: 1C checks `Лев(Ответ, 5) = "<?xml"`). */
export function documentHead(ctx: WriterContext): string {
	const decl = ctx.cp1251 ? '<?xml version="1.0" encoding="windows-1251"?>' : '<?xml version="1.0" encoding="UTF-8"?>';
	return `${decl}\n<КоммерческаяИнформация ВерсияСхемы="${ctx.schemaVersion}" ДатаФормирования="${ctx.generatedAt}">\n`;
}

/** The root end tag. */
export const DOCUMENT_TAIL = "</КоммерческаяИнформация>\n";

type AnyIterator = Iterator<ExportOrder> | AsyncIterator<ExportOrder>;

/**
 * Streams the orders as one CommerceML document (`КоммерческаяИнформация` with a `Документ` per
 * order) in the node's schema version and encoding. Pull-based: an order is taken from `orders`
 * only when the consumer reads, at most one ~64 KB chunk ahead. Cancelling the stream calls
 * `return()` on the source iterator (closing a database cursor, for instance).
 * @throws (through the stream) CommerceMLError `CHAR_FORBIDDEN` naming the order and field when a
 * value holds a character XML 1.0 cannot carry; RangeError for invalid settings (synchronously).
 */
export function writeOrdersXml(
	orders: Iterable<ExportOrder> | AsyncIterable<ExportOrder>,
	settings: ExportSettings = {},
	options: WriterStreamOptions = {},
): ReadableStream<Uint8Array<ArrayBuffer>> {
	const ctx = resolveSettings(settings);
	const chunkBytes = Math.max(1, options.chunkBytes ?? DEFAULT_CHUNK_BYTES);
	const sink = new ByteSink(ctx.cp1251, Math.min(chunkBytes, DEFAULT_CHUNK_BYTES) + 16 * 1024);
	const isAsync = Symbol.asyncIterator in orders;
	let iterator: AnyIterator | null = null;
	let started = false;

	return new ReadableStream<Uint8Array<ArrayBuffer>>(
		{
			async pull(controller) {
				if (!started) {
					started = true;
					sink.bytes(sink.encodeLiteral(documentHead(ctx)));
					iterator = isAsync
						? (orders as AsyncIterable<ExportOrder>)[Symbol.asyncIterator]()
						: (orders as Iterable<ExportOrder>)[Symbol.iterator]();
				}
				const it = iterator as AnyIterator;
				let done = false;
				try {
					while (sink.length < chunkBytes) {
						const r = isAsync ? await (it as AsyncIterator<ExportOrder>).next() : (it as Iterator<ExportOrder>).next();
						if (r.done) {
							done = true;
							break;
						}
						writeDocument(sink, r.value, ctx);
					}
				} catch (e) {
					iterator = null;
					await it.return?.();
					throw e;
				}
				if (done) sink.lit(DOCUMENT_TAIL);
				controller.enqueue(sink.take());
				if (done) {
					iterator = null;
					controller.close();
				}
			},
			async cancel() {
				const it = iterator;
				iterator = null;
				await it?.return?.();
			},
		},
		{ highWaterMark: 0 },
	);
}

/** The sinks of {@link writeOrdersXmlSync}: UTF-8, windows-1251. */
const SYNC_SINKS = [new ByteSink(false, 4 * 1024), new ByteSink(true, 4 * 1024)] as const;

/**
 * {@link writeOrdersXml} for orders already in memory, synchronously into one byte array (no stream, no promise per
 * chunk): the same bytes, for small batches rendered many times, such as one order rendered to compare its content.
 * Not re-entrant: `orders` must not call it (its sinks are shared by every call).
 * @throws CommerceMLError `CHAR_FORBIDDEN` as the stream does; RangeError for invalid settings
 */
export function writeOrdersXmlSync(orders: Iterable<ExportOrder>, settings: ExportSettings = {}): Uint8Array<ArrayBuffer> {
	const ctx = resolveSettings(settings);
	// synchronous, so one sink per encoding serves every call (its encoded markup is cached once)
	const sink = SYNC_SINKS[ctx.cp1251 ? 1 : 0];
	sink.take();
	const chunks: Uint8Array<ArrayBuffer>[] = [];
	let size = 0;
	const take = () => {
		const c = sink.take();
		chunks.push(c);
		size += c.byteLength;
	};
	sink.bytes(sink.encodeLiteral(documentHead(ctx)));
	for (const order of orders) {
		writeDocument(sink, order, ctx);
		if (sink.length >= DEFAULT_CHUNK_BYTES) take();
	}
	sink.lit(DOCUMENT_TAIL);
	take();
	const only = chunks[0];
	if (chunks.length === 1 && only && only.byteLength === only.buffer.byteLength) return only;
	return concatBytes(chunks, size);
}

/** Collects {@link writeOrdersXml} into one byte array (for small batches, previews and tests). */
export async function writeOrdersXmlBytes(
	orders: Iterable<ExportOrder> | AsyncIterable<ExportOrder>,
	settings: ExportSettings = {},
): Promise<Uint8Array<ArrayBuffer>> {
	const chunks: Uint8Array<ArrayBuffer>[] = [];
	let size = 0;
	const reader = writeOrdersXml(orders, settings).getReader();
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		chunks.push(value);
		size += value.length;
	}
	const only = chunks[0];
	// A stream chunk is a view of a larger buffer; hand out an exact-size array.
	if (chunks.length === 1 && only && only.byteLength === only.buffer.byteLength) return only;
	return concatBytes(chunks, size);
}

/** The HTTP `Content-Type` of the `query` answer; the charset must match the XML declaration. */
export function xmlContentType(encoding: XmlEncoding): string {
	return encoding === "utf-8" ? "application/xml; charset=utf-8" : "application/xml; charset=windows-1251";
}
