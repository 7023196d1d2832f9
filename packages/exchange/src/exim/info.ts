/**
 * @module
 * `mode=info`: the Bitrix-style reference book 1C УНФ reads in Bitrix mode — `Справочник` with `Статусы`,
 * `ПлатежныеСистемы` and `СлужбыДоставки` (`Элемент` with `Ид` and `Название`), built from the statuses and
 * methods seen in the store's orders and the node's export status map.
 */
import { create } from "xmlbuilder2";
import { readSettings } from "../settings.ts";
import { EximFailure } from "./failure.ts";
import { NEED_CHECKAUTH } from "./replies.ts";
import { bytesReply } from "./reply.ts";
import type { EximRequest } from "./request.ts";
import { resolveSession } from "./session.ts";

/** @internal */
export async function info(r: EximRequest): Promise<Response> {
	const s = await resolveSession(r);
	if (s === null) throw new EximFailure(NEED_CHECKAUTH);
	const settings = readSettings(s.node.settings);
	const [statuses, methods] = await Promise.all([r.o.store.statusCounts(), r.o.store.methods()]);
	const codes = [...new Set([...statuses.map((x) => x.code), ...Object.keys(settings.statusMap.export)])];
	const doc = create({ version: "1.0", encoding: "UTF-8" }).ele("Справочник");
	const st = doc.ele("Статусы");
	for (const code of codes)
		st.ele("Элемент")
			.ele("Ид")
			.txt(code)
			.up()
			.ele("Название")
			.txt(settings.statusMap.export[code] ?? code);
	const pay = doc.ele("ПлатежныеСистемы");
	for (const m of methods.payment) pay.ele("Элемент").ele("Ид").txt(m).up().ele("Название").txt(m).up().ele("ТипОплаты").txt("");
	const del = doc.ele("СлужбыДоставки");
	for (const m of methods.shipping) del.ele("Элемент").ele("Ид").txt(m).up().ele("Название").txt(m);
	const bytes = new TextEncoder().encode(doc.end({ prettyPrint: true })) as Uint8Array<ArrayBuffer>;
	return bytesReply(r, bytes, "application/xml; charset=utf-8", "xml");
}
