/**
 * @module
 * Errors raised by the CommerceML codec.
 *
 * Every refusal of 1C input (malformed XML, a forbidden DOCTYPE, an oversized zip…) is a
 * `CommerceMLError` with a stable machine code, so the exchange endpoint can answer 1C with
 * `failure\n<CODE> …` and the journal can group errors by code.
 */

/** Stable error codes. Strings are a public contract (journal, API, `obmen cml decode`). */
export type CmlErrorCode =
	| "XML_MALFORMED"
	| "XML_TRUNCATED"
	| "DOCTYPE_FORBIDDEN"
	| "ENCODING_INVALID"
	| "ENCODING_UNSUPPORTED"
	| "LIMIT_DEPTH"
	| "LIMIT_ATTRIBUTES"
	| "LIMIT_VALUE"
	| "LIMIT_ELEMENTS"
	| "LIMIT_SIZE"
	| "NOT_COMMERCEML"
	| "ZIP_CORRUPT"
	| "ZIP_LIMIT"
	| "ZIP_NAME"
	| "ZIP_CRC"
	| "ZIP_EMPTY"
	| "CHAR_FORBIDDEN";

/** Where in the input an error was found: byte offset and/or 1-based line and column. */
export interface CmlErrorPosition {
	offset?: number;
	line?: number;
	column?: number;
}

/**
 * An error in CommerceML input (or zip container) coming from 1C, with a stable `code`
 * and, when known, the position: `offset` (bytes from the start), `line`/`column` (1-based).
 */
export class CommerceMLError extends Error {
	readonly code: CmlErrorCode;
	/** The reason without code and position (for one-line protocol replies). */
	readonly reason: string;
	readonly offset?: number;
	readonly line?: number;
	readonly column?: number;

	constructor(code: CmlErrorCode, message: string, position: CmlErrorPosition = {}) {
		super(`${code}: ${message}${formatPosition(position)}`);
		this.name = "CommerceMLError";
		this.code = code;
		this.reason = message;
		if (position.offset !== undefined) this.offset = position.offset;
		if (position.line !== undefined) this.line = position.line;
		if (position.column !== undefined) this.column = position.column;
	}
}

/** Formats a position as ` at line L, column C (byte N)` (empty when nothing is known). */
export function formatPosition(p: CmlErrorPosition): string {
	const parts: string[] = [];
	if (p.line !== undefined) parts.push(`line ${p.line}, column ${p.column ?? 0}`);
	if (p.offset !== undefined) parts.push(parts.length ? `(byte ${p.offset})` : `byte ${p.offset}`);
	return parts.length ? ` at ${parts.join(" ")}` : "";
}

/** True when `e` is a CommerceMLError (works across module copies by checking the shape). */
export function isCommerceMLError(e: unknown): e is CommerceMLError {
	return (
		e instanceof CommerceMLError ||
		(e instanceof Error && e.name === "CommerceMLError" && typeof (e as { code?: unknown }).code === "string")
	);
}
