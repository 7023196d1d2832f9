/// <reference types="node" />
/**
 * Conformance: the writer's output against the official CommerceML XSDs (2.08, 2.09, 2.10) with xmllint. The XSDs
 * belong to the conformance corpus (scripts/conformance.ts), never copied into the repo; without it this file is
 * skipped and writer-structure.test.ts checks the same matrix against our own schema description.
 */
import { spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { encodeCp1251 } from "../encoding/cp1251.ts";
import { sampleOrders } from "../test-support/export-orders.ts";
import type { ExportOrder, ExportSettings, XmlEncoding } from "./export-settings.ts";
import { writeOrdersXmlBytes } from "./writer.ts";

const CORPUS = process.env.OBMEN_CONFORMANCE_CORPUS ?? "";
const XSD_DIR = join(CORPUS, "xsd");
const XSD: Record<"2.08" | "2.09" | "2.10", string> = {
	"2.08": join(XSD_DIR, "dobromyslov-commerceml-parser__commerceml-2.08.xsd"),
	"2.09": join(XSD_DIR, "irpsv-commerceml__CML209.XSD.xml"),
	"2.10": join(XSD_DIR, "dobromyslov-commerceml-parser__commerceml-2.10.xsd"),
};
/** All three XSDs declare this target namespace. */
const TARGET_NS = "urn:1C.ru:commerceml_2";
const GENERATED_AT = "2026-11-29T08:07:06";

const tmp = mkdtempSync(join(tmpdir(), "obmen-cml-xsd-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** Adds the XSD target namespace to the root (for validation only; the writer never emits one). */
function withNamespace(bytes: Uint8Array, encoding: XmlEncoding): Uint8Array {
	const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
	const ns = text.replace("<КоммерческаяИнформация ", `<КоммерческаяИнформация xmlns="${TARGET_NS}" `);
	expect(ns).not.toBe(text);
	return encoding === "utf-8" ? new TextEncoder().encode(ns) : encodeCp1251(ns);
}

function xmllint(args: string[]): { status: number | null; stderr: string } {
	const r = spawnSync("xmllint", args, { encoding: "utf8" });
	return { status: r.status, stderr: r.stderr };
}

const ENCODINGS: XmlEncoding[] = ["windows-1251", "utf-8"];
const SHIPPING = ["none", "paid", "always"] as const;
const [PERSON, COMPANY] = sampleOrders() as [ExportOrder, ExportOrder];
const BUYERS: [string, ExportOrder][] = [
	["person", PERSON],
	["company", COMPANY],
];

describe.skipIf(!CORPUS)("conformance: XSD validation (xmllint)", () => {
	for (const version of ["2.08", "2.09", "2.10"] as const) {
		it(`${version}: every encoding × shipping × options × buyer combination validates`, async () => {
			const files: string[] = [];
			for (const encoding of ENCODINGS) {
				for (const shipping of SHIPPING) {
					for (const exportOptions of [false, true]) {
						for (const [buyer, order] of BUYERS) {
							const settings: ExportSettings = {
								schemaVersion: version,
								encoding,
								shipping,
								exportOptions,
								generatedAt: GENERATED_AT,
								statusMap: { N: "[N] Принят" },
							};
							const bytes = await writeOrdersXmlBytes([order], settings);
							const file = join(tmp, `${version}-${encoding}-${shipping}-${exportOptions ? "opt" : "noopt"}-${buyer}.xml`);
							writeFileSync(file, withNamespace(bytes, encoding));
							files.push(file);
						}
					}
				}
				const empty = join(tmp, `${version}-${encoding}-empty.xml`);
				writeFileSync(empty, withNamespace(await writeOrdersXmlBytes([], { schemaVersion: version, encoding }), encoding));
				files.push(empty);
			}
			const r = xmllint(["--noout", "--schema", XSD[version], ...files]);
			expect(r.stderr.split("\n").filter((l) => l && !l.endsWith(" validates"))).toEqual([]);
			expect(r.status).toBe(0);
			expect(r.stderr.match(/ validates$/gm)).toHaveLength(files.length);
		});
	}

	it("the VAT modes (delivery line included), payment requisites and options with # validate in every XSD", async () => {
		const order: ExportOrder = {
			...PERSON,
			items: PERSON.items.map((i, k) => (k === 1 ? { ...i, vatRate: undefined } : i)),
			payment: { method: "Картой", methodId: "card", paid: true, paidAt: "2026-11-28T09:10:11+03:00", documentNumber: "TX-1" },
		};
		const files: [string, string][] = [];
		for (const version of ["2.08", "2.09", "2.10"] as const) {
			// "Без НДС" fits too: the XSD types Ставка as a string (КоэффициентТип)
			for (const vat of ["20", "none"] as const) {
				const settings: ExportSettings = { schemaVersion: version, encoding: "utf-8", exportOptions: true, vat, shipping: "always" };
				const file = join(tmp, `vat-${vat}-${version}.xml`);
				writeFileSync(file, withNamespace(await writeOrdersXmlBytes([order, COMPANY], settings), "utf-8"));
				files.push([version, file]);
			}
		}
		for (const [version, file] of files) {
			const r = xmllint(["--noout", "--schema", XSD[version as keyof typeof XSD], file]);
			expect(r.stderr.split("\n").filter((l) => l && !l.endsWith(" validates"))).toEqual([]);
			expect(r.status).toBe(0);
		}
	});

	it("НомерВерсии and Номер1С (Bitrix, ≥ 2.07) are the only parts outside the XSD", async () => {
		const order: ExportOrder = { ...PERSON, version: 3, oneC: { number: "ТДЦУ-000001" } };
		const file = join(tmp, "identity-2.08.xml");
		writeFileSync(file, withNamespace(await writeOrdersXmlBytes([order], { schemaVersion: "2.08", encoding: "utf-8" }), "utf-8"));
		const r = xmllint(["--noout", "--schema", XSD["2.08"], file]);
		expect(r.status).not.toBe(0);
		const errors = r.stderr.split("\n").filter((l) => l.includes("validity error"));
		expect(errors).toHaveLength(1);
		expect(errors[0]).toMatch(/НомерВерсии/);
	});
});
