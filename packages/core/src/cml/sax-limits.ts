/**
 * @module
 * A strict, limited wrapper around saxes for untrusted CommerceML from 1C.
 *
 * saxes rejects every malformed construct but has no resource limits (docs/reliability.md §3.1),
 * so this wrapper adds them: nesting depth, attributes per element, value length, element
 * count; it refuses any DOCTYPE / `<!ENTITY` (XXE, billion laughs) and turns every saxes error
 * into a {@link CommerceMLError} with line, column and byte offset. Element names are reported
 * as local names (namespace prefix stripped). Nothing here recurses.
 */
import { SaxesParser } from "saxes";
import { type CmlErrorCode, CommerceMLError } from "../errors.ts";

/** Resource limits for reading one CommerceML file (defaults from docs/reliability.md X3/X4). */
export interface ReadLimits {
	/** Maximum element nesting depth (root = 1). Default 32; CommerceML needs about 10. */
	maxDepth?: number;
	/** Maximum attributes on one element. Default 32. */
	maxAttributes?: number;
	/** Maximum length (UTF-16 units) of one text node or attribute value. Default 1 MiB. */
	maxValueLength?: number;
	/** Maximum number of elements in the file. Default 1,000,000. */
	maxElements?: number;
	/** Maximum size of the input in bytes. Default unlimited (the upload limit applies first). */
	maxBytes?: number;
	/**
	 * Maximum entity and character references (`&amp;`, `&#65;`…) in one run of text between two markup `<`. Default
	 * 10,000: a value from 1C has a handful; a million `&#65;` in one value would make the parser build a huge string.
	 */
	maxReferencesPerValue?: number;
	/** Maximum entity and character references in the file. Default 1,000,000. */
	maxReferences?: number;
	/** Maximum processing instructions (`<?…?>`, the XML declaration included). Default 16; 1C writes only the declaration. */
	maxProcessingInstructions?: number;
}

/** {@link ReadLimits} with every default filled in. */
export type ResolvedLimits = Required<ReadLimits>;

/** Fills in the defaults of {@link ReadLimits}. */
export function resolveLimits(limits: ReadLimits = {}): ResolvedLimits {
	return {
		maxDepth: limits.maxDepth ?? 32,
		maxAttributes: limits.maxAttributes ?? 32,
		maxValueLength: limits.maxValueLength ?? 1024 * 1024,
		maxElements: limits.maxElements ?? 1_000_000,
		maxBytes: limits.maxBytes ?? Number.POSITIVE_INFINITY,
		maxReferencesPerValue: limits.maxReferencesPerValue ?? 10_000,
		maxReferences: limits.maxReferences ?? 1_000_000,
		maxProcessingInstructions: limits.maxProcessingInstructions ?? 16,
	};
}

/** Callbacks receiving the element stream; `attrs` is null when the element has no attributes. */
export interface XmlSink {
	open(name: string, attrs: Map<string, string> | null, depth: number): void;
	text(text: string): void;
	close(name: string, depth: number): void;
}

/** Maps a decoded-text index back to a byte offset (the reader knows the encoding). */
export type ByteOffsetOf = (charIndex: number) => number | undefined;

/** Strips a namespace prefix: `cml:Документ` → `Документ`. */
export function localName(qname: string): string {
	const i = qname.indexOf(":");
	return i < 0 ? qname : qname.slice(i + 1);
}

const FORBIDDEN_DECL = /<!(DOCTYPE|ENTITY)/;
/** Length of the longest forbidden declaration opening (`<!DOCTYPE`). */
const DECL_MAX = 9;

/** The strict parser. Feed decoded text with `write`, finish with `close`. */
export class StrictXmlParser {
	private readonly sax: SaxesParser;
	private depth = 0;
	private elements = 0;
	private attrCount = 0;
	private attrs: Map<string, string> | null = null;
	private closing = false;
	/** Last characters of the previous chunks (one less than `<!DOCTYPE`), so a declaration split across chunks is still seen. */
	private carry = "";
	private chars = 0;
	/** References in the current run of text (since the last `<`), and in the file. */
	private runRefs = 0;
	private refs = 0;
	private pis = 0;
	/** Whether the previous chunk ended with `<` (a `<?` split across chunks). */
	private endsWithLt = false;

	constructor(
		sink: XmlSink,
		private readonly limits: ResolvedLimits,
		private readonly byteOffsetOf: ByteOffsetOf,
	) {
		const sax = new SaxesParser({ xmlns: false, position: true });
		this.sax = sax;
		// No "error" handler on purpose: saxes then throws from write()/close(), which we convert.
		// (Registering every saxes event pushes the parser object into V8 dictionary mode and
		// makes parsing ~4× slower — measured with 5 extra handlers vs 4.)
		sax.on("doctype", () => {
			throw this.error("DOCTYPE_FORBIDDEN", "DOCTYPE is not allowed in CommerceML");
		});
		sax.on("opentagstart", () => {
			if (++this.depth > limits.maxDepth) throw this.error("LIMIT_DEPTH", `nesting deeper than ${limits.maxDepth}`);
			if (++this.elements > limits.maxElements) throw this.error("LIMIT_ELEMENTS", `more than ${limits.maxElements} elements`);
			this.attrCount = 0;
			this.attrs = null;
		});
		sax.on("attribute", (attr) => {
			if (++this.attrCount > limits.maxAttributes)
				throw this.error("LIMIT_ATTRIBUTES", `more than ${limits.maxAttributes} attributes on one element`);
			if (attr.value.length > limits.maxValueLength)
				throw this.error("LIMIT_VALUE", `attribute value longer than ${limits.maxValueLength}`);
			if (this.attrs === null) this.attrs = new Map();
			const name = localName(attr.name);
			// xmlns declarations carry no CommerceML data.
			if (attr.name !== "xmlns" && !attr.name.startsWith("xmlns:")) this.attrs.set(name, attr.value);
		});
		sax.on("opentag", (tag) => {
			sink.open(localName(tag.name), this.attrs, this.depth);
			this.attrs = null;
		});
		sax.on("closetag", (tag) => {
			sink.close(localName(tag.name), this.depth);
			this.depth--;
		});
		const onText = (text: string) => {
			if (text.length > limits.maxValueLength) throw this.error("LIMIT_VALUE", `text longer than ${limits.maxValueLength}`);
			if (this.depth > 0) sink.text(text);
		};
		sax.on("text", onText);
		sax.on("cdata", onText);
	}

	/** Feeds decoded text. */
	write(text: string): void {
		if (text.length === 0) return;
		// a declaration split across chunks starts in the carried tail: searched there with the chunk's first DECL_MAX - 1
		// characters (a match found so starts in the tail or at the chunk's start); the chunk itself is searched alone,
		// never concatenated to the tail (that copied every chunk: ~120 MB per 100 MB file)
		const edge = this.carry ? FORBIDDEN_DECL.exec(this.carry + text.slice(0, DECL_MAX - 1)) : null;
		const m = edge ?? FORBIDDEN_DECL.exec(text);
		if (m) {
			// a split one starts in an earlier chunk, `m.index - carry` characters back: ASCII, one byte each in every
			// supported encoding
			const at = edge ? this.shifted(this.positionAt(this.chars), m.index - this.carry.length) : this.positionAt(this.chars + m.index);
			throw new CommerceMLError("DOCTYPE_FORBIDDEN", `<!${m[1]} is not allowed in CommerceML`, at);
		}
		this.carry = text.length >= DECL_MAX - 1 ? text.slice(1 - DECL_MAX) : (this.carry + text).slice(1 - DECL_MAX);
		this.countReferences(text);
		this.countProcessingInstructions(text);
		try {
			this.sax.write(text);
		} catch (e) {
			throw this.convert(e);
		}
		this.chars += text.length;
	}

	/**
	 * Counts `&` (entity and character references; saxes expands them without any event) per run of text between two
	 * `<` and in total, in one forward pass (each `<` is looked up once, so this stays linear).
	 */
	private countReferences(text: string): void {
		let amp = text.indexOf("&");
		if (amp < 0) {
			if (text.includes("<")) this.runRefs = 0;
			return;
		}
		let lt = text.indexOf("<");
		for (; amp >= 0; amp = text.indexOf("&", amp + 1)) {
			if (lt >= 0 && lt < amp) {
				this.runRefs = 0;
				lt = text.indexOf("<", amp);
			}
			this.refs++;
			if (++this.runRefs > this.limits.maxReferencesPerValue) {
				throw new CommerceMLError(
					"LIMIT_VALUE",
					`more than ${this.limits.maxReferencesPerValue} entity or character references in one value`,
					this.positionAt(this.chars + amp),
				);
			}
			if (this.refs > this.limits.maxReferences) {
				throw new CommerceMLError(
					"LIMIT_VALUE",
					`more than ${this.limits.maxReferences} entity or character references`,
					this.positionAt(this.chars + amp),
				);
			}
		}
		if (lt >= 0) this.runRefs = 0;
	}

	/** Counts processing instructions (`<?`), also when `<` and `?` arrive in different chunks. */
	private countProcessingInstructions(text: string): void {
		const bump = (at: number) => {
			if (++this.pis > this.limits.maxProcessingInstructions) {
				throw new CommerceMLError(
					"LIMIT_ELEMENTS",
					`more than ${this.limits.maxProcessingInstructions} processing instructions`,
					// `<` is one byte in every supported encoding: a `<` that ended the previous chunk is one byte back
					at < 0 ? this.shifted(this.positionAt(this.chars), at) : this.positionAt(this.chars + at),
				);
			}
		};
		if (this.endsWithLt && text.startsWith("?")) bump(-1); // the `<` ended the previous chunk
		for (let at = text.indexOf("<?"); at >= 0; at = text.indexOf("<?", at + 2)) bump(at);
		this.endsWithLt = text.endsWith("<");
	}

	private shifted(p: { offset?: number }, by: number): { offset?: number } {
		return p.offset === undefined ? p : { offset: p.offset + by };
	}

	/** Ends the input: an open element or no root at all is XML_TRUNCATED. */
	close(): void {
		this.closing = true;
		try {
			this.sax.close();
		} catch (e) {
			throw this.convert(e);
		}
	}

	private convert(e: unknown): unknown {
		if (e instanceof CommerceMLError || !(e instanceof Error)) return e;
		return this.fromSaxError(e);
	}

	private positionAt(charIndex: number): { line?: number; column?: number; offset?: number } {
		const offset = this.byteOffsetOf(charIndex);
		return offset === undefined ? {} : { offset };
	}

	/** A {@link CommerceMLError} at the parser's current position (for checks made by the sink). */
	error(code: CmlErrorCode, message: string): CommerceMLError {
		const s = this.sax;
		const pos: { line?: number; column?: number; offset?: number } = { line: s.line, column: s.column + 1 };
		const offset = this.byteOffsetOf(s.position);
		if (offset !== undefined) pos.offset = offset;
		return new CommerceMLError(code, message, pos);
	}

	private fromSaxError(err: Error): CommerceMLError {
		// saxes prefixes "file:line:col: "; keep only the reason.
		const reason = err.message.replace(/^(?:[^:\n]*:)?\d+:\d+: /, "");
		let code: CmlErrorCode = "XML_MALFORMED";
		if (this.closing) code = "XML_TRUNCATED";
		else if (/doctype/i.test(reason)) code = "DOCTYPE_FORBIDDEN";
		else if (reason === "disallowed character." || reason === "malformed character entity.") code = "CHAR_FORBIDDEN";
		return this.error(code, reason);
	}
}
