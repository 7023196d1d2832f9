/**
 * @module
 * `mode=init`: start a new upload epoch (the next chunk of every file truncates) and announce
 * `zip=yes|no` and `file_limit=<bytes>`. Exactly 2 lines (1C УТ 11 rejects anything else); 4 lines
 * (`sessid=…`, `version=…`) only when the request carries `version` (Bitrix-protocol clients).
 */
import { readSettings } from "../settings.ts";
import { requireSession } from "./client.ts";
import { textReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";

/** @internal The chunk size announced as `file_limit` (never above what is enforced). */
export function announcedFileLimit(settingsLimit: number, maxFileBytes: number): number {
	return Math.max(1, Math.min(settingsLimit, maxFileBytes));
}

/** @internal */
export async function init(r: EximRequest): Promise<Response> {
	// cloud clients (МойСклад, Класс365): HTTP Basic alone, on the node's current session
	const s = await requireSession(r);
	const settings = readSettings(s.node.settings);
	const version = r.c.req.query("version") ?? null;
	await r.o.store.startUploadEpoch(s.session.idHash, version, r.c.req.query("cmlVersion") ?? null);
	let body = `zip=${settings.zip ? "yes" : "no"}\nfile_limit=${announcedFileLimit(settings.fileLimit, r.o.limits.maxFileBytes)}\n`;
	if (version !== null) body += `sessid=${s.sessid}\nversion=${settings.schemaVersion}\n`;
	return textReply(r, body);
}
