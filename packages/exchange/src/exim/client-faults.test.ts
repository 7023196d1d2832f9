/**
 * Nothing a client sends to `/exim_1c` is a server error: random modes, names, sessids, methods, cookies, credentials
 * and bodies always get a protocol reply (200, or 401 without credentials), never a 5xx, and never reach `onError`.
 */

import { basic, createHarness, LOGIN, PASSWORD } from "@obmen/testing/harness";
import fc from "fast-check";
import { describe, expect, it } from "vitest";

const MODES = ["checkauth", "init", "query", "success", "file", "import", "info", "complete", "deactivate", "", "__proto__", "FILE"];
const NAMES = ["orders-1.xml", "v8_3B8F_3e.zip", "../x.xml", "%00.xml", "a\\b.xml", "", "%E0%A4", "con.xml", "x".repeat(300)];
const BODIES = [
	"",
	'<?xml version="1.0"?><КоммерческаяИнформация ВерсияСхемы="2.07"></КоммерческаяИнформация>',
	'<?xml version="1.0"?><КоммерческаяИнформация><Документ><Номер>1',
	"PK\u0003\u0004garbage",
	'<!DOCTYPE x [<!ENTITY a "b">]><x>&a;</x>',
	"\u0000\u0001\u0002",
];

describe("client faults never become server errors", () => {
	it("random requests: no 5xx, no onError", async () => {
		const errors: unknown[] = [];
		const h = await createHarness({ onError: (e) => errors.push(e), limits: { importSliceMs: 50 } });
		const s = await h.login();
		const enc = (v: string) => v.replace(/[^\w.%\\/-]/g, (ch) => encodeURIComponent(ch));
		await fc.assert(
			fc.asyncProperty(
				fc.record({
					type: fc.constantFrom("sale", "catalog", "", "x"),
					mode: fc.constantFrom(...MODES),
					name: fc.constantFrom(...NAMES),
					sessid: fc.constantFrom(undefined, s.sessid, "bad", "%E0"),
					cookie: fc.constantFrom(s.cookie, null, "obmen_session=nope", `${s.cookie}; obmen_session=other`),
					auth: fc.constantFrom(basic(), basic(LOGIN, "wrong"), null, "Basic !!!", `${basic(LOGIN, PASSWORD)}x`),
					method: fc.constantFrom("GET", "POST", "PUT", "DELETE"),
					body: fc.constantFrom(...BODIES),
					ip: fc.constantFrom("10.9.0.1", "10.9.0.2", "10.9.0.3"),
				}),
				async (q) => {
					const sessid = q.sessid === undefined ? "" : `&sessid=${q.sessid}`;
					const query = `type=${q.type}&mode=${enc(q.mode)}&filename=${enc(q.name)}${sessid}`;
					const hasBody = q.method !== "GET";
					const res = await h.exim(query, {
						cookie: q.cookie,
						auth: q.auth,
						method: q.method,
						ip: q.ip,
						...(hasBody ? { body: q.body } : {}),
					});
					expect(res.status, query).toBeLessThan(500);
					const text = await res.text();
					expect(text.length, query).toBeGreaterThan(0);
					if (res.headers.get("content-type")?.startsWith("text/plain")) expect(text, query).toMatch(/^(success|failure|progress|zip=)/);
				},
			),
			{ numRuns: 300 },
		);
		expect(errors).toEqual([]);
	});
});
