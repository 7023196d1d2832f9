/**
 * The writer's output against our XSD-free structure description (test-support/cml-structure.ts): every schema
 * version × encoding × shipping × options × buyer, plus an empty export. Runs in the unit suite without the official
 * XSDs (writer-xsd.conformance.test.ts validates the same matrix with them when the corpus is present).
 */
import { describe, expect, it } from "vitest";
import { checkStructure, ROOT } from "../test-support/cml-structure.ts";
import { sampleOrders } from "../test-support/export-orders.ts";
import { parseXmlTree } from "../test-support/xml-tree.ts";
import type { ExportOrder, ExportSettings, SchemaVersion, XmlEncoding } from "./export-settings.ts";
import { writeOrdersXmlBytes } from "./writer.ts";

const VERSIONS: SchemaVersion[] = ["2.03", "2.04", "2.05", "2.07", "2.08", "2.09", "2.10"];
const ENCODINGS: XmlEncoding[] = ["windows-1251", "utf-8"];
const SHIPPING = ["none", "paid", "always"] as const;
const [PERSON, COMPANY] = sampleOrders() as [ExportOrder, ExportOrder];

async function tree(orders: ExportOrder[], settings: ExportSettings) {
	const bytes = await writeOrdersXmlBytes(orders, { generatedAt: "2026-11-29T08:07:06", ...settings });
	return parseXmlTree(new TextDecoder(settings.encoding ?? "windows-1251", { fatal: true }).decode(bytes));
}

describe("writer output structure per schema version (no XSD needed)", () => {
	for (const version of VERSIONS) {
		it(`${version}: every encoding × shipping × options × buyer conforms`, async () => {
			let checked = 0;
			for (const encoding of ENCODINGS) {
				for (const shipping of SHIPPING) {
					for (const exportOptions of [false, true]) {
						for (const order of [PERSON, COMPANY, { ...PERSON, version: 3, oneC: { number: "ТДЦУ-000001" } }]) {
							const root = await tree([order], {
								schemaVersion: version,
								encoding,
								shipping,
								exportOptions,
								statusMap: { N: "[N] Принят" },
							});
							expect(checkStructure(root, ROOT, version), `${encoding} ${shipping} ${exportOptions}`).toEqual([]);
							checked++;
						}
					}
				}
				expect(checkStructure(await tree([], { schemaVersion: version, encoding }), ROOT, version)).toEqual([]);
			}
			expect(checked).toBe(36);
		});
	}

	it("the description rejects what the schemas reject", async () => {
		const root = await tree([PERSON], { schemaVersion: "2.05", encoding: "utf-8", shipping: "always" });
		const doc = root.children[0];
		if (!doc) throw new Error("no document");
		const at = (name: string) => doc.children.findIndex((c) => c.name === name);
		// Сумма and Контрагенты swapped: out of order
		const swapped = structuredClone(root);
		const d = swapped.children[0]!;
		[d.children[at("Сумма")], d.children[at("Контрагенты")]] = [d.children[at("Контрагенты")]!, d.children[at("Сумма")]!];
		expect(checkStructure(swapped, ROOT, "2.05").join("\n")).toMatch(/out-of-order|missing <Сумма>/);
		// Номер removed: required
		const missing = structuredClone(root);
		missing.children[0]!.children.splice(at("Номер"), 1);
		expect(checkStructure(missing, ROOT, "2.05")).toContain("КоммерческаяИнформация/Документ: missing <Номер>");
		// a decimal that is not one
		const badSum = structuredClone(root);
		badSum.children[0]!.children[at("Сумма")]!.text = "12,5";
		expect(checkStructure(badSum, ROOT, "2.05")).toContain('КоммерческаяИнформация/Документ/Сумма: "12,5" is not decimal');
		// the 2.07 line unit and phone spelling are not 2.05's
		const v207 = await tree([PERSON], { schemaVersion: "2.07", encoding: "utf-8" });
		const errors = checkStructure(v207, ROOT, "2.05").join("\n");
		expect(errors).toMatch(/ВерсияСхемы="2.07", expected 2.05/);
		expect(errors).toMatch(/<Единица> appears before 2.07/);
		expect(errors).toMatch(/"Телефон рабочий" is not one of Почта \| ТелефонРабочий/);
	});
});
