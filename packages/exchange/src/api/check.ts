/**
 * @module
 * Admin API: `POST /api/v1/nodes/{id}/check` — a side-effect-free emulated 1C exchange against the node's
 * public exchange URL (or `url`), run by the server over the real network path (proxy, HTTPS, Basic auth, cookies),
 * before 1C is configured: the challenge without credentials, `checkauth`, `init`, and the `query` preview (Basic
 * credentials, no session: nothing is recorded as sent). The password is needed because only its hash is stored.
 */
import type { Hono } from "hono";
import type { z } from "zod";
import type { ResolvedOptions } from "../options.ts";
import { jsonBody, parseWith } from "./errors.ts";
import { requireNode } from "./nodes.ts";
import { CheckBodySchema, type CheckStepSchema } from "./schemas.ts";

/**
 * One step of the check: `ok`, and a short machine-readable `code` when it failed (the widget explains it); `detail` is
 * what the server answered (first line, or the number of orders the preview holds). Shape: `CheckStepSchema`.
 */
export type CheckStep = z.output<typeof CheckStepSchema>;

/** @internal */
export function registerCheck(api: Hono, o: ResolvedOptions): void {
	api.post("/nodes/:id/check", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const input = parseWith(c, CheckBodySchema, await jsonBody(c, o.limits.maxApiBodyBytes));
		const base = input.url ?? new URL("/exim_1c", c.req.url).href;
		const auth = `Basic ${btoa(String.fromCharCode(...new TextEncoder().encode(`${node.login}:${input.password}`)))}`;
		const steps: CheckStep[] = [];
		const call = async (query: string, headers: Record<string, string>) => {
			try {
				const res = await o.fetch(`${base}?${query}`, { headers, signal: AbortSignal.timeout(o.webhookTimeoutMs) });
				return { res, text: res.headers.get("content-type")?.includes("xml") ? null : await res.text() };
			} catch (e) {
				return { error: e instanceof Error ? e.message : String(e) };
			}
		};
		const run = async (): Promise<void> => {
			const reach = await call("type=sale&mode=checkauth", {});
			if ("error" in reach) return void steps.push({ step: "reach", ok: false, status: null, code: "network", detail: reach.error ?? "" });
			const challenged = reach.res.status === 401 && /basic/i.test(reach.res.headers.get("www-authenticate") ?? "");
			steps.push({
				step: "reach",
				ok: challenged,
				status: reach.res.status,
				code: challenged ? null : reach.res.status === 401 ? "no_challenge" : `http_${reach.res.status}`,
				detail: (reach.text ?? "").split("\n", 1)[0] ?? "",
			});
			if (!challenged) return;
			const login = await call("type=sale&mode=checkauth", { Authorization: auth });
			if ("error" in login)
				return void steps.push({ step: "checkauth", ok: false, status: null, code: "network", detail: login.error ?? "" });
			const lines = (login.text ?? "").split("\n");
			const loggedIn = lines[0] === "success" && Boolean(lines[1] && lines[2]);
			steps.push({
				step: "checkauth",
				ok: loggedIn,
				status: login.res.status,
				code: loggedIn ? null : lines[0] === "failure" ? "auth_failed" : "bad_reply",
				detail: lines[0] === "success" ? "success" : (lines.slice(0, 2).join(" ") ?? ""),
			});
			if (!loggedIn) return;
			const cookie = `${lines[1]}=${lines[2]}`;
			const init = await call("type=sale&mode=init", { Authorization: auth, Cookie: cookie });
			if ("error" in init) return void steps.push({ step: "init", ok: false, status: null, code: "network", detail: init.error ?? "" });
			const initLines = (init.text ?? "").split("\n");
			const initOk = /^zip=(yes|no)$/.test(initLines[0] ?? "") && /^file_limit=\d+$/.test(initLines[1] ?? "");
			steps.push({
				step: "init",
				ok: initOk,
				status: init.res.status,
				code: initOk ? null : initLines[0] === "failure" ? "no_cookie" : "bad_reply",
				detail: initLines.slice(0, 2).join(" "),
			});
			if (!initOk) return;
			// the preview: Basic credentials and no session, so nothing is recorded as sent
			const query = await call("type=sale&mode=query", { Authorization: auth });
			if ("error" in query) return void steps.push({ step: "query", ok: false, status: null, code: "network", detail: query.error ?? "" });
			const xml = query.text === null;
			const body = xml ? new TextDecoder("windows-1251").decode(await query.res.arrayBuffer()) : "";
			steps.push({
				step: "query",
				ok: xml && body.includes("КоммерческаяИнформация"),
				status: query.res.status,
				code: xml ? null : "not_xml",
				detail: xml ? String((body.match(/<Документ>/g) ?? []).length) : ((query.text ?? "").split("\n", 1)[0] ?? ""),
			});
		};
		await run();
		return c.json({ url: base, ok: steps.length === 4 && steps.every((s) => s.ok), steps });
	});
}
