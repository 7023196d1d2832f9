/**
 * Keep-alive over a real socket: 1C keeps one connection across its requests (УНФ 3.0 pauses 5 s before each `import`
 * poll; УТ reuses the connection across its own load time), so an idle connection must survive, and no server timeout
 * may be shorter than the clients' (180 s УТ, 1800 s УНФ) while a request is transferring.
 */
import { mkdtempSync } from "node:fs";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";
import { type RunningServer, startServer } from "./server.ts";

let server: RunningServer;
beforeAll(async () => {
	const db = `file:${join(mkdtempSync(join(tmpdir(), "obmen-keepalive-")), "obmen.db")}`;
	server = await startServer(readConfig({ HOST: "127.0.0.1", PORT: "0", DATABASE_URL: db, OBMEN_ADMIN_TOKEN: "ka-token" }, []));
});
afterAll(async () => {
	await server?.close();
});

/** One GET over `agent`; resolves with the status, whether the socket was reused and its local port. */
function get(agent: Agent, path: string): Promise<{ status: number; reused: boolean; localPort: number }> {
	return new Promise((resolve, reject) => {
		const req = request(`${server.url}${path}`, { agent }, (res) => {
			res.resume();
			res.on("end", () => resolve({ status: res.statusCode ?? 0, reused: req.reusedSocket, localPort: req.socket?.localPort ?? -1 }));
		});
		req.on("error", reject);
		req.end();
	});
}

describe("apps/node keep-alive and timeouts", () => {
	it("runs with an idle keep-alive time ≥ 65 s and no request timeout shorter than 1800 s", () => {
		const t = server.timeouts;
		expect(t.keepAlive).toBeGreaterThanOrEqual(65_000);
		expect(t.request === 0 || t.request >= 1_800_000).toBe(true);
		expect(t.socket === 0 || t.socket >= 1_800_000).toBe(true);
		// headers are timed from their first byte; above the keep-alive time so an idle connection is never cut by it
		expect(t.headers).toBeGreaterThan(t.keepAlive);
	});

	it("an idle connection survives 20 s and carries the next request", async () => {
		const agent = new Agent({ keepAlive: true, maxSockets: 1 });
		try {
			const first = await get(agent, "/exim_1c?type=sale&mode=checkauth");
			expect(first).toMatchObject({ status: 401, reused: false });
			await sleep(20_000);
			const second = await get(agent, "/exim_1c?type=sale&mode=checkauth");
			expect(second).toMatchObject({ status: 401, reused: true, localPort: first.localPort });
		} finally {
			agent.destroy();
		}
	}, 40_000);
});
