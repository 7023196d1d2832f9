/**
 * @module
 * Test harness: an exchange app over a fresh libSQL store with a fake clock, a node with known credentials,
 * and helpers that speak the 1C protocol through `app.request`.
 */

import type { Client } from "@libsql/client";
import type { OrderInput } from "@obmen/core";
import { domainDigest, type ExchangeStore } from "@obmen/db";
import { openDb } from "@obmen/db/node";
import {
	createExchangeApp,
	defaultSettings,
	type ExchangeApp,
	type ExchangeAppOptions,
	type ExchangeLimits,
	hashPassword,
	type NodeSettingsInput,
	NodeSettingsSchema,
	sha256Hex,
} from "@obmen/exchange";

export const LOGIN = "exchange1c";
export const PASSWORD = "s3cret-пароль";
export const ADMIN_TOKEN = "admin-token-for-tests";

/** A clock tests move by hand. */
export class FakeClock {
	t = Date.parse("2026-11-28T12:00:00Z");
	now(): Date {
		return new Date(this.t);
	}
	advance(ms: number): void {
		this.t += ms;
	}
}

export function basic(login = LOGIN, password = PASSWORD): string {
	const bytes = new TextEncoder().encode(`${login}:${password}`);
	return `Basic ${btoa(String.fromCharCode(...bytes))}`;
}

export interface Harness {
	app: ExchangeApp;
	store: ExchangeStore;
	client: Client;
	clock: FakeClock;
	nodeId: string;
	/** Builds a new app over the same store (a "restart"). */
	restart(): ExchangeApp;
	exim(
		query: string,
		init?: { cookie?: string | null; auth?: string | null; body?: Uint8Array | string; method?: string; ip?: string },
	): Promise<Response>;
	text(query: string, init?: Parameters<Harness["exim"]>[1]): Promise<string>;
	/** checkauth → cookie header value `name=value` and sessid. */
	login(): Promise<{ cookie: string; sessid: string }>;
	api(method: string, path: string, body?: unknown): Promise<Response>;
	putOrder(input: Partial<OrderInput> & { id: string }): Promise<Response>;
	digest(): Promise<string>;
}

export function sampleOrder(id: string, over: Partial<OrderInput> = {}): OrderInput {
	return {
		id,
		number: id.replace(/\D/g, "") || "1",
		createdAt: "2026-11-27T10:00:00+03:00",
		status: "new",
		customer: { name: "Иванов Иван Иванович" },
		items: [{ productId: "p1", name: "Чайник «Север»", quantity: 1, price: "100.00" }],
		...over,
	};
}

export async function createHarness(
	opts: { limits?: Partial<ExchangeLimits>; settings?: NodeSettingsInput; url?: string } & Partial<ExchangeAppOptions> = {},
): Promise<Harness> {
	const { store, client } = await openDb(opts.url ?? ":memory:");
	const clock = new FakeClock();
	const nodeId = "node-1";
	const at = clock.now().toISOString();
	await store.createNode({
		id: nodeId,
		name: "main",
		login: LOGIN,
		passwordHash: await hashPassword(PASSWORD, 1000),
		settings: NodeSettingsSchema.parse({ ...defaultSettings(), ...opts.settings }),
		createdAt: at,
		updatedAt: at,
	});
	const adminTokenHash = await sha256Hex(ADMIN_TOKEN);
	const make = () =>
		createExchangeApp({
			clientIp: (c) => c.req.header("x-test-ip") ?? "127.0.0.1",
			passwordIterations: 1000,
			onError: (e) => {
				throw e;
			},
			...opts,
			store,
			clock,
			adminTokenHash,
			limits: { importSliceMs: 60_000, ...opts.limits },
		});
	const h: Harness = {
		app: make(),
		store,
		client,
		clock,
		nodeId,
		restart() {
			h.app = make();
			return h.app;
		},
		async exim(query, init = {}) {
			const headers: Record<string, string> = {};
			if (init.cookie) headers.Cookie = init.cookie;
			const auth = init.auth === undefined ? basic() : init.auth;
			if (auth) headers.Authorization = auth;
			if (init.ip) headers["x-test-ip"] = init.ip;
			const method = init.method ?? (init.body !== undefined ? "POST" : "GET");
			return h.app.request(`/exim_1c?${query}`, { method, headers, body: init.body as BodyInit | undefined });
		},
		async text(query, init) {
			return (await h.exim(query, init)).text();
		},
		async login() {
			const lines = (await h.text("type=sale&mode=checkauth")).split("\n");
			if (lines[0] !== "success") throw new Error(`checkauth failed: ${lines.join("|")}`);
			return { cookie: `${lines[1]}=${lines[2]}`, sessid: (lines[3] ?? "").replace("sessid=", "") };
		},
		async api(method, path, body) {
			return h.app.request(`/api/v1${path}`, {
				method,
				headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" },
				body: body === undefined ? undefined : JSON.stringify(body),
			});
		},
		putOrder(input) {
			return h.api("PUT", `/orders/${input.id}`, sampleOrder(input.id, input));
		},
		async digest() {
			await store.idle();
			return domainDigest(client);
		},
	};
	return h;
}

/** A 1C order file (Family A style: site number in `Номер`, 1C GUID in `Ид`, requisites only when true). */
export function oneCFile(
	docs: { number: string; id?: string; requisites?: [string, string][]; operation?: string; basis?: string; date?: string }[],
	generatedAt = "2026-11-28T12:00:00",
): string {
	const body = docs
		.map(
			(d) => `	<Документ>
		<Ид>${d.id ?? `guid-${d.number}`}</Ид>
		<Номер>${d.number}</Номер>
		<Дата>${d.date ?? "2026-11-27"}</Дата>
		<ХозОперация>${d.operation ?? "Заказ товара"}</ХозОперация>
		<Роль>Продавец</Роль>
		<Валюта>руб</Валюта>
		<Курс>1</Курс>
		<Сумма>100.00</Сумма>${d.basis ? `\n\t\t<Основание>${d.basis}</Основание>` : ""}
		<Контрагенты><Контрагент><Ид>c1</Ид><Наименование>Иванов Иван Иванович</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
		<Время>10:00:00</Время>
		<Товары><Товар><Ид>p1</Ид><Наименование>Чайник «Север»</Наименование><ЦенаЗаЕдиницу>100</ЦенаЗаЕдиницу><Количество>1</Количество><Сумма>100</Сумма></Товар></Товары>
		<ЗначенияРеквизитов>
${(d.requisites ?? []).map(([n, v]) => `			<ЗначениеРеквизита><Наименование>${n}</Наименование><Значение>${v}</Значение></ЗначениеРеквизита>`).join("\n")}
		</ЗначенияРеквизитов>
	</Документ>`,
		)
		.join("\n");
	return `\uFEFF<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="${generatedAt}">
${body}
</КоммерческаяИнформация>
`;
}

/** Uploads `bytes` as `name` in chunks of `size` and imports `xmlName`; returns every reply. */
export async function uploadAndImport(
	h: Harness,
	cookie: string,
	name: string,
	bytes: Uint8Array,
	size: number,
	xmlName = name,
): Promise<string[]> {
	const replies: string[] = [];
	replies.push(await h.text("type=sale&mode=init", { cookie }));
	for (let off = 0; off < bytes.length || off === 0; off += size) {
		replies.push(await h.text(`type=sale&mode=file&filename=${encodeURIComponent(name)}`, { cookie, body: bytes.slice(off, off + size) }));
		if (bytes.length === 0) break;
	}
	for (let i = 0; i < 1000; i++) {
		const r = await h.text(`type=sale&mode=import&filename=${encodeURIComponent(xmlName)}`, { cookie });
		replies.push(r);
		if (!r.startsWith("progress")) break;
	}
	return replies;
}
