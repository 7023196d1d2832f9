/**
 * @module
 * Plumbing of apps/node's reliability suites: the built server as a child process (child-server.mjs) that reports its
 * event-loop delay, a seeded database, a generated 1C order file, and a minimal 1C upload driver with hooks where the
 * crash test kills the server.
 */
import { copyFileSync, existsSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseOrder } from "@obmen/core";
import { domainDigest } from "@obmen/db";
import { openDb } from "@obmen/db/node";
import { defaultSettings, hashPassword, NodeSettingsSchema } from "@obmen/exchange";
import { type ServerProcess, spawnServer } from "./spawn.ts";

const CHILD = fileURLToPath(new URL("./child-server.mjs", import.meta.url));

/** A server child process that reports its event-loop delay over IPC. */
export interface Child extends ServerProcess {
	/** Event-loop delay (ms) and RSS measured inside the child. */
	stats(): Promise<{ eld: { p50: number; p99: number; max: number; mean: number; count: number }; rss: number }>;
	resetStats(): void;
}

/**
 * Starts apps/node/dist as a child (via child-server.mjs, see `ensureBuilt` of `./spawn.ts`) on 127.0.0.1 with a free
 * port, configured by `env` and the server `tuning`; resolves when it listens.
 */
export async function spawnChildServer(env: Record<string, string>, tuning: Record<string, unknown> = {}): Promise<Child> {
	const server = await spawnServer(process.execPath, [CHILD], {
		env: { HOST: "127.0.0.1", PORT: "0", OBMEN_TUNING: JSON.stringify(tuning), ...env },
		ipc: true,
		timeoutMs: 30_000,
	});
	const proc = server.child;
	return {
		...server,
		// a clean stop waits for the server's own shutdown (SIGKILL only if it hangs for a minute)
		stop: (graceMs = 60_000) => server.stop(graceMs),
		stats: () =>
			new Promise((resolve) => {
				proc.once("message", (m) => resolve(m as Awaited<ReturnType<Child["stats"]>>));
				proc.send("stats");
			}),
		resetStats: () => proc.send("reset"),
	};
}

export const LOGIN = "ut";
export const PASSWORD = "pass-1";
export const basicHeader = `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString("base64")}`;

/** A store order as the admin API takes it. */
export function storeOrder(n: number): Record<string, unknown> {
	return {
		id: `ord-${n}`,
		number: String(n),
		createdAt: "2026-11-27T10:00:00+03:00",
		status: "new",
		customer: { name: `Покупатель ${n}`, email: `b${n}@example.com` },
		items: [
			{ productId: `p-${n}`, sku: `SKU-${n}`, name: `Товар ${n} «особый»`, quantity: 2, price: "1500.50" },
			{ productId: "p-mug", name: "Кружка", quantity: 1, price: 300 },
		],
		shipping: { method: "Курьер", price: "350" },
		payment: { method: "Карта", paid: false },
	};
}

/**
 * Creates a database file with `orders` store orders and one node per login (id `node-<login>`, password
 * {@link PASSWORD}, cheap hash), written without fsync (seeding only). Returns the node ids.
 */
export async function seedDb(url: string, orders: number, settings: Record<string, unknown> = {}, logins = [LOGIN]): Promise<string[]> {
	const { store, client } = await openDb(url);
	await client.execute("PRAGMA synchronous = OFF");
	const at = "2026-11-28T09:00:00.000Z";
	const passwordHash = await hashPassword(PASSWORD, 1000);
	for (const login of logins) {
		await store.createNode({
			id: `node-${login}`,
			name: login === LOGIN ? "default" : login,
			login,
			passwordHash,
			settings: NodeSettingsSchema.parse({ ...defaultSettings(), ...settings }),
			createdAt: at,
			updatedAt: at,
		});
	}
	await Promise.all(Array.from({ length: orders }, (_, i) => store.upsertOrder(parseOrder(storeOrder(i + 1)), at)));
	await store.idle();
	await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
	store.close();
	return logins.map((l) => `node-${l}`);
}

/** Copies the database file `from` with its `-wal` and `-shm` companions to `to`; returns `to`. */
export function copyDb(from: string, to: string): string {
	for (const ext of ["", "-wal", "-shm"]) if (existsSync(from + ext)) copyFileSync(from + ext, to + ext);
	return to;
}

/**
 * What a database file holds: SQLite's `PRAGMA integrity_check` answer, the domain digest (`domainDigest` of
 * `@obmen/db`), and for each of `counts` the number its SQL (a single-value `SELECT count(*) …`) returns.
 */
export async function inspectDb<K extends string = never>(
	path: string,
	counts: Record<K, string> = {} as Record<K, string>,
): Promise<{ integrity: string; digest: string } & Record<K, number>> {
	const { client, store } = await openDb(`file:${path}`);
	try {
		const integrity = String((await client.execute("PRAGMA integrity_check")).rows[0]?.[0]);
		const numbers = {} as Record<K, number>;
		for (const [key, sql] of Object.entries(counts) as [K, string][]) numbers[key] = Number((await client.execute(sql)).rows[0]?.[0]);
		return { integrity, digest: await domainDigest(client), ...numbers };
	} finally {
		store.close();
	}
}

/** A Family A (УТ 11) order file for orders 1..n: posted, paid, some shipped or cancelled, ~1.3 KB per document. */
export function orderFile(n: number, variant = 0): Uint8Array {
	const req = (name: string, value: string) =>
		`\t\t\t<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>\n`;
	let body = "";
	for (let i = 1; i <= n; i++) {
		const num = String(i).padStart(6, "0");
		body += `\t<Документ>
		<Ид>9a1c${num}-8b1b-11df-be16-e0cb4ed5f70f</Ид>
		<Номер>${i}</Номер>
		<Дата>2026-11-27</Дата>
		<ХозОперация>Заказ товара</ХозОперация>
		<Роль>Продавец</Роль>
		<Валюта>руб</Валюта>
		<Курс>1</Курс>
		<Сумма>3651.00</Сумма>
		<Контрагенты><Контрагент><Ид>c${i}</Ид><Наименование>Покупатель ${i}</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
		<Время>10:00:00</Время>
		<Товары><Товар><Ид>p-${i}</Ид><Наименование>Товар ${i} «особый»</Наименование><ЦенаЗаЕдиницу>1500.50</ЦенаЗаЕдиницу><Количество>2</Количество><Сумма>3001.00</Сумма></Товар></Товары>
		<ЗначенияРеквизитов>
${req("Номер по 1С", `ТД00-${num}`)}${req("Дата по 1С", "2026-11-28T10:00:00")}${req("Проведен", "true")}${req("Номер оплаты по 1С", `ПКО-${num}-${variant}`)}${req("Дата оплаты по 1С", "2026-11-28T11:00:00")}${i % 3 === 0 ? req("Номер отгрузки по 1С", `РТУ-${num}`) + req("Дата отгрузки по 1С", "2026-11-28T12:00:00") : ""}${i % 17 === 0 ? req("Отменен", "true") : ""}		</ЗначенияРеквизитов>
	</Документ>
`;
	}
	return new TextEncoder().encode(
		`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.07" ДатаФормирования="2026-11-28T12:00:00">\n${body}</КоммерческаяИнформация>\n`,
	);
}

/** Hooks of {@link uploadRun}: called at the points where the crash test may kill the server. */
export interface UploadHooks {
	/** After the reply to the last `file` chunk. */
	afterChunks?: () => void;
	/** Right after the n-th `import` request (0-based) was sent, before its reply. */
	importSent?: (n: number) => void;
}

/** What one upload run saw. */
export interface UploadResult {
	replies: string[];
	/** Reply of the last `import` (`success…` / `failure…`), or null when the connection died. */
	last: string | null;
	progress: number;
	/** Duration (ms) of each `import` request. */
	importMs: number[];
}

/** A 1C session opened for an upload: the cookie header, the `sessid=…` query part and the node's `file_limit`. */
interface UploadSession {
	headers: { Cookie: string };
	sessid: string;
	limit: number;
}

/** checkauth → init through `get` (which sends `type=sale&<query>`). */
async function openUpload(get: (query: string, init?: RequestInit) => Promise<string>): Promise<UploadSession> {
	const lines = (await get("mode=checkauth", { headers: { Authorization: basicHeader } })).split("\n");
	if (lines[0] !== "success") throw new Error(`checkauth: ${lines.join("|")}`);
	const headers = { Cookie: `${lines[1]}=${lines[2]}` };
	const sessid = lines[3] ?? "";
	const init = (await get(`mode=init&${sessid}`, { headers })).split("\n");
	return { headers, sessid, limit: Number((init[1] ?? "").replace("file_limit=", "")) };
}

/** A 1C portion that never calls `import` (УНФ 1.6, УТ «без ожидания»): checkauth → init → file chunks; their replies. */
export async function uploadOnly(base: string, name: string, bytes: Uint8Array): Promise<string[]> {
	const get = async (q: string, init: RequestInit = {}) => (await fetch(`${base}/exim_1c?type=sale&${q}`, init)).text();
	const { headers, sessid, limit } = await openUpload(get);
	const replies: string[] = [];
	for (let off = 0; off < bytes.length; off += limit) {
		replies.push(await get(`mode=file&filename=${name}&${sessid}`, { method: "POST", headers, body: bytes.slice(off, off + limit) }));
	}
	return replies;
}

/** One 1C upload portion: checkauth → init → file chunks of `file_limit` → import polls until not `progress`. */
export async function uploadRun(base: string, name: string, bytes: Uint8Array, hooks: UploadHooks = {}): Promise<UploadResult> {
	const url = (q: string) => `${base}/exim_1c?type=sale&${q}`;
	const replies: string[] = [];
	const get = async (q: string, init: RequestInit = {}) => {
		const res = await fetch(url(q), init);
		if (res.status >= 500) throw new Error(`HTTP ${res.status} on ${q}`);
		const text = await res.text();
		replies.push(text);
		return text;
	};
	const { headers, sessid, limit } = await openUpload(get);
	for (let off = 0; off < bytes.length; off += limit) {
		const r = await get(`mode=file&filename=${name}&${sessid}`, { method: "POST", headers, body: bytes.slice(off, off + limit) });
		if (r !== "success\n") throw new Error(`file: ${r}`);
	}
	hooks.afterChunks?.();
	let progress = 0;
	const importMs: number[] = [];
	for (let n = 0; ; n++) {
		const t0 = performance.now();
		const pending = fetch(url(`mode=import&filename=${name}&${sessid}`), { headers });
		hooks.importSent?.(n);
		const res = await pending;
		if (res.status >= 500) throw new Error(`HTTP ${res.status} on import`);
		const text = await res.text();
		importMs.push(performance.now() - t0);
		replies.push(text);
		if (!text.startsWith("progress")) return { replies, last: text, progress, importMs };
		progress++;
	}
}
