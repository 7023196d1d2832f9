/**
 * @module
 * HTTP transport of the emulated 1C client: Basic credentials on every request, the
 * `Cookie: <line2>=<line3>` header built from the `checkauth` reply, `sessid`, per-request timeout,
 * body decoding the way 1C's `HTTPОтвет.ПолучитьТелоКакСтроку()` does, and the deviation log.
 * Web APIs only (global `fetch`, `TextDecoder`, `AbortSignal`), no `node:*`.
 */
import { type ConnectionFailure, describeConnectionError } from "./connection-error.ts";

/** One problem the real 1C client would log (and usually abort the step on). */
export interface Deviation {
	/** Profile that saw it: `ut`, `retail`, `unf30`, `unf16`, `bp`, or `ut11`, `unf`, `bitrix-module`. */
	profile: string;
	/** Exchange step, e.g. `checkauth`, `init`, `query`, `success`, `file`, `import`. */
	step: string;
	/** The message as 1C writes it into its exchange log (Russian, verbatim where known). */
	message: string;
	/** The request that got the reply: method and URL (password never included). */
	request: { method: string; url: string };
	/** The server's reply: HTTP status and the first 500 characters of the body. */
	reply: { status: number; body: string } | null;
	/** For a request that got no reply: why (refused, DNS, TLS, timeout, …) and what to check. */
	connection?: ConnectionFailure;
}

/** One request/response as seen by the client (for progress output and tests). */
export interface StepRecord {
	step: string;
	method: string;
	url: string;
	status: number;
	bytesOut: number;
	bytesIn: number;
	/** First line of the reply as text (`<zip>` for a zip body). */
	summary: string;
}

/** Decoded reply: raw bytes plus the body as 1C would see it as a string. */
export interface Reply {
	status: number;
	contentType: string;
	bytes: Uint8Array;
	text: string;
}

/** How to turn reply bytes into text when `Content-Type` names no charset. */
export type CharsetFallback = "utf-8" | "unf";

/** Options of a {@link Transport}. */
export interface TransportOptions {
	/** Exchange URL as configured in the 1C node, e.g. `http://127.0.0.1:8080/exim_1c`. */
	url: string;
	login: string;
	password: string;
	profile: string;
	/** Per-request timeout (УТ 11: 180 s, УНФ: 1800 s). */
	timeoutMs?: number;
	fetch?: typeof fetch;
	/** Called for every completed request. */
	onStep?: (step: StepRecord) => void;
	charsetFallback?: CharsetFallback;
	/**
	 * Keep a leading UTF-8 BOM as the character U+FEFF in the decoded body instead of dropping it. Whether
	 * `ПолучитьТелоКакСтроку()` keeps it is platform behaviour the BSL does not show; with this option the
	 * `Лев(Ответ, 5) = "<?xml"` check of `ПолучитьДанныеССервера` fails on a BOM-prefixed body, as it would then.
	 */
	bomAsChar?: boolean;
}

/** Lines of a protocol reply as 1C reads them (`СтрПолучитьСтроку`): split on LF, CR stripped. */
export function replyLines(text: string): string[] {
	const lines = text.split("\n").map((l) => l.replace(/\r$/, ""));
	if (lines.length > 1 && lines[lines.length - 1] === "") lines.pop();
	return lines;
}

/** `СокрЛП(НРег(line1))`: the keyword 1C compares with `success`/`failure`/`progress`. */
export function keyword(text: string): string {
	return (replyLines(text)[0] ?? "").trim().toLowerCase();
}

/** Base64 of UTF-8 bytes (1C sends Cyrillic logins as UTF-8 in Basic credentials). */
export function basicAuth(login: string, password: string): string {
	const bytes = new TextEncoder().encode(`${login}:${password}`);
	let bin = "";
	for (const b of bytes) bin += String.fromCharCode(b);
	return `Basic ${btoa(bin)}`;
}

/** The charset parameter of a Content-Type header, lower-cased, or null. */
export function charsetOf(contentType: string): string | null {
	const m = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType);
	return m?.[1] ? m[1].toLowerCase() : null;
}

/**
 * Decodes a reply body like `ПолучитьТелоКакСтроку()`: with the Content-Type charset when there is one,
 * else as UTF-8 (the platform default). `utf-8` (families A and C) stops there, so a windows-1251 body
 * without a charset turns into U+FFFD garbage as it would in УТ 11. The `unf` fallback (УНФ's
 * ПолучитьДанныеССервера) reads a result that holds U+FFFD again: as UTF-8, then as windows-1251.
 * A leading UTF-8 BOM is dropped unless `keepBom` (see {@link TransportOptions.bomAsChar}).
 */
export function decodeBody(bytes: Uint8Array, contentType: string, fallback: CharsetFallback = "utf-8", keepBom = false): string {
	const cs = charsetOf(contentType);
	const decode = (label: string): string | null => {
		try {
			return new TextDecoder(label, { ignoreBOM: keepBom }).decode(bytes);
		} catch {
			return null;
		}
	};
	if (cs) {
		const text = decode(cs);
		if (text !== null && !(fallback === "unf" && text.includes("\uFFFD"))) return text;
		if (fallback !== "unf") return text ?? new TextDecoder("utf-8", { ignoreBOM: keepBom }).decode(bytes);
	}
	if (fallback === "unf") {
		const utf = decode("utf-8") ?? "";
		if (!utf.includes("\uFFFD")) return utf;
		return decode("windows-1251") ?? utf;
	}
	return new TextDecoder("utf-8", { ignoreBOM: keepBom }).decode(bytes);
}

/** The session a `checkauth` produced: cookie pair and the `sessid=` line. */
export interface Session {
	cookie: string | null;
	/** Line 4 of checkauth as sent, e.g. `sessid=abc`, or null when absent. */
	line4: string | null;
}

/** Thrown by a profile step to abort the current phase after a deviation was recorded. */
export class PhaseAborted extends Error {
	constructor(readonly deviation: Deviation) {
		super(deviation.message);
		this.name = "PhaseAborted";
	}
}

/** The client's connection: builds URLs the way 1C concatenates them and records deviations. */
export class Transport {
	readonly deviations: Deviation[] = [];
	readonly steps: StepRecord[] = [];
	bytesOut = 0;
	bytesIn = 0;
	private readonly fetchImpl: typeof fetch;
	private readonly auth: string;

	constructor(readonly options: TransportOptions) {
		this.fetchImpl = options.fetch ?? ((input, init) => fetch(input, init));
		this.auth = basicAuth(options.login, options.password);
	}

	/** `<url>?<query>` by plain concatenation, as 1C does (a URL that already has `?` breaks, faithfully). */
	urlFor(query: string): string {
		return `${this.options.url}?${query}`;
	}

	/** Records a deviation and returns it. */
	deviate(step: string, message: string, request: { method: string; url: string }, reply: Reply | null): Deviation {
		const d: Deviation = {
			profile: this.options.profile,
			step,
			message,
			request,
			reply: reply ? { status: reply.status, body: reply.text.slice(0, 500) } : null,
		};
		this.deviations.push(d);
		return d;
	}

	/** Records a deviation and aborts the phase. */
	fail(step: string, message: string, request: { method: string; url: string }, reply: Reply | null): never {
		throw new PhaseAborted(this.deviate(step, message, request, reply));
	}

	/**
	 * Sends one request with Basic credentials and (unless null) the session cookie.
	 * Network errors and timeouts become a deviation naming their cause (see {@link describeConnectionError}) and abort
	 * the phase.
	 */
	async send(
		step: string,
		query: string,
		init: { method?: "GET" | "POST"; body?: Uint8Array; cookie?: string | null } = {},
	): Promise<Reply> {
		const method = init.method ?? "GET";
		const url = this.urlFor(query);
		const headers: Record<string, string> = { Authorization: this.auth };
		if (init.cookie) headers.Cookie = init.cookie;
		let res: Response;
		let bytes: Uint8Array;
		const timeoutMs = this.options.timeoutMs ?? 180_000;
		try {
			res = await this.fetchImpl(url, {
				method,
				headers,
				body: init.body ? new Blob([init.body as Uint8Array<ArrayBuffer>]) : undefined,
				redirect: "manual",
				signal: AbortSignal.timeout(timeoutMs),
			});
			bytes = new Uint8Array(await res.arrayBuffer());
		} catch (e) {
			const connection = describeConnectionError(e, url, timeoutMs);
			const d = this.deviate(step, `Ошибка соединения с сервером: ${connection.ru}`, { method, url }, null);
			d.connection = connection;
			throw new PhaseAborted(d);
		}
		const contentType = res.headers.get("content-type") ?? "";
		const decoded = decodeBody(bytes, contentType, this.options.charsetFallback ?? "utf-8", this.options.bomAsChar ?? false);
		const text = this.options.bomAsChar ? decoded : decoded.replace(/^\uFEFF/, "");
		const out = init.body?.byteLength ?? 0;
		this.bytesOut += out;
		this.bytesIn += bytes.byteLength;
		const summary = bytes[0] === 0x50 && bytes[1] === 0x4b ? "<zip>" : (replyLines(text)[0] ?? "");
		const rec: StepRecord = { step, method, url, status: res.status, bytesOut: out, bytesIn: bytes.byteLength, summary };
		this.steps.push(rec);
		this.options.onStep?.(rec);
		return { status: res.status, contentType, bytes, text };
	}

	/** `checkauth`: line 1 must be `success`; returns cookie (`line2=line3`) and line 4. */
	async checkauth(type: "sale" | "catalog", failMessage: string): Promise<Session> {
		const reply = await this.send(type === "catalog" ? "preflight" : "checkauth", `type=${type}&mode=checkauth`);
		const req = { method: "GET", url: this.urlFor(`type=${type}&mode=checkauth`) };
		if (reply.bytes.byteLength === 0) this.fail("checkauth", "Получен пустой ответ сервера.", req, reply);
		if (keyword(reply.text) !== "success") this.fail("checkauth", failMessage, req, reply);
		const lines = replyLines(reply.text);
		const name = lines[1];
		const value = lines[2];
		return { cookie: name !== undefined && value !== undefined ? `${name}=${value}` : null, line4: lines[3] ?? null };
	}
}
