import { LitElement, type PropertyDeclarations, type PropertyValues } from "lit";
import { ObmenApi, type TokenProvider } from "./api.ts";
import { type Lang, type MessageKey, resolveLang, translate } from "./i18n.ts";
import { baseStyles } from "./styles.ts";

/**
 * Common base of the `obmen-*` elements: the configuration attributes every component reads
 * (`api-base`, `node-id`, `token`, `lang`), the `tokenProvider` property, the admin API client and
 * translation. Subclasses implement {@link ObmenElement.load}, which runs whenever the node or the
 * connection changes.
 */
export abstract class ObmenElement extends LitElement {
	static override properties: PropertyDeclarations = {
		apiBase: { attribute: "api-base" },
		nodeId: { attribute: "node-id" },
		token: {},
		tokenProvider: { attribute: false },
		lang: {},
	};

	static override styles = [baseStyles];

	/** Base URL of the exchange server; empty = the admin page's own origin. */
	declare apiBase: string;
	/** The 1C node id (from `GET /api/v1/nodes`). */
	declare nodeId: string;
	/** Admin bearer token; prefer {@link ObmenElement.tokenProvider} when the host can supply it lazily. */
	declare token: string;
	/** Called before each request when no `token` attribute is set. */
	declare tokenProvider: TokenProvider | null;

	constructor() {
		super();
		this.apiBase = "";
		this.nodeId = "";
		this.token = "";
		this.tokenProvider = null;
	}

	/** UI language: the element's `lang` attribute, else the nearest ancestor's, else Russian. */
	get uiLang(): Lang {
		return resolveLang(this.lang || this.closest("[lang]")?.getAttribute("lang") || document.documentElement.lang);
	}

	/** Translates a UI key into the current language. */
	t(key: MessageKey, vars?: Record<string, string | number>): string {
		return translate(this.uiLang, key, vars);
	}

	/** The admin API client for the current attributes. */
	get api(): ObmenApi {
		return new ObmenApi({ apiBase: this.apiBase, token: this.token, tokenProvider: this.tokenProvider });
	}

	/** False for elements that work without a node (`<obmen-nodes>`): they load on connection changes only. */
	protected get needsNode(): boolean {
		return true;
	}

	protected override updated(changed: PropertyValues<this>): void {
		super.updated(changed);
		if (!this.needsNode) {
			if ((["apiBase", "token", "tokenProvider"] as const).some((k) => changed.has(k))) void this.load();
			return;
		}
		if ((["apiBase", "nodeId", "token", "tokenProvider"] as const).some((k) => changed.has(k))) {
			if (this.nodeId) void this.load();
		}
	}

	/** Fetches what the component shows for the current node. */
	abstract load(): Promise<void>;

	/** Dispatches a bubbling, composed `obmen-*` event the host page can listen to. */
	protected emit<T>(name: string, detail: T): void {
		this.dispatchEvent(new CustomEvent(name, { detail, bubbles: true, composed: true }));
	}
}

/**
 * Formats the wall-clock date and time written in an ISO string (`2026-11-28T23:30:00+03:00` → 28.11.2026,
 * 23:30:00), ignoring its offset: an order's `Дата`/`Время` go to 1C exactly as written in `createdAt`, so the
 * preview must not shift them into the browser's time zone. Other text is returned as is.
 */
export function formatWallClock(lang: Lang, iso: string | null | undefined): string {
	if (!iso) return "";
	const m = /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?/.exec(iso);
	if (!m) return iso;
	const [, y, mo, d, h, mi, s] = m;
	const utc = new Date(Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h ?? 0), Number(mi ?? 0), Number(s ?? 0)));
	if (Number.isNaN(utc.getTime())) return iso;
	const locale = lang === "en" ? "en-GB" : "ru-RU";
	return h === undefined
		? utc.toLocaleDateString(locale, { dateStyle: "short", timeZone: "UTC" })
		: utc.toLocaleString(locale, { dateStyle: "short", timeStyle: "medium", timeZone: "UTC" });
}

/** Formats an instant (a server timestamp such as a journal entry's `at`) in the browser's time zone and the UI language. */
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
	if (!iso) return "";
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return d.toLocaleString(lang === "en" ? "en-GB" : "ru-RU", { dateStyle: "short", timeStyle: "medium" });
}
