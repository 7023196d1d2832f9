#!/usr/bin/env node
/**
 * Exchange-server benchmark: the real Node app (apps/node dist `startServer`, a temp file DB) over loopback.
 *
 * (a) import: seeds N store orders (default 45k, straight into the DB for speed), generates a ~100 MB 1C order file
 *     with one `Документ` per order (site number in `Номер`, 1C requisites, two goods lines and the delivery line),
 *     exports the orders to the node (`query` + `success` until none is left, as 1C got them before sending them back),
 *     uploads the file in `file_limit` chunks (`init`, `file`…), then polls `import` until `success`. Reports the apply time
 *     (from the last chunk, which completes the upload and may start the apply on upload, to `success`), documents/s,
 *     the 1C change events made and the server process's peak RSS (target < 250 MB), and the ratio to a baseline measured in the same run: `readDocuments`
 *     alone over the same bytes (its own child process; the median of three passes). `--runs N` repeats the part on a
 *     fresh database and server and prints the runs side by side with their median. Also the apply's CPU time (all the server's threads) and how
 *     long its request thread was busy: where the time went (on a shared machine they vary with its speed, as the wall
 *     time does).
 * (b) query: a second DB with 100k orders; 1 connection (`--connections`), each with its own session, sends `query` + `success`
 *     (the 1C export handshake, 500-order batches) for a bounded 200 queries; reports requests/s, p50/p99 and
 *     the server's peak RSS, and the ratio to rendering the same 500-order batch with `writeOrdersXmlBytes` alone.
 *     Then, with everything acknowledged, the "nothing new" query that a 1C node polls with every few minutes.
 *
 * Each server runs in its own child process (its peak RSS is its own, from process.resourceUsage()).
 * Usage: npm run build && node scripts/bench-exchange.mjs [--orders 45000] [--heap 128] [--semi-space 8] [--mmap-threshold 131072] [--parse-worker on|off] [--query-orders 100000] [--requests 200] [--connections 1] [--only a|b] [--runs 1] [--profile server.cpuprofile]
 * --trace prints the server's memory every 500 ms and each step to stderr.
 */
import { fork, spawnSync } from "node:child_process";
import {
	closeSync,
	createReadStream,
	createWriteStream,
	existsSync,
	mkdirSync,
	mkdtempSync,
	openSync,
	readSync,
	rmSync,
	statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

const ROOT = new URL("../", import.meta.url);
const dist = (p) => pathToFileURL(fileURLToPath(new URL(p, ROOT))).href;
const CORE = dist("packages/core/dist/index.js");
const DB_NODE = dist("packages/db/dist/node.js");
const APP = dist("apps/node/dist/index.js");
const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? Number(argv[i + 1]) : dflt;
};
const TRACE = argv.includes("--trace");
/** `--parse-worker off`: the server parses the file on the request's thread (`OBMEN_PARSE_WORKER`; default on). */
const PARSE_WORKER = argv.includes("--parse-worker") ? argv[argv.indexOf("--parse-worker") + 1] : "on";
/** `--profile FILE`: the server child writes a CPU profile of its whole run there (open it in Chrome DevTools). */
const PROFILE = argv.includes("--profile") ? argv[argv.indexOf("--profile") + 1] : null;
/**
 * The server's V8 heap cap (MB; `--heap 0`: Node's default). V8 grows a busy heap lazily, so without a cap peak RSS
 * says more about the collector's pace than about what the import keeps; under the cap an import that held the file
 * would die of OOM instead of passing.
 */
const HEAP_MB = opt("heap", 128);
/**
 * The server's V8 young-generation semi-space (MB; `--semi-space 0`: V8's own, 16 MB on 64-bit). A busy import fills
 * the young generation between scavenges: 8 MB keeps ~20 MB of the peak RSS off for no measurable time
 * (docs/deploy.md, Memory).
 */
const SEMI_SPACE_MB = opt("semi-space", 8);
/**
 * glibc's `MALLOC_MMAP_THRESHOLD_` for the server (bytes; `--mmap-threshold 0`: glibc's own, adaptive), as the systemd
 * unit and the Docker image set it: freed buffers over it go back to the system (docs/deploy.md, Memory).
 */
const MMAP_THRESHOLD = opt("mmap-threshold", 131072);
const LOGIN = "bench";
const PASSWORD = "bench-пароль";
const ADMIN = "bench-admin-token";

// ---------- data ----------

function orderInput(n) {
	return {
		id: `o${n}`,
		number: String(n),
		createdAt: "2026-11-27T10:00:00+03:00",
		status: "new",
		customer: { name: `Покупатель ${n}`, email: "buyer@example.ru", phone: "+7 (495) 123-45-67" },
		items: [
			{ productId: "p1", sku: "SKU-1", name: "Чайник «Север»", quantity: 1, price: "1490.00" },
			{ productId: "p2", sku: "SKU-2", name: "Кружка", quantity: 2, price: "250.00" },
		],
		shipping: { method: "Курьер", price: "300.00", address: "г. Москва, ул. Садовая, д. 10" },
		payment: { method: "Банковская карта" },
	};
}

/** Seeds `count` orders with revisions 1…count (what `upsertOrder` would store), in multi-row inserts. */
async function seed(url, count) {
	const { parseOrder } = await import(CORE);
	const { openDb } = await import(DB_NODE);
	const { client, store } = await openDb(url);
	await client.execute("PRAGMA synchronous = OFF");
	const at = "2026-11-28T09:00:00.000Z";
	for (let i = 1; i <= count; i += 1000) {
		const rows = [];
		for (let n = i; n < Math.min(i + 1000, count + 1); n++) {
			const o = parseOrder(orderInput(n));
			rows.push([o.id, o.number, n, o.status, o.createdAt, JSON.stringify(o), n, at]);
		}
		const stmts = [];
		for (let k = 0; k < rows.length; k += 100) {
			const part = rows.slice(k, k + 100);
			stmts.push({
				sql: `INSERT INTO orders (id, number, number_num, status, created_at, data, revision, updated_at) VALUES ${part.map(() => "(?, ?, ?, ?, ?, ?, ?, ?)").join(", ")}`,
				args: part.flat(),
			});
		}
		await client.batch(stmts, "write");
	}
	store.close();
}

/**
 * ~2.3 KB: the shape of a real 1C order document (Family A: the site number in `Номер`, 1C facts as requisites). 1C sends
 * back the order as it was exported — its own product GUIDs as line `Ид`, the store's `Артикул`, the delivery as a
 * service line — and every tenth order carries a manager's edit (one mug fewer), which the store reports as a
 * content change.
 */
function documentXml(n) {
	const id = `${(0x10000000 + n).toString(16)}-8b1b-11df-be16-e0cb4ed5f70f`;
	const req = (name, value) => `<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>`;
	const mugs = n % 10 === 0 ? 1 : 2;
	const line = (guid, sku, name, price, qty, extra = "") =>
		`<Товар><Ид>${guid}</Ид>${sku ? `<Артикул>${sku}</Артикул>` : ""}<Наименование>${name}</Наименование>` +
		`<ЦенаЗаЕдиницу>${price}</ЦенаЗаЕдиницу><Количество>${qty}</Количество><Сумма>${price * qty}</Сумма>${extra}</Товар>`;
	return (
		`<Документ><Ид>${id}</Ид><Номер>${n}</Номер><Дата>2026-11-28</Дата><ХозОперация>Заказ товара</ХозОперация>` +
		`<Роль>Продавец</Роль><Валюта>руб</Валюта><Курс>1</Курс><Сумма>${1490 + 250 * mugs + 300}</Сумма><Контрагенты><Контрагент>` +
		`<Ид>c${n}</Ид><Наименование>Покупатель ${n}</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>` +
		`<Время>10:00:00</Время><Товары>` +
		line("a1f0c3e2-8b1b-11df-be16-e0cb4ed5f70f", "SKU-1", "Чайник «Север»", 1490, 1) +
		line("a1f0c3e3-8b1b-11df-be16-e0cb4ed5f70f", "SKU-2", "Кружка", 250, mugs) +
		line("ORDER_DELIVERY", "", "Доставка заказа", 300, 1, `<ЗначенияРеквизитов>${req("ТипНоменклатуры", "Услуга")}</ЗначенияРеквизитов>`) +
		`</Товары><ЗначенияРеквизитов>${req("Номер по 1С", `УТ-${String(n).padStart(6, "0")}`)}${req("Проведен", "true")}` +
		`${n % 2 ? req("Оплачен", "true") : req("Отгружен", "true")}</ЗначенияРеквизитов></Документ>\n`
	);
}

async function generateFile(file, docs) {
	const out = createWriteStream(file);
	const write = (s) => (out.write(s) ? null : new Promise((r) => out.once("drain", r)));
	await write(
		'<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" ВерсияСхемы="2.08" ДатаФормирования="2026-11-29T10:00:00">\n',
	);
	for (let n = 1; n <= docs; n += 200) {
		let s = "";
		for (let k = n; k < Math.min(n + 200, docs + 1); k++) s += documentXml(k);
		await write(s);
	}
	await write("</КоммерческаяИнформация>\n");
	await new Promise((r) => out.end(r));
}

// ---------- children ----------

/**
 * A server child: starts the app and reports its URL; answers "cpu" with its CPU time (all threads) and its main
 * thread's event-loop utilisation so far, and "rss" with its peak RSS (then exits).
 */
async function serveChild(url) {
	const { readConfig, startServer } = await import(APP);
	const cfg = readConfig(
		{
			PORT: "0",
			HOST: "127.0.0.1",
			DATABASE_URL: url,
			OBMEN_ADMIN_TOKEN: ADMIN,
			OBMEN_1C_LOGIN: LOGIN,
			OBMEN_1C_PASSWORD: PASSWORD,
			OBMEN_PARSE_WORKER: PARSE_WORKER,
		},
		[],
	);
	const server = await startServer(cfg);
	if (TRACE) {
		const t0 = Date.now();
		setInterval(() => {
			const m = process.memoryUsage();
			const mb = (x) => Math.round(x / 1048576);
			console.error(
				`[${((Date.now() - t0) / 1000).toFixed(1)}s] rss ${mb(m.rss)} heap ${mb(m.heapUsed)}/${mb(m.heapTotal)} ext ${mb(m.external)} ab ${mb(m.arrayBuffers)}`,
			);
		}, 500).unref();
	}
	const profile = PROFILE ? await startProfile() : null;
	process.on("message", async (m) => {
		if (m === "cpu") process.send({ cpu: process.cpuUsage(), elu: performance.eventLoopUtilization() });
		if (m === "rss") {
			if (profile) await profile(PROFILE);
			process.send({ rss: process.resourceUsage().maxRSS / 1024 });
			await server.close();
			process.exit(0);
		}
	});
	process.send({ url: server.url.replace("localhost", "127.0.0.1") });
}

/** A CPU profile of this process from now on; the returned function writes it (a `.cpuprofile` for DevTools) to `file`. */
async function startProfile() {
	const { Session } = await import("node:inspector/promises");
	const { writeFileSync } = await import("node:fs");
	const session = new Session();
	session.connect();
	await session.post("Profiler.enable");
	await session.post("Profiler.start");
	return async (file) => {
		const { profile } = await session.post("Profiler.stop");
		writeFileSync(file, JSON.stringify(profile));
	};
}

/** Baseline child: readDocuments alone over the file. */
async function readChild(file) {
	const { readDocuments } = await import(CORE);
	const t0 = performance.now();
	let docs = 0;
	for await (const _ of readDocuments(Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 })), {
		maxElements: Number.POSITIVE_INFINITY,
	}))
		docs++;
	console.log(JSON.stringify({ ms: performance.now() - t0, docs, rss: process.resourceUsage().maxRSS / 1024 }));
}

/** Baseline child: render one 500-order batch (as the DB stores them) with writeOrdersXmlBytes, `times` times. */
async function renderChild(url, times) {
	const { writeOrdersXmlBytes } = await import(CORE);
	const { openDb } = await import(DB_NODE);
	const { client, store } = await openDb(url);
	const rs = await client.execute("SELECT data, revision FROM orders ORDER BY revision LIMIT 500");
	const orders = rs.rows.map((r) => ({ ...JSON.parse(String(r.data)), oneC: { id: null, number: null }, version: Number(r.revision) }));
	store.close();
	const t0 = performance.now();
	let bytes = 0;
	for (let i = 0; i < times; i++) bytes += (await writeOrdersXmlBytes(orders, { generatedAt: new Date() })).byteLength;
	const ms = performance.now() - t0;
	console.log(JSON.stringify({ perRenderMs: ms / times, bytes: bytes / times }));
}

function startServerChild(url) {
	const child = fork(
		SELF,
		["--child", "serve", url, "--parse-worker", PARSE_WORKER, ...(TRACE ? ["--trace"] : []), ...(PROFILE ? ["--profile", PROFILE] : [])],
		{
			stdio: ["ignore", "ignore", "inherit", "ipc"],
			execArgv: [
				...process.execArgv,
				...(HEAP_MB > 0 ? [`--max-old-space-size=${HEAP_MB}`] : []),
				...(SEMI_SPACE_MB > 0 ? [`--max-semi-space-size=${SEMI_SPACE_MB}`] : []),
			],
			env: { ...process.env, ...(MMAP_THRESHOLD > 0 ? { MALLOC_MMAP_THRESHOLD_: String(MMAP_THRESHOLD) } : {}) },
		},
	);
	return new Promise((resolve, reject) => {
		child.once("message", (m) => resolve({ child, url: m.url }));
		child.once("exit", (code) => reject(new Error(`server child exited ${code}`)));
	});
}

function stopServerChild(s) {
	return new Promise((resolve) => {
		s.child.removeAllListeners("exit");
		s.child.once("message", (m) => resolve(m.rss));
		s.child.send("rss");
	});
}

/** The server's CPU time and main-thread utilisation so far (asked while it is idle, between requests). */
function serverCpu(s) {
	return new Promise((resolve) => {
		s.child.once("message", (m) => resolve(m));
		s.child.send("cpu");
	});
}

function runChild(args) {
	const r = spawnSync(process.execPath, [SELF, "--child", ...args], { encoding: "utf8", maxBuffer: 1 << 20 });
	if (r.status !== 0) throw new Error(`child ${args[0]} failed: ${r.stderr}`);
	return JSON.parse(r.stdout.trim().split("\n").at(-1));
}

// ---------- protocol ----------

const auth = `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString("base64")}`;

async function exim(base, query, cookie, body) {
	const res = await fetch(`${base}/exim_1c?${query}`, {
		method: body ? "POST" : "GET",
		headers: cookie ? { Cookie: cookie } : { Authorization: auth },
		body,
	});
	return { res, text: res.headers.get("content-type")?.startsWith("text/plain") ? await res.text() : null };
}

async function checkauth(base) {
	const { text } = await exim(base, "type=sale&mode=checkauth", null);
	const lines = text.split("\n");
	if (lines[0] !== "success") throw new Error(`checkauth: ${text}`);
	return `${lines[1]}=${lines[2]}`;
}

const pct = (sorted, p) => sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];

// ---------- parts ----------

async function partImport(dir, orders) {
	const url = `file:${join(dir, "import.db")}`;
	const file = join(dir, "orders.xml");
	let t = performance.now();
	await seed(url, orders);
	await generateFile(file, orders);
	const size = statSync(file).size;
	console.error(
		`(a) seeded ${orders} orders, generated ${(size / 1048576).toFixed(1)} MB in ${((performance.now() - t) / 1000).toFixed(1)} s`,
	);

	// the bare pass, three times (its own child process each): the median is the baseline, as one pass on a shared
	// machine may be lucky or not
	const passes = [0, 1, 2].map(() => runChild(["read", file]));
	const base = passes.toSorted((x, y) => x.ms - y.ms)[1];
	const server = await startServerChild(url);
	const cookie = await checkauth(server.url);
	const init = (await exim(server.url, "type=sale&mode=init", cookie)).text;
	const limit = Number(/file_limit=(\d+)/.exec(init)?.[1]);
	// 1C got these orders from the store first (query + success until none is left), as in a real exchange: the
	// documents it sends back are those orders, each acknowledged by the node with what it was sent
	t = performance.now();
	let exported = 0;
	for (;;) {
		const { res } = await exim(server.url, "type=sale&mode=query", cookie);
		const n = new TextDecoder("windows-1251").decode(await res.arrayBuffer()).split("<Документ>").length - 1;
		if (n === 0) break;
		exported += n;
		const ok = (await exim(server.url, "type=sale&mode=success", cookie)).text;
		if (!ok?.startsWith("success")) throw new Error(`success: ${ok}`);
	}
	if (exported !== orders) throw new Error(`exported ${exported} of ${orders} orders`);
	console.error(`(a) exported ${exported} orders to the node in ${((performance.now() - t) / 1000).toFixed(1)} s`);
	t = performance.now();
	const fd = openSync(file, "r");
	const buf = Buffer.alloc(limit);
	let chunks = 0;
	// the upload is complete with the last chunk: the server may start applying it then (apply on upload)
	let lastChunkAt = 0;
	let cpuAtLastChunk = null;
	for (let off = 0; off < size; off += limit) {
		const n = readSync(fd, buf, 0, limit, off);
		if (off + limit >= size) cpuAtLastChunk = await serverCpu(server);
		lastChunkAt = performance.now();
		const r = await exim(server.url, "type=sale&mode=file&filename=orders.xml", cookie, buf.subarray(0, n));
		if (TRACE) console.error(`chunk ${chunks}`);
		if (r.text !== "success\n") throw new Error(`file: ${r.text}`);
		chunks++;
	}
	closeSync(fd);
	const uploadMs = performance.now() - t;
	const t1 = performance.now();
	let polls = 0;
	let reply = "";
	for (;;) {
		polls++;
		reply = (await exim(server.url, "type=sale&mode=import&filename=orders.xml", cookie)).text;
		if (TRACE) console.error(`import → ${reply.trim()}`);
		if (!reply.startsWith("progress")) break;
	}
	const importMs = performance.now() - t1;
	const applyMs = performance.now() - lastChunkAt;
	if (!reply.startsWith("success")) throw new Error(`import: ${reply}`);
	// the apply's CPU time: all threads, and how long the request thread was busy (the rest of the wall time it waited)
	const cpuAfter = await serverCpu(server);
	const applyCpuS = (cpuAfter.cpu.user + cpuAfter.cpu.system - cpuAtLastChunk.cpu.user - cpuAtLastChunk.cpu.system) / 1e6;
	const mainBusyS = (cpuAfter.elu.active - cpuAtLastChunk.elu.active) / 1000;
	const again = (await exim(server.url, "type=sale&mode=import&filename=orders.xml", cookie)).text;
	const rss = await stopServerChild(server);
	const { openDb } = await import(DB_NODE);
	const db = await openDb(url);
	const events = await db.client.execute(
		`SELECT count(*) AS n, sum(changes LIKE '%"content":%') AS content FROM order_changes WHERE changes LIKE '%"source":"1c"%'`,
	);
	// how the upload was applied: planned as parsed, within the last chunk's request (the direct path), or given up and
	// staged slice by slice (the budget of exim/direct-budget.ts), which takes 2-5x as long
	const lastFile = await db.client.execute(
		`SELECT note, duration_ms AS ms FROM journal WHERE mode = 'file' AND filename = 'orders.xml' AND bytes_in > 0 ORDER BY id DESC LIMIT 1`,
	);
	const note = String(lastFile.rows[0]?.note ?? "");
	db.store.close();
	return {
		fileMB: +(size / 1048576).toFixed(1),
		documents: base.docs,
		chunks,
		fileLimit: limit,
		polls,
		applyPath: note.startsWith("applied on upload") ? "applied in the last chunk's request" : note.slice(0, 70),
		lastChunkRequestS: +(Number(lastFile.rows[0]?.ms ?? 0) / 1000).toFixed(2),
		reply: reply.trim().replace(/\n/g, " | "),
		reimport: again.trim().replace(/\n/g, " | "),
		uploadS: +(uploadMs / 1000).toFixed(2),
		importS: +(importMs / 1000).toFixed(2),
		applyS: +(applyMs / 1000).toFixed(2),
		applyCpuS: +applyCpuS.toFixed(2),
		applyMainThreadBusyS: +mainBusyS.toFixed(2),
		docsPerS: Math.round(base.docs / (applyMs / 1000)),
		events: Number(events.rows[0]?.n ?? 0),
		contentEvents: Number(events.rows[0]?.content ?? 0),
		serverPeakRssMB: Math.round(rss),
		baselineReadS: +(base.ms / 1000).toFixed(2),
		baselinePassesS: passes.map((x) => (x.ms / 1000).toFixed(2)).join(" "),
		baselineRssMB: Math.round(base.rss),
		importVsReadDocuments: +(applyMs / base.ms).toFixed(2),
		serverHeapCapMB: HEAP_MB || "default",
		serverSemiSpaceMB: SEMI_SPACE_MB || "default",
		serverParseWorker: PARSE_WORKER,
		serverMmapThreshold: MMAP_THRESHOLD || "glibc default",
		rssOk: rss < 250,
	};
}

async function partQuery(dir, orders, requests) {
	const url = `file:${join(dir, "query.db")}`;
	const t = performance.now();
	await seed(url, orders);
	console.error(`(b) seeded ${orders} orders in ${((performance.now() - t) / 1000).toFixed(1)} s`);
	const render = runChild(["render", url, "20"]);
	const server = await startServerChild(url);
	const conns = opt("connections", 1);
	const lat = [];
	let bytes = 0;
	let sent = 0;
	const t0 = performance.now();
	await Promise.all(
		Array.from({ length: conns }, async () => {
			const cookie = await checkauth(server.url);
			while (sent < requests) {
				sent++;
				const q0 = performance.now();
				const { res } = await exim(server.url, "type=sale&mode=query", cookie);
				const body = new Uint8Array(await res.arrayBuffer());
				lat.push(performance.now() - q0);
				if (res.status !== 200 || !body.length) throw new Error(`query: ${res.status}`);
				bytes += body.length;
				const ok = (await exim(server.url, "type=sale&mode=success", cookie)).text;
				if (!ok.startsWith("success")) throw new Error(`success: ${ok}`);
			}
		}),
	);
	const wallS = (performance.now() - t0) / 1000;
	// everything sent once is acknowledged now; ack the rest, then time the "nothing new" poll
	const cookie = await checkauth(server.url);
	for (let i = 0; i < 400; i++) {
		const { res } = await exim(server.url, "type=sale&mode=query", cookie);
		const body = await res.text();
		await exim(server.url, "type=sale&mode=success", cookie);
		if (!body.includes("<Документ>")) break;
	}
	const idle = [];
	for (let i = 0; i < 10; i++) {
		const c = await checkauth(server.url);
		const q0 = performance.now();
		await (await exim(server.url, "type=sale&mode=query", c)).res.arrayBuffer();
		idle.push(performance.now() - q0);
	}
	const rss = await stopServerChild(server);
	lat.sort((a, b) => a - b);
	idle.sort((a, b) => a - b);
	const rps = lat.length / wallS;
	return {
		orders,
		requests: lat.length,
		connections: conns,
		batchKB: Math.round(bytes / lat.length / 1024),
		handshakesPerS: +rps.toFixed(1),
		queryP50ms: +pct(lat, 50).toFixed(1),
		queryP99ms: +pct(lat, 99).toFixed(1),
		serverPeakRssMB: Math.round(rss),
		baselineRenderMs: +render.perRenderMs.toFixed(1),
		baselineRendersPerS: +(1000 / render.perRenderMs).toFixed(1),
		queryP50VsRender: +(pct(lat, 50) / render.perRenderMs).toFixed(2),
		emptyQueryAllAckedP50ms: +pct(idle, 50).toFixed(1),
	};
}

async function parent() {
	for (const f of [CORE, DB_NODE, APP]) {
		if (!existsSync(fileURLToPath(f))) {
			console.error(`${fileURLToPath(f)} is missing: run \`npm run build\` first`);
			process.exit(2);
		}
	}
	const dir = mkdtempSync(join(tmpdir(), "obmen-bench-exchange-"));
	try {
		const only = argv.includes("--only") ? argv[argv.indexOf("--only") + 1] : null;
		if (only !== "b") {
			// `--runs N`: the whole part N times, each on a fresh database and server; then each run's figures side by side
			const runs = [];
			const count = opt("runs", 1);
			if (!Number.isInteger(count) || count < 1) throw new Error(`--runs wants a whole number of runs, not ${count}`);
			for (let i = 0; i < count; i++) {
				const runDir = join(dir, `a${i}`);
				mkdirSync(runDir);
				const a = await partImport(runDir, opt("orders", 45_000));
				rmSync(runDir, { recursive: true, force: true });
				console.log(`\n(a) 1C order file upload + import through the real server${i > 0 ? ` (run ${i + 1})` : ""}`);
				console.table(a);
				if (!a.rssOk) process.exitCode = 1;
				runs.push(a);
			}
			if (runs.length > 1) {
				const col = (k) => runs.map((r) => r[k]);
				const median = (xs) => {
					const o = xs.toSorted((x, y) => x - y);
					const m = Math.floor(o.length / 2);
					return o.length % 2 ? o[m] : +((o[m - 1] + o[m]) / 2).toFixed(2);
				};
				console.log("\n(a) the runs side by side");
				console.table(
					Object.fromEntries(
						["applyS", "baselineReadS", "importVsReadDocuments", "applyMainThreadBusyS", "polls", "serverPeakRssMB"].map((k) => [
							k,
							Object.fromEntries([...col(k).map((v, i) => [`run ${i + 1}`, v]), ["median", median(col(k))]]),
						]),
					),
				);
			}
		}
		if (only !== "a") {
			const b = await partQuery(dir, opt("query-orders", 100_000), opt("requests", 200));
			console.log("\n(b) query (500-order batches) + success on loopback");
			console.table(b);
		}
	} finally {
		rmSync(dir, { recursive: true, force: true });
	}
}

if (argv[0] === "--child") {
	const [, mode, x, y] = argv;
	if (mode === "serve") await serveChild(x);
	else if (mode === "read") await readChild(x);
	else if (mode === "render") await renderChild(x, Number(y));
} else await parent();
