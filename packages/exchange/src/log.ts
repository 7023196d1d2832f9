/**
 * @module
 * Structured request logs: one {@link LogEntry} per request, handed to the `logger` option of `createExchangeApp`
 * (default: none). For `/exim_1c` the entry says who (node, login, the session's short hash), what (`type`, `mode`),
 * how it ended (the reply word 1C got — `success`, `progress`, `failure`, `busy`, or `xml` for the documents of
 * `query`/`info` — the failure reason and its journal code, the HTTP status), how long and how many bytes; for the
 * admin API and the admin page the method, the route pattern, the status and the duration.
 *
 * Never in an entry: passwords, the admin token, the session cookie or `sessid` values, query strings (the admin page's
 * first-login link carries the token there) or request bodies. The session is named by the first 12 hex digits of
 * its SHA-256, as in the journal.
 */
import type { JournalErrorCode } from "./journal-codes.ts";
import type { ResolvedOptions } from "./options.ts";

/** How a `/exim_1c` request ended for 1C: the first line of the reply, `busy` for "busy, retry", `xml` for documents. */
export type ReplyWord = "success" | "progress" | "failure" | "busy" | "xml";

/** One `/exim_1c` request. */
export interface EximLogEntry {
	kind: "exim";
	/** Request time (ISO, the app's clock). */
	at: string;
	/** The node the request was attributed to (by its session or its HTTP Basic login), null when none. */
	nodeId: string | null;
	/** That node's login (only of an existing node: a mistyped login is not echoed). */
	login: string | null;
	/** The exchange session: first 12 hex digits of the SHA-256 of its cookie value (never the value itself). */
	session: string | null;
	/** `type` and `mode` of the query string (capped at 40 characters). */
	type: string | null;
	mode: string | null;
	reply: ReplyWord;
	/** The failure reason (the protocol text 1C got, or the journal's error), capped at 300 characters. */
	reason: string | null;
	/** The stable journal code of the failure (journal-codes.ts). */
	code: JournalErrorCode | null;
	status: number;
	durationMs: number;
	bytesIn: number;
	bytesOut: number;
	ordersSent: number;
	ordersAcknowledged: number;
	ordersImported: number;
	/** Client address (after `trustProxy`). */
	ip: string | null;
}

/** One request of the admin API (`/api/v1`), the admin page (`/admin`) or any other non-exchange path. */
export interface HttpLogEntry {
	kind: "http";
	at: string;
	method: string;
	/** The route pattern that answered (e.g. `/api/v1/orders/:id`), never the query string. */
	route: string;
	status: number;
	durationMs: number;
	ip: string | null;
}

/** A structured log entry (see the module). */
export type LogEntry = EximLogEntry | HttpLogEntry;

/** Receives every log entry; must not throw (errors are ignored). */
export type Logger = (entry: LogEntry) => void;

/** Output format of the runtime entries (`LOG_FORMAT`): one JSON object per line, a short text line, or nothing. */
export type LogFormat = "json" | "pretty" | "off";

/**
 * Reads `LOG_FORMAT` (`json`, `pretty` or `off`; case-insensitive). Unset: `pretty` when stdout is a terminal, else
 * `json` (services, containers and log collectors get JSON lines). Throws on any other value.
 */
export function parseLogFormat(value: string | undefined, stdoutIsTty: boolean): LogFormat {
	const v = value?.trim().toLowerCase();
	if (!v) return stdoutIsTty ? "pretty" : "json";
	if (v === "json" || v === "pretty" || v === "off") return v;
	throw new Error(`LOG_FORMAT must be json, pretty or off, got ${value}`);
}

const plain = (v: string | null) => (v === null ? "-" : /[\s"\p{Cc}]/u.test(v) ? JSON.stringify(v) : v);

/** Formats an entry as one line: `json` is `JSON.stringify`, `pretty` a compact `key=value` line for people. */
export function formatLogEntry(entry: LogEntry, format: "json" | "pretty"): string {
	if (format === "json") return JSON.stringify(entry);
	if (entry.kind === "http") {
		return `${entry.at} ${entry.method} ${entry.route} ${entry.status} ${entry.durationMs}ms ip=${plain(entry.ip)}`;
	}
	const orders = [
		entry.ordersSent ? `sent=${entry.ordersSent}` : "",
		entry.ordersAcknowledged ? `acknowledged=${entry.ordersAcknowledged}` : "",
		entry.ordersImported ? `imported=${entry.ordersImported}` : "",
	].filter(Boolean);
	return [
		entry.at,
		// `type` and `mode` come from the query string: quoted when they hold spaces or line breaks (no forged lines)
		`exim ${plain(entry.type)}/${plain(entry.mode)}`,
		`${entry.reply}${entry.code ? `(${entry.code})` : ""}`,
		`${entry.status} ${entry.durationMs}ms`,
		`node=${plain(entry.login ?? entry.nodeId)}`,
		`session=${plain(entry.session)}`,
		`in=${entry.bytesIn} out=${entry.bytesOut}`,
		...orders,
		`ip=${plain(entry.ip)}`,
		...(entry.reason ? [`reason=${JSON.stringify(entry.reason)}`] : []),
	].join(" ");
}

/**
 * A {@link Logger} writing each entry as one line through `write` (the runtime entries pass `console.log`, i.e.
 * stdout); `undefined` for `off`.
 */
export function lineLogger(format: LogFormat, write: (line: string) => void): Logger | undefined {
	if (format === "off") return undefined;
	return (entry) => write(formatLogEntry(entry, format));
}

/** @internal Hands an entry to the app's logger, if any; a throwing logger never breaks a request. */
export function emitLog(o: ResolvedOptions, entry: LogEntry): void {
	if (!o.logger) return;
	try {
		o.logger(entry);
	} catch {
		// logging is best effort
	}
}
