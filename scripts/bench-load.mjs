#!/usr/bin/env node
/**
 * T-LOAD benchmark (docs/reliability.md §4, D11): the built Obmen Node server in a child process on 127.0.0.1, driven by a
 * closed-loop HTTP client (global fetch = undici, keep-alive) with N concurrent loops for a bounded time per endpoint:
 *   baseline   a bare Hono app in the same child process answering "success\n" (the floor of HTTP + Hono + fetch)
 *   checkauth  HTTP Basic verified against the node's PBKDF2 hash (production iterations), new session each time
 *   init       a session request that starts a new upload epoch (one DB write)
 *   query      a full 100-order page (batchSize 100) out of 1,000 orders, recorded as pending for the session
 *              (10 queries per session, then a new checkauth; no `success`: a repeated query re-sends the page)
 *   file       a 1 MiB `mode=file` chunk upload (each loop re-inits every 8 chunks to stay under the caps)
 * Prints req/s, p50/p99 latency, errors and the ratio of each endpoint's req/s to the baseline of the same round;
 * the server child's CPU use during each endpoint (100% = one core busy) and its RSS (after a GC) before and after each round is the leak check.
 *
 * Then the mixed-load case (issue 9, docs/reliability.md's latency targets): two 1C nodes exchanging in a loop (checkauth,
 * init, query, success, a 64 KiB file) while the storefront PUTs 20 orders a second (open loop, each PUT on its own
 * schedule) and a monitor GETs /health 10 times a second, after a flood of 3,000 unauthenticated requests with a
 * 4,000-byte `type` (which used to bloat the journal). Prints PUT p99 and /health p99 against 150 ms and 100 ms.
 *
 * Usage: npm run build && node scripts/bench-load.mjs [--seconds 10] [--conns 10] [--rounds 3] [--orders 1000]
 *        [--only query,checkauth,mixed] [--mixed-seconds 15] [--cpu-prof <dir>]   (profile the server child with `node --cpu-prof`)
 *        `--only mixed --mixed-seconds 60` is the issue's full mixed-load run; the default 15 s is a quick one.
 */
import { fork } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? Number(argv[i + 1]) : dflt;
};
/** A string option (`--name value`), or null. */
const strOpt = (name) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? (argv[i + 1] ?? null) : null;
};
const LOGIN = "bench";
const LOGIN2 = "bench2";
const PASSWORD = "bench-password";
const TOKEN = "bench-admin-token";

if (argv[0] === "--child") await child();
else await parent();

/** The server process: Obmen on one port, a bare Hono app on another. */
async function child() {
	const { serve } = await import("@hono/node-server");
	const { Hono } = await import("hono");
	const { readConfig } = await import(join(root, "apps/node/dist/config.js"));
	const { startServer } = await import(join(root, "apps/node/dist/server.js"));
	const server = await startServer(readConfig({ HOST: "127.0.0.1", PORT: "0", DATABASE_URL: argv[1], OBMEN_ADMIN_TOKEN: TOKEN }, []));
	const bare = new Hono();
	bare.get("/", (c) => c.text("success\n"));
	const baseline = await new Promise((resolve) => {
		const s = serve({ fetch: bare.fetch, port: 0, hostname: "127.0.0.1" }, (info) => resolve(`http://127.0.0.1:${info.port}`));
		return s;
	});
	process.on("message", (m) => {
		if (m === "cpu") {
			const u = process.cpuUsage();
			process.send({ cpu: (u.user + u.system) / 1000 });
		} else if (m === "rss") {
			globalThis.gc?.();
			process.send({ rss: process.memoryUsage().rss });
		} else if (m === "exit") server.close().then(() => process.exit(0));
	});
	process.send({ url: server.url, baseline });
}

async function parent() {
	const seconds = opt("seconds", 10);
	const conns = opt("conns", 10);
	const rounds = opt("rounds", 3);
	const orders = opt("orders", 1000);
	const { openDb } = await import(join(root, "packages/db/dist/node.js"));
	const { hashPassword, defaultSettings, NodeSettingsSchema } = await import(join(root, "packages/exchange/dist/index.js"));
	const { parseOrder } = await import(join(root, "packages/core/dist/index.js"));

	const dir = mkdtempSync(join(tmpdir(), "obmen-bench-load-"));
	const dbUrl = `file:${join(dir, "obmen.db")}`;
	{
		const { store, client } = await openDb(dbUrl);
		await client.execute("PRAGMA synchronous = OFF");
		const at = new Date().toISOString();
		await store.createNode({
			id: "bench-node-2",
			name: "bench 2",
			login: LOGIN2,
			passwordHash: await hashPassword(PASSWORD),
			settings: NodeSettingsSchema.parse({ ...defaultSettings(), batchSize: 100 }),
			createdAt: at,
			updatedAt: at,
		});
		await store.createNode({
			id: "bench-node",
			name: "bench",
			login: LOGIN,
			passwordHash: await hashPassword(PASSWORD), // production iterations: checkauth pays a real PBKDF2
			settings: NodeSettingsSchema.parse({ ...defaultSettings(), batchSize: 100 }),
			createdAt: at,
			updatedAt: at,
		});
		await Promise.all(
			Array.from({ length: orders }, (_, i) =>
				store.upsertOrder(
					parseOrder({
						id: `ord-${i + 1}`,
						number: String(i + 1),
						createdAt: "2026-11-27T10:00:00+03:00",
						status: "new",
						customer: { name: `Покупатель ${i + 1}`, email: `b${i + 1}@example.com` },
						items: [
							{ productId: `p-${i}`, sku: `SKU-${i}`, name: `Товар ${i} «особый»`, quantity: 2, price: "1500.50" },
							{ productId: "p-mug", name: "Кружка", quantity: 1, price: 300 },
						],
						shipping: { method: "Курьер", price: "350" },
						payment: { method: "Карта", paid: false },
					}),
					at,
				),
			),
		);
		await store.idle();
		store.close();
	}

	const profDir = strOpt("cpu-prof");
	const proc = fork(fileURLToPath(import.meta.url), ["--child", dbUrl], {
		execArgv: ["--expose-gc", ...(profDir ? ["--cpu-prof", `--cpu-prof-dir=${profDir}`] : [])],
		stdio: ["ignore", "ignore", "inherit", "ipc"],
	});
	const ask = (msg, key) =>
		new Promise((resolve) => {
			const on = (m) => {
				if (key in m) {
					proc.off("message", on);
					resolve(m);
				}
			};
			proc.on("message", on);
			if (msg) proc.send(msg);
		});
	const { url, baseline } = await ask(null, "url");
	const basic = `Basic ${Buffer.from(`${LOGIN}:${PASSWORD}`).toString("base64")}`;
	const exim = (q) => `${url}/exim_1c?type=sale&${q}`;
	const login = async () => {
		const lines = (await (await fetch(exim("mode=checkauth"), { headers: { Authorization: basic } })).text()).split("\n");
		if (lines[0] !== "success") throw new Error(`checkauth failed: ${lines.join(" | ")}`);
		return { Cookie: `${lines[1]}=${lines[2]}` };
	};
	const megabyte = new Uint8Array(1024 * 1024).fill(0x20);

	/** Endpoint → per-loop setup → one request (resolves true when the reply is the expected one). */
	const endpoints = {
		baseline: async () => async () => (await (await fetch(`${baseline}/`)).text()) === "success\n",
		checkauth: async () => async () => {
			const res = await fetch(exim("mode=checkauth"), { headers: { Authorization: basic } });
			return res.status === 200 && (await res.text()).startsWith("success\n");
		},
		init: async () => {
			const headers = await login();
			return async () => (await (await fetch(exim("mode=init"), { headers })).text()).startsWith("zip=");
		},
		query: async () => {
			// A session gets each order once until `success` (pending), so one session serves 10 full 100-order pages
			// of the 1,000 orders; then the loop logs in again (1 checkauth per 10 queries, as a real 1C run would).
			let headers = null;
			let used = 10;
			return async () => {
				if (used++ >= 10) {
					headers = await login();
					used = 1;
				}
				const res = await fetch(exim("mode=query"), { headers });
				const body = new Uint8Array(await res.arrayBuffer());
				return res.status === 200 && body.byteLength > 50_000 && body[0] === 0x3c;
			};
		},
		file: async (loop) => {
			const headers = await login();
			let n = 0;
			return async () => {
				if (n++ % 8 === 0) await (await fetch(exim("mode=init"), { headers })).text();
				const res = await fetch(exim(`mode=file&filename=bench-${loop}.xml`), { method: "POST", headers, body: megabyte });
				return (await res.text()) === "success\n";
			};
		},
	};

	/** The mixed-load case (see the header): prints PUT and /health p99 against the targets. */
	async function mixedLoad(mixedSeconds) {
		const longType = "t".repeat(4000);
		for (let i = 0; i < 3000; i += 50) {
			await Promise.all(Array.from({ length: 50 }, () => fetch(`${url}/exim_1c?type=${longType}&mode=checkauth`).then((r) => r.text())));
		}
		const stopAt = performance.now() + mixedSeconds * 1000;
		const running = () => performance.now() < stopAt;
		const sleep = (ms) => new Promise((r) => setTimeout(r, Math.max(0, ms)));
		const cycles = { done: 0, errors: 0 };
		const body64k = new Uint8Array(64 * 1024).fill(0x20);
		const exchange = async (login) => {
			const auth = { Authorization: `Basic ${Buffer.from(`${login}:${PASSWORD}`).toString("base64")}` };
			while (running()) {
				try {
					const lines = (await (await fetch(exim("mode=checkauth"), { headers: auth })).text()).split("\n");
					const headers = { ...auth, Cookie: `${lines[1]}=${lines[2]}` };
					await (await fetch(exim("mode=init"), { headers })).text();
					await (await fetch(exim("mode=query"), { headers })).arrayBuffer();
					const ok = (await (await fetch(exim("mode=success"), { headers })).text()) === "success\n";
					const up = await (await fetch(exim("mode=file&filename=mixed.xml"), { method: "POST", headers, body: body64k })).text();
					if (ok && up === "success\n") cycles.done++;
					else cycles.errors++;
				} catch {
					cycles.errors++;
				}
			}
		};
		/** Open loop: one request every `everyMs`, each timed on its own (a slow reply does not delay the next). */
		const openLoop = async (everyMs, request, latencies, errors) => {
			const pending = [];
			for (let k = 0, next = performance.now(); running(); k++, next += everyMs) {
				await sleep(next - performance.now());
				const s = performance.now();
				pending.push(
					request(k)
						.then((ok) => {
							latencies.push(performance.now() - s);
							if (!ok) errors.n++;
						})
						.catch(() => errors.n++),
				);
			}
			await Promise.all(pending);
		};
		const putLat = [];
		const healthLat = [];
		const putErr = { n: 0 };
		const healthErr = { n: 0 };
		const adminHeaders = { Authorization: `Bearer ${TOKEN}`, "Content-Type": "application/json" };
		const put = async (k) => {
			const id = `shop-${k % 200}`;
			const order = {
				id,
				number: String(100_000 + (k % 200)),
				createdAt: "2026-11-27T10:00:00+03:00",
				status: "new",
				comment: `edit ${k}`,
				customer: { name: `Покупатель ${k}`, email: `s${k}@example.com` },
				items: [{ productId: `p-${k}`, name: `Товар ${k}`, quantity: 1, price: "990.00" }],
			};
			const res = await fetch(`${url}/api/v1/orders/${id}`, { method: "PUT", headers: adminHeaders, body: JSON.stringify(order) });
			await res.arrayBuffer();
			return res.status === 200 || res.status === 201;
		};
		const health = async () => {
			const res = await fetch(`${url}/health`);
			await res.arrayBuffer();
			return res.status === 200;
		};
		await Promise.all([exchange(LOGIN), exchange(LOGIN2), openLoop(50, put, putLat, putErr), openLoop(100, health, healthLat, healthErr)]);
		const p99 = (xs) => {
			xs.sort((a, b) => a - b);
			return xs[Math.min(xs.length - 1, Math.floor(xs.length * 0.99))] ?? 0;
		};
		const verdict = (v, target) => `${v.toFixed(1)} ms (target ${target} ms: ${v <= target ? "OK" : "OVER"})`;
		console.log(
			`\nmixed load, ${mixedSeconds} s after 3,000 unauthenticated requests: 2 nodes exchanging (${cycles.done} cycles, ${cycles.errors} errors), 20 PUT/s, 10 /health/s`,
		);
		console.log(`  PUT /api/v1/orders  p99 ${verdict(p99(putLat), 150)}  (${putLat.length} requests, ${putErr.n} errors)`);
		console.log(`  GET /health         p99 ${verdict(p99(healthLat), 100)}  (${healthLat.length} requests, ${healthErr.n} errors)`);
	}

	async function measure(name) {
		const loops = await Promise.all(Array.from({ length: conns }, (_, i) => endpoints[name](i)));
		const latencies = [];
		let errors = 0;
		const cpu0 = (await ask("cpu", "cpu")).cpu;
		const t0 = performance.now();
		const end = t0 + seconds * 1000;
		await Promise.all(
			loops.map(async (request) => {
				while (performance.now() < end) {
					const s = performance.now();
					let ok = false;
					try {
						ok = await request();
					} catch {
						ok = false;
					}
					latencies.push(performance.now() - s);
					if (!ok) errors++;
				}
			}),
		);
		const elapsed = (performance.now() - t0) / 1000;
		const cpu = ((await ask("cpu", "cpu")).cpu - cpu0) / 1000 / elapsed;
		latencies.sort((a, b) => a - b);
		const p = (q) => latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * q))] ?? 0;
		return { name, rps: latencies.length / elapsed, p50: p(0.5), p99: p(0.99), errors, count: latencies.length, cpu };
	}

	// the baseline always runs first: every ratio is against the same run
	const only = strOpt("only")?.split(",") ?? null;
	const names = Object.keys(endpoints).filter((n) => n === "baseline" || !only || only.includes(n));
	const runRounds = !only || names.length > 1 ? rounds : 0;
	console.log(`T-LOAD: ${conns} closed loops, ${seconds} s per endpoint, ${runRounds} rounds, ${orders} orders, node ${process.version}`);
	const rss = [(await ask("rss", "rss")).rss];
	for (let round = 1; round <= runRounds; round++) {
		const rows = [];
		for (const name of names) rows.push(await measure(name));
		rss.push((await ask("rss", "rss")).rss);
		const base = rows[0].rps;
		console.log(`\nround ${round}`);
		console.log("endpoint   req/s     p50 ms   p99 ms   errors  server CPU  ratio to baseline");
		for (const r of rows)
			console.log(
				`${r.name.padEnd(10)} ${r.rps.toFixed(1).padStart(8)} ${r.p50.toFixed(1).padStart(8)} ${r.p99.toFixed(1).padStart(8)} ${String(r.errors).padStart(8)}  ${`${(r.cpu * 100).toFixed(0)}%`.padStart(10)}  ${(r.rps / base).toFixed(3)}`,
			);
	}
	const mb = (b) => `${(b / 1048576).toFixed(1)} MB`;
	if (runRounds > 1)
		console.log(
			`\nserver RSS after GC: ${rss.map(mb).join(" → ")} (growth over the last ${runRounds - 1} rounds: ${mb(rss[runRounds] - rss[1])})`,
		);
	if (!only || only.includes("mixed")) await mixedLoad(opt("mixed-seconds", 15));
	proc.send("exit");
	await new Promise((r) => proc.once("exit", r));
	rmSync(dir, { recursive: true, force: true });
}
