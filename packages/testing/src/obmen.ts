/**
 * @module
 * E2E harness: the real Obmen exchange app (`createExchangeApp` over an in-memory libSQL store) served on 127.0.0.1
 * (port 0) through `@hono/node-server`, plus a tiny admin-API client.
 */
import { createMemoryDb } from "@obmen/db/node";
import { createExchangeApp } from "@obmen/exchange";
import { afterEach, beforeEach } from "vitest";
import { serveFetch } from "./serve.ts";

export const ADMIN_TOKEN = "e2e-admin-token";

export interface Obmen {
	base: string;
	api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
	createNode(settings: Record<string, unknown>): Promise<{ id: string; login: string; password: string; url: string }>;
	putOrder(order: Record<string, unknown>): Promise<void>;
	getOrder(id: string): Promise<Record<string, unknown> & { status: string; revision: number; oneC: Record<string, unknown> | null }>;
	close(): Promise<void>;
}

/** A client of the admin API at `base` (a server's base URL) with `token`: the status and the parsed JSON reply. */
export function adminApi(base: string, token: string): Obmen["api"] {
	return async (method, path, body) => {
		const res = await fetch(`${base}${path}`, {
			method,
			headers: { Authorization: `Bearer ${token}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, json: text ? JSON.parse(text) : {} };
	};
}

let seq = 0;

export async function startObmen(): Promise<Obmen> {
	const { store } = await createMemoryDb();
	const app = createExchangeApp({ store, verifyAdminToken: (t) => t === ADMIN_TOKEN, passwordIterations: 1000, onError: () => {} });
	const served = await serveFetch((request) => app.fetch(request));
	const base = served.base;
	const api = adminApi(base, ADMIN_TOKEN);
	return {
		base,
		api,
		async createNode(settings) {
			const login = `node${++seq}`;
			const password = "secret-password";
			const r = await api<{ id: string; exchangeUrl: string; error?: unknown }>("POST", "/api/v1/nodes", {
				name: `1C ${login}`,
				login,
				password,
				settings,
			});
			if (r.status !== 201) throw new Error(`POST /nodes → ${r.status} ${JSON.stringify(r.json)}`);
			return { id: r.json.id, login, password, url: `${base}/exim_1c` };
		},
		async putOrder(order) {
			const r = await api("PUT", `/api/v1/orders/${encodeURIComponent(String(order.id))}`, order);
			if (r.status !== 200 && r.status !== 201) throw new Error(`PUT order → ${r.status} ${JSON.stringify(r.json)}`);
		},
		async getOrder(id) {
			const r = await api<Record<string, unknown> & { status: string; revision: number; oneC: Record<string, unknown> | null }>(
				"GET",
				`/api/v1/orders/${encodeURIComponent(id)}`,
			);
			if (r.status !== 200) throw new Error(`GET order ${id} → ${r.status}`);
			return r.json;
		},
		close: served.close,
	};
}

/**
 * A fresh Obmen for every test of the calling file (started in `beforeEach`, closed in `afterEach`): the returned
 * object forwards to the current test's instance.
 */
export function obmenPerTest(): Obmen {
	let current: Obmen | undefined;
	beforeEach(async () => {
		current = await startObmen();
	});
	afterEach(async () => {
		await current?.close();
		current = undefined;
	});
	const now = (): Obmen => {
		if (!current) throw new Error("Obmen runs only inside a test");
		return current;
	};
	return {
		get base() {
			return now().base;
		},
		api: (method, path, body) => now().api(method, path, body),
		createNode: (settings) => now().createNode(settings),
		putOrder: (order) => now().putOrder(order),
		getOrder: (id) => now().getOrder(id),
		close: () => now().close(),
	};
}

/** A store order in the admin API's JSON shape. */
export function storeOrder(n: number, extra: Record<string, unknown> = {}): Record<string, unknown> {
	return {
		id: `ord-${n}`,
		number: String(n),
		createdAt: "2026-11-28T14:03:00+03:00",
		status: "new",
		customer: { name: `Покупатель ${n}`, email: `b${n}@example.com`, phone: "+7 900 000-00-00" },
		items: [
			{
				productId: `p-${n}`,
				externalId: `0f8e1a2b-0000-4000-8000-00000000${String(n).padStart(4, "0")}`,
				sku: `SKU-${n}`,
				name: `Товар ${n} «особый»`,
				quantity: 2,
				price: "1500.50",
			},
			{ productId: "p-mug", sku: "MUG", name: "Кружка", quantity: 1, price: 300, options: [{ name: "Цвет", value: "Синий" }] },
		],
		shipping: { method: "Курьер", price: "350" },
		payment: { method: "Карта", paid: false },
		...extra,
	};
}
