import { vi } from "vitest";
import type { ChangeItem, ConflictItem, ExchangeNode, JournalItem, NodeSettings, PreviewOrder, PreviewWarning } from "../types.ts";

/** Default settings as the server returns them (architecture.md defaults), plus one status mapping each way. */
export function defaultSettings(): NodeSettings {
	return {
		shipping: "paid",
		exportOptions: false,
		exportFromNumber: null,
		exportStatuses: true,
		exportStatusFilter: [],
		statusMap: { export: { P: "[P] Оплачен" }, import: [{ on: "paid", status: "P" }] },
		importStatuses: true,
		schemaVersion: "2.05",
		encoding: "windows-1251",
		zip: true,
		fileLimit: 8 * 1024 * 1024,
		batchSize: 500,
		createOrdersFrom1C: false,
		cancelledStatuses: [],
		finalStatuses: [],
		configuration: "ut",
		client: "1c",
		applyOnUpload: "complete",
		vat: "auto",
		allowedIps: [],
		knownIpDays: 30,
		journalDays: 90,
		contentFrom1C: "report",
		conflicts: "hold",
		webhookUrl: null,
		staleAfterHours: 24,
		webhookSecret: null,
	};
}

/** windows-1251 encoder built from the browser's own decoder (bytes 0x80–0xFF). */
export function encodeCp1251(text: string): Uint8Array<ArrayBuffer> {
	const dec = new TextDecoder("windows-1251");
	const map = new Map<string, number>();
	for (let b = 0x80; b <= 0xff; b++) map.set(dec.decode(new Uint8Array([b])), b);
	const out: number[] = [];
	for (const ch of text) {
		const c = ch.codePointAt(0) ?? 63;
		out.push(c < 0x80 ? c : (map.get(ch) ?? 63));
	}
	return new Uint8Array(out);
}

export interface RecordedRequest {
	method: string;
	url: URL;
	headers: Headers;
	body: unknown;
}

/**
 * A small in-memory admin API behind a `fetch` spy: one node whose settings PATCH merges like the server's,
 * a preview that depends on `shipping` and `encoding`, and a journal. Every request is recorded.
 */
export function installFakeApi(options: { token?: string } = {}) {
	const node: ExchangeNode = {
		id: "n1",
		name: "УТ 11 Склад",
		login: "exchange",
		settings: defaultSettings(),
		exchangeUrl: "http://shop.test/exim_1c",
		createdAt: "2026-11-28T09:00:00.000Z",
		updatedAt: "2026-11-28T09:00:00.000Z",
	};
	const orders: PreviewOrder[] = [
		{
			id: "o1",
			number: "1001",
			date: "2026-11-28T10:00:00",
			buyer: "Иванов Иван",
			total: "1500.00",
			exported: null,
			currency: "RUB",
			status: "N",
			status1C: "Новый",
			revision: 1,
			deleted: false,
			lines: 2,
			warnings: [],
		},
		{
			id: "o2",
			number: "SHOP-2026-000042",
			date: "2026-11-28T23:30:00+03:00",
			buyer: "ООО «Ромашка»",
			exported: null,
			currency: "RUB",
			total: "99.90",
			status: "P",
			status1C: null,
			revision: 3,
			deleted: false,
			lines: 1,
			// a coded warning (translated by the widget), a code the widget does not know, and a plain string (older servers)
			warnings: [
				{
					code: "NUMBER_TOO_LONG",
					message: "Номер longer than 11 characters (16): 1C УТ 11 will not match it",
					params: { length: 16, max: 11 },
				},
				{ code: "SOMETHING_NEW", message: "A warning this widget has no text for" },
				"Plain text from an older server" as unknown as PreviewWarning,
			],
		},
	];
	const journal: JournalItem[] = [];
	const requests: RecordedRequest[] = [];
	const state = {
		node,
		orders,
		journal,
		requests,
		statuses: [
			{ code: "N", count: 3 },
			{ code: "P", count: 1 },
			{ code: "F", count: 7 },
		] as { code: string; count: number; name?: string | null }[],
		/** The next PATCH answers with this error instead of saving. */
		failNextPatch: null as null | { status: number; error: { code: string; message: string; path?: string } },
		passwords: [] as string[],
		/** Every node; the first is `node`. Create / delete / rename change this list. */
		nodes: [node] as ExchangeNode[],
		/** Bodies of resend / rewind requests, by node id. */
		requeued: [] as { nodeId: string; kind: "resend" | "rewind"; body: unknown }[],
		/** When set, the JSON preview also says how many orders wait and the XML size (newer servers). */
		previewWaiting: null as number | null,
		/** The changes feed (`GET /api/v1/changes`). */
		changes: [] as ChangeItem[],
		/** Orders held by a content conflict (`GET /api/v1/conflicts`); `POST /orders/{id}/resolve` removes one. */
		conflicts: [] as ConflictItem[],
	};

	const json = (body: unknown, status = 200) =>
		new Response(JSON.stringify(body), { status, headers: { "content-type": "application/json" } });

	const previewXml = () => {
		const s = node.settings;
		const lines = orders
			.map((o) => {
				const delivery = s.shipping !== "none" ? `<Товар><Ид>ORDER_DELIVERY</Ид><Наименование>Доставка заказа</Наименование></Товар>` : "";
				return `<Документ><Номер>${o.number}</Номер><Товары><Товар><Ид>p1</Ид><Наименование>Чайник</Наименование></Товар>${delivery}</Товары></Документ>`;
			})
			.join("\n");
		const xml = `<?xml version="1.0" encoding="${s.encoding}"?>\n<КоммерческаяИнформация ВерсияСхемы="${s.schemaVersion}" ДатаФормирования="2026-11-29T12:00:00">\n${lines}\n</КоммерческаяИнформация>\n`;
		const bytes = s.encoding === "windows-1251" ? encodeCp1251(xml) : new TextEncoder().encode(xml);
		return new Response(bytes, { headers: { "content-type": `application/xml; charset=${s.encoding}` } });
	};

	const spy = vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const url = new URL(typeof input === "string" ? input : input instanceof URL ? input.href : input.url, location.href);
		const method = (init?.method ?? "GET").toUpperCase();
		const headers = new Headers(init?.headers);
		const body = typeof init?.body === "string" ? JSON.parse(init.body) : undefined;
		requests.push({ method, url, headers, body });
		if (options.token && headers.get("authorization") !== `Bearer ${options.token}`) {
			return json({ error: { code: "UNAUTHORIZED", message: "bad token" } }, 401);
		}
		const p = url.pathname;
		if (method === "GET" && p === "/api/v1/nodes") return json({ items: state.nodes });
		if (method === "POST" && p === "/api/v1/nodes") {
			const b = body as { name: string; login: string };
			if (state.nodes.some((n) => n.login === b.login))
				return json({ error: { code: "conflict", message: "a node with this login exists", path: "login" } }, 409);
			const created: ExchangeNode = {
				id: `n${state.nodes.length + 1}`,
				name: b.name,
				login: b.login,
				settings: defaultSettings(),
				exchangeUrl: "http://shop.test/exim_1c",
				createdAt: "2026-11-29T09:00:00.000Z",
				updatedAt: "2026-11-29T09:00:00.000Z",
				state: "never",
				lastExchange: null,
				lastSuccessAt: null,
			};
			state.nodes.push(created);
			return json({ ...created, password: "0123456789abcdef0123" }, 201);
		}
		const m = /^\/api\/v1\/nodes\/([^/]+)(?:\/(password|resend|rewind|check))?$/.exec(p);
		const other = m && m[1] !== node.id ? state.nodes.find((n) => n.id === m[1]) : null;
		if (m && (m[1] === node.id || other)) {
			const target = other ?? node;
			if (method === "DELETE" && !m[2]) {
				state.nodes = state.nodes.filter((n) => n !== target);
				return new Response(null, { status: 204 });
			}
			if (method === "POST" && m[2] === "password") return json({ password: "fedcba9876543210fedc" });
			if (method === "POST" && m[2] === "check") {
				const ok = (body as { password: string }).password === "right-password";
				return json({
					url: target.exchangeUrl,
					ok,
					steps: [
						{ step: "reach", ok: true, status: 401, code: null, detail: "failure" },
						{ step: "checkauth", ok, status: 200, code: ok ? null : "auth_failed", detail: ok ? "success" : "failure" },
						...(ok
							? [
									{ step: "init", ok: true, status: 200, code: null, detail: "zip=yes file_limit=8388608" },
									{ step: "query", ok: true, status: 200, code: null, detail: "2" },
								]
							: []),
					],
				});
			}
			if (method === "POST" && (m[2] === "resend" || m[2] === "rewind")) {
				state.requeued.push({ nodeId: target.id, kind: m[2], body });
				if (m[2] === "resend") {
					const ids = (body as { orders: string[] }).orders;
					return json({ queued: ids.filter((id) => id !== "nope"), unknown: ids.filter((id) => id === "nope") });
				}
				return json({ queued: 7 });
			}
			if (other && method === "GET" && !m[2]) return json(other);
			if (other && method === "PATCH" && !m[2]) {
				Object.assign(other, body as object);
				return json(other);
			}
		}
		if (method === "GET" && p === `/api/v1/nodes/${node.id}`) return json(node);
		if (method === "PATCH" && p === `/api/v1/nodes/${node.id}`) {
			if (state.failNextPatch) {
				const f = state.failNextPatch;
				state.failNextPatch = null;
				return json({ error: f.error }, f.status);
			}
			const patch = body as { settings?: Partial<NodeSettings>; password?: string; login?: string };
			node.settings = { ...node.settings, ...patch.settings };
			if (patch.login) node.login = patch.login;
			if ((patch as { name?: string }).name) node.name = (patch as { name: string }).name;
			if (patch.password) state.passwords.push(patch.password);
			return json(node);
		}
		if (method === "GET" && p === "/api/v1/changes") {
			const after = Number(url.searchParams.get("after") ?? 0);
			const limit = Number(url.searchParams.get("limit") ?? 100);
			return json({ items: state.changes.filter((c) => c.cursor > after).slice(0, limit) });
		}
		if (method === "GET" && p === "/api/v1/meta/statuses") return json({ items: state.statuses });
		if (method === "GET" && p === `/api/v1/nodes/${node.id}/preview`) {
			if (url.searchParams.get("format") === "json") {
				return json({
					orders,
					count: orders.length,
					encoding: node.settings.encoding,
					schemaVersion: node.settings.schemaVersion,
					...(state.previewWaiting === null ? {} : { waiting: state.previewWaiting, bytes: 2048 }),
				});
			}
			return previewXml();
		}
		if (method === "GET" && p === `/api/v1/nodes/${node.id}/journal` && url.searchParams.get("format") === "csv") {
			return new Response(`\uFEFFid,mode\r\n${journal.map((j) => `${j.id},${j.mode}`).join("\r\n")}\r\n`, {
				headers: { "content-type": "text/csv; charset=utf-8" },
			});
		}
		if (method === "GET" && p === "/api/v1/conflicts") {
			const n = url.searchParams.get("node");
			return json({ items: state.conflicts.filter((c) => n === null || c.held.nodeId === n) });
		}
		const resolve = /^\/api\/v1\/orders\/([^/]+)\/resolve$/.exec(p);
		if (method === "POST" && resolve) {
			const i = state.conflicts.findIndex((c) => c.id === decodeURIComponent(resolve[1] ?? ""));
			if (i < 0) return json({ error: { code: "not_held", message: "the order holds no content conflict" } }, 409);
			state.conflicts.splice(i, 1);
			return json({ order: {}, revision: 2 });
		}
		if (method === "GET" && p === `/api/v1/nodes/${node.id}/journal`) {
			const errorsOnly = url.searchParams.get("errors") === "1";
			return json({ items: journal.filter((j) => !errorsOnly || j.error), nextCursor: null, nextBefore: null });
		}
		return json({ error: { code: "NOT_FOUND", message: `no route ${method} ${p}` } }, 404);
	});
	return Object.assign(state, { spy, restore: () => spy.mockRestore() });
}

/** A journal row with sensible defaults. */
export function journalItem(partial: Partial<JournalItem> & Pick<JournalItem, "id" | "mode">): JournalItem {
	return {
		at: "2026-11-29T12:00:00Z",
		session: "s1",
		type: "sale",
		filename: null,
		bytesIn: 0,
		bytesOut: 7,
		reply: "success",
		durationMs: 3,
		ordersSent: 0,
		ordersAcknowledged: 0,
		ordersImported: 0,
		error: null,
		ip: null,
		count: 1,
		code: null,
		params: null,
		...partial,
	};
}

/** Waits until `check` stops throwing (components render asynchronously after fetches). */
export async function until<T>(check: () => T, timeoutMs = 3000): Promise<T> {
	const end = Date.now() + timeoutMs;
	for (;;) {
		try {
			return check();
		} catch (e) {
			if (Date.now() > end) throw e;
			await new Promise((r) => setTimeout(r, 10));
		}
	}
}
