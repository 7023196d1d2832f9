/**
 * @module
 * Profile `ut` — the library module `ОбменССайтом` of УТ 11, КА 2, ERP and BAS (docs/protocol.md §9, §14, §15),
 * in three variants that differ on the wire:
 * - `ut11.5` (УТ 11.5, КА 2.5, ERP 2.5): `&sessid=` (line 4 of `checkauth` without `sessid=`) unless the node's
 *   "Выполнять обмен без идентификатора сессии"; the «Выгружать файлы без ожидания подтверждения импорта
 *   сервером» setting skips `import` (`ВыгрузитьНаСайт`);
 * - `ut11.4` (УТ 11.4, ERP 2.2, BAS 2.1/3.2): no `sessid` ever, and no such setting: `import` is always polled;
 * - `bas` (BAS ERP 2.5, BAS УТ 3.5): no `sessid` ever, the setting exists, and `ИНН`/`КПП` are not read.
 * All variants: catalog `checkauth` pre-flight, `init` of exactly 2 lines, tight `import` loop, the `Строка(11)`
 * order key and the library's `#` rules (see {@link LIBRARY_RULES}).
 */
import { LIBRARY_RULES } from "../infobase.ts";
import type { ProfileSpec } from "./profile.ts";
import { ut11Profile } from "./ut11.ts";

/** A library version with its own wire behaviour. */
export type UtVariant = "ut11.5" | "ut11.4" | "bas";

/** Options of the `ut` profile. */
export interface UtOptions {
	/** Default `ut11.5`. */
	variant?: UtVariant;
}

/** Builds the `ut` profile. */
export function utProfile(opts: UtOptions = {}): ProfileSpec {
	const variant = opts.variant ?? "ut11.5";
	if (!["ut11.5", "ut11.4", "bas"].includes(variant)) throw new Error(`unknown ut variant "${variant}" (ut11.5 | ut11.4 | bas)`);
	return {
		...ut11Profile({ noSessid: variant !== "ut11.5" }),
		name: "ut",
		rules: { ...LIBRARY_RULES, readsInnKpp: variant !== "bas" },
		importPolling: "tight",
		honoursNoImportWait: variant !== "ut11.4",
	};
}
