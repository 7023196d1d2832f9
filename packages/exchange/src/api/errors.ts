/**
 * @module
 * Admin API errors: `{ "error": { "code", "message", "path"? } }` with a matching HTTP status.
 */
import type { Context } from "hono";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { z } from "zod";

/** One problem of a refused body: zod's issue `code`, the dotted field `path` and a message. */
export interface ValidationIssue {
	path: string;
	message: string;
	code?: string;
}

/** An error the admin API reports to its caller. */
export class ApiError extends Error {
	constructor(
		readonly status: ContentfulStatusCode,
		readonly code: string,
		message: string,
		readonly path?: string,
		readonly issues?: { code: string; path: string; message: string }[],
	) {
		super(message);
		this.name = "ApiError";
	}
}

/** @internal Renders an error as JSON (unknown errors become 500 `internal`). */
export function errorResponse(c: Context, e: unknown, onError: (e: unknown) => void): Response {
	if (e instanceof ApiError) {
		const extra = { ...(e.path !== undefined ? { path: e.path } : {}), ...(e.issues ? { issues: e.issues } : {}) };
		return c.json({ error: { code: e.code, message: e.message, ...extra } }, e.status);
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

/** The languages of validation messages (`Accept-Language`; default English). */
export type Lang = "en" | "ru";

/** @internal The request's language: the first of ru/en in `Accept-Language` by quality, else English. */
export function requestLang(c: Context): Lang {
	const ranges = (c.req.header("Accept-Language") ?? "")
		.split(",")
		.map((part, i) => {
			const [tag = "", ...params] = part.trim().toLowerCase().split(";");
			const q = params.map((p) => /^\s*q=([\d.]+)\s*$/.exec(p)?.[1]).find(Boolean);
			return { lang: tag.split("-")[0] ?? "", q: q === undefined ? 1 : Number(q), i };
		})
		.filter((r) => (r.lang === "ru" || r.lang === "en") && r.q > 0)
		.sort((a, b) => b.q - a.q || a.i - b.i);
	return ranges[0]?.lang === "ru" ? "ru" : "en";
}

/** @internal English or Russian text for the request's language. */
export function tr(c: Context, en: string, ru: string): string {
	return requestLang(c) === "ru" ? ru : en;
}

let ruLocale: ReturnType<typeof z.locales.ru> | null = null;

/** @internal zod parse parameters giving built-in messages in the request's language (our own messages stay English). */
export function parseParams(c: Context): { error?: z.core.$ZodErrorMap } {
	if (requestLang(c) !== "ru") return {};
	ruLocale ??= z.locales.ru();
	return { error: ruLocale.localeError };
}

/** @internal A zod/order issue list → a 400 `validation_failed` naming the first issue's path and listing every issue. */
export function validationError(issues: ValidationIssue[], prefix = "", lang: Lang = "en"): ApiError {
	const full = issues.map((i) => ({ code: i.code ?? "custom", path: [prefix, i.path].filter(Boolean).join("."), message: i.message }));
	const root = lang === "ru" ? "(корень)" : "(root)";
	const message = full.map((i) => `${i.path || root}: ${i.message}`).join("; ");
	const path = full[0]?.path ?? prefix;
	return new ApiError(400, "validation_failed", message || (lang === "ru" ? "неверные данные" : "invalid input"), path || undefined, full);
}

/** @internal Validates a body with a zod schema; messages in the request's language; a 400 naming the path otherwise. */
export function parseWith<T extends z.ZodType>(c: Context, schema: T, value: unknown, prefix = ""): z.output<T> {
	const r = schema.safeParse(value, parseParams(c));
	if (r.success) return r.data;
	throw validationError(
		r.error.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message, code: i.code })),
		prefix,
		requestLang(c),
	);
}

/**
 * @internal The numeric `cursor` query parameter of a page (a row id or feed cursor; 0 = from the start), or its
 * old name `legacy` (still read for one release).
 */
export function cursorParam(c: Context, legacy: string): number {
	const name = c.req.query("cursor") !== undefined ? "cursor" : legacy;
	return intParam(c.req.query(name), 0, 0, Number.MAX_SAFE_INTEGER, name);
}

/** @internal Parses a positive integer query parameter. */
export function intParam(value: string | undefined, def: number, min: number, max: number, name: string): number {
	if (value === undefined || value === "") return def;
	const n = Number(value);
	if (!Number.isInteger(n) || n < min || n > max)
		throw new ApiError(400, "invalid_parameter", `${name} must be an integer ${min}..${max}`, name);
	return n;
}
