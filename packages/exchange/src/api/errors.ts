/**
 * @module
 * Admin API errors: `{ "error": { "code", "message", "path"? } }` with a matching HTTP status.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";

/** An error the admin API reports to its caller. */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly path?: string,
	) {
		super(message);
		this.name = "ApiError";
	}
}

/** @internal Renders an error as JSON (unknown errors become 500 `internal`). */
export function errorResponse(c: Context, e: unknown, onError: (e: unknown) => void): Response {
	if (e instanceof ApiError) {
		return c.json({ error: { code: e.code, message: e.message, ...(e.path !== undefined ? { path: e.path } : {}) } }, e.status);
	}
	if (e instanceof SyntaxError) return c.json({ error: { code: "invalid_json", message: "request body is not valid JSON" } }, 400);
	onError(e);
	return c.json({ error: { code: "internal", message: "internal server error" } }, 500);
}

/** @internal The 413 of a body over the admin API's limit (`limits.maxApiBodyBytes`). */
export function tooLarge(max: number): ApiError {
	return new ApiError(413, "payload_too_large", `request body is larger than ${max} bytes`);
}

/**
 * @internal Reads the request body as text, at most `max` bytes: a declared `Content-Length` over the limit is refused
 * before reading, and a streamed body is read chunk by chunk and cancelled as soon as it passes the limit — never
 * buffered beyond it.
 */
export async function readBodyCapped(req: Request, max: number): Promise<string> {
	const declared = Number(req.headers.get("Content-Length") ?? Number.NaN);
	if (declared > max) throw tooLarge(max);
	if (!req.body) return "";
	const reader = req.body.getReader();
	const dec = new TextDecoder();
	let size = 0;
	let text = "";
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > max) {
			await reader.cancel().catch(() => {});
			throw tooLarge(max);
		}
		text += dec.decode(value, { stream: true });
	}
	return text + dec.decode();
}

/** @internal Reads a JSON body of at most `max` bytes (413 beyond) or throws a 400. */
export async function jsonBody(c: Context, max: number): Promise<unknown> {
	const text = await readBodyCapped(c.req.raw, max);
	if (!text.trim()) throw new ApiError(400, "invalid_json", "request body is empty");
	try {
		return JSON.parse(text) as unknown;
	} catch {
		throw new ApiError(400, "invalid_json", "request body is not valid JSON");
	}
}

/** @internal A zod/order issue list → the first issue as an ApiError. */
export function validationError(issues: { path: string; message: string }[], prefix = ""): ApiError {
	const first = issues[0];
	const path = first ? [prefix, first.path].filter(Boolean).join(".") : prefix;
	const message = issues.map((i) => `${[prefix, i.path].filter(Boolean).join(".") || "(root)"}: ${i.message}`).join("; ");
	return new ApiError(400, "validation_failed", message || "invalid input", path || undefined);
}

/** @internal Parses a positive integer query parameter. */
export function intParam(value: string | undefined, def: number, min: number, max: number, name: string): number {
	if (value === undefined || value === "") return def;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max)
		throw new ApiError(400, "invalid_parameter", `${name} must be an integer ${min}..${max}`, name);
	return n;
}
