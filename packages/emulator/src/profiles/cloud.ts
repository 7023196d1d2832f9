/**
 * @module
 * Profiles `moysklad` and `class365` — the cloud systems МойСклад and Класс365 (Бизнес.Ру) as exchange clients
 * (docs/cloud-clients.md). Their vendors publish no protocol notes and their client code is not public, so these
 * profiles are built from what the store modules that serve them document, and everything else is an assumption.
 *
 * Known: they log in with HTTP Basic; they pull orders with `type=sale&mode=query` and upload an orders file with
 * their own "Статус заказа" text; they never call `mode=import` (the site applies the file during `mode=file`); they
 * are not known to send the session cookie or `sessid` back; each has its own URL (`/exim_moysklad`, `/exim_class`).
 *
 * Assumed (see {@link CLOUD_ASSUMPTIONS}): HTTP Basic on every request and no cookie, no `sessid` ever; `checkauth`
 * before each phase (option `checkauth: false` models a client that skips it); `query` → `success` like 1C's
 * two-phase download, no `init` before it; an upload is `checkauth` → `init` → one plain xml (never a zip) in
 * `file_limit` pieces (option `init: false`: no `init`, one piece); the file is the common CommerceML order document
 * (`Ид`, `Номер` = the site number, `Дата`, lines) with "Статус заказа" as its only requisite; a `failure` on any step
 * is an error and `progress` on `file` is not understood; no catalog pre-flight.
 */
import type { ProfileSpec } from "./profile.ts";
import { initReplyLines, parseInitLines } from "./profile.ts";

/** What the `moysklad` and `class365` profiles assume beyond what is documented (docs/cloud-clients.md lists them). */
export const CLOUD_ASSUMPTIONS = [
	"HTTP Basic on every request; the session cookie and `sessid` are never sent",
	"`checkauth` before each phase (not known: it may be skipped — option `checkauth: false`)",
	"download: `query` then `success` (not known whether `success` is sent); no `init` before `query`",
	"upload: `checkauth` → `init` → `file` (not known whether `init` is sent — option `init: false`)",
	"uploads are one plain xml, never a zip, cut at `file_limit`",
	"the orders file: `Ид`, `Номер` (the site number), `Дата`, lines and only the requisite «Статус заказа»",
	"`mode=import` is never called; `progress` on `file` is not understood (an error)",
	"no `type=catalog` pre-flight, no `version` on `init`",
	"replies are read as UTF-8 (the query answer as its XML declaration says)",
] as const;

/** Options of the cloud profiles. */
export interface CloudOptions {
	/** Default true: `checkauth` before each phase; false: every request relies on the site's implicit session. */
	checkauth?: boolean;
	/** Default true: `init` before an upload; false: the file is posted at once, in one piece. */
	init?: boolean;
}

function cloudProfile(name: "moysklad" | "class365", opts: CloudOptions): ProfileSpec {
	return {
		name,
		family: "cloud",
		timeoutMs: 300_000,
		charsetFallback: "utf-8",
		catalogPreflight: false,
		sendsCookie: false,
		checkauth: opts.checkauth ?? true,
		initBeforeUpload: opts.init ?? true,
		token: () => "",
		initBeforeQuery: false,
		initQuery: () => "type=sale&mode=init",
		readInit(reply, t, req) {
			return parseInitLines(initReplyLines(reply, t, req));
		},
		acceptsQueryBody: (text) => text.startsWith("<?xml") || text.startsWith("<КоммерческаяИнформация"),
		detectsFailure: true,
		importPauseMs: 0,
		importPolling: "never",
		zips: false,
		xmlName: (n) => `orders_${name}_${n}.xml`,
		repeatQuery: false,
		container: false,
	};
}

/** Builds the `moysklad` profile (МойСклад, "Обмен по CommerceML"; URL `/exim_moysklad`). */
export function moyskladProfile(opts: CloudOptions = {}): ProfileSpec {
	return cloudProfile("moysklad", opts);
}

/** Builds the `class365` profile (Класс365 / Бизнес.Ру, "Интеграция с интернет-магазинами"; URL `/exim_class`). */
export function class365Profile(opts: CloudOptions = {}): ProfileSpec {
	return cloudProfile("class365", opts);
}
