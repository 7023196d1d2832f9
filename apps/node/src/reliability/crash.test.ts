/**
 * T-CRASH (docs/reliability.md D7, D8): the built server imports a multi-MB, few-thousand-document 1C order file in a
 * child process; the parent `kill -9`s it at random moments and at targeted points (right after the chunks, during
 * the `import` slices, right after the final `import` was sent). After every kill: `PRAGMA integrity_check` is ok, the
 * domain digest equals the before-state or the clean-run after-state (all-or-nothing), and restarting the server and
 * re-running the upload gives exactly the clean-run digest — a retry after the commit is answered `already imported`.
 *
 * OBMEN_CRASH_RUNS raises the number of random kills (default 12).
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import {
	type Child,
	copyDb as copyDbFile,
	inspectDb,
	orderFile,
	seedDb,
	spawnChildServer,
	type UploadHooks,
	uploadRun,
} from "@obmen/testing/reliability";
import { ensureBuilt } from "@obmen/testing/spawn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "../config.ts";
import { type RunningServer, startServer } from "../server.ts";

const ORDERS = 3000;
const RANDOM_RUNS = Number(process.env.OBMEN_CRASH_RUNS ?? 12);
const NOW = "2026-11-28T12:30:00.000Z";
const TUNING = { limits: { importSliceMs: 20 } };
const FILE_NAME = "orders-7c1f3e2a-0d4b-4a8e-9f5c-2b6d8e1a4c3f_1.xml";

const dir = mkdtempSync(join(tmpdir(), "obmen-crash-"));
const baseDb = join(dir, "base.db");
const file = orderFile(ORDERS);
let before = "";
let after = "";
let cleanMs = 0;
let cleanProgress = 0;
/** Duration of the clean run's final `import` (parse of the last slice + the write transaction + reply). */
let finalMs = 0;
const children: Child[] = [];
const inProcess: RunningServer[] = [];

const copyDb = (to: string) => copyDbFile(baseDb, to);
const inspect = (path: string) => inspectDb(path);

/** Restart on the same file (in this process: a fresh server over the DB the killed child left) and upload again. */
async function rerun(path: string) {
	const s = await startServer(readConfig({ HOST: "127.0.0.1", PORT: "0", DATABASE_URL: `file:${path}`, OBMEN_ADMIN_TOKEN: "t" }, []), {
		...TUNING,
		clock: { now: () => new Date(NOW) },
	});
	inProcess.push(s);
	try {
		return await uploadRun(s.url, FILE_NAME, file);
	} finally {
		await s.close();
		inProcess.splice(inProcess.indexOf(s), 1);
	}
}

beforeAll(async () => {
	await ensureBuilt();
	// the kill points follow the `import` polls: `import` does the work here (apply on upload: apply-on-upload.test.ts)
	await seedDb(`file:${baseDb}`, ORDERS, { fileLimit: 1024 * 1024, applyOnUpload: "never" });
	before = (await inspect(baseDb)).digest;
	const clean = copyDb(join(dir, "clean.db"));
	const child = await spawnChildServer({ DATABASE_URL: `file:${clean}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW }, TUNING);
	children.push(child);
	const t0 = Date.now();
	const run = await uploadRun(child.url, FILE_NAME, file);
	cleanMs = Date.now() - t0;
	cleanProgress = run.progress;
	finalMs = run.importMs.at(-1) ?? 0;
	expect(run.last).toMatch(/^success\ndocuments: 3000, updated: 3000/);
	await child.stop();
	const state = await inspect(clean);
	expect(state.integrity).toBe("ok");
	after = state.digest;
	expect(after).not.toBe(before);
}, 120_000);

afterAll(async () => {
	for (const c of children) await c.kill9().catch(() => undefined);
	for (const s of inProcess) await s.close().catch(() => undefined);
	// a copy of the database per trial: ~600 MB left in the temp directory by every run otherwise
	rmSync(dir, { recursive: true, force: true });
});

interface Outcome {
	label: string;
	state: "before" | "after";
}
const outcomes: Outcome[] = [];

/** One crash trial: start a child on a copy of the base DB, upload, kill as `plan` says, then check and re-run. */
async function trial(label: string, plan: (kill: () => void) => UploadHooks & { atMs?: number }): Promise<void> {
	const path = copyDb(join(dir, `trial-${outcomes.length}.db`));
	const child = await spawnChildServer({ DATABASE_URL: `file:${path}`, OBMEN_ADMIN_TOKEN: "t", OBMEN_TEST_NOW: NOW }, TUNING);
	children.push(child);
	let killed = false;
	const kill = () => {
		if (killed) return;
		killed = true;
		child.child.kill("SIGKILL");
	};
	const hooks = plan(kill);
	const timer = hooks.atMs === undefined ? undefined : setTimeout(kill, hooks.atMs);
	const run = await uploadRun(child.url, FILE_NAME, file, hooks).catch((e: Error) => ({ error: e.message }));
	clearTimeout(timer);
	kill();
	await child.kill9();
	if ("error" in run) expect(run.error, label).not.toMatch(/HTTP 5\d\d/);
	const state = await inspect(path);
	expect(state.integrity, label).toBe("ok");
	expect([before, after], `${label}: all-or-nothing`).toContain(state.digest);
	const committed = state.digest === after;
	outcomes.push({ label, state: committed ? "after" : "before" });
	const again = await rerun(path);
	// D8: a retry of a committed file is a no-op; otherwise the retry imports it
	expect(again.last, label).toMatch(committed ? /^success\nalready imported\n$/ : /^success\ndocuments: 3000, updated: 3000/);
	expect((await inspect(path)).digest, `${label}: re-run = clean run`).toBe(after);
}

describe("T-CRASH: kill -9 during a big import", () => {
	it("the clean run imports in several time slices", () => {
		expect(file.byteLength).toBeGreaterThan(3 * 1024 * 1024);
		expect(cleanProgress).toBeGreaterThanOrEqual(2);
	});

	it("targeted: right after the chunks", async () => {
		await trial("after chunks", (kill) => ({ afterChunks: kill }));
	}, 120_000);

	it("targeted: during the import slices", async () => {
		await trial("during slice 1", (kill) => ({ importSent: (n) => n === 1 && setTimeout(kill, 40) }));
		await trial("during a middle slice", (kill) => ({
			importSent: (n) => n === Math.max(1, Math.floor(cleanProgress / 2)) && setTimeout(kill, 60),
		}));
	}, 120_000);

	it("targeted: right after the final import request was sent", async () => {
		for (const delay of [0, 0.5, 0.85, 0.97].map((f) => Math.round(f * finalMs))) {
			await trial(`final import +${delay} ms of ${Math.round(finalMs)}`, (kill) => ({
				importSent: (n) => n >= cleanProgress && setTimeout(kill, delay),
			}));
		}
		// D8 straight: after a committed import 1C retries the portion and is told it is already imported
		const path = copyDb(join(dir, "d8.db"));
		await rerun(path);
		expect((await rerun(path)).last).toBe("success\nalready imported\n");
		expect((await inspect(path)).digest).toBe(after);
	}, 240_000);

	it(`random: ${RANDOM_RUNS} kills at uniformly random moments of the exchange`, async () => {
		for (let i = 0; i < RANDOM_RUNS; i++) {
			const atMs = Math.floor(Math.random() * cleanMs * 1.1);
			await trial(`random #${i} at ${atMs} ms of ~${cleanMs}`, () => ({ atMs }));
		}
		console.log(
			`T-CRASH: clean run ${cleanMs} ms, ${cleanProgress} progress slices; outcomes: ${outcomes.map((o) => `${o.label}=${o.state}`).join(", ")}`,
		);
	}, 600_000);
});
