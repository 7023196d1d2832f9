/**
 * @module
 * The orders `obmen cml encode` reads, split from the input as it streams in: a JSON array (its top-level elements),
 * NDJSON (one value per line; any whitespace-separated sequence of JSON values works), a single order object, or the
 * `{ "items": [...], "nextCursor": ... }` page envelope of the admin API's `GET /api/v1/orders` (its `items`). Only one
 * order's text is held at a time (an envelope is held whole: one API page, at most 500 orders), so 100k orders take
 * as much memory as one.
 */

/** The orders input is not JSON / NDJSON (exit code 1, like any other bad input). */
export class OrderInputError extends Error {
	override name = "OrderInputError";
}

/** One raw order value and the input line its text starts on. */
export interface RawOrder {
	value: unknown;
	line: number;
}

const WS = new Set([0x20, 0x09, 0x0a, 0x0d]);
const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COMMA = 0x2c;
const OPEN_OBJECT = 0x7b;
const CLOSE_OBJECT = 0x7d;
const OPEN_ARRAY = 0x5b;
const CLOSE_ARRAY = 0x5d;
const NEWLINE = 0x0a;

/** The admin API's page envelope: an object with `items` (an array) and at most `nextCursor` besides. */
function envelopeItems(value: unknown): unknown[] | null {
	if (!value || typeof value !== "object" || Array.isArray(value)) return null;
	const o = value as Record<string, unknown>;
	if (!Array.isArray(o.items)) return null;
	return Object.keys(o).every((k) => k === "items" || k === "nextCursor") ? o.items : null;
}

/**
 * Splits JSON text fed in pieces into top-level values without parsing more than one value at a time. A top-level
 * array is opened and its elements come out one by one; strings and their escapes are tracked so brackets inside
 * text do not count. Each value is checked with `JSON.parse` as it completes.
 */
export class OrderSplitter {
	private line = 1;
	private depth = 0;
	/** 1 inside a top-level array being expanded (its elements are the values), else 0. */
	private base = 0;
	/** Inside an expanded array: true after an element, until its comma. */
	private needComma = false;
	private capturing = false;
	/** The value being captured is a number or literal (ends at a delimiter, not at a bracket or quote). */
	private scalar = false;
	private inString = false;
	private escape = false;
	private parts: string[] = [];
	private valueLine = 1;
	private started = false;

	/** Feeds the next piece of text; returns the values completed in it. @throws OrderInputError */
	push(text: string): RawOrder[] {
		const out: RawOrder[] = [];
		let chunk = text;
		if (!this.started && chunk.length > 0) {
			this.started = true;
			if (chunk.charCodeAt(0) === 0xfeff) chunk = chunk.slice(1);
		}
		let start = this.capturing ? 0 : -1;
		for (let i = 0; i < chunk.length; i++) {
			const c = chunk.charCodeAt(i);
			if (this.capturing) {
				if (this.inString) {
					if (this.escape) this.escape = false;
					else if (c === BACKSLASH) this.escape = true;
					else if (c === QUOTE) {
						this.inString = false;
						if (this.depth === this.base) {
							this.finish(chunk.slice(start, i + 1), out);
							start = -1;
						}
					} else if (c === NEWLINE) this.line++;
					continue;
				}
				if (this.scalar) {
					if (
						!(WS.has(c) || c === COMMA || c === OPEN_OBJECT || c === CLOSE_OBJECT || c === OPEN_ARRAY || c === CLOSE_ARRAY || c === QUOTE)
					)
						continue;
					this.finish(chunk.slice(start, i), out);
					start = -1;
					// the delimiter is read again below, outside the value
				} else {
					if (c === QUOTE) this.inString = true;
					else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
					else if (c === CLOSE_OBJECT || c === CLOSE_ARRAY) {
						this.depth--;
						if (this.depth === this.base) {
							this.finish(chunk.slice(start, i + 1), out);
							start = -1;
						}
					} else if (c === NEWLINE) this.line++;
					continue;
				}
			}
			if (c === NEWLINE) {
				this.line++;
				continue;
			}
			if (WS.has(c)) continue;
			if (this.base === 1) {
				if (c === CLOSE_ARRAY) {
					this.base = 0;
					this.depth = 0;
					this.needComma = false;
					continue;
				}
				if (c === COMMA && this.needComma) {
					this.needComma = false;
					continue;
				}
				if (this.needComma) throw new OrderInputError(`line ${this.line}: invalid JSON (expected "," or "]" after an array element)`);
			} else if (c === OPEN_ARRAY) {
				this.base = 1;
				this.depth = 1;
				continue;
			}
			if (c === COMMA || c === CLOSE_ARRAY || c === CLOSE_OBJECT)
				throw new OrderInputError(`line ${this.line}: invalid JSON (unexpected "${String.fromCharCode(c)}")`);
			this.capturing = true;
			this.valueLine = this.line;
			start = i;
			this.scalar = false;
			if (c === QUOTE) this.inString = true;
			else if (c === OPEN_OBJECT || c === OPEN_ARRAY) this.depth++;
			else this.scalar = true;
		}
		if (this.capturing && start >= 0) this.parts.push(chunk.slice(start));
		return out;
	}

	/** Ends the input; returns a last value (a number at the very end). @throws OrderInputError for an unfinished value */
	end(): RawOrder[] {
		const out: RawOrder[] = [];
		if (this.capturing && this.scalar) this.finish("", out);
		if (this.capturing || this.base === 1)
			throw new OrderInputError(
				`invalid JSON (the input ends inside ${this.capturing ? `the value that starts on line ${this.valueLine}` : "the top-level array"})`,
			);
		return out;
	}

	private finish(tail: string, out: RawOrder[]): void {
		const text = this.parts.length ? this.parts.join("") + tail : tail;
		this.parts = [];
		this.capturing = false;
		this.scalar = false;
		const line = this.valueLine;
		let value: unknown;
		try {
			value = JSON.parse(text);
		} catch (e) {
			throw new OrderInputError(`line ${line}: invalid JSON (${(e as Error).message})`);
		}
		if (this.base === 1) {
			this.needComma = true;
			out.push({ value, line });
			return;
		}
		const items = envelopeItems(value);
		if (items) for (const item of items) out.push({ value: item, line });
		else out.push({ value, line });
	}
}

/**
 * Reads raw orders from a byte stream (UTF-8) as they arrive: see {@link OrderSplitter}.
 * @throws OrderInputError naming the line for text that is not JSON
 */
export async function* readOrders(chunks: AsyncIterable<Uint8Array>): AsyncGenerator<RawOrder> {
	const splitter = new OrderSplitter();
	const decoder = new TextDecoder();
	for await (const chunk of chunks) yield* splitter.push(decoder.decode(chunk, { stream: true }));
	yield* splitter.push(decoder.decode());
	yield* splitter.end();
}

/**
 * Splits a whole input text into raw order values: a JSON array, one JSON object, NDJSON (one per line) or the
 * `{ items: [...] }` envelope of `GET /api/v1/orders`.
 * @throws OrderInputError naming the line for text that is not JSON
 */
export function parseOrderInput(text: string): unknown[] {
	const splitter = new OrderSplitter();
	return [...splitter.push(text), ...splitter.end()].map((r) => r.value);
}
