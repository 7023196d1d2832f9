/**
 * The Hrana shim against the real consumer: @libsql/client's HTTP client, running inside workerd like the worker's own
 * database client, plus raw `/v2/pipeline` calls for the requests @libsql/client does not send on its own.
 */
import { createClient, type LibsqlError } from "@libsql/client/web";
import { describe, expect, inject, it } from "vitest";

const url = inject("shimDbUrl");
const client = (intMode: "number" | "bigint" = "number") => createClient({ url, authToken: "shim-token", intMode });

async function pipeline(body: unknown, path = "/v2/pipeline"): Promise<{ status: number; json: Record<string, unknown> }> {
	const res = await fetch(`${url}${path}`, {
		method: "POST",
		headers: { Authorization: "Bearer shim-token", "Content-Type": "application/json" },
		body: JSON.stringify(body),
	});
	return { status: res.status, json: (await res.json()) as Record<string, unknown> };
}

describe("Hrana shim via @libsql/client (http)", () => {
	it("round-trips every value type with declared column types, row counts and rowids", async () => {
		const c = client("bigint");
		await c.execute("CREATE TABLE vals (id INTEGER PRIMARY KEY, i INTEGER, f REAL, t TEXT, b BLOB, n TEXT)");
		const big = 2n ** 53n + 1n;
		const ins = await c.execute({
			sql: "INSERT INTO vals (i, f, t, b, n) VALUES (?, ?, ?, ?, NULL)",
			args: [big, 2.0, "Заказ «1»", new Uint8Array([0, 255, 7])],
		});
		expect(ins.rowsAffected).toBe(1);
		expect(ins.lastInsertRowid).toBe(1n);
		const rs = await c.execute("SELECT i, f, t, b, n FROM vals");
		expect(rs.columns).toEqual(["i", "f", "t", "b", "n"]);
		expect(rs.columnTypes).toEqual(["INTEGER", "REAL", "TEXT", "BLOB", "TEXT"]);
		const row = rs.rows[0];
		expect(row?.i).toBe(big);
		expect(row?.f).toBe(2);
		expect(row?.t).toBe("Заказ «1»");
		expect([...new Uint8Array(row?.b as ArrayBuffer)]).toEqual([0, 255, 7]);
		expect(row?.n).toBeNull();
		const named = await c.execute({ sql: "SELECT :a || $b AS s", args: { a: "x", b: "y" } });
		expect(named.rows[0]?.s).toBe("xy");
		const upd = await c.execute("UPDATE vals SET t = 'x' RETURNING id");
		expect(upd.rowsAffected).toBe(1);
		expect((await c.execute("SELECT 1")).rowsAffected).toBe(0);
		c.close();
	});

	it("runs a write batch atomically and reports the failing statement's SQLite code", async () => {
		const c = client();
		await c.execute("CREATE TABLE u (id INTEGER PRIMARY KEY, v TEXT)");
		await c.batch([{ sql: "INSERT INTO u VALUES (1, 'a')", args: [] }, "INSERT INTO u VALUES (2, 'b')"], "write");
		const err = (await c
			.batch(["INSERT INTO u VALUES (3, 'c')", "INSERT INTO u VALUES (1, 'dup')"], "write")
			.catch((e: unknown) => e)) as LibsqlError;
		expect(err.code).toBe("SQLITE_CONSTRAINT_PRIMARYKEY");
		expect((await c.execute("SELECT count(*) AS n FROM u")).rows[0]?.n).toBe(2);
		await c.executeMultiple("CREATE TABLE seq (a); INSERT INTO seq VALUES (1); INSERT INTO seq VALUES (2);");
		expect((await c.execute("SELECT sum(a) AS s FROM seq")).rows[0]?.s).toBe(3);
		c.close();
	});

	it("keeps an interactive transaction on its own connection; others wait for it, then see only committed rows", async () => {
		const c = client();
		await c.execute("CREATE TABLE tx (v TEXT)");
		const tx = await c.transaction("write");
		await tx.execute("INSERT INTO tx VALUES ('rolled back')");
		const reader = client();
		const waiting = reader.execute("SELECT count(*) AS n FROM tx");
		await tx.execute("INSERT INTO tx VALUES ('also rolled back')");
		await tx.rollback();
		expect((await waiting).rows[0]?.n).toBe(0);
		const tx2 = await c.transaction("write");
		await tx2.execute("INSERT INTO tx VALUES ('kept')");
		await tx2.commit();
		expect((await reader.execute("SELECT v FROM tx")).rows.map((r) => r.v)).toEqual(["kept"]);
		c.close();
		reader.close();
	});

	it("rolls back a transaction whose client vanished once its baton expires", async () => {
		const c = client();
		await c.execute("CREATE TABLE gone (v TEXT)");
		const tx = await c.transaction("write");
		await tx.execute("INSERT INTO gone VALUES ('abandoned')");
		// never committed: the next writer waits for the idle timeout (1 s in globalSetup), then proceeds
		const other = client();
		await other.execute("INSERT INTO gone VALUES ('after')");
		expect((await other.execute("SELECT v FROM gone")).rows.map((r) => r.v)).toEqual(["after"]);
		other.close();
		c.close();
	});

	it("refuses a wrong token", async () => {
		const c = createClient({ url, authToken: "nope" });
		await expect(c.execute("SELECT 1")).rejects.toThrow(/401|Unauthorized/);
		c.close();
	});
});

describe("Hrana shim wire format (raw pipeline)", () => {
	it("evaluates batch conditions, stored SQL, describe and autocommit on one baton-carried stream", async () => {
		const first = await pipeline({
			baton: null,
			requests: [
				{ type: "store_sql", sql_id: 7, sql: "SELECT ? + 1 AS n" },
				{
					type: "batch",
					batch: {
						steps: [
							{ stmt: { sql: "BEGIN" } },
							{ condition: { type: "ok", step: 0 }, stmt: { sql_id: 7, args: [{ type: "integer", value: "41" }], want_rows: true } },
							{ condition: { type: "error", step: 1 }, stmt: { sql: "SELECT 'skipped'" } },
							{ stmt: { sql: "SELECT * FROM no_such_table" } },
							{
								condition: {
									type: "and",
									conds: [
										{ type: "error", step: 3 },
										{ type: "not", cond: { type: "is_autocommit" } },
									],
								},
								stmt: { sql: "SELECT 'ran'" },
							},
							{
								condition: { type: "or", conds: [{ type: "ok", step: 2 }, { type: "is_autocommit" }] },
								stmt: { sql: "SELECT 'skipped too'" },
							},
						],
					},
				},
				{ type: "get_autocommit" },
				{ type: "describe", sql: "SELECT :x AS a, 2 AS b" },
				{ type: "close_sql", sql_id: 7 },
				{ type: "execute", stmt: { sql_id: 7 } },
				{ type: "nonsense" },
			],
		});
		expect(first.status).toBe(200);
		const results = first.json.results as { type: string; response?: Record<string, unknown>; error?: { message: string } }[];
		expect(results.map((r) => r.type)).toEqual(["ok", "ok", "ok", "ok", "ok", "error", "error"]);
		const batch = results[1]?.response?.result as { step_results: ({ rows: unknown[][] } | null)[]; step_errors: (object | null)[] };
		expect(batch.step_results.map((r) => r !== null)).toEqual([true, true, false, false, true, false]);
		expect(batch.step_errors.map((e) => e !== null)).toEqual([false, false, false, true, false, false]);
		expect(batch.step_results[1]?.rows).toEqual([[{ type: "integer", value: "42" }]]);
		expect(results[2]?.response).toEqual({ type: "get_autocommit", is_autocommit: false });
		expect(results[3]?.response?.result).toMatchObject({
			params: [{ name: ":x" }],
			cols: [{ name: "a" }, { name: "b" }],
			is_explain: false,
			is_readonly: true,
		});
		expect(typeof first.json.baton).toBe("string");

		const second = await pipeline(
			{
				baton: first.json.baton,
				requests: [{ type: "execute", stmt: { sql: "ROLLBACK" } }, { type: "get_autocommit" }, { type: "close" }],
			},
			"/v3/pipeline",
		);
		const r2 = second.json.results as { response: Record<string, unknown> }[];
		expect(r2[1]?.response).toEqual({ type: "get_autocommit", is_autocommit: true });
		expect(second.json.baton).toBeNull();

		const stale = await pipeline({ baton: first.json.baton, requests: [{ type: "close" }] });
		expect(stale.status).toBe(400);
		expect(stale.json.message).toMatch(/baton/);
	});
});

describe("Hrana shim robustness", () => {
	it("answers argument shapes the native driver cannot bind with an error instead of crashing", async () => {
		const r = await pipeline({
			baton: null,
			requests: [
				{ type: "execute", stmt: { sql: "SELECT ?", named_args: [{ name: "1", value: { type: "text", value: "x" } }] } },
				{ type: "execute", stmt: { sql: "SELECT ?, :a", args: [{ type: "null" }], named_args: [{ name: "a", value: { type: "null" } }] } },
				{ type: "execute", stmt: { sql: "SELECT 'still alive' AS s" } },
				{ type: "close" },
			],
		});
		const results = r.json.results as { type: string; error?: { code: string } }[];
		expect(results.map((x) => x.type)).toEqual(["error", "error", "ok", "ok"]);
		expect(results[0]?.error?.code).toBe("ARGS_INVALID");
	});
});
