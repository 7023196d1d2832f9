import { Worker } from "node:worker_threads";
import { CommerceMLError, parseOrder } from "@obmen/core";
import { domainDigest } from "@obmen/db";
import type { ExchangeAppOptions, ParseWorkerFactory } from "@obmen/exchange";
import { createHarness, type Harness, oneCFile, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it, vi } from "vitest";
import { readConfig } from "./config.ts";
import { createNodeParseWorker, nodeParseWorker, parseWorkerOf, startParseThread } from "./parse-thread.ts";

const enc = new TextEncoder();
const ORDERS = 400;
const DATA = ["orders", "order_one_c", "node_acks", "order_changes", "import_ledger"] as const;
const settings = {
	applyOnUpload: "never" as const,
	contentFrom1C: "apply" as const,
	createOrdersFrom1C: true,
	statusMap: { import: [{ on: "paid" as const, status: "paid" }] },
};

/** Orders with 1C requisites, payments naming them, and unknown orders 1C created (with `createOrdersFrom1C`). */
function file(): Uint8Array {
	const docs: Parameters<typeof oneCFile>[0] = [];
	for (let i = 1; i <= ORDERS; i++)
		docs.push({
			number: String(i),
			requisites: [
				["Номер по 1С", `УТ-${i}`],
				["Проведен", "true"],
			],
		});
	for (let i = 2; i <= ORDERS; i += 3)
		docs.push({ number: `ПП-${i}`, id: `pay-${i}`, operation: "Выплата безналичных денег", basis: String(i) });
	for (let i = 1; i <= 60; i++) docs.push({ number: `N-${i}`, id: `new-${i}`, requisites: [["Оплачен", "true"]] });
	return enc.encode(oneCFile(docs));
}

async function seeded(opts: Partial<ExchangeAppOptions>): Promise<Harness> {
	const h = await createHarness({ settings, limits: { parseWorkerMinBytes: 0 }, ...opts });
	const at = h.clock.now().toISOString();
	// every fifth order has two of the item 1C sends one of: a content change, applied
	for (let i = 1; i <= ORDERS; i++) {
		const items = [{ productId: "p1", name: "Чайник «Север»", quantity: i % 5 === 0 ? 2 : 1, price: "100.00" }];
		await h.store.upsertOrder(parseOrder(sampleOrder(`o${i}`, { number: String(i), items })), at);
	}
	return h;
}

/**
 * Imports the file; `staged`: whether the documents were staged (the direct parse given up) rather than planned as
 * parsed; `failures`: the worker failures reported to `onError`.
 */
async function imported(opts: {
	parseWorker?: ParseWorkerFactory;
}): Promise<{ reply: string; digest: string; staged: boolean; failures: string[]; contentEvents: number }> {
	const failures: string[] = [];
	const h = await seeded({
		...(opts.parseWorker ? { parseWorker: opts.parseWorker } : {}),
		onError: (e) => {
			failures.push(String(e));
		},
	});
	const staged = vi.spyOn(h.store, "addImportDocs");
	const { cookie } = await h.login();
	const replies = await uploadAndImport(h, cookie, "orders.xml", file(), 64 * 1024);
	await h.store.idle();
	const events = await h.client.execute(`SELECT count(*) AS n FROM order_changes WHERE changes LIKE '%"applied":true%'`);
	return {
		reply: replies.at(-1) ?? "",
		digest: await domainDigest(h.client, DATA),
		staged: staged.mock.calls.length > 0,
		failures,
		contentEvents: Number(events.rows[0]?.n),
	};
}

/** Counts the workers a factory started, and those stopped. */
function counted(factory: ParseWorkerFactory): { factory: ParseWorkerFactory; started: () => number; stopped: () => number } {
	let n = 0;
	let stopped = 0;
	return {
		factory: () => {
			n++;
			const w = factory();
			return {
				...w,
				terminate: () => {
					stopped++;
					w.terminate();
				},
			};
		},
		started: () => n,
		stopped: () => stopped,
	};
}

describe("parse worker thread (node:worker_threads)", () => {
	it("an import parsed on the worker thread gives the database the import on the request's thread gives", async () => {
		const here = await imported({});
		const worker = counted(nodeParseWorker);
		const there = await imported({ parseWorker: worker.factory });
		expect(worker.started()).toBe(1);
		expect(worker.stopped()).toBe(1);
		expect(there.reply).toMatch(/^success\ndocuments: 593, updated: 400, created: 60, unknown: 0\n$/);
		// 1C's content compared with each order's: the orders it changed took 1C's lines
		expect(there.contentEvents).toBe(ORDERS / 5);
		// planned as the worker parsed it: no failure reported (a worker that failed at once would fall back unseen)
		expect(there.failures).toEqual([]);
		expect(there.staged).toBe(false);
		expect(there).toEqual(here);
	});

	it("a worker started while a file already imported was hashed is stopped unused", async () => {
		const worker = counted(nodeParseWorker);
		const h = await seeded({ parseWorker: worker.factory });
		const { cookie } = await h.login();
		expect((await uploadAndImport(h, cookie, "orders.xml", file(), 64 * 1024)).at(-1)).toMatch(/^success\ndocuments: 593/);
		const digest = await domainDigest(h.client, DATA);
		expect(await uploadAndImport(h, cookie, "orders.xml", file(), 50_000)).toContain("success\nalready imported\n");
		expect(worker.started()).toBe(2);
		expect(worker.stopped()).toBe(2);
		expect(await domainDigest(h.client, DATA)).toBe(digest);
	});

	it("a malformed file fails as it does on the request's thread, and nothing changes", async () => {
		const broken = enc.encode(new TextDecoder().decode(file()).replace("<Номер>77</Номер>", "<Номер>77</Номр>"));
		const results: string[][] = [];
		for (const parseWorker of [undefined, nodeParseWorker]) {
			const h = await seeded(parseWorker ? { parseWorker } : {});
			const before = await domainDigest(h.client, DATA);
			const { cookie } = await h.login();
			const replies = await uploadAndImport(h, cookie, "orders.xml", broken, 64 * 1024);
			expect(await domainDigest(h.client, DATA)).toBe(before);
			results.push(replies);
		}
		expect(results[1]?.at(-1)).toMatch(/^failure\nXML_MALFORMED: .* at line \d+, column \d+/);
		expect(results[1]).toEqual(results[0]);
	});

	it("a worker thread that cannot run: the request's thread parses the file, with the same result", async () => {
		const here = await imported({});
		// a thread that dies at once, as a missing or broken script would
		const dead = counted(() => parseWorkerOf(new Worker("process.exit(3)", { eval: true })));
		const there = await imported({ parseWorker: dead.factory });
		expect(dead.started()).toBe(1);
		expect(there.failures).toEqual([expect.stringMatching(/^ParseWorkerFailed: parse worker failed: parse worker exited with code 3/)]);
		expect({ ...there, failures: [] }).toEqual(here);
	});

	it("a worker thread that dies midway: what it planned is discarded, the file is staged, with the same result", async () => {
		const here = await imported({});
		// the thread is killed after its first batch (nothing it sent later arrives)
		const midway = counted(() => {
			const w = nodeParseWorker();
			return {
				...w,
				listen(message, fail) {
					let killed = false;
					w.listen((m) => {
						if (killed) return;
						message(m);
						if ((m as { t: string }).t === "docs") {
							killed = true;
							w.terminate();
							fail(new Error("killed"));
						}
					}, fail);
				},
			};
		});
		const there = await imported({ parseWorker: midway.factory });
		expect(midway.started()).toBe(1);
		expect(there.staged).toBe(true);
		expect(there.failures).toHaveLength(1);
		expect({ ...there, staged: false, failures: [] }).toEqual(here);
	});

	it("a thread started ahead (prepare) is the one the next parse takes; one waits at most; unused, it is stopped", async () => {
		const { parseInWorker } = await import("@obmen/exchange/parse-worker");
		let started = 0;
		const factory = createNodeParseWorker({
			spareIdleMs: 300,
			start: () => {
				started++;
				return startParseThread();
			},
		});
		expect(factory.spare()).toBe(false);
		factory.prepare();
		factory.prepare();
		expect([factory.spare(), started]).toEqual([true, 1]);
		const docs: unknown[] = [];
		for await (const batch of parseInWorker(factory, [file()], { limits: {}, createOrders: true, batch: 100 }, () => {}))
			docs.push(...batch);
		expect(docs).toHaveLength(593);
		// taken by that parse (no thread of its own): the next one starts its own
		expect([factory.spare(), started]).toEqual([false, 1]);
		factory.prepare();
		expect(factory.spare()).toBe(true);
		await vi.waitFor(() => expect(factory.spare()).toBe(false), { timeout: 5000, interval: 50 });
	});

	it("a thread started ahead that dies while it waits is not handed out", async () => {
		const { parseInWorker } = await import("@obmen/exchange/parse-worker");
		let started = 0;
		// the first thread dies at once (as a broken script or an out-of-memory kill would), the next ones are real
		const factory = createNodeParseWorker({
			start: () => (started++ === 0 ? new Worker("process.exit(3)", { eval: true }) : startParseThread()),
		});
		factory.prepare();
		await vi.waitFor(() => expect(factory.spare()).toBe(false), { timeout: 5000, interval: 20 });
		const docs: unknown[] = [];
		for await (const batch of parseInWorker(factory, [file()], { limits: {}, createOrders: true, batch: 100 }, () => {}))
			docs.push(...batch);
		expect(docs).toHaveLength(593);
		expect(started).toBe(2);
	});

	it("the thread reports a parse error with its code and position", async () => {
		const { parseInWorker } = await import("@obmen/exchange/parse-worker");
		const bytes = enc.encode(
			'<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.08">\n<Документ><Номер>1</Номер></Док>',
		);
		const it = parseInWorker(nodeParseWorker, [bytes], { limits: {}, createOrders: false, batch: 10 }, () => {});
		const e = await it.next().then(
			() => null,
			(x: unknown) => x,
		);
		expect(e).toBeInstanceOf(CommerceMLError);
		expect(e).toMatchObject({ code: "XML_MALFORMED", line: 3 });
	});
});

describe("OBMEN_PARSE_WORKER", () => {
	it("is on by default, off when set so, and refuses anything else", () => {
		expect(readConfig({}, []).parseWorker).toBe(true);
		expect(readConfig({ OBMEN_PARSE_WORKER: "on" }, []).parseWorker).toBe(true);
		expect(readConfig({ OBMEN_PARSE_WORKER: "off" }, []).parseWorker).toBe(false);
		expect(() => readConfig({ OBMEN_PARSE_WORKER: "no" }, [])).toThrow(/OBMEN_PARSE_WORKER must be on or off, got no/);
	});
});
