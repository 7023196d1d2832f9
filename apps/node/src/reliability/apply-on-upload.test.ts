/**
 * Apply on upload across processes (issue 17 §2): a 1C client that never calls `mode=import` uploads a file bigger
 * than one time slice; the built server answers the last `file` chunk at once and applies the rest in the background.
 * `kill -9` of that server mid-apply, then a restart on the same database file: the work resumes (once the dead
 * worker's lease has run out) and the database ends exactly as after a clean run — applied once, all or nothing.
 * Two server processes on one database file both run the background work: it is applied once.
 */
import { copyFileSync, existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { domainDigest } from "@obmen/db";
import { openDb } from "@obmen/db/node";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../config.ts";
import { type RunningServer, startServer } from "../server.ts";
import { basicHeader, type Child, ensureBuilt, orderFile, seedDb, spawnServer } from "./support.ts";

const ORDERS = 1000;
const NOW = "2026-11-28T12:30:00.000Z";
/** Short slices (many of them), a short lease (a dead worker's work is taken over soon), a frequent tick. */
const TUNING = { limits: { importSliceMs: 20, applyLeaseMs: 1500 }, backgroundTickMs: 100 };
const FILE_NAME = "orders-5d2c9a1e-7b3f-4c8d-a6e2-1f9b3c7d5e4a.xml";

const dir = mkdtempSync(join(tmpdir(), "obmen-apply-"));
const baseDb = join(dir, "base.db");
const file = orderFile(ORDERS);
let before = "";
let after = "";
/** How long the clean run's background apply took after the last `file` reply. */
let backgroundMs = 0;
const children: Child[] = [];
const inProcess: RunningServer[] = [];

function copyDb(to: string): string {
	for (const ext of ["", "-wal", "-shm"]) if (existsSync(baseDb + ext)) copyFileSync(baseDb + ext, to + ext);
	return to;
}

async function inspect(path: string): Promise<{ integrity: string; digest: string; pending: number; ledger: number }> {
	const { client, store } = await openDb(`file:${path}`);
	try {
		const integrity = String((await client.execute("PRAGMA integrity_check")).rows[0]?.[0]);
		const pending = Number((await client.execute("SELECT count(*) AS n FROM upload_applies WHERE state = 'pending'")).rows[0]?.n);
		const ledger = Number((await client.execute("SELECT count(*) AS n FROM import_ledger")).rows[0]?.n);
		return { integrity, digest: await domainDigest(client), pending, ledger };
	} finally {
		store.close();
	}
}

/** Waits until no apply is pending and the file is in the ledger. */
async function applied(path: string, timeoutMs = 60_000): Promise<void> {
	const t0 = Date.now();
	for (;;) {
		const s = await inspect(path);
		if (s.pending === 0 && s.ledger > 0) return;
		if (Date.now() - t0 > timeoutMs) throw new Error(`not applied after ${timeoutMs} ms: ${JSON.stringify(s)}`);
		await new Promise((r) => setTimeout(r, 50));
	}
}

/** A 1C portion that never calls `import` (УНФ 1.6, УТ «без ожидания»): checkauth → init → file chunks. */
async function uploadOnly(base: string): Promise<string[]> {
	const url = (q: string) => `${base}/exim_1c?type=sale&${q}`;
	const get = async (q: string, init: RequestInit = {}) => (await fetch(url(q), init)).text();
	const lines = (await get("mode=checkauth", { headers: { Authorization: basicHeader } })).split("\n");
	if (lines[0] !== "success") throw new Error(`checkauth: ${lines.join("|")}`);
	const headers = { Cookie: `${lines[1]}=${lines[2]}` };
	const sessid = lines[3] ?? "";
	const init = (await get(`mode=init&${sessid}`, { headers })).split("\n");
	const limit = Number((init[1] ?? "").replace("file_limit=", ""));
	const replies: string[] = [];
	for (let off = 0; off < file.length; off += limit) {
		replies.push(await get(`mode=file&filename=${FILE_NAME}&${sessid}`, { method: "POST", headers, body: file.slice(off, off + limit) }));
	}
	return replies;
}

async function restart(path: string): Promise<RunningServer> {
	const s = await startServer(readConfig({ HOST: "127.0.0.1", PORT: "0", DATABASE_URL: `file:${path}`, OBMEN_ADMIN_TOKEN: "t" }, []), {
		...TUNING,
		clock: { now: () => new Date(NOW) },
	});
	inProcess.push(s);
	return s;
}

beforeAll(async () => {
	await ensureBuilt();
	await seedDb(`file:${baseDb}`, ORDERS, { fileLimit: 512 * 1024 });
	before = (await inspect(baseDb)).digest;
	const clean = copyDb(join(dir, "clean.db"));
	const child = await spawnServer({ DATABASE_URL: `file:${clean}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW }, TUNING);
	children.push(child);
	const replies = await uploadOnly(child.url);
	expect(replies.length).toBeGreaterThanOrEqual(3);
	expect(replies.every((r) => r === "success\n")).toBe(true);
	const t0 = Date.now();
	expect((await inspect(clean)).ledger).toBe(0); // the last reply came before the apply finished
	await applied(clean);
	backgroundMs = Date.now() - t0;
	// visible through the API
	const res = await fetch(`${child.url}/api/v1/orders/ord-${ORDERS}`, { headers: { Authorization: "Bearer t" } });
	expect(((await res.json()) as { oneC: unknown }).oneC).toMatchObject({ posted: true, number: `ТД00-${String(ORDERS).padStart(6, "0")}` });
	await child.stop();
	const state = await inspect(clean);
	expect(state.integrity).toBe("ok");
	after = state.digest;
	expect(after).not.toBe(before);
}, 180_000);

afterAll(async () => {
	for (const c of children) await c.kill9().catch(() => undefined);
	for (const s of inProcess) await s.close().catch(() => undefined);
});

describe("apply on upload: kill -9 mid-apply, restart, two processes", () => {
	it("kill -9 during the background apply, then a restart resumes it and applies exactly once", async () => {
		const outcomes: string[] = [];
		for (const f of [0, 0.4, 0.85]) {
			const delay = Math.round(f * backgroundMs);
			const path = copyDb(join(dir, `kill-${f}.db`));
			const child = await spawnServer({ DATABASE_URL: `file:${path}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW }, TUNING);
			children.push(child);
			expect((await uploadOnly(child.url)).every((r) => r === "success\n")).toBe(true);
			await new Promise((r) => setTimeout(r, delay));
			await child.kill9();
			const killed = await inspect(path);
			expect(killed.integrity, `+${delay} ms`).toBe("ok");
			expect([before, after], `+${delay} ms: all or nothing`).toContain(killed.digest);
			outcomes.push(`+${delay}ms=${killed.digest === after ? "after" : "before"}`);
			const s = await restart(path);
			await applied(path);
			await s.close();
			inProcess.splice(inProcess.indexOf(s), 1);
			expect((await inspect(path)).digest, `+${delay} ms: resumed = clean run`).toBe(after);
		}
		console.log(`apply on upload: background ${backgroundMs} ms; after kill -9: ${outcomes.join(", ")}`);
	}, 180_000);

	it("two processes on one database file race for the background work: applied once", async () => {
		const path = copyDb(join(dir, "two.db"));
		const env = { DATABASE_URL: `file:${path}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW };
		const [a, b] = await Promise.all([spawnServer(env, TUNING), spawnServer(env, TUNING)]);
		children.push(a, b);
		expect((await uploadOnly(a.url)).every((r) => r === "success\n")).toBe(true);
		// requests of any kind to the other process start its background work too
		const pokes = Array.from({ length: 20 }, (_, i) => new Promise((r) => setTimeout(r, i * 50)).then(() => fetch(`${b.url}/health`)));
		await Promise.all(pokes);
		await applied(path);
		await Promise.all([a.stop(), b.stop()]);
		const state = await inspect(path);
		expect(state.integrity).toBe("ok");
		expect(state.ledger).toBe(1);
		expect(state.digest).toBe(after);
	}, 120_000);
});
