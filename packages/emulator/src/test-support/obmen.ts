/**
 * E2E harness: the real Obmen exchange app (`createExchangeApp` over an in-memory libSQL store) served
 * on 127.0.0.1 (port 0) through a minimal node:http → fetch adapter, plus a tiny admin-API client.
 */
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { createMemoryDb } from "@obmen/db/node";
import { createExchangeApp } from "@obmen/exchange";

export const ADMIN_TOKEN = "e2e-admin-token";

export interface Obmen {
	base: string;
	api<T = Record<string, unknown>>(method: string, path: string, body?: unknown): Promise<{ status: number; json: T }>;
	createNode(settings: Record<string, unknown>): Promise<{ id: string; login: string; password: string; url: string }>;
	putOrder(order: Record<string, unknown>): Promise<void>;
	getOrder(id: string): Promise<Record<string, unknown> & { status: string; revision: number; oneC: Record<string, unknown> | null }>;
	close(): Promise<void>;
}

let seq = 0;

export async function startObmen(): Promise<Obmen> {
	const { store } = await createMemoryDb();
	const app = createExchangeApp({ store, verifyAdminToken: (t) => t === ADMIN_TOKEN, passwordIterations: 1000, onError: () => {} });
	const server = createServer(async (req, res) => {
		const chunks: Buffer[] = [];
		for await (const c of req) chunks.push(c as Buffer);
		const headers = new Headers();
		for (const [k, v] of Object.entries(req.headers)) if (typeof v === "string") headers.set(k, v);
		const body = req.method === "GET" || req.method === "HEAD" ? undefined : Buffer.concat(chunks);
		const response = await app.fetch(new Request(`http://${req.headers.host}${req.url}`, { method: req.method, headers, body }));
		const out = Buffer.from(await response.arrayBuffer());
		res.writeHead(response.status, Object.fromEntries(response.headers));
		res.end(out);
	});
	await new Promise<void>((r) => server.listen(0, "127.0.0.1", r));
	const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
	const api: Obmen["api"] = async (method, path, body) => {
		const res = await fetch(`${base}${path}`, {
			method,
			headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined ? {} : { "Content-Type": "application/json" }) },
			body: body === undefined ? undefined : JSON.stringify(body),
		});
		const text = await res.text();
		return { status: res.status, json: text ? JSON.parse(text) : {} };
	};
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
		close: () => new Promise<void>((r) => server.close(() => r())),
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
