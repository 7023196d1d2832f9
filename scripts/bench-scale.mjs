#!/usr/bin/env node
/**
 * Scale-out benchmark (docs/scaling.md): 1, 2 and 3 Node processes (apps/node dist `main.js`) on ONE libSQL file,
 * side by side in one run; the 1-process row is the baseline the others are compared with.
 *
 * For each process count, on a fresh database with N store orders (default 10k) and K 1C nodes (default 4):
 * (a) export: every node runs the 1C download handshake (`checkauth`, then `query` + `success` in 500-order batches
 *     until an empty answer), all nodes at once; requests go round-robin over the processes, so consecutive steps of
 *     one exchange land on different processes. Reported: orders delivered per second over all nodes.
 * (b) upload + import: every node uploads its own order file (default 400 documents: payments, shipments,
 *     cancellations of store orders) with `init`, `file`, then polls `import` until `success`, all nodes at once,
 *     round-robin as above. Reported: documents imported per second.
 * `failure\nbusy, retry` answers (the single-writer limit showing) are retried after 50 ms and counted.
 * A last row runs the same two phases against the worker under `wrangler dev` on its local D1 (apps/worker, offline;
 * orders and nodes created through the admin API, `--worker-orders`, default 2000): miniflare's D1 is Cloudflare's
 * development implementation, so that row shows the worker's code path and D1's one-writer model, not the service.
 *
 * SQLite has one writer per file: more processes add parsing and rendering capacity, not write throughput; the
 * table shows where that limit sits on this machine.
 *
 * Usage: npm run build && node scripts/bench-scale.mjs [--orders 10000] [--nodes 4] [--docs 400] [--max-processes 3]
 *        [--worker-orders 2000] [--no-worker]
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = new URL("../", import.meta.url);
const dist = (p) => pathToFileURL(fileURLToPath(new URL(p, ROOT))).href;
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const ORDERS = opt("orders", 10_000);
const NODES = opt("nodes", 4);
const DOCS = opt("docs", 400);
const MAX_PROCESSES = opt("max-processes", 3);
const WORKER_ORDERS = opt("worker-orders", 2000);
const WORKER = !argv.includes("--no-worker");
const PASSWORD = "bench-пароль";
const ADMIN = "bench-admin-token";

function orderInput(n) {
	return {
		id: `o${n}`,
		number: String(n),
		createdAt: "2026-11-27T10:00:00+03:00",
		status: "new",
		customer: { name: `Покупатель ${n}`, email: "buyer@example.ru" },
		items: [
			{ productId: "p1", sku: "SKU-1", name: "Чайник «Север»", quantity: 1, price: "1490.00" },
			{ productId: "p2", sku: "SKU-2", name: "Кружка", quantity: 2, price: "250.00" },
		],
		shipping: { method: "Курьер", price: "300.00" },
		payment: { method: "Банковская карта" },
	};
}

/** A fresh database: ORDERS store orders (revisions 1…N) and NODES nodes `n1…nK`. */
async function seed(url) {
	const { parseOrder } = await import(dist("packages/core/dist/index.js"));
	const { openDb } = await import(dist("packages/db/dist/node.js"));
	const { defaultSettings, hashPassword, NodeSettingsSchema } = await import(dist("packages/exchange/dist/index.js"));
	const { client, store } = await openDb(url);
	await client.execute("PRAGMA synchronous = OFF");
	const at = "2026-11-28T09:00:00.000Z";
	const passwordHash = await hashPassword(PASSWORD, 1000);
	for (let k = 1; k <= NODES; k++) {
		await store.createNode({
			id: `node-${k}`,
			name: `n${k}`,
			login: `n${k}`,
			passwordHash,
			settings: NodeSettingsSchema.parse({ ...defaultSettings(), encoding: "utf-8" }),
			createdAt: at,
			updatedAt: at,
		});
	}
	for (let i = 1; i <= ORDERS; i += 500) {
		const rows = [];
		for (let n = i; n < Math.min(i + 500, ORDERS + 1); n++) {
			const o = parseOrder(orderInput(n));
			rows.push([o.id, o.number, n, o.status, o.createdAt, JSON.stringify(o), n, at]);
		}
		await client.execute({
			sql: `INSERT INTO orders (id, number, number_num, status, created_at, data, revision, updated_at) VALUES ${rows.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
			args: rows.flat(),
		});
	}
	await client.execute("PRAGMA wal_checkpoint(TRUNCATE)");
	store.close();
}

/** A 1C order file of `count` documents for store orders starting at `from` (posted, paid, every 3rd shipped). */
function orderFile(from, count, node) {
	const req = (name, value) => `<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>`;
	let body = "";
	for (let n = from; n < from + count; n++) {
		const num = String(n).padStart(6, "0");
		body += `<Документ><Ид>9a1c${num}-8b1b-11df-be16-${String(node).padStart(12, "0")}</Ид><Номер>${n}</Номер><Дата>2026-11-27</Дата>
<ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль><Валюта>руб</Валюта><Курс>1</Курс><Сумма>2290.00</Сумма>
<Контрагенты><Контрагент><Ид>c${n}</Ид><Наименование>Покупатель ${n}</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
<Время>10:00:00</Время><ЗначенияРеквизитов>${req("Номер по 1С", `ТД${node}-${num}`)}${req("Дата по 1С", "2026-11-28T10:00:00")}${req("Проведен", "true")}${req("Номер оплаты по 1С", `ПКО-${num}`)}${req("Дата оплаты по 1С", "2026-11-28T11:00:00")}${n % 3 === 0 ? req("Номер отгрузки по 1С", `РТУ-${num}`) + req("Дата отгрузки по 1С", "2026-11-28T12:00:00") : ""}</ЗначенияРеквизитов></Документ>\n`;
	}
	return new TextEncoder().encode(
		`\uFEFF<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2026-11-28T12:00:00">\n${body}</КоммерческаяИнформация>\n`,
	);
}

/** Starts one server process on the database; resolves with its base URL and a stop function. */
function startProcess(url) {
	const child = spawn(process.execPath, [fileURLToPath(new URL("apps/node/dist/main.js", ROOT))], {
		env: { ...process.env, HOST: "127.0.0.1", PORT: "0", DATABASE_URL: url, OBMEN_ADMIN_TOKEN: ADMIN, LOG_FORMAT: "off" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	return new Promise((resolve, reject) => {
		let out = "";
		const onData = (d) => {
			out += String(d);
			const m = /listening on (http:\/\/\S+)/.exec(out);
			const stop = () =>
				new Promise((r) => {
					child.once("exit", r);
					child.kill("SIGTERM");
				});
			if (m) resolve({ base: m[1], stop });
		};
		child.stdout.on("data", onData);
		child.stderr.on("data", (d) => (out += String(d)));
		child.once("exit", (code) => reject(new Error(`server exited ${code}: ${out}`)));
	});
}

/** One 1C client: Basic + cookie, every request to the next process (round-robin shared by all clients). */
function client(bases, login, stats) {
	let cookie = "";
	const auth = `Basic ${Buffer.from(`${login}:${PASSWORD}`).toString("base64")}`;
	return async function send(query, body) {
		for (;;) {
			const base = bases[stats.next++ % bases.length];
			const res = await fetch(`${base}/exim_1c?${query}`, {
				method: body ? "POST" : "GET",
				headers: { Authorization: auth, ...(cookie ? { Cookie: cookie } : {}) },
				body,
			});
			const text = await res.text();
			if (res.status >= 500) throw new Error(`${query}: HTTP ${res.status} ${text}`);
			if (text.startsWith("failure\nbusy")) {
				stats.busy++;
				await new Promise((r) => setTimeout(r, 50));
				continue;
			}
			if (query.includes("mode=checkauth")) {
				const [, name, value] = text.split("\n");
				cookie = `${name}=${value}`;
			}
			return text;
		}
	};
}

async function exportPhase(bases, stats) {
	let delivered = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: NODES }, async (_, k) => {
			const send = client(bases, `n${k + 1}`, stats);
			if (!(await send("type=sale&mode=checkauth")).startsWith("success")) throw new Error("checkauth failed");
			await send("type=sale&mode=init&version=3.1");
			for (;;) {
				const xml = await send("type=sale&mode=query");
				const docs = xml.split("<Документ>").length - 1;
				if (docs === 0 && !xml.includes("КоммерческаяИнформация")) throw new Error(`query: ${xml.slice(0, 200)}`);
				if (docs === 0) break;
				delivered += docs;
				const ok = await send("type=sale&mode=success");
				if (!ok.startsWith("success")) throw new Error(`success: ${ok}`);
			}
		}),
	);
	return { seconds: (performance.now() - t0) / 1000, count: delivered };
}

async function importPhase(bases, stats) {
	let imported = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: NODES }, async (_, k) => {
			const send = client(bases, `n${k + 1}`, stats);
			await send("type=sale&mode=checkauth");
			await send("type=sale&mode=init&version=3.1");
			const name = `orders-${k + 1}.xml`;
			const reply = await send(`type=sale&mode=file&filename=${name}`, orderFile(1 + k * DOCS, DOCS, k + 1));
			if (!reply.startsWith("success")) throw new Error(`file: ${reply}`);
			for (;;) {
				const r = await send(`type=sale&mode=import&filename=${name}`);
				if (r.startsWith("success")) break;
				if (!r.startsWith("progress")) throw new Error(`import: ${r}`);
			}
			imported += DOCS;
		}),
	);
	return { seconds: (performance.now() - t0) / 1000, count: imported };
}

const rows = [];
for (let n = 1; n <= MAX_PROCESSES; n++) {
	const dir = mkdtempSync(join(tmpdir(), "obmen-bench-scale-"));
	const url = `file:${join(dir, "obmen.db")}`;
	await seed(url);
	const procs = await Promise.all(Array.from({ length: n }, () => startProcess(url)));
	const bases = procs.map((p) => p.base);
	const stats = { next: 0, busy: 0 };
	try {
		const exp = await exportPhase(bases, stats);
		const imp = await importPhase(bases, stats);
		rows.push({ n, exp, imp, busy: stats.busy });
	} finally {
		await Promise.all(procs.map((p) => p.stop()));
		rmSync(dir, { recursive: true, force: true });
	}
}

/** A port free on 127.0.0.1 now (wrangler dev takes no port 0). */
function freePort() {
	return new Promise((resolve, reject) => {
		const srv = createServer();
		srv.once("error", reject);
		srv.listen(0, "127.0.0.1", () => {
			const { port } = srv.address();
			srv.close(() => resolve(port));
		});
	});
}

/** `wrangler dev` of apps/worker on a fresh local D1; resolves with its URL and a stop function (null: cannot start). */
async function startWorker(persist) {
	const port = await freePort();
	const args = [
		"dev",
		"--ip",
		"127.0.0.1",
		"--port",
		String(port),
		"--persist-to",
		persist,
		"--var",
		`OBMEN_ADMIN_TOKEN:${ADMIN}`,
		"--var",
		"LOG_FORMAT:off",
	];
	const child = spawn(fileURLToPath(new URL("node_modules/.bin/wrangler", ROOT)), args, {
		cwd: fileURLToPath(new URL("apps/worker/", ROOT)),
		env: { ...process.env, WRANGLER_SEND_METRICS: "false", CI: "1", NO_COLOR: "1" },
		stdio: ["ignore", "pipe", "pipe"],
	});
	return new Promise((resolve) => {
		let out = "";
		const timer = setTimeout(() => {
			child.kill("SIGKILL");
			console.error(`wrangler dev did not start: ${out.slice(-500)}`);
			resolve(null);
		}, 120_000);
		const onData = (d) => {
			out += String(d);
			if (/Ready on http/.test(out)) {
				clearTimeout(timer);
				const stop = () =>
					new Promise((r) => {
						child.once("exit", r);
						child.kill("SIGTERM");
					});
				resolve({ base: `http://127.0.0.1:${port}`, stop });
			}
		};
		child.stdout.on("data", onData);
		child.stderr.on("data", onData);
		child.once("exit", () => {
			clearTimeout(timer);
			resolve(null);
		});
	});
}

/** Nodes n1…nK and `count` orders through the admin API (a worker has no file to seed). */
async function seedThroughApi(base, count) {
	const api = (method, path, body) =>
		fetch(`${base}/api/v1${path}`, {
			method,
			headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
			body: JSON.stringify(body),
		}).then(async (r) => {
			if (r.status >= 300) throw new Error(`${method} ${path}: ${r.status} ${await r.text()}`);
		});
	for (let k = 1; k <= NODES; k++)
		await api("POST", "/nodes", { name: `n${k}`, login: `n${k}`, password: PASSWORD, settings: { encoding: "utf-8" } });
	for (let n = 1; n <= count; n += 20) {
		await Promise.all(Array.from({ length: Math.min(20, count + 1 - n) }, (_, i) => api("PUT", `/orders/o${n + i}`, orderInput(n + i))));
	}
}

if (WORKER) {
	const persist = mkdtempSync(join(tmpdir(), "obmen-bench-d1-"));
	const worker = await startWorker(persist);
	if (worker) {
		try {
			await seedThroughApi(worker.base, WORKER_ORDERS);
			const stats = { next: 0, busy: 0 };
			const exp = await exportPhase([worker.base], stats);
			const imp = await importPhase([worker.base], stats);
			rows.push({ n: "worker+D1", exp, imp, busy: stats.busy });
		} finally {
			await worker.stop();
			rmSync(persist, { recursive: true, force: true });
		}
	}
}

const rate = (x) => x.count / x.seconds;
const base = rows[0];
console.log(
	`\nScale-out on one libSQL file: ${ORDERS} orders × ${NODES} nodes exported (query+success, 500 per batch); ${NODES} × ${DOCS} documents uploaded and imported` +
		(WORKER ? `; worker+D1: wrangler dev on a local D1 with ${WORKER_ORDERS} orders (development simulator)` : ""),
);
console.log("processes | export orders/s | vs 1 | upload+import docs/s | vs 1 | busy retries");
for (const r of rows) {
	console.log(
		`${String(r.n).padStart(9)} | ${rate(r.exp).toFixed(0).padStart(15)} | ${(rate(r.exp) / rate(base.exp)).toFixed(2).padStart(4)}× | ` +
			`${rate(r.imp).toFixed(0).padStart(20)} | ${(rate(r.imp) / rate(base.imp)).toFixed(2).padStart(4)}× | ${r.busy}`,
	);
}
console.log(
	"One writer per SQLite file: extra processes add XML parsing and rendering capacity; writes (acknowledgements, imports) stay serialised.",
);
