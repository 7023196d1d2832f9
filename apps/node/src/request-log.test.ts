/**
 * Issue 11 §3: the Node server writes one log line per request to stdout (`LOG_FORMAT`) and serves `/metrics`
 * (`METRICS_TOKEN`). A full exchange of the 1C emulator plus admin calls leaves no password, token, cookie or `sessid`
 * value in the captured output, and moves the metrics.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Infobase, sync } from "@obmen/emulator";
import { afterEach, describe, expect, it, vi } from "vitest";
import { readConfig } from "./config.ts";
import { type RunningServer, startServer } from "./server.ts";

const ADMIN_TOKEN = "admin-token-9f2c7e1a";
const METRICS_TOKEN = "metrics-token-4b8d";
const LOGIN = "ut-node";
const PASSWORD = "pa55-Секрет-1c";
const WRONG_PASSWORD = "wrong-pa55-77";

const running: RunningServer[] = [];
afterEach(async () => {
	vi.restoreAllMocks();
	while (running.length) await running.pop()?.close();
});

/** Sum of the samples of one metric whose labels include `labels`. */
function metric(text: string, name: string, labels: Record<string, string> = {}): number {
	let sum = 0;
	for (const line of text.split("\n")) {
		const m = /^([a-z_]+)(?:\{(.*)\})? (\S+)$/.exec(line);
		if (m?.[1] !== name) continue;
		const has = Object.entries(labels).every(([k, v]) => (m[2] ?? "").includes(`${k}="${v}"`));
		if (has) sum += Number(m[3]);
	}
	return sum;
}

describe.each(["json", "pretty"] as const)("request logs (LOG_FORMAT=%s) and /metrics on the Node server", (format) => {
	it("one line per request, nothing secret in them; the metrics follow the exchange", async () => {
		const lines: string[] = [];
		vi.spyOn(console, "log").mockImplementation((...args: unknown[]) => {
			lines.push(args.map(String).join(" "));
		});
		const s = await startServer(
			readConfig(
				{
					HOST: "127.0.0.1",
					PORT: "0",
					DATABASE_URL: `file:${join(mkdtempSync(join(tmpdir(), "obmen-log-")), "obmen.db")}`,
					OBMEN_ADMIN_TOKEN: ADMIN_TOKEN,
					OBMEN_1C_LOGIN: LOGIN,
					OBMEN_1C_PASSWORD: PASSWORD,
					LOG_FORMAT: format,
					METRICS_TOKEN,
				},
				[],
			),
		);
		running.push(s);
		const admin = { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json" };
		const put = await fetch(`${s.url}/api/v1/orders/o-1042`, {
			method: "PUT",
			headers: admin,
			body: JSON.stringify({
				number: "1042",
				createdAt: "2026-11-27T10:00:00+03:00",
				status: "new",
				customer: { name: "ООО «Вектор»", inn: "7701234567", kpp: "770101001", type: "company" },
				items: [{ productId: "p1", name: "Стол", quantity: 1, price: "1500.00" }],
			}),
		});
		expect(put.status).toBe(201);
		// the first-login link of the admin page carries the token in its query string
		expect((await fetch(`${s.url}/admin?token=${ADMIN_TOKEN}`)).status).toBe(200);
		expect((await fetch(`${s.url}/api/v1/nodes`, { headers: admin })).status).toBe(200);
		const wrong = await fetch(`${s.url}/exim_1c?type=sale&mode=checkauth`, {
			headers: { Authorization: `Basic ${Buffer.from(`${LOGIN}:${WRONG_PASSWORD}`).toString("base64")}` },
		});
		expect(await wrong.text()).toMatch(/^failure/);
		expect((await fetch(`${s.url}/metrics`)).status).toBe(401);
		const before = await (await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${METRICS_TOKEN}` } })).text();

		const cookies = new Set<string>();
		const sessids = new Set<string>();
		const report = await sync("ut11", {
			url: `${s.url}/exim_1c`,
			login: LOGIN,
			password: PASSWORD,
			infobase: new Infobase(),
			beforeUpload: (b) => b.pay("1042"),
			fetch: async (input, init) => {
				const req = new Request(input, init);
				for (const c of (req.headers.get("cookie") ?? "").split(/;\s*/)) if (c.includes("=")) cookies.add(c.slice(c.indexOf("=") + 1));
				const sessid = new URL(req.url).searchParams.get("sessid");
				if (sessid) sessids.add(sessid.replace(/^sessid=/, ""));
				return fetch(req);
			},
		});
		expect(report.deviations).toEqual([]);
		expect(report.ok).toBe(true);
		expect(cookies.size).toBeGreaterThan(0);
		expect(sessids.size).toBeGreaterThan(0);

		const after = await (await fetch(`${s.url}/metrics`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } })).text();
		for (const [name, labels] of [
			["obmen_exim_requests_total", { mode: "checkauth", reply: "success" }],
			["obmen_exim_requests_total", { mode: "query", reply: "xml" }],
			["obmen_exim_requests_total", { mode: "import", reply: "success" }],
			["obmen_exim_request_duration_seconds_count", { mode: "file" }],
			["obmen_exim_orders_sent_total", {}],
			["obmen_exim_orders_acknowledged_total", {}],
			["obmen_exim_orders_imported_total", {}],
			["obmen_node_orders_acknowledged", {}],
			["obmen_node_import_files_total", {}],
		] as const) {
			expect(metric(after, name, labels), `${name} ${JSON.stringify(labels)}`).toBeGreaterThan(metric(before, name, labels));
		}
		expect(metric(before, "obmen_exim_login_failures_total", { reason: "auth_failed" })).toBe(1);
		expect(metric(after, "obmen_login_failures_last_hour")).toBe(1);
		// the journal of the node (rows and the failed login's counter row) keeps no secret either
		const nodes = (await (await fetch(`${s.url}/api/v1/nodes`, { headers: admin })).json()) as { items: { id: string }[] };
		const nodeId = nodes.items[0]?.id;
		const journal = await (await fetch(`${s.url}/api/v1/nodes/${nodeId}/journal?limit=500`, { headers: admin })).text();
		expect(journal).toContain('"mode":"import"');
		await s.close();
		running.pop();

		const out = `${lines.join("\n")}\n${journal}`;
		for (const secret of [PASSWORD, WRONG_PASSWORD, ADMIN_TOKEN, METRICS_TOKEN, ...cookies, ...sessids]) {
			expect(out.includes(secret), `a secret (${secret.slice(0, 4)}…) is in the log`).toBe(false);
		}
		// …nor their URL-encoded or Basic forms
		expect(out.includes(encodeURIComponent(PASSWORD))).toBe(false);
		expect(out.includes(Buffer.from(`${LOGIN}:${PASSWORD}`).toString("base64"))).toBe(false);
		// one line per request: the exchange's modes and the admin calls are there
		const eximLines = lines.filter((l) => (format === "json" ? l.includes('"kind":"exim"') : / exim sale\//.test(l)));
		for (const mode of ["checkauth", "init", "query", "success", "file", "import"]) {
			expect(
				eximLines.some((l) => (format === "json" ? l.includes(`"mode":"${mode}"`) : l.includes(`exim sale/${mode} `))),
				mode,
			).toBe(true);
		}
		if (format === "json") {
			const entries = lines.filter((l) => l.startsWith("{")).map((l) => JSON.parse(l) as Record<string, unknown>);
			expect(entries.length).toBe(lines.length);
			expect(entries).toContainEqual(expect.objectContaining({ kind: "http", method: "PUT", route: "/api/v1/orders/:id", status: 201 }));
			expect(entries).toContainEqual(expect.objectContaining({ kind: "http", method: "GET", route: "/admin", status: 200 }));
			expect(entries).toContainEqual(
				expect.objectContaining({ kind: "exim", mode: "checkauth", reply: "failure", code: "auth_failed", login: LOGIN, status: 200 }),
			);
			const query = entries.find((e) => e.kind === "exim" && e.mode === "query");
			expect(query).toMatchObject({ reply: "xml", login: LOGIN, ordersSent: 1, status: 200 });
			expect(query?.session).toMatch(/^[0-9a-f]{12}$/);
			expect(typeof query?.durationMs).toBe("number");
			expect(query?.bytesOut).toBeGreaterThan(0);
			// health checks and scrapes are not logged
			expect(entries.some((e) => e.route === "/metrics" || e.route === "/health")).toBe(false);
		} else {
			expect(lines.some((l) => / PUT \/api\/v1\/orders\/:id 201 \d+ms/.test(l))).toBe(true);
			expect(lines.some((l) => / exim sale\/checkauth failure\(auth_failed\) 200 \d+ms node=ut-node /.test(l))).toBe(true);
		}
	});
});
