/// <reference types="node" />
/**
 * The writer's output: well-formedness (xmllint) with each version's spellings, and byte-exact golden files.
 * XSD validation is in writer-xsd.conformance.test.ts; structure per version in writer-structure.test.ts.
 * Golden files: `UPDATE_GOLDEN=1 npx vitest run --project core writer-golden` rewrites them.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { afterAll, describe, expect, it } from "vitest";
import { sampleOrders } from "../test-support/export-orders.ts";
import type { ExportOrder, ExportSettings, SchemaVersion, XmlEncoding } from "./export-settings.ts";
import { writeOrdersXmlBytes } from "./writer.ts";

const GOLDEN_DIR = fileURLToPath(new URL("../../test-data/golden/", import.meta.url));
const GENERATED_AT = "2026-11-29T08:07:06";

const tmp = mkdtempSync(join(tmpdir(), "obmen-cml-writer-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function xmllint(args: string[]): { status: number | null; stderr: string } {
	const r = spawnSync("xmllint", args, { encoding: "utf8" });
	return { status: r.status, stderr: r.stderr };
}

const ENCODINGS: XmlEncoding[] = ["windows-1251", "utf-8"];
const [PERSON, COMPANY] = sampleOrders() as [ExportOrder, ExportOrder];

describe("versions without a published XSD (2.03–2.07)", () => {
	for (const version of ["2.03", "2.04", "2.05", "2.07"] as const) {
		it(`${version}: well-formed in both encodings with the version's spellings`, async () => {
			for (const encoding of ENCODINGS) {
				const bytes = await writeOrdersXmlBytes(sampleOrders(), {
					schemaVersion: version,
					encoding,
					shipping: "always",
					exportOptions: true,
					generatedAt: GENERATED_AT,
				});
				const file = join(tmp, `${version}-${encoding}.xml`);
				writeFileSync(file, bytes);
				const r = xmllint(["--noout", file]);
				expect(r.stderr).toBe("");
				expect(r.status).toBe(0);
				const text = new TextDecoder(encoding, { fatal: true, ignoreBOM: true }).decode(bytes);
				expect(text).toContain(`ВерсияСхемы="${version}"`);
				expect(text).toContain('<БазоваяЕдиница Код="796" НаименованиеПолное="Штука" МеждународноеСокращение="PCE">шт</БазоваяЕдиница>');
				if (version === "2.07") {
					expect(text).toContain("<Единица>796</Единица><Коэффициент>1</Коэффициент>");
					expect(text).toContain("<Тип>Телефон рабочий</Тип>");
				} else {
					expect(text).not.toContain("<Единица>");
					expect(text).toContain("<Тип>ТелефонРабочий</Тип>");
				}
			}
		});
	}
});

const GOLDEN: [string, SchemaVersion, XmlEncoding, ExportSettings][] = [
	["orders-2.05-windows-1251", "2.05", "windows-1251", { shipping: "paid" }],
	["orders-2.08-utf-8-options", "2.08", "utf-8", { shipping: "always", exportOptions: true }],
	[
		"orders-2.10-windows-1251-statuses",
		"2.10",
		"windows-1251",
		{ shipping: "none", exportOptions: true, statusMap: { N: "[N] Принят, ожидается оплата", F: "[F] Выполнен" }, finalStatuses: ["F"] },
	],
];

describe("golden files", () => {
	for (const [name, schemaVersion, encoding, extra] of GOLDEN) {
		it(`${name}.xml matches byte for byte`, async () => {
			const orders: ExportOrder[] = [{ ...PERSON, version: 2, oneC: { number: "ТДЦУ-000042" } }, COMPANY];
			const bytes = await writeOrdersXmlBytes(orders, { schemaVersion, encoding, generatedAt: GENERATED_AT, ...extra });
			const file = join(GOLDEN_DIR, `${name}.xml`);
			if (process.env.UPDATE_GOLDEN === "1") {
				mkdirSync(GOLDEN_DIR, { recursive: true });
				writeFileSync(file, bytes);
			}
			expect(existsSync(file), `missing ${file}; run with UPDATE_GOLDEN=1`).toBe(true);
			const golden = new Uint8Array(readFileSync(file));
			expect(
				Buffer.from(bytes).equals(Buffer.from(golden)),
				`${name}.xml differs; inspect and rerun with UPDATE_GOLDEN=1 if intended`,
			).toBe(true);
			expect(execFileSync("xmllint", ["--noout", file], { encoding: "utf8" })).toBe("");
		});
	}
});
