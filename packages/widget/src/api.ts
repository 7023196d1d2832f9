import type {
	ChangeItem,
	CheckResult,
	ConflictItem,
	ExchangeNode,
	JournalPage,
	NodeCreate,
	NodePatch,
	PreviewSummary,
	PreviewXml,
	RewindFilter,
	StatusInfo,
} from "./types.ts";

/** Returns the admin bearer token; may be async (e.g. read from the host admin's session). */
export type TokenProvider = () => string | null | undefined | Promise<string | null | undefined>;

/** Options for {@link ObmenApi}. */
export interface ObmenApiOptions {
	/** Base URL of the exchange server ("" = same origin as the admin page). */
	apiBase?: string | null;
	/** Static admin token (`OBMEN_ADMIN_TOKEN`), sent as `Authorization: Bearer …`. */
	token?: string | null;
	/** Token provider, used when no static token is set. */
	tokenProvider?: TokenProvider | null;
}

/**
 * An error answer of the admin API: `{ "error": { "code", "message", "path"? } }`.
 * `path` names the offending field, e.g. `settings.fileLimit`, so the UI can show it next to that field.
 */
export class ObmenApiError extends Error {
	readonly status: number;
	readonly code: string;
	readonly path: string | null;
	constructor(status: number, code: string, message: string, path: string | null = null) {
		super(message);
		this.name = "ObmenApiError";
		this.status = status;
		this.code = code;
		this.path = path;
	}
}

/** Extracts the charset of a `Content-Type` header (`application/xml; charset=windows-1251`), default utf-8. */
export function charsetOf(contentType: string | null): string {
	const m = /charset\s*=\s*"?([^";\s]+)"?/i.exec(contentType ?? "");
	return (m?.[1] ?? "utf-8").toLowerCase();
}

/**
 * Thin fetch client for the Obmen admin API (`/api/v1/*`). It never talks to `/exim_1c`, so nothing it does
 * changes what 1C will receive: the preview endpoint is side-effect free on the server.
 */
export class ObmenApi {
	readonly apiBase: string;
	readonly #token: string | null;
	readonly #tokenProvider: TokenProvider | null;

	constructor(options: ObmenApiOptions = {}) {
		this.apiBase = (options.apiBase ?? "").replace(/\/+$/, "");
		this.#token = options.token || null;
		this.#tokenProvider = options.tokenProvider ?? null;
	}

	/** `GET /api/v1/nodes`: all 1C nodes. */
	async listNodes(): Promise<ExchangeNode[]> {
		const body = await this.#json<{ items: ExchangeNode[] }>("GET", "/api/v1/nodes");
		return body.items;
	}

	/** `GET /api/v1/nodes/{id}`. */
	getNode(id: string): Promise<ExchangeNode> {
		return this.#json("GET", `/api/v1/nodes/${encodeURIComponent(id)}`);
	}

	/** `PATCH /api/v1/nodes/{id}`: settings are merged; a password is set but never returned. */
	patchNode(id: string, patch: NodePatch): Promise<ExchangeNode> {
		return this.#json("PATCH", `/api/v1/nodes/${encodeURIComponent(id)}`, patch);
	}

	/** `POST /api/v1/nodes`: without a password the reply carries the generated one (shown once). */
	createNode(body: NodeCreate): Promise<ExchangeNode> {
		return this.#json("POST", "/api/v1/nodes", body);
	}

	/** `DELETE /api/v1/nodes/{id}`: the node, its sessions, journal and export state; never store orders. */
	async deleteNode(id: string): Promise<void> {
		await this.#fetch("DELETE", `/api/v1/nodes/${encodeURIComponent(id)}`);
	}

	/** `POST /api/v1/nodes/{id}/password`: a new generated 1C password, returned once. */
	newPassword(id: string): Promise<{ password: string }> {
		return this.#json("POST", `/api/v1/nodes/${encodeURIComponent(id)}/password`);
	}

	/** `POST /api/v1/nodes/{id}/resend`: these orders go to the node again in its next `query`. */
	resend(id: string, orders: string[]): Promise<{ queued: string[]; unknown: string[] }> {
		return this.#json("POST", `/api/v1/nodes/${encodeURIComponent(id)}/resend`, { orders });
	}

	/** `POST /api/v1/nodes/{id}/rewind`: every order from a number, from a date, or all goes again. */
	rewind(id: string, filter: RewindFilter): Promise<{ queued: number }> {
		return this.#json("POST", `/api/v1/nodes/${encodeURIComponent(id)}/rewind`, filter);
	}

	/** `GET /api/v1/meta/statuses`: store status codes seen, for the status pickers. */
	async statuses(): Promise<StatusInfo[]> {
		const body = await this.#json<{ items: StatusInfo[] }>("GET", "/api/v1/meta/statuses");
		return body.items;
	}

	/** `GET /api/v1/nodes/{id}/preview?format=json`: the orders the next `mode=query` would send. */
	previewJson(id: string): Promise<PreviewSummary> {
		return this.#json("GET", `/api/v1/nodes/${encodeURIComponent(id)}/preview?format=json`);
	}

	/**
	 * `GET /api/v1/nodes/{id}/preview`: the raw XML in the node's encoding. The bytes are kept as received
	 * (for download) and decoded with the charset of the answer (for display).
	 */
	async previewXml(id: string): Promise<PreviewXml> {
		const res = await this.#fetch("GET", `/api/v1/nodes/${encodeURIComponent(id)}/preview`);
		const charset = charsetOf(res.headers.get("content-type"));
		const bytes = await res.arrayBuffer();
		let text: string;
		try {
			text = new TextDecoder(charset).decode(bytes);
		} catch {
			text = new TextDecoder("utf-8").decode(bytes);
		}
		const blob = new Blob([bytes], { type: res.headers.get("content-type") ?? "application/xml" });
		return { blob, text, charset };
	}

	/** `GET /api/v1/nodes/{id}/journal`: logged exchange requests, newest first; `cursor` = `nextCursor` of the previous page. */
	journal(id: string, query: { limit?: number; errors?: boolean; cursor?: string | null } = {}): Promise<JournalPage> {
		const params = new URLSearchParams();
		if (query.limit) params.set("limit", String(query.limit));
		if (query.errors) params.set("errors", "1");
		if (query.cursor != null) params.set("cursor", query.cursor);
		const qs = params.size ? `?${params}` : "";
		return this.#json("GET", `/api/v1/nodes/${encodeURIComponent(id)}/journal${qs}`);
	}

	/** `POST /api/v1/nodes/{id}/check`: an emulated, side-effect-free 1C exchange against the node's public URL. */
	check(id: string, password: string): Promise<CheckResult> {
		return this.#json("POST", `/api/v1/nodes/${encodeURIComponent(id)}/check`, { password });
	}

	/** `GET /api/v1/changes?cursor=&limit=`: change events with cursors above `after`. */
	async changes(after: number, limit: number): Promise<ChangeItem[]> {
		const body = await this.#json<{ items: ChangeItem[] }>("GET", `/api/v1/changes?cursor=${after}&limit=${limit}`);
		return body.items;
	}

	/** `GET /api/v1/nodes/{id}/journal?format=csv|ndjson`: the whole journal as a file (the token stays in the header). */
	async journalFile(id: string, format: "csv" | "ndjson"): Promise<Blob> {
		const res = await this.#fetch("GET", `/api/v1/nodes/${encodeURIComponent(id)}/journal?format=${format}`);
		return res.blob();
	}

	/** `GET /api/v1/conflicts?node=`: the orders held by a content conflict with this node's 1C. */
	async conflicts(nodeId: string): Promise<ConflictItem[]> {
		const body = await this.#json<{ items: ConflictItem[] }>("GET", `/api/v1/conflicts?node=${encodeURIComponent(nodeId)}`);
		return body.items;
	}

	/**
	 * `POST /api/v1/orders/{id}/resolve`: settles a held content conflict — `"store"` keeps the store's content (it goes
	 * to 1C again), `"1c"` takes 1C's (nothing is sent back).
	 */
	resolve(orderId: string, take: "store" | "1c"): Promise<{ order: unknown; revision: number }> {
		return this.#json("POST", `/api/v1/orders/${encodeURIComponent(orderId)}/resolve`, { take });
	}

	async #json<T>(method: string, path: string, body?: unknown): Promise<T> {
		const res = await this.#fetch(method, path, body);
		return (await res.json()) as T;
	}

	async #fetch(method: string, path: string, body?: unknown): Promise<Response> {
		const headers: Record<string, string> = { accept: "application/json, application/xml;q=0.9" };
		const token = this.#token ?? (await this.#tokenProvider?.()) ?? null;
		if (token) headers.authorization = `Bearer ${token}`;
		if (body !== undefined) headers["content-type"] = "application/json";
		let res: Response;
		try {
			res = await globalThis.fetch(`${this.apiBase}${path}`, {
				method,
				headers,
				body: body === undefined ? null : JSON.stringify(body),
			});
		} catch (cause) {
			throw new ObmenApiError(0, "NETWORK", cause instanceof Error ? cause.message : String(cause));
		}
		if (!res.ok) throw await errorOf(res);
		return res;
	}
}

async function errorOf(res: Response): Promise<ObmenApiError> {
	let text = "";
	try {
		text = await res.text();
		const body = JSON.parse(text) as { error?: { code?: string; message?: string; path?: string } };
		if (body.error) {
			return new ObmenApiError(
				res.status,
				body.error.code ?? `HTTP_${res.status}`,
				body.error.message ?? res.statusText,
				body.error.path ?? null,
			);
		}
	} catch {
		// not JSON: fall through to a generic error with the raw text
	}
	return new ObmenApiError(res.status, `HTTP_${res.status}`, text.slice(0, 300) || res.statusText || `HTTP ${res.status}`);
}
