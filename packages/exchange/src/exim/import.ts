/**
 * @module `mode=import&filename=<xml>`: parse an uploaded 1C order file (directly, or the entry of an uploaded zip
 * with that base name) strictly, and apply all its documents in one write transaction together with a content-hash
 * ledger row, so importing the same content again is a no-op. Big files are parsed in time slices: each call stores
 * the documents parsed so far and answers `progress` (always at least one more document per call), the last one
 * applies everything and answers `success`.
 */
import {
	type IncomingDocument,
	isCommerceMLError,
	isZip,
	readDocuments,
	replyProgress,
	replySuccess,
	sanitizeUploadName,
	unzipXml,
} from "@obmen/core";
import { planImport } from "../apply.ts";
import { sha256Hex } from "../crypto.ts";
import { readSettings } from "../settings.ts";
import { notifyWebhook } from "../webhooks.ts";
import { type EximRequest, failure, textReply } from "./context.ts";
import { NEED_CHECKAUTH, resolveSession } from "./session.ts";

/** @internal Finds the xml bytes for `name` among the session's uploads: the file itself or an entry of a zip. */
async function findXml(
	r: EximRequest,
	sessionId: string,
	name: string,
	zipAllowed: boolean,
): Promise<{ bytes: Uint8Array; from: string } | string> {
	const store = r.o.store;
	const direct = await store.readUpload(sessionId, name);
	if (direct && !isZip(direct)) return { bytes: direct, from: name };
	for (const upload of await store.listUploads(sessionId)) {
		const bytes = upload === name ? direct : await store.readUpload(sessionId, upload);
		if (!bytes || !isZip(bytes)) continue;
		if (!zipAllowed) return "zip не включён для этого узла (zip disabled)";
		const entries = unzipXml(bytes);
		const hit = entries.get(name);
		if (hit) return { bytes: hit, from: upload };
	}
	return "Файл не найден (file not found)";
}

/** @internal */
export async function importFile(r: EximRequest): Promise<Response> {
	const started = Date.now();
	const raw = r.c.req.query("filename") ?? "";
	r.j.filename = raw.slice(0, 200) || null;
	const s = await resolveSession(r);
	if (s === null) return failure(r, NEED_CHECKAUTH);
	if (typeof s === "string") return failure(r, s);
	const name = sanitizeUploadName(raw);
	if (name === null) return failure(r, "Недопустимое имя файла (invalid filename)");
	r.j.filename = name;
	const settings = readSettings(s.node.settings);
	const sessionId = s.session.idHash;
	const store = r.o.store;
	try {
		const found = await findXml(r, sessionId, name, settings.zip);
		if (typeof found === "string") return failure(r, found);
		const sha = await sha256Hex(found.bytes);
		if (await store.isImported(s.node.id, sha)) {
			await store.markUploadDone(sessionId, found.from);
			return textReply(r, replySuccess("already imported"));
		}
		const stored = await store.readImportDocs(sessionId, sha);
		const fresh: IncomingDocument[] = [];
		let index = 0;
		let finished = true;
		for await (const doc of readDocuments(found.bytes)) {
			if (index++ < stored.length) continue;
			fresh.push(doc);
			if (Date.now() - started >= r.o.limits.importSliceMs) {
				finished = false;
				break;
			}
		}
		if (!finished) {
			await store.addImportDocs(
				sessionId,
				sha,
				stored.length,
				fresh.map((d) => JSON.stringify(d)),
			);
			return textReply(r, replyProgress(`обработано документов: ${stored.length + fresh.length}`));
		}
		const docs = [...stored.map((t) => JSON.parse(t) as IncomingDocument), ...fresh];
		const candidates = await store.findOrdersForImport(keysOf(docs));
		const plan = planImport(docs, candidates, settings);
		const at = r.now.toISOString();
		const applied = await store.applyImport(
			{ nodeId: s.node.id, sha256: sha, filename: name, documents: docs.length, at, patches: plan.patches, creates: plan.creates },
			sessionId,
		);
		await store.markUploadDone(sessionId, found.from);
		if (!applied) return textReply(r, replySuccess("already imported"));
		r.j.ordersImported = plan.patches.length + plan.creates.length;
		const problems = [
			...(plan.unknown.length ? [`unknown orders: ${plan.unknown.slice(0, 20).join(", ")}`] : []),
			...plan.errors.slice(0, 5),
		];
		if (problems.length) r.j.error = problems.join("; ");
		if (settings.webhookUrl && (plan.patches.length || plan.creates.length)) {
			notifyWebhook(r, settings.webhookUrl, {
				event: "1c.import",
				nodeId: s.node.id,
				at,
				items: [
					...plan.patches.map((p) => ({ orderId: p.orderId, nodeId: s.node.id, at, changes: { source: "1c", fields: p.changes } })),
					...plan.creates.map((c) => ({ orderId: c.order.id, nodeId: s.node.id, at, changes: { source: "1c", type: "created" } })),
				],
			});
		}
		return textReply(
			r,
			replySuccess(
				`documents: ${docs.length}, updated: ${plan.patches.length}, created: ${plan.creates.length}, unknown: ${plan.unknown.length}`,
			),
		);
	} catch (e) {
		if (isCommerceMLError(e)) return failure(r, `${e.code}: ${e.message}`);
		throw e;
	}
}

function keysOf(docs: IncomingDocument[]): { numbers: string[]; oneCIds: string[]; oneCNumbers: string[] } {
	const numbers = new Set<string>();
	const ids = new Set<string>();
	const oneC = new Set<string>();
	for (const d of docs) {
		if (d.number) numbers.add(d.number);
		if (d.basis) {
			numbers.add(d.basis);
			oneC.add(d.basis);
		}
		const id = d.oneC.id ?? d.id;
		if (id) ids.add(id);
		if (d.oneC.number) oneC.add(d.oneC.number);
	}
	return { numbers: [...numbers], oneCIds: [...ids], oneCNumbers: [...oneC] };
}
