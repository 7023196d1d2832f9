/**
 * @module
 * `@obmen/emulator` — a faithful 1C:Enterprise client for testing the CommerceML order exchange
 * without 1C: three client families (УТ 11/КА 2/ERP, УНФ 3.0, the 1C-Bitrix module), an in-memory 1C
 * infobase that loads orders like УТ 11, and the order files each family sends back.
 */
import { type ExchangeOptions, type ExchangeReport, runExchange } from "./engine.ts";
import { type BitrixModuleOptions, bitrixModuleProfile } from "./profiles/bitrix-module.ts";
import type { ProfileSpec } from "./profiles/profile.ts";
import { type UnfOptions, unfProfile } from "./profiles/unf.ts";
import { type Ut11Options, ut11Profile } from "./profiles/ut11.ts";

export * from "./engine.ts";
export * from "./infobase.ts";
export * from "./order-file.ts";
export * from "./profiles/bitrix-module.ts";
export * from "./profiles/profile.ts";
export * from "./profiles/unf.ts";
export * from "./profiles/ut11.ts";
export * from "./query-parser.ts";
export * from "./settings.ts";
export * from "./transport.ts";
export * from "./upload.ts";

/** Profile names accepted by the CLI and {@link sync}. */
export type ProfileName = "ut11" | "unf" | "bitrix-module";

/** Profile options for {@link profileFor}. */
export interface ProfileOptions {
	ut11?: Ut11Options;
	unf?: UnfOptions;
	bitrixModule?: BitrixModuleOptions;
}

/** The spec of a named client profile. */
export function profileFor(name: ProfileName, opts: ProfileOptions = {}): ProfileSpec {
	if (name === "ut11") return ut11Profile(opts.ut11);
	if (name === "unf") return unfProfile(opts.unf);
	if (name === "bitrix-module") return bitrixModuleProfile(opts.bitrixModule);
	throw new Error(`unknown profile "${String(name)}" (ut11 | unf | bitrix-module)`);
}

/** Runs one exchange as the named 1C client. */
export function sync(profile: ProfileName, options: ExchangeOptions & ProfileOptions): Promise<ExchangeReport> {
	return runExchange(profileFor(profile, options), options);
}
