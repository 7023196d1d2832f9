/**
 * Issue 11 §3: `GET /metrics` (Prometheus text 0.0.4) behind the admin token or `metricsToken`; the text parses
 * strictly and its values follow an exchange (per-instance counters and the database's global values).
 */

import { ADMIN_TOKEN, basic, createHarness, type Harness, oneCFile, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

interface Family {
	type: string;
	samples: { name: string; labels: Record<string, string>; value: number }[];
}

const NAME = "[a-zA-Z_:][a-zA-Z0-9_:]*";
const LABEL = `[a-zA-Z_][a-zA-Z0-9_]*="(?:[^"\\\\\\n]|\\\\[\\\\"n])*"`;
const SAMPLE = new RegExp(`^(${NAME})(?:\\{(${LABEL}(?:,${LABEL})*)\\})? (-?[0-9.e+-]+|\\+Inf|NaN)$`);

/** A strict parser of the exposition format: every line is HELP, TYPE or a sample of the family declared last. */
function parseExposition(text: string): Map<string, Family> {
	expect(text.endsWith("\n")).toBe(true);
	const families = new Map<string, Family>();
	let current: string | null = null;
	for (const line of text.slice(0, -1).split("\n")) {
		const help = new RegExp(`^# HELP (${NAME}) \\S.*$`).exec(line);
		if (help) continue;
		const type = new RegExp(`^# TYPE (${NAME}) (counter|gauge|histogram)$`).exec(line);
		if (type) {
			expect(families.has(type[1] as string), `duplicate family ${type[1]}`).toBe(false);
			current = type[1] as string;
			families.set(current, { type: type[2] as string, samples: [] });
			continue;
		}
		const m = SAMPLE.exec(line);
		expect(m, `bad line: ${line}`).not.toBeNull();
		const [, name = "", rawLabels = "", value = ""] = m as RegExpExecArray;
		const family = current ? families.get(current) : undefined;
		const suffixes = family?.type === "histogram" ? ["_bucket", "_sum", "_count"] : [""];
		expect(family && suffixes.some((s) => name === `${current}${s}`), `sample ${name} outside its family`).toBe(true);
		const labels = Object.fromEntries(
			[...rawLabels.matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((l) => [l[1], (l[2] as string).replace(/\\(.)/g, "$1")]),
		);
		family?.samples.push({ name, labels, value: value === "+Inf" ? Number.POSITIVE_INFINITY : Number(value) });
	}
	// histograms: cumulative buckets ending in +Inf = _count
	for (const [name, f] of families) {
		if (f.type !== "histogram") continue;
		const series = new Set(f.samples.map((s) => JSON.stringify({ ...s.labels, le: undefined })));
		for (const key of series) {
			const of = (suffix: string) =>
				f.samples.filter((s) => s.name === `${name}${suffix}` && JSON.stringify({ ...s.labels, le: undefined }) === key);
			const buckets = of("_bucket").map((s) => s.value);
			expect(buckets).toEqual([...buckets].sort((a, b) => a - b));
			expect(of("_bucket").at(-1)?.labels.le).toBe("+Inf");
			expect(buckets.at(-1)).toBe(of("_count")[0]?.value);
		}
	}
	return families;
}

const scrape = async (h: Harness, token = ADMIN_TOKEN) => {
	const res = await h.app.request("/metrics", { headers: { Authorization: `Bearer ${token}` } });
	expect(res.status).toBe(200);
	expect(res.headers.get("Content-Type")).toBe("text/plain; version=0.0.4; charset=utf-8");
	return parseExposition(await res.text());
};

/** The value of a sample (0 when the series does not exist yet). */
const value = (f: Map<string, Family>, name: string, labels: Record<string, string> = {}, family = name) =>
	f.get(family)?.samples.find((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v))?.value ?? 0;

describe("GET /metrics", () => {
	it("answers 401 with the JSON error envelope without a token or with a wrong one; the metrics token and the admin token both work", async () => {
		const h = await createHarness({ metricsToken: "scrape-token" });
		const none = await h.app.request("/metrics");
		expect(none.status).toBe(401);
		expect(await none.json()).toMatchObject({ error: { code: "unauthorized" } });
		expect((await h.app.request("/metrics", { headers: { Authorization: "Bearer wrong" } })).status).toBe(401);
		await scrape(h, "scrape-token");
		await scrape(h, ADMIN_TOKEN);
		// without a metrics token only the admin token opens it
		const plain = await createHarness();
		expect((await plain.app.request("/metrics", { headers: { Authorization: "Bearer scrape-token" } })).status).toBe(401);
		await scrape(plain);
	});

	it("the text parses and its values move with an exchange: requests, durations, orders sent/acknowledged/imported, failed logins", async () => {
		const h = await createHarness();
		for (const n of [1, 2]) expect((await h.putOrder({ id: `o${n}`, number: String(n) })).status).toBe(201);
		const before = await scrape(h);
		expect(value(before, "obmen_exim_requests_total", { mode: "checkauth", reply: "success" })).toBe(0);
		expect(value(before, "obmen_node_orders_waiting_export", { node_id: h.nodeId })).toBe(2);
		expect(value(before, "obmen_node_info", { node_id: h.nodeId, name: "main", login: "exchange1c" })).toBe(1);

		expect(await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", "wrong") })).toMatch(/^failure/);
		const { cookie } = await h.login();
		expect((await h.exim("type=sale&mode=query", { cookie, auth: null })).status).toBe(200);
		const sent = await scrape(h);
		expect(value(sent, "obmen_node_orders_awaiting_success", { node_id: h.nodeId })).toBe(2);
		expect(value(sent, "obmen_exim_orders_sent_total", { node_id: h.nodeId })).toBe(2);
		expect(await h.text("type=sale&mode=success", { cookie, auth: null })).toBe("success\n");
		const replies = await uploadAndImport(
			h,
			cookie,
			"orders.xml",
			new TextEncoder().encode(oneCFile([{ number: "1", requisites: [["Проведен", "true"]] }])),
			1 << 20,
		);
		expect(replies.at(-1)).toMatch(/^success/);
		expect(await h.text("type=sale&mode=nonsense", { cookie, auth: null })).toMatch(/^failure/);

		const after = await scrape(h);
		expect(value(after, "obmen_exim_requests_total", { mode: "checkauth", reply: "success" })).toBe(1);
		expect(value(after, "obmen_exim_requests_total", { mode: "checkauth", reply: "failure" })).toBe(1);
		expect(value(after, "obmen_exim_requests_total", { mode: "query", reply: "xml" })).toBe(1);
		expect(value(after, "obmen_exim_requests_total", { mode: "success", reply: "success" })).toBe(1);
		expect(value(after, "obmen_exim_requests_total", { mode: "import", reply: "success" })).toBe(1);
		// an unknown mode is counted as `other`, never as a label value of its own
		expect(value(after, "obmen_exim_requests_total", { mode: "other", reply: "failure" })).toBe(1);
		expect(after.get("obmen_exim_requests_total")?.samples.some((s) => s.labels.mode === "nonsense")).toBe(false);
		expect(value(after, "obmen_exim_request_duration_seconds_count", { mode: "query" }, "obmen_exim_request_duration_seconds")).toBe(1);
		expect(value(after, "obmen_exim_request_duration_seconds_count", { mode: "checkauth" }, "obmen_exim_request_duration_seconds")).toBe(2);
		expect(value(after, "obmen_exim_orders_acknowledged_total", { node_id: h.nodeId })).toBe(2);
		expect(value(after, "obmen_exim_orders_imported_total", { node_id: h.nodeId })).toBe(1);
		expect(value(after, "obmen_exim_login_failures_total", { reason: "auth_failed" })).toBe(1);
		// the database's view: the same on every instance
		expect(value(after, "obmen_node_orders_awaiting_success", { node_id: h.nodeId })).toBe(0);
		expect(value(after, "obmen_node_orders_acknowledged", { node_id: h.nodeId })).toBe(2);
		expect(value(after, "obmen_node_orders_waiting_export", { node_id: h.nodeId })).toBe(0);
		expect(value(after, "obmen_node_import_files_total", { node_id: h.nodeId })).toBe(1);
		expect(value(after, "obmen_node_import_documents_total", { node_id: h.nodeId })).toBe(1);
		expect(value(after, "obmen_login_failures_last_hour")).toBe(1);
		expect(value(after, "obmen_sessions")).toBeGreaterThanOrEqual(1);
		expect(value(after, "obmen_api_requests_total", { method: "PUT", status: "201" })).toBe(2);

		// another instance on the same database: its own counters start at zero, the database's values are the same
		const other = await scrape({ ...h, app: h.restart() });
		expect(value(other, "obmen_exim_requests_total", { mode: "checkauth", reply: "success" })).toBe(0);
		expect(value(other, "obmen_node_import_files_total", { node_id: h.nodeId })).toBe(1);
		expect(value(other, "obmen_login_failures_last_hour")).toBe(1);
	});

	it("refused logins are counted by reason, throttled ones (a login flood) apart from wrong passwords", async () => {
		const h = await createHarness({ limits: { loginFailuresPerMinute: 2 } });
		for (let i = 0; i < 4; i++)
			expect(await h.text("type=sale&mode=checkauth", { auth: basic("exchange1c", `wrong-${i}`) })).toMatch(/^failure/);
		const f = await scrape(h);
		expect(value(f, "obmen_exim_login_failures_total", { reason: "auth_failed" })).toBe(2);
		expect(value(f, "obmen_exim_login_failures_total", { reason: "throttled" })).toBe(2);
		// refused by the throttle before any password check: not recorded as failed attempts
		expect(value(f, "obmen_login_failures_last_hour")).toBe(2);
	});
});
