/**
 * Apply on upload across processes (issue 17 §2): a 1C client that never calls `mode=import` uploads a file bigger
 * than one time slice; the built server answers the last `file` chunk at once and applies the rest in the background.
 * `kill -9` of that server mid-apply, then a restart on the same database file: the work resumes (once the dead
 * worker's lease has run out) and the database ends exactly as after a clean run — applied once, all or nothing.
 * Two server processes on one database file both run the background work: it is applied once.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Child, copyDb as copyDbFile, inspectDb, orderFile, seedDb, spawnChildServer, uploadOnly } from "@obmen/testing/reliability";
import { ensureBuilt } from "@obmen/testing/spawn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../config.ts";
import { type RunningServer, startServer } from "../server.ts";

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

const copyDb = (to: string) => copyDbFile(baseDb, to);
const inspect = (path: string) =>
	inspectDb(path, {
		pending: "SELECT count(*) AS n FROM upload_applies WHERE state = 'pending'",
		ledger: "SELECT count(*) AS n FROM import_ledger",
	});

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
	const child = await spawnChildServer({ DATABASE_URL: `file:${clean}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW }, TUNING);
	children.push(child);
	const replies = await uploadOnly(child.url, FILE_NAME, file);
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
			const child = await spawnChildServer({ DATABASE_URL: `file:${path}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW }, TUNING);
			children.push(child);
			expect((await uploadOnly(child.url, FILE_NAME, file)).every((r) => r === "success\n")).toBe(true);
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
		const [a, b] = await Promise.all([spawnChildServer(env, TUNING), spawnChildServer(env, TUNING)]);
		children.push(a, b);
		expect((await uploadOnly(a.url, FILE_NAME, file)).every((r) => r === "success\n")).toBe(true);
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
