import { createClient } from "@libsql/client";
import { describe, expect, it } from "vitest";
import { rowInserts, SQLITE_MAX_PARAMETERS } from "./json-rows.ts";

describe("rowInserts", () => {
	it("packs rows into one JSON argument per statement: ≤ 100 rows and bounded text each, SQLite types and order kept", async () => {
		const rows = Array.from({ length: 250 }, (_, i) => [`k${i}`, i, i % 2 ? null : "007", 1.5]);
		const stmts = rowInserts("INSERT OR IGNORE INTO t (k, n, s, r)", 4, rows);
		expect(stmts.map((s) => (typeof s === "string" ? 0 : s.args?.length))).toEqual([1, 1, 1]);
		const db = createClient({ url: ":memory:" });
		await db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, s TEXT, r REAL)");
		// a duplicate key later in the list is ignored: rows go in in the order given
		await db.batch([...stmts, ...rowInserts("INSERT OR IGNORE INTO t (k, n, s, r)", 4, [["k0", 99, "dup", 0]])], "write");
		const rs = await db.execute("SELECT k, n, s, r, typeof(n) AS tn, typeof(s) AS ts FROM t ORDER BY n");
		expect(rs.rows).toHaveLength(250);
		expect(rs.rows.slice(0, 2).map((r) => [r.k, r.n, r.s, r.r, r.tn, r.ts])).toEqual([
			["k0", 0, "007", 1.5, "integer", "text"],
			["k1", 1, null, 1.5, "integer", "null"],
		]);
		// big rows (JSON rows under a limit below 100 parameters): split by text size, a row larger than the bound alone
		const big = rowInserts("INSERT INTO t (k)", 1, [["a".repeat(200_000)], ["b".repeat(200_000)], ["c".repeat(600_000)], ["d"]], 99);
		const rowsIn = (s: (typeof big)[number]) => (typeof s === "string" ? 0 : JSON.parse(String((s.args as unknown[])[0])).length);
		expect(big.map(rowsIn)).toEqual([2, 1, 1]);
		expect(rowInserts("INSERT INTO t (k)", 1, [])).toEqual([]);
		db.close();
	});

	it("binds each value in VALUES lists of ≤ 100 rows when the engine takes that many parameters, with the same rows, types and order", async () => {
		const rows = Array.from({ length: 250 }, (_, i) => [`k${i}`, i, i % 2 ? null : "007", 1.5]);
		const head = "INSERT OR IGNORE INTO t (k, n, s, r)";
		const stmts = rowInserts(head, 4, rows, SQLITE_MAX_PARAMETERS);
		expect(stmts.map((s) => (typeof s === "string" ? 0 : s.args?.length))).toEqual([400, 400, 200]);
		// a width whose 100 rows exceed the limit falls back to JSON rows
		expect(rowInserts(head, 4, rows, 399).map((s) => (typeof s === "string" ? 0 : s.args?.length))).toEqual([1, 1, 1]);
		const db = createClient({ url: ":memory:" });
		await db.execute("CREATE TABLE t (k TEXT PRIMARY KEY, n INTEGER, s TEXT, r REAL)");
		await db.batch([...stmts, ...rowInserts(head, 4, [["k0", 99, "dup", 0]], SQLITE_MAX_PARAMETERS)], "write");
		const rs = await db.execute("SELECT k, n, s, r, typeof(n) AS tn, typeof(s) AS ts FROM t ORDER BY n");
		expect(rs.rows).toHaveLength(250);
		expect(rs.rows.slice(0, 2).map((r) => [r.k, r.n, r.s, r.r, r.tn, r.ts])).toEqual([
			["k0", 0, "007", 1.5, "integer", "text"],
			["k1", 1, null, 1.5, "integer", "null"],
		]);
		expect(rowInserts(head, 4, [], SQLITE_MAX_PARAMETERS)).toEqual([]);
		// big rows: split by their characters too, a row larger than the bound alone in its statement
		const big = rowInserts(
			"INSERT INTO t (k)",
			1,
			[["a".repeat(200_000)], ["b".repeat(200_000)], ["c".repeat(600_000)], ["d"]],
			SQLITE_MAX_PARAMETERS,
		);
		expect(big.map((s) => (typeof s === "string" ? 0 : s.args?.length))).toEqual([2, 1, 1]);
		db.close();
	});
});
