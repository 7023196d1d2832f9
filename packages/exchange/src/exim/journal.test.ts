/**
 * Issue 9 item 1 (journal disk fill): unauthenticated traffic is counted per address per minute, every stored field is
 * capped, old rows are pruned by `journalDays` in small batches from the request path, and a full disk answers a
 * clear `failure` and recovers by itself once space returns.
 */
import { JOURNAL_ERROR_MAX, JOURNAL_FIELD_MAX } from "@obmen/db";
import { basic, createHarness, type Harness, LOGIN } from "@obmen/testing/harness";
import { journalEntry } from "@obmen/testing/rows";
import { describe, expect, it, vi } from "vitest";
import { PRUNE_BATCH, PRUNE_INTERVAL_MS } from "./journal.ts";
import { DISK_FULL } from "./replies.ts";

const journalRows = async (h: Harness) => {
	await h.store.idle();
	return (await h.client.execute("SELECT * FROM journal ORDER BY id")).rows;
};
const MIN = 60_000;
const DAY = 86_400_000;

describe("journal: unauthenticated traffic cannot fill the disk", () => {
	it("3,000 requests with a 4,000-byte type from one address add one row per minute, fields capped", async () => {
		const h = await createHarness();
		const longType = "t".repeat(4000);
		for (let i = 0; i < 3000; i += 100) {
			await Promise.all(
				Array.from({ length: 100 }, (_, k) =>
					h.exim(`type=${longType}&mode=${"m".repeat(4000)}&filename=${"f".repeat(4000)}&i=${i + k}`, { auth: null, ip: "203.0.113.9" }),
				),
			);
		}
		let rows = await journalRows(h);
		expect(rows).toHaveLength(1);
		expect(rows[0]).toMatchObject({ ip: "203.0.113.9", count: 3000, node_id: null, reply: "failure" });
		expect(String(rows[0]?.type).length).toBe(JOURNAL_FIELD_MAX);
		expect(String(rows[0]?.mode).length).toBe(JOURNAL_FIELD_MAX);
		expect(String(rows[0]?.error).length).toBeLessThanOrEqual(JOURNAL_ERROR_MAX);
		// another address, another row; the next minute, another row per address
		await h.exim("type=sale&mode=query", { auth: null, ip: "198.51.100.1" });
		h.clock.advance(MIN);
		await h.exim("type=sale&mode=init", { auth: null, ip: "203.0.113.9" });
		rows = await journalRows(h);
		expect(rows.map((r) => [r.ip, r.count])).toEqual([
			["203.0.113.9", 3000],
			["198.51.100.1", 1],
			["203.0.113.9", 1],
		]);
	});

	it("wrong passwords for a node's login are counted in the node's journal (visible through the API)", async () => {
		const h = await createHarness();
		for (let i = 0; i < 25; i++) await h.exim("type=sale&mode=checkauth", { auth: basic(LOGIN, `guess-${i}`), ip: "192.0.2.66" });
		await h.exim("type=sale&mode=checkauth", { auth: basic("nobody", "x"), ip: "192.0.2.66" });
		const j = (await (await h.api("GET", `/nodes/${h.nodeId}/journal?limit=10`)).json()) as { items: Record<string, unknown>[] };
		expect(j.items).toHaveLength(1);
		expect(j.items[0]).toMatchObject({ ip: "192.0.2.66", count: 25, reply: "failure" });
		expect(String(j.items[0]?.error)).toMatch(/Слишком много/); // the latest: throttled
		expect(await journalRows(h)).toHaveLength(2); // plus the unknown login's row (no node)
	});

	it("an authenticated request is journalled on its own row, with every field capped", async () => {
		const h = await createHarness();
		const { cookie } = await h.login();
		await h.exim(`type=sale&mode=${"x".repeat(5000)}`, { cookie, auth: null });
		await h.exim(`type=sale&mode=file&filename=${"a".repeat(3000)}.xml`, { cookie, auth: null, body: "<x/>" });
		const rows = await journalRows(h);
		expect(rows).toHaveLength(3); // checkauth, unknown mode, file
		for (const r of rows) {
			expect(r.count).toBe(1);
			for (const col of ["type", "mode", "filename", "reply", "session"])
				expect(String(r[col] ?? "").length).toBeLessThanOrEqual(JOURNAL_FIELD_MAX);
			expect(String(r.error ?? "").length).toBeLessThanOrEqual(JOURNAL_ERROR_MAX);
		}
		expect(String(rows[1]?.mode).length).toBe(JOURNAL_FIELD_MAX);
		expect(String(rows[1]?.error)).toMatch(/^Unknown mode: x+$/);
	});
});

describe("journal retention", () => {
	it("rows older than journalDays go in batches, from the request path at most once per interval", async () => {
		const h = await createHarness({ settings: { journalDays: 10 } });
		const now = h.clock.now().getTime();
		const entry = (at: number, nodeId: string | null) => journalEntry(nodeId, new Date(at).toISOString(), { reply: "xml" });
		const old = PRUNE_BATCH * 2 + 7;
		await Promise.all(Array.from({ length: old }, (_, i) => h.store.addJournal(entry(now - 11 * DAY - i, h.nodeId))));
		await h.store.addJournal(entry(now - 9 * DAY, h.nodeId)); // within journalDays: kept
		await h.store.addJournal(entry(now - 8 * DAY, null)); // rows of no node: 7 days
		await h.store.addJournal(entry(now - 6 * DAY, null));
		const prune = vi.spyOn(h.store, "pruneJournal");
		// unauthenticated requests never start a retention run
		await h.exim("type=sale&mode=init", { auth: null });
		expect(prune).not.toHaveBeenCalled();
		await h.login();
		await vi.waitFor(async () => expect((await journalRows(h)).length).toBe(4), { timeout: 5000 });
		// batches of PRUNE_BATCH: three for the node (500, 500, 7), one for the rows of no node
		expect(prune.mock.calls.filter(([n]) => n === h.nodeId)).toHaveLength(3);
		const kept = await journalRows(h);
		expect(kept.map((r) => String(r.at).slice(0, 10))).toEqual([
			new Date(now - 9 * DAY).toISOString().slice(0, 10),
			new Date(now - 6 * DAY).toISOString().slice(0, 10),
			new Date(now).toISOString().slice(0, 10),
			new Date(now).toISOString().slice(0, 10),
		]);
		const calls = prune.mock.calls.length;
		h.clock.advance(PRUNE_INTERVAL_MS - 1);
		await h.login();
		await h.store.idle();
		expect(prune.mock.calls.length).toBe(calls);
		h.clock.advance(1);
		await h.login();
		await vi.waitFor(() => expect(prune.mock.calls.length).toBeGreaterThan(calls), { timeout: 5000 });
	});
});

describe("journal: a full disk", () => {
	// a real SQLITE_FULL: the in-memory database is capped with PRAGMA max_page_count (per connection, so this needs the
	// single connection of `:memory:`), then the cap is lifted as if space had been freed
	it("answers a failure naming the cause, changes nothing, and recovers by itself when space returns", async () => {
		const h = await createHarness({ url: ":memory:" });
		const { cookie } = await h.login();
		expect(await h.text("type=sale&mode=init", { cookie, auth: null })).toMatch(/^zip=/);
		const pages = Number((await h.client.execute("PRAGMA page_count")).rows[0]?.[0]);
		await h.client.execute(`PRAGMA max_page_count = ${pages}`);
		const big = new Uint8Array(256 * 1024).fill(65);
		const full = await h.text("type=sale&mode=file&filename=orders.xml", { cookie, auth: null, body: big });
		expect(full).toBe(`failure\n${DISK_FULL}\n`);
		// nothing of it was stored
		expect((await h.client.execute("SELECT count(*) AS n FROM upload_chunks")).rows[0]?.n).toBe(0);
		// every further write keeps failing cleanly (no internal error, no wedged connection)
		for (let i = 0; i < 3; i++)
			expect(await h.text("type=sale&mode=file&filename=orders.xml", { cookie, auth: null, body: big })).toMatch(/^failure\n.*disk full/);
		// space returns: the same exchange goes on without a restart
		await h.client.execute("PRAGMA max_page_count = 1073741823");
		expect(await h.text("type=sale&mode=init", { cookie, auth: null })).toMatch(/^zip=/);
		expect(await h.text("type=sale&mode=file&filename=orders.xml", { cookie, auth: null, body: big })).toBe("success\n");
		const fresh = await h.login();
		expect(fresh.cookie).toMatch(/=/);
	});
});
