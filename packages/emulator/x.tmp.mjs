import { create } from "xmlbuilder2";
const d = create({ version: "1.0", encoding: "UTF-8" }).ele("urn:1C.ru:commerceml_2", "КоммерческаяИнформация", { ВерсияСхемы: "2.07" });
const doc = d.ele("Документ"); doc.ele("Ид").txt("a&<b").up().ele("Номер").txt("1");
console.log(d.end({ prettyPrint: true }));
