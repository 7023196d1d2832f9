/**
 * Issue 13: background work runs once across instances. Two apps, each with its own connection to one database file
 * (two processes behind a proxy), race their periodic work and their `exchange.failed` alerts.
 */
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openDb } from "@obmen/db/node";
import { basic, createHarness, LOGIN } from "@obmen/testing/harness";
import { journalEntry } from "@obmen/testing/rows";
import { describe, expect, it, vi } from "vitest";
import { createExchangeApp } from "./app.ts";
import { ALERT_INTERVAL_MS } from "./exim/alerts.ts";
import { PRUNE_INTERVAL_MS } from "./exim/journal.ts";

const DAY = 86_400_000;

async function twoInstances(opts: Parameters<typeof createHarness>[0] = {}) {
	const url = `file:${join(mkdtempSync(join(tmpdir(), "obmen-bg-")), "x.db")}`;
	const h = await createHarness({ ...opts, url });
	const second = await openDb(url);
	const other = createExchangeApp({
		clientIp: (c) => c.req.header("x-test-ip") ?? "127.0.0.1",
		passwordIterations: 1000,
		...opts,
		store: second.store,
		clock: h.clock,
		adminTokenHash: "unused",
	});
	return { h, other, otherStore: second.store };
}

describe("background work across instances", () => {
	it("journal retention: two instances racing runBackgroundWork prune once per interval", async () => {
		const { h, other, otherStore } = await twoInstances();
		const old = new Date(h.clock.now().getTime() - 400 * DAY).toISOString();
		await h.store.addJournal(journalEntry(h.nodeId, old));
		const a = vi.spyOn(h.store, "pruneJournal");
		const b = vi.spyOn(otherStore, "pruneJournal");
		await Promise.all([h.app.runBackgroundWork(), other.runBackgroundWork()]);
		// one instance pruned (its node, then the rows of no node); the other skipped
		expect([a.mock.calls.length, b.mock.calls.length].sort()).toEqual([0, 2]);
		expect(Number((await h.client.execute("SELECT count(*) AS n FROM journal")).rows[0]?.n)).toBe(0);
		h.clock.advance(PRUNE_INTERVAL_MS);
		await Promise.all([h.app.runBackgroundWork(), other.runBackgroundWork()]);
		expect(a.mock.calls.length + b.mock.calls.length).toBe(4);
		otherStore.close();
	});

	it("exchange.failed: a login flood hitting two instances sends one alert per interval", async () => {
		// the login_flood alerts; the generic exchange.failed of a failed request is claimed the same way (alerts.ts)
		const calls: unknown[] = [];
		const generic: unknown[] = [];
		const fetch = (async (_url: string, init: RequestInit) => {
			const body = JSON.parse(String(init.body)) as { reason?: string };
			(body.reason === "login_flood" ? calls : generic).push(body);
			return new Response("ok");
		}) as typeof globalThis.fetch;
		const { h, other, otherStore } = await twoInstances({ settings: { webhookUrl: "https://shop.example/hook" }, fetch });
		const flood = () =>
			Promise.all(
				Array.from({ length: 40 }, (_, i) =>
					(i % 2 ? h.app : other).request("/exim_1c?type=sale&mode=checkauth", {
						headers: { Authorization: basic(LOGIN, `guess-${i}`), "x-test-ip": "203.0.113.77" },
					}),
				),
			);
		await flood();
		await flood();
		await vi.waitFor(() => expect(calls).toHaveLength(1));
		await h.store.idle();
		await otherStore.idle();
		expect(calls).toHaveLength(1);
		// one per error code (a wrong password, then the throttle), whichever instance answered
		const codes = generic.map((g) => (g as { code: string }).code);
		expect(codes.length).toBeGreaterThan(0);
		expect(new Set(codes).size).toBe(codes.length);
		h.clock.advance(ALERT_INTERVAL_MS);
		await flood();
		await vi.waitFor(() => expect(calls).toHaveLength(2));
		otherStore.close();
	});
});
