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

/** @internal Reads a JSON body or throws a 400. */
export async function jsonBody(c: Context): Promise<unknown> {
	const text = await c.req.text();
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
