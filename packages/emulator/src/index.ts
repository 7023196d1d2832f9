/**
 * @module
 * @obmen/emulator — a faithful 1C:Enterprise client for testing the CommerceML order exchange
 * without 1C: one profile per configuration as its client code behaves (`ut` = УТ 11/КА 2/ERP/BAS with
 * variants, `retail` = Розница 2.2, `unf30` = УНФ 3.0, `unf16` = УНФ 1.6, `bp` = БП 3.0) plus the 1C-Bitrix
 * module and the cloud systems МойСклад (`moysklad`) and Класс365 (`class365`), an in-memory 1C infobase that loads orders by each configuration's rules, and the order files sent back.
 * The older names `ut11` and `unf` stay as they were (the library with the node's flags; УНФ 3.0 transport that
 * always polls `import`).
 */
import { type ExchangeOptions, type ExchangeReport, runExchange } from "./engine.ts";
import { type BitrixModuleOptions, bitrixModuleProfile } from "./profiles/bitrix-module.ts";
import { type BpOptions, bpProfile } from "./profiles/bp.ts";
import { type CloudOptions, class365Profile, moyskladProfile } from "./profiles/cloud.ts";
import type { ProfileSpec } from "./profiles/profile.ts";
import { retailProfile } from "./profiles/retail.ts";
import { type UnfOptions, unfProfile } from "./profiles/unf.ts";
import { type Unf16Options, unf16Profile, unf30Profile } from "./profiles/unf30.ts";
import { type UtOptions, utProfile } from "./profiles/ut.ts";
import { type Ut11Options, ut11Profile } from "./profiles/ut11.ts";

export * from "./connection-error.ts";
export * from "./engine.ts";
export * from "./infobase.ts";
export * from "./order-file.ts";
export * from "./profiles/bitrix-module.ts";
export * from "./profiles/bp.ts";
export * from "./profiles/cloud.ts";
export * from "./profiles/profile.ts";
export * from "./profiles/retail.ts";
export * from "./profiles/unf.ts";
export * from "./profiles/unf30.ts";
export * from "./profiles/ut.ts";
export * from "./profiles/ut11.ts";
export * from "./query-parser.ts";
export * from "./settings.ts";
export * from "./transport.ts";
export * from "./upload.ts";

/** Profile names accepted by the CLI and {@link sync}. */
export const PROFILE_NAMES = ["ut", "retail", "unf30", "unf16", "bp", "ut11", "unf", "bitrix-module", "moysklad", "class365"] as const;
/** A configuration profile (or an older alias). */
export type ProfileName = (typeof PROFILE_NAMES)[number];

/** Profile options for {@link profileFor}. */
export interface ProfileOptions {
	ut?: UtOptions;
	ut11?: Ut11Options;
	/** Options of `unf`, `unf30` and `unf16` (protocol, subordinate documents, import pause). */
	unf?: UnfOptions;
	unf16?: Pick<Unf16Options, "variant">;
	bp?: BpOptions;
	bitrixModule?: BitrixModuleOptions;
	/** Options of `moysklad` and `class365` (whether they call `checkauth` and `init`). */
	cloud?: CloudOptions;
}

/** The spec of a named client profile. */
export function profileFor(name: ProfileName, opts: ProfileOptions = {}): ProfileSpec {
	switch (name) {
		case "ut":
			return utProfile(opts.ut);
		case "retail":
			return retailProfile();
		case "unf30":
			return unf30Profile(opts.unf);
		case "unf16":
			return unf16Profile({ ...opts.unf, ...opts.unf16 });
		case "bp":
			return bpProfile(opts.bp);
		case "ut11":
			return ut11Profile(opts.ut11);
		case "unf":
			return unfProfile(opts.unf);
		case "bitrix-module":
			return bitrixModuleProfile(opts.bitrixModule);
		case "moysklad":
			return moyskladProfile(opts.cloud);
		case "class365":
			return class365Profile(opts.cloud);
	}
	throw new Error(`unknown profile "${String(name)}" (${PROFILE_NAMES.join(" | ")})`);
}

/** Runs one exchange as the named 1C client. */
export function sync(profile: ProfileName, options: ExchangeOptions & ProfileOptions): Promise<ExchangeReport> {
	return runExchange(profileFor(profile, options), options);
}
