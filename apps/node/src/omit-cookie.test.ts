/**
 * A 1C client whose cookie never arrives (a broken cookie path) still exchanges: it sends Basic credentials and
 * `sessid` on every request, and the server serves them as the `checkauth` session of that node (issue 3:
 * "sessid validated when present, never required" — and, without the cookie, sessid + Basic identify the session).
 */
import { parseOrder } from "@obmen/core";
import { openDb } from "@obmen/db/node";
import { Infobase, sync } from "@obmen/emulator";
import { createExchangeApp, defaultSettings, hashPassword, NodeSettingsSchema } from "@obmen/exchange";
import { describe, expect, it } from "vitest";

const LOGIN = "ut";
const PASSWORD = "pass-1";

describe("emulator --omit-cookie against the real exchange app", () => {
	it("query, success, init, file and import all succeed with Basic + sessid only; the payment lands", async () => {
		const { store } = await openDb(":memory:");
		const at = "2026-11-28T09:00:00.000Z";
		await store.createNode({
			id: "node-1",
			name: "default",
			login: LOGIN,
			passwordHash: await hashPassword(PASSWORD, 1000),
			settings: NodeSettingsSchema.parse(defaultSettings()),
			createdAt: at,
			updatedAt: at,
		});
		await store.upsertOrder(
			parseOrder({
				id: "o-1042",
				number: "1042",
				createdAt: "2026-11-27T10:00:00+03:00",
				status: "new",
				customer: { name: "ООО «Вектор»", inn: "7701234567", kpp: "770101001", type: "company" },
				items: [{ productId: "p1", name: "Стол", quantity: 1, price: "1500.00" }],
			}),
			at,
		);
		const app = createExchangeApp({ store, passwordIterations: 1000 });
		const cookies: (string | null)[] = [];
		const replies: string[] = [];
		const r = await sync("ut11", {
			url: "http://obmen.test/exim_1c",
			login: LOGIN,
			password: PASSWORD,
			infobase: new Infobase(),
			faults: { omitCookie: true },
			beforeUpload: (b) => b.pay("1042"),
			fetch: async (input, init) => {
				const req = new Request(input, init);
				cookies.push(req.headers.get("cookie"));
				const res = await app.fetch(req);
				const url = new URL(req.url);
				if (!res.headers.get("content-type")?.includes("xml")) replies.push(`${url.searchParams.get("mode")}: ${await res.clone().text()}`);
				else replies.push(`${url.searchParams.get("mode")}: xml`);
				return res;
			},
		});
		expect(cookies.every((c) => c === null)).toBe(true);
		expect(r.deviations).toEqual([]);
		expect(r.ok).toBe(true);
		const byMode = (m: string) => replies.filter((x) => x.startsWith(`${m}: `));
		expect(byMode("query")).toEqual(["query: xml"]);
		for (const m of ["success", "init", "file", "import"]) {
			expect(byMode(m).length, m).toBeGreaterThan(0);
			expect(
				byMode(m).every((x) => !x.includes("failure")),
				`${m}: ${byMode(m).join(" | ")}`,
			).toBe(true);
		}
		expect(byMode("import").at(-1)).toMatch(/^import: success/);
		// success acknowledged the query batch (the order is not sent again) and the payment was applied
		expect((await store.selectExport("node-1", { statuses: [], fromNumber: null, limit: 10 })).map((c) => c.order.id)).toEqual([]);
		expect((await store.getOrder("o-1042"))?.oneC).toMatchObject({ paid: true });
		await store.idle();
		store.close();
	});
});
