import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { createClient } from "@libsql/client";
import { afterEach, describe, expect, it, vi } from "vitest";
import { type Connection, keepStatements, openLocalClient, STATEMENT_CACHE } from "./local-client.ts";

const dirs: string[] = [];
afterEach(() => {
	for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});
function dbFile(): string {
	const dir = mkdtempSync(join(tmpdir(), "obmen-local-client-"));
	dirs.push(dir);
	return join(dir, "x.db");
}

describe("keepStatements", () => {
	function fakeConnection() {
		// as libsql's statements: `reader` when it returns rows
		const prepare = vi.fn((sql: string) => ({ sql, reader: sql.startsWith("SELECT") }));
		return { db: keepStatements({ prepare } as unknown as Connection, 3), prepare };
	}

	it("prepares a SQL text once and returns the same statement after", () => {
		const { db, prepare } = fakeConnection();
		const a = db.prepare("INSERT 1");
		expect(db.prepare("INSERT 1")).toBe(a);
		expect(db.prepare("INSERT 2")).not.toBe(a);
		expect(prepare.mock.calls.map((c) => c[0])).toEqual(["INSERT 1", "INSERT 2"]);
	});

	it("prepares a statement that returns rows each time", () => {
		const { db, prepare } = fakeConnection();
		expect(db.prepare("SELECT 1")).not.toBe(db.prepare("SELECT 1"));
		expect(prepare).toHaveBeenCalledTimes(2);
	});

	it("keeps the most recently used statements and prepares a dropped one again", () => {
		const { db, prepare } = fakeConnection();
		for (const sql of ["A", "B", "C", "A", "D"]) db.prepare(sql); // D drops B, the least recently used
		prepare.mockClear();
		for (const sql of ["A", "C", "D"]) db.prepare(sql);
		expect(prepare).not.toHaveBeenCalled();
		db.prepare("B");
		expect(prepare.mock.calls.map((c) => c[0])).toEqual(["B"]);
	});

	it("wraps a connection once", () => {
		const { db, prepare } = fakeConnection();
		keepStatements(db, 3).prepare("A");
		db.prepare("A");
		expect(prepare).toHaveBeenCalledTimes(1);
	});
});

describe("openLocalClient (a real database)", () => {
	it("a reused statement binds new arguments, and is usable again after a constraint error", async () => {
		const c = openLocalClient(":memory:");
		await c.execute("CREATE TABLE t (a INTEGER PRIMARY KEY, b TEXT UNIQUE)");
		const insert = "INSERT INTO t (a, b) VALUES (?, ?)";
		await c.execute({ sql: insert, args: [1, "x"] });
		await expect(c.execute({ sql: insert, args: [2, "x"] })).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
		await c.execute({ sql: insert, args: [3, "y"] });
		const select = "SELECT a, b FROM t WHERE a >= ? ORDER BY a";
		expect((await c.execute({ sql: select, args: [0] })).rows.map((r) => [r.a, r.b])).toEqual([
			[1, "x"],
			[3, "y"],
		]);
		expect((await c.execute({ sql: select, args: [2] })).rows.map((r) => r.b)).toEqual(["y"]);
		c.close();
	});

	it("a batch that fails half-way rolls back, and its statements work in the next batch", async () => {
		const c = openLocalClient(":memory:");
		await c.execute("CREATE TABLE t (a INTEGER PRIMARY KEY)");
		const insert = "INSERT INTO t (a) VALUES (?)";
		await expect(
			c.batch(
				[
					{ sql: insert, args: [1] },
					{ sql: insert, args: [1] },
				],
				"write",
			),
		).rejects.toMatchObject({ code: "SQLITE_CONSTRAINT" });
		await c.batch([{ sql: insert, args: [1] }], "write");
		expect((await c.execute("SELECT count(*) AS n FROM t")).rows[0]?.n).toBe(1);
		c.close();
	});

	it("a statement on a table dropped and created again is prepared again against the new table", async () => {
		const c = openLocalClient(":memory:");
		await c.execute("CREATE TEMP TABLE s (x)");
		const insert = "INSERT INTO s VALUES (?)";
		await c.execute({ sql: insert, args: [1] });
		await c.execute("DROP TABLE s");
		await c.execute("CREATE TEMP TABLE s (x, y DEFAULT 'new')");
		await c.execute({ sql: insert.replace("s VALUES", "s (x) VALUES"), args: [2] });
		await expect(c.execute({ sql: insert, args: [3] })).rejects.toThrow(/2 columns but 1 values/);
		expect((await c.execute("SELECT x, y FROM s")).rows.map((r) => [r.x, r.y])).toEqual([[2, "new"]]);
		c.close();
	});

	it("rows come with the columns their table has now, after it changed since a statement on it was kept", async () => {
		const c = openLocalClient(":memory:");
		await c.execute("CREATE TABLE s (x)");
		const insert = "INSERT INTO s (x) VALUES (?)";
		await c.execute({ sql: insert, args: [1] });
		expect((await c.execute("SELECT * FROM s")).rows.map((r) => ({ ...r }))).toEqual([{ x: 1 }]);
		await c.execute("ALTER TABLE s ADD y DEFAULT 'new'");
		await c.execute({ sql: insert, args: [2] });
		expect((await c.execute("SELECT * FROM s")).rows.map((r) => ({ ...r }))).toEqual([
			{ x: 1, y: "new" },
			{ x: 2, y: "new" },
		]);
		c.close();
	});

	it("a finished read keeps no snapshot: another connection's write is seen and the WAL can be truncated", async () => {
		const file = dbFile();
		const c = openLocalClient(file, { timeout: 1000 });
		await c.execute("PRAGMA journal_mode = WAL");
		await c.execute("CREATE TABLE t (a INTEGER)");
		const count = "SELECT count(*) AS n FROM t";
		expect((await c.execute(count)).rows[0]?.n).toBe(0);
		const other = createClient({ url: `file:${file}` });
		await other.execute("INSERT INTO t VALUES (1)");
		expect((await c.execute(count)).rows[0]?.n).toBe(1);
		// TRUNCATE is refused (busy = 1) while any connection holds a read snapshot
		const cp = await other.execute("PRAGMA wal_checkpoint(TRUNCATE)");
		expect(cp.rows[0]?.[0]).toBe(0);
		other.close();
		c.close();
	});

	it("more distinct statements than it keeps still run", async () => {
		const c = openLocalClient(":memory:");
		let sum = 0;
		for (let i = 0; i < STATEMENT_CACHE + 20; i++) sum += Number((await c.execute(`SELECT ${i} AS v`)).rows[0]?.v);
		expect(sum).toBe(((STATEMENT_CACHE + 20) * (STATEMENT_CACHE + 19)) / 2);
		c.close();
	});

	it("an in-memory database keeps its tables across calls; a file that cannot be opened fails at once", async () => {
		const c = openLocalClient(":memory:");
		await c.execute("CREATE TABLE t (a)");
		await c.execute("INSERT INTO t VALUES (1)");
		expect((await c.execute("SELECT a FROM t")).rows[0]?.a).toBe(1);
		c.close();
		expect(() => openLocalClient(join(dbFile(), "missing-dir", "x.db"))).toThrow();
	});
});
