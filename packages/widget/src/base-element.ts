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

	protected override updated(changed: PropertyValues<this>): void {
		super.updated(changed);
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

/** Formats an ISO date-time for display in the UI language (keeps the original string if it does not parse). */
export function formatDateTime(lang: Lang, iso: string | null | undefined): string {
	if (!iso) return "";
	const d = new Date(iso);
	if (Number.isNaN(d.getTime())) return iso;
	return d.toLocaleString(lang === "en" ? "en-GB" : "ru-RU", { dateStyle: "short", timeStyle: "medium" });
}
