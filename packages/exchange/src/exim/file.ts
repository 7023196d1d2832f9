/**
 * @module
 * `mode=file` (POST, raw body): append a chunk to the named upload of this session. The first chunk of a
 * name after `init` (or after that file was imported) truncates. Bytes are counted while reading, never trusted from
 * `Content-Length`; a chunk over the announced `file_limit`, a file over the per-file cap or a session over its cap
 * is refused with `failure` and nothing is stored. A chunk that completes the upload gets it applied at once
 * (node setting `applyOnUpload`, see apply-on-upload.ts).
 */
import { concatBytes, replySuccess } from "@obmen/core";
import { readSettings } from "../settings.ts";
import { applyOnUpload, finishPendingApply } from "./apply-on-upload.ts";
import { sessionWithoutCookie } from "./client.ts";
import { EximFailure } from "./failure.ts";
import { announcedFileLimit } from "./init.ts";
import { BUSY, TOO_LARGE } from "./replies.ts";
import { textReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";
import { resolveSessionFile } from "./session.ts";

/** @internal Reads at most `limit` bytes of the body; null when it is longer. */
export async function readBodyCapped(req: Request, limit: number): Promise<Uint8Array | null> {
	if (!req.body) return new Uint8Array(0);
	const reader = req.body.getReader();
	const parts: Uint8Array[] = [];
	let size = 0;
	for (;;) {
		const { done, value } = await reader.read();
		if (done) break;
		size += value.byteLength;
		if (size > limit) {
			await reader.cancel().catch(() => undefined);
			return null;
		}
		parts.push(value);
	}
	return concatBytes(parts, size);
}

/** @internal */
export async function file(r: EximRequest): Promise<Response> {
	const { s, name } = await resolveSessionFile(r, sessionWithoutCookie);
	const settings = readSettings(s.node.settings);
	const chunkLimit = announcedFileLimit(settings.fileLimit, r.o.limits.maxFileBytes);
	const body = await readBodyCapped(r.c.req.raw, chunkLimit);
	if (body === null) throw new EximFailure(TOO_LARGE);
	r.j.bytesIn = body.byteLength;
	if (!(await finishPendingApply(r, s.session.idHash, name))) throw new EximFailure(BUSY);
	const res = await r.o.store.appendChunk(s.session.idHash, name, s.session.uploadEpoch, body, {
		maxFileBytes: r.o.limits.maxFileBytes,
		maxSessionBytes: r.o.limits.maxSessionBytes,
	});
	if (!res.ok) throw new EximFailure(TOO_LARGE);
	// a file big enough for a parse thread: one is started now, so its import finds it ready
	if (res.fileSize >= r.o.limits.parseWorkerMinBytes) {
		try {
			r.o.parseWorker?.prepare?.();
		} catch {
			// a thread that cannot start fails again when the import asks for one, and is reported then
		}
	}
	return (await applyOnUpload(r, s, name, body)) ?? textReply(r, replySuccess());
}
