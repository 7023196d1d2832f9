/**
 * @module
 * `obmen cml decode`: reads an order file uploaded by 1C (XML, or the zip 1C sends with
 * `zip=yes`) strictly, exactly as the exchange endpoint would, and prints the documents as JSON.
 */
import { CommerceMLError, formatPosition, type IncomingDocument, isZip, readDocumentsAll, unzipXml } from "@obmen/core";
import { UsageError } from "./args.ts";
import { type CliIo, readInputFile } from "./io.ts";

/** The JSON shape printed per document (the admin API's `oneC` fields). */
export function documentJson(doc: IncomingDocument, file?: string): Record<string, unknown> {
	const o = doc.oneC;
	return {
		...(file === undefined ? {} : { file }),
		id: doc.id,
		number: doc.number,
		date: doc.date,
		operation: doc.operation,
		total: doc.total,
		currency: doc.currency,
		counterparties: doc.counterparties,
		items: doc.items,
		requisites: doc.requisites,
		oneC: {
			id: o.id,
			number: o.number,
			date: o.date,
			posted: o.posted,
			paid: o.paid,
			paidAt: o.paidAt,
			paymentNumber: o.paymentNumber,
			shipped: o.shipped,
			shippedAt: o.shippedAt,
			shipmentNumber: o.shipmentNumber,
			cancelled: o.cancelled,
			deleted: o.deleted,
			status: o.status,
		},
		...(doc.basis === null ? {} : { basis: doc.basis }),
		...(doc.subordinate.length ? { subordinate: doc.subordinate.map((d) => documentJson(d)) } : {}),
	};
}

/** Runs `cml decode <file>`; returns the exit code. */
export async function decodeCommand(positionals: string[], io: CliIo): Promise<number> {
	const file = positionals[0];
	if (file === undefined) throw new UsageError("cml decode needs a file.xml or file.zip");
	const bytes = await readInputFile(io, file);
	if (bytes === null) return 1;
	let entry = file;
	try {
		const out: Record<string, unknown>[] = [];
		if (isZip(bytes)) {
			for (const [name, data] of unzipXml(bytes)) {
				entry = `${file}:${name}`;
				for (const d of (await readDocumentsAll(data)).documents) out.push(documentJson(d, name));
			}
		} else {
			for (const d of (await readDocumentsAll(bytes)).documents) out.push(documentJson(d));
		}
		await io.stdout(`${JSON.stringify(out, null, 2)}\n`);
		return 0;
	} catch (e) {
		if (!(e instanceof CommerceMLError)) throw e;
		io.stderr(`obmen: ${entry}: ${e.code}${formatPosition(e)}: ${e.reason}\n`);
		return 1;
	}
}
