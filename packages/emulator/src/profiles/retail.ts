/**
 * @module
 * Profile `retail` — Розница 2.2: the library module `ОбменССайтом` plus `ОбменССайтомРТ`
 * (docs/protocol.md §9, §14, §15). On the wire as УТ 11.4: no `sessid`, `import` always polled in a tight loop. Orders are
 * keyed by (number cut to 11, date + time) (`ОбменССайтомРТ.ПолучитьРанееЗагруженныеДокументы`), the cut number
 * is stored and sent back as `Номер` in the order file, and cancelled or closed orders are not updated
 * (`НеОбновлятьЗаказ`).
 */
import { LIBRARY_RULES } from "../infobase.ts";
import type { ProfileSpec } from "./profile.ts";
import { ut11Profile } from "./ut11.ts";

/** Builds the `retail` profile. */
export function retailProfile(): ProfileSpec {
	return {
		...ut11Profile({ noSessid: true }),
		name: "retail",
		rules: { ...LIBRARY_RULES, key: "retail", frozen: "retail" },
		importPolling: "tight",
		honoursNoImportWait: false,
	};
}
