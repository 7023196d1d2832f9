import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { ADMIN_TOKEN, createHarness, type Harness, oneCFile, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { checkAnswer, seen } from "../test-support/contract.ts";
import { API_DOCS_HTML } from "./docs.ts";
import { OPERATIONS, openApiDocument } from "./openapi.ts";

// biome-ignore lint/suspicious/noExplicitAny: loosely typed JSON bodies in assertions
type Json = Record<string, any>;

/** `h.api` whose every answer is checked against the OpenAPI document. */
function checked(h: Harness) {
	return async (method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<Response> => {
		const res = await h.app.request(`/api/v1${path}`, {
			method,
			headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Content-Type": "application/json", ...headers },
			body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
		});
		await checkAnswer(method, path, res);
		return res;
	};
}

describe("the admin API contract (openapi.json generated from the zod schemas)", () => {
	it("lints clean with @redocly/cli: no errors, no warnings", () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-openapi-"));
		try {
			const file = join(dir, "openapi.json");
			writeFileSync(file, JSON.stringify(openApiDocument()));
			const cli = join(dirname(fileURLToPath(import.meta.resolve("@redocly/cli/package.json"))), "bin", "cli.js");
			// no telemetry or update check: the lint runs offline
			const r = spawnSync(process.execPath, [cli, "lint", file, "--format=json"], {
				encoding: "utf8",
				timeout: 60_000,
				env: { ...process.env, REDOCLY_TELEMETRY: "off", REDOCLY_SUPPRESS_UPDATE_NOTICE: "true", NO_COLOR: "1" },
			});
			const report = JSON.parse(r.stdout) as {
				totals: { errors: number; warnings: number };
				problems: { ruleId: string; message: string }[];
			};
			expect(report.problems.map((p) => `${p.ruleId}: ${p.message}`)).toEqual([]);
			expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
			expect(r.status).toBe(0);
		} finally {
			rmSync(dir, { recursive: true, force: true });
		}
	});

	it("documents request bodies and answers by schema, an operationId and 4xx answers for every operation", () => {
		const doc = openApiDocument() as Json;
		const ids = new Set<string>();
		for (const [path, item] of Object.entries(doc.paths as Json)) {
			for (const [method, op] of Object.entries(item as Json)) {
				expect(op.operationId, `${method} ${path}`).toBeTruthy();
				ids.add(op.operationId);
				expect(
					Object.keys(op.responses).some((s) => s.startsWith("4")),
					`${method} ${path} has a 4xx`,
				).toBe(true);
				for (const [status, r] of Object.entries(op.responses as Json)) {
					if (status.startsWith("2") && status !== "204") expect(r.content, `${method} ${path} ${status}`).toBeTruthy();
				}
				if (["put", "post", "patch"].includes(method) && !path.endsWith("/password"))
					expect(op.requestBody?.content?.["application/json"]?.schema?.$ref, `${method} ${path} body`).toMatch(
						/^#\/components\/schemas\//,
					);
			}
		}
		expect(ids.size).toBe(OPERATIONS.length);
		const schemas = doc.components.schemas as Json;
		for (const name of [
			"Order",
			"OrderWithOneC",
			"Node",
			"NodeSettings",
			"JournalEntry",
			"ChangeEvent",
			"Error",
			"OrderInput",
			"NodeCreate",
		])
			expect(schemas[name], name).toBeTruthy();
		// the request body of PATCH /nodes names the settings keys (not just "object")
		expect(schemas.NodePatch.properties.settings.$ref).toBe("#/components/schemas/NodeSettingsInput");
		expect(Object.keys(schemas.NodeSettingsInput.properties)).toContain("configuration");
		expect(schemas.NodeSettingsInput.required ?? []).toEqual([]);
		expect(schemas.Order.properties.total).toMatchObject({ type: "string" });
	});

	it("every operation's real answers (successes and errors) match the document", async () => {
		seen.clear();
		const h = await createHarness();
		const api = checked(h);
		const raw = (path: string) => h.app.request(`/api/v1${path}`);
		await checkAnswer("GET", "/openapi.json", await raw("/openapi.json"));
		await checkAnswer("GET", "/docs", await raw("/docs"));
		await checkAnswer("GET", "/orders", await raw("/orders"));
		// orders
		const base = sampleOrder("o1", { number: "1", items: [{ productId: "p1", name: "Чайник «Север»", quantity: 2, price: "50" }] });
		expect((await api("PUT", "/orders/o1", base)).status).toBe(201);
		expect((await api("PUT", "/orders/o1", base)).status).toBe(200);
		expect((await api("PUT", "/orders/o2", { ...sampleOrder("o2"), total: "1.00" })).status).toBe(422);
		expect((await api("PUT", "/orders/o2", { ...sampleOrder("o2"), items: [] })).status).toBe(400);
		expect((await api("PUT", "/orders/o2", "{")).status).toBe(400);
		expect((await api("PUT", "/orders/o2", sampleOrder("o2"), { "Content-Length": String(10 * 1024 * 1024) })).status).toBe(413);
		await api("PUT", "/orders/o3", sampleOrder("o3", { number: "3" }));
		expect((await api("GET", "/orders/o1")).status).toBe(200);
		expect((await api("GET", "/orders/none")).status).toBe(404);
		expect((await api("GET", "/orders?limit=1")).status).toBe(200);
		expect((await api("GET", "/orders?limit=0")).status).toBe(400);
		expect((await api("GET", "/meta/statuses")).status).toBe(200);
		expect((await api("GET", "/changes?cursor=0")).status).toBe(200);
		expect((await api("GET", "/changes?cursor=x")).status).toBe(400);
		// nodes
		const created = await api("POST", "/nodes", { name: "УНФ", login: "unf", settings: { configuration: "unf" } });
		expect(created.status).toBe(201);
		const node = (await created.json()) as Json;
		expect((await api("POST", "/nodes", { name: "УНФ", login: "unf2", password: "p4ssword" })).status).toBe(409);
		expect((await api("POST", "/nodes", { name: "x", login: "a b" })).status).toBe(400);
		expect((await api("GET", "/nodes")).status).toBe(200);
		expect((await api("GET", `/nodes/${node.id}`)).status).toBe(200);
		expect((await api("GET", "/nodes/none")).status).toBe(404);
		expect((await api("PATCH", `/nodes/${node.id}`, { settings: { statusMap: { export: { new: "Новый" } } } })).status).toBe(200);
		expect((await api("PATCH", `/nodes/${node.id}`, { name: "main" })).status).toBe(409);
		expect((await api("PATCH", `/nodes/${node.id}`, { settings: { vat: "18" } })).status).toBe(400);
		expect((await api("PATCH", "/nodes/none", {})).status).toBe(404);
		expect((await api("POST", `/nodes/${node.id}/password`)).status).toBe(200);
		expect((await api("POST", "/nodes/none/password")).status).toBe(404);
		// what the node gets next, its journal, re-sending
		expect((await api("GET", `/nodes/${h.nodeId}/preview`)).status).toBe(200);
		expect((await api("GET", `/nodes/${h.nodeId}/preview?format=json`)).status).toBe(200);
		expect((await api("GET", "/nodes/none/preview")).status).toBe(404);
		const { cookie } = await h.login();
		await h.exim("type=sale&mode=query", { cookie });
		await h.text("type=sale&mode=success", { cookie });
		await h.text("type=sale&mode=checkauth", { auth: "Basic d3Jvbmc6d3Jvbmc=" });
		// a held content conflict: the store and 1C both changed the lines since the node acknowledged them
		await api("PUT", "/orders/o1", { ...base, items: [{ productId: "p1", name: "Чайник «Север»", quantity: 3, price: "50" }] });
		const login2 = await h.login();
		const bytes = new TextEncoder().encode(oneCFile([{ number: "1" }, { number: "404", id: "guid-404" }]));
		expect((await uploadAndImport(h, login2.cookie, "orders.xml", bytes, 1_000_000)).at(-1)).toMatch(/^success/);
		expect((await api("GET", `/conflicts?node=${h.nodeId}`)).status).toBe(200);
		expect((await api("GET", "/orders/o1")).status).toBe(200);
		expect((await api("POST", "/orders/o1/resolve", { take: "nothing" })).status).toBe(400);
		expect((await api("POST", "/orders/o1/resolve", { take: "store" })).status).toBe(200);
		expect((await api("POST", "/orders/o1/resolve", { take: "store" })).status).toBe(409);
		expect((await api("POST", "/orders/none/resolve", { take: "store" })).status).toBe(404);
		expect((await api("GET", `/nodes/${h.nodeId}/journal?limit=2`)).status).toBe(200);
		expect((await api("GET", `/nodes/${h.nodeId}/journal?errors=1`)).status).toBe(200);
		expect((await api("GET", `/nodes/${h.nodeId}/journal?format=csv`)).status).toBe(200);
		expect((await api("GET", `/nodes/${h.nodeId}/journal?format=ndjson`)).status).toBe(200);
		expect((await api("GET", `/nodes/${h.nodeId}/journal?limit=x`)).status).toBe(400);
		expect((await api("GET", "/nodes/none/journal")).status).toBe(404);
		expect((await api("POST", `/nodes/${h.nodeId}/resend`, { orders: ["o1", "zz"] })).status).toBe(200);
		expect((await api("POST", `/nodes/${h.nodeId}/resend`, { orders: [] })).status).toBe(400);
		expect((await api("POST", "/nodes/none/resend", { orders: ["o1"] })).status).toBe(404);
		expect((await api("POST", `/nodes/${h.nodeId}/rewind`, { all: true })).status).toBe(200);
		expect((await api("POST", `/nodes/${h.nodeId}/rewind`, { all: false })).status).toBe(400);
		expect((await api("POST", "/nodes/none/rewind", { all: true })).status).toBe(404);
		expect((await api("POST", `/nodes/${h.nodeId}/check`, { password: "x", url: "http://127.0.0.1:9/exim_1c" })).status).toBe(200);
		expect((await api("POST", `/nodes/${h.nodeId}/check`, { password: "" })).status).toBe(400);
		expect((await api("POST", "/nodes/none/check", { password: "x" })).status).toBe(404);
		// kept unmatched 1C documents
		const kept = (await (await api("GET", `/nodes/${h.nodeId}/unmatched?limit=1`)).json()) as Json;
		expect(kept.items.length).toBe(1);
		expect((await api("GET", `/nodes/${h.nodeId}/unmatched?cursor=-1`)).status).toBe(400);
		expect((await api("GET", "/nodes/none/unmatched")).status).toBe(404);
		expect((await api("POST", `/nodes/${h.nodeId}/unmatched/${kept.items[0].id}/attach`, {})).status).toBe(400);
		expect((await api("POST", `/nodes/${h.nodeId}/unmatched/${kept.items[0].id}/attach`, { orderId: "none" })).status).toBe(404);
		expect((await api("POST", `/nodes/${h.nodeId}/unmatched/${kept.items[0].id}/attach`, { orderId: "o3" })).status).toBe(200);
		// statuses
		expect((await api("PUT", "/statuses", { items: [{ code: "new", name: "Новый" }] })).status).toBe(200);
		expect((await api("PUT", "/statuses", { items: [{ code: "new" }, { code: "new" }] })).status).toBe(400);
		expect((await api("GET", "/statuses")).status).toBe(200);
		// deletion
		expect((await api("DELETE", "/orders/o3")).status).toBe(202);
		expect((await api("DELETE", "/orders/o3x")).status).toBe(404);
		expect((await api("DELETE", `/nodes/${node.id}`)).status).toBe(204);
		expect((await api("DELETE", `/nodes/${node.id}`)).status).toBe(404);
		// throttled token guesses (429) after 401s
		for (let i = 0; i < 12; i++)
			await checkAnswer("GET", "/nodes", await h.app.request("/api/v1/nodes", { headers: { Authorization: "Bearer x" } }));

		const missing = OPERATIONS.filter((op) => ![...seen].some((s) => s.startsWith(`${op.operationId} 2`))).map((op) => op.operationId);
		expect(missing).toEqual([]);
		for (const code of ["400", "401", "404", "409", "413", "422", "429"])
			expect(
				[...seen].some((s) => s.endsWith(` ${code}`)),
				code,
			).toBe(true);
	});

	it("PUT and GET of an order answer the same shape", async () => {
		const h = await createHarness();
		const put = (await (await h.putOrder({ id: "o1" })).json()) as Json;
		const got = (await (await h.api("GET", "/orders/o1")).json()) as Json;
		expect(put).toEqual(got);
		expect(got).toMatchObject({ id: "o1", revision: 1, oneC: null, exports: [{ nodeId: h.nodeId, assigned: false }] });
	});

	it("unknown /api/v1 routes and methods answer the JSON error envelope 404", async () => {
		const h = await createHarness();
		for (const [method, path] of [
			["GET", "/nope"],
			["POST", "/orders"],
			["GET", "/nodes/x/y/z"],
			["PATCH", "/orders/o1"],
		] as const) {
			const res = await h.api(method, path, method === "GET" ? undefined : {});
			expect(res.status, `${method} ${path}`).toBe(404);
			expect(res.headers.get("content-type")).toMatch(/application\/json/);
			expect(await res.json()).toEqual({ error: { code: "not_found", message: "no such endpoint" } });
		}
	});

	it("validation errors carry code, path and a message in the request's language (Accept-Language ru/en, default en)", async () => {
		const h = await createHarness();
		const put = (lang?: string) =>
			h.app.request("/api/v1/orders/o1", {
				method: "PUT",
				headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(lang ? { "Accept-Language": lang } : {}) },
				body: JSON.stringify({ ...sampleOrder("o1"), items: "none" }),
			});
		const en = ((await (await put()).json()) as Json).error;
		expect(en).toMatchObject({ code: "validation_failed", path: "items", issues: [{ code: "invalid_type", path: "items" }] });
		expect(en.message).toMatch(/^items: Invalid input: expected array/);
		const ru = ((await (await put("ru-RU,ru;q=0.9,en;q=0.8")).json()) as Json).error;
		expect(ru).toMatchObject({ code: "validation_failed", path: "items", issues: [{ code: "invalid_type", path: "items" }] });
		expect(ru.message).toMatch(/^items: .*[а-я]/);
		expect(((await (await put("en;q=0.9, ru;q=0.5")).json()) as Json).error.message).toBe(en.message);
		expect(((await (await put("de")).json()) as Json).error.message).toBe(en.message);
		// node settings: the path is prefixed, the message localised too
		const patch = await h.app.request(`/api/v1/nodes/${h.nodeId}`, {
			method: "PATCH",
			headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, "Accept-Language": "ru" },
			body: JSON.stringify({ settings: { batchSize: 0 } }),
		});
		const err = ((await patch.json()) as Json).error;
		expect(err).toMatchObject({
			code: "validation_failed",
			path: "settings.batchSize",
			issues: [{ code: "too_small", path: "settings.batchSize" }],
		});
		expect(err.message).toMatch(/[а-я]/);
	});

	it("pages with cursor in, nextCursor out everywhere; the old after/before params still work", async () => {
		const h = await createHarness();
		for (const id of ["o1", "o2", "o3"]) await h.putOrder({ id });
		const changes = (await (await h.api("GET", "/changes?limit=2")).json()) as Json;
		expect(changes.items).toHaveLength(2);
		const rest = (await (await h.api("GET", `/changes?cursor=${changes.nextCursor}`)).json()) as Json;
		expect(rest.items.map((i: Json) => i.orderId)).toEqual(["o3"]);
		expect(((await (await h.api("GET", `/changes?after=${changes.nextCursor}`)).json()) as Json).items).toEqual(rest.items);
		for (let i = 0; i < 3; i++) await h.text("type=sale&mode=checkauth");
		const j1 = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?limit=2`)).json()) as Json;
		expect(j1.items).toHaveLength(2);
		expect(typeof j1.nextCursor).toBe("string");
		const j2 = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?limit=2&cursor=${j1.nextCursor}`)).json()) as Json;
		expect(j2.items[0].id).toBeLessThan(j1.items[1].id);
		const legacy = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?limit=2&before=${j1.nextBefore}`)).json()) as Json;
		expect(legacy.items).toEqual(j2.items);
		const { cookie } = await h.login();
		const bytes = new TextEncoder().encode(oneCFile([{ number: "901" }, { number: "902" }]));
		await uploadAndImport(h, cookie, "u.xml", bytes, 1_000_000);
		const u1 = (await (await h.api("GET", `/nodes/${h.nodeId}/unmatched?limit=1`)).json()) as Json;
		const u2 = (await (await h.api("GET", `/nodes/${h.nodeId}/unmatched?limit=1&cursor=${u1.nextCursor}`)).json()) as Json;
		expect([u1.items[0].number, u2.items[0].number]).toEqual(["901", "902"]);
		const u2legacy = (await (await h.api("GET", `/nodes/${h.nodeId}/unmatched?limit=1&after=${u1.nextAfter}`)).json()) as Json;
		expect(u2legacy.items).toEqual(u2.items);
	});

	it("serves the API reference at /api/v1/docs without a token, referring to no external host; /admin links it", async () => {
		const h = await createHarness();
		const res = await h.app.request("/api/v1/docs");
		expect(res.status).toBe(200);
		expect(res.headers.get("content-type")).toMatch(/text\/html/);
		const html = await res.text();
		expect(html).toBe(API_DOCS_HTML);
		expect(html).toContain("openapi.json");
		// no absolute URL at all (no CDN, fonts or scripts from elsewhere), no external script or stylesheet
		expect(html.match(/\b(?:https?:)?\/\/[a-z0-9.-]+\.[a-z]{2,}/gi)).toBeNull();
		expect(html).not.toMatch(/<script[^>]+src=|<link[^>]+href=/i);
		const page = readFileSync(fileURLToPath(new URL("../../../widget/demo/admin.html", import.meta.url)), "utf8");
		expect(page).toContain('href="/api/v1/docs"');
	});
});
