/**
 * Three Node processes started at the same moment on one fresh DB file all come up: migrations, the WAL switch, the
 * generated admin token and the env-configured 1C node are safe under concurrency (one winner, the others adopt it).
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ensureBuilt, type ServerProcess, startBuiltServer } from "@obmen/testing/spawn";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

const children: ServerProcess[] = [];

/** Starts the built server; resolves with its URL and banner once it listens (rejects when it exits first). */
async function startProcess(env: Record<string, string>): Promise<{ url: string; out: string }> {
	const server = await startBuiltServer(env);
	children.push(server);
	// the banner is printed in one go; wait for its last line
	return { url: server.url, out: await server.waitFor("admin token", 30_000) };
}

beforeAll(ensureBuilt, 120_000);

afterAll(async () => {
	await Promise.all(children.map((c) => c.stop()));
});

describe("three processes started at once on a fresh DB file", () => {
	it("all come up, share one generated admin token and one default node", async () => {
		const db = `file:${join(mkdtempSync(join(tmpdir(), "obmen-3p-")), "obmen.db")}`;
		const env = { DATABASE_URL: db, OBMEN_1C_LOGIN: "ut", OBMEN_1C_PASSWORD: "pass-1" };
		const started = await Promise.all([startProcess(env), startProcess(env), startProcess(env)]);
		expect(new Set(started.map((s) => s.url)).size).toBe(3);
		const tokens = started.flatMap((s) => [...s.out.matchAll(/admin token \(shown once.*\): (\S+)/g)].map((m) => m[1]));
		expect(tokens).toHaveLength(1);
		expect(started.map((s) => /1C node "default" (\w+)/.exec(s.out)?.[1]).sort()).toEqual(["created", "unchanged", "unchanged"]);
		const basic = `Basic ${Buffer.from("ut:pass-1").toString("base64")}`;
		for (const { url } of started) {
			const nodes = await fetch(`${url}/api/v1/nodes`, { headers: { Authorization: `Bearer ${tokens[0]}` } });
			expect(nodes.status).toBe(200);
			expect(((await nodes.json()) as { items: unknown[] }).items).toHaveLength(1);
			const auth = await fetch(`${url}/exim_1c?type=sale&mode=checkauth`, { headers: { Authorization: basic } });
			expect((await auth.text()).split("\n")[0]).toBe("success");
		}
	}, 90_000);
});
