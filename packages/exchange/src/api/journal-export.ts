/**
 * @module
 * Admin API: the whole exchange journal of a node as a file, `GET /api/v1/nodes/{id}/journal?format=csv`
 * (UTF-8 with BOM, so spreadsheet programs read Cyrillic) or `?format=ndjson` (one JSON object a line), newest first,
 * streamed page by page (bounded memory). Each row carries its error `code` (see journal-codes.ts).
 */
import type { JournalRow } from "@obmen/db";
import type { Hono } from "hono";
import { journalError } from "../journal-codes.ts";
import type { ResolvedOptions } from "../options.ts";
import { requireNode } from "./nodes.ts";

/** Rows read per database page while streaming. */
const PAGE = 500;

/** Columns of the CSV export, in order. */
export const JOURNAL_CSV_COLUMNS = [
	"id",
	"at",
	"session",
	"type",
	"mode",
	"filename",
	"bytesIn",
	"bytesOut",
	"durationMs",
	"ordersSent",
	"ordersAcknowledged",
	"ordersImported",
	"code",
	"error",
	"reply",
	"ip",
	"userAgent",
] as const;

/** @internal One CSV field (RFC 4180: quoted when it holds a comma, quote or line break; a leading =+-@ is defused). */
export function csvField(v: unknown): string {
	if (v === null || v === undefined) return "";
	let s = String(v);
	if (/^[=+\-@\t\r]/.test(s) && typeof v === "string") s = `'${s}`; // no formulas when opened in a spreadsheet
	return /[",\r\n]/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

function record(row: JournalRow): Record<string, unknown> {
	const { nodeId: _n, ...rest } = row;
	const e = journalError(row);
	return { ...rest, code: e?.code ?? null, params: e?.params ?? null };
}

/** @internal */
export function registerJournalExport(api: Hono, o: ResolvedOptions): void {
	api.get("/nodes/:id/journal", async (c, next) => {
		const format = c.req.query("format");
		if (format !== "csv" && format !== "ndjson") return next();
		const node = await requireNode(o, c.req.param("id"));
		await o.store.idle();
		const enc = new TextEncoder();
		let before: number | null = null;
		let first = true;
		const body = new ReadableStream<Uint8Array>({
			async pull(ctrl) {
				const rows = await o.store.listJournal(node.id, { limit: PAGE, before });
				let out = "";
				if (first && format === "csv") out += `\uFEFF${JOURNAL_CSV_COLUMNS.join(",")}\r\n`;
				first = false;
				for (const row of rows) {
					const r = record(row);
					out += format === "csv" ? `${JOURNAL_CSV_COLUMNS.map((k) => csvField(r[k])).join(",")}\r\n` : `${JSON.stringify(r)}\n`;
				}
				if (out) ctrl.enqueue(enc.encode(out));
				if (rows.length < PAGE) ctrl.close();
				else before = rows.at(-1)?.id ?? null;
			},
		});
		const type = format === "csv" ? "text/csv; charset=utf-8" : "application/x-ndjson; charset=utf-8";
		const date = o.clock.now().toISOString().slice(0, 10);
		return new Response(body, {
			headers: { "Content-Type": type, "Content-Disposition": `attachment; filename="journal-${node.id}-${date}.${format}"` },
		});
	});
}
