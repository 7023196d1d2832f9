import { parseOrder, readDocumentsAll } from "@obmen/core";
import { domainDigest } from "@obmen/db";
import { createHarness, type Harness, oneCFile, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it, vi } from "vitest";
import { planImport } from "../apply.ts";
import { readSettings } from "../settings.ts";

const enc = new TextEncoder();
const ORDERS = 900;
/** Digest of the data without `nodes` (salted password hashes differ between harnesses). */
const DATA = ["orders", "order_one_c", "node_acks", "order_changes", "import_ledger"] as const;

const settings = {
	// this suite is about `mode=import`'s own time slices (apply on upload has its own tests)
	applyOnUpload: "never" as const,
	createOrdersFrom1C: true,
	statusMap: {
		import: [
			{ on: "posted" as const, status: "confirmed" },
			{ on: "paid" as const, status: "paid" },
			{ on: "shipped" as const, status: "shipped" },
			{ on: "cancelled" as const, status: "cancelled" },
		],
	},
};

/**
 * A ~2.5 MB file mixing what a real exchange sends: order documents with requisites (some orders twice, the later
 * one winning), orders already matched by their stored 1C number, payment and shipment documents with `Основание`,
 * unknown orders (created, some twice), an unknown payment, and an invalid order that cannot be created.
 */
function bigFile(): Uint8Array {
	const docs: Parameters<typeof oneCFile>[0] = [];
	for (let i = 1; i <= ORDERS; i++) {
		const req: [string, string][] = [
			["Номер по 1С", `УТ-${i}`],
			["Проведен", "true"],
		];
		if (i % 3 === 0) req.push(["Оплачен", "true"]);
		if (i % 7 === 0) req.push(["ПометкаУдаления", "true"]);
		docs.push({ number: String(i), requisites: req });
	}
	for (let i = 1; i <= ORDERS; i += 4) docs.push({ number: String(i), requisites: [["Отгружен", "true"]] });
	// payments name their order by the site number; those naming the 1C number 1C assigns in this very file match
	// nothing yet (lookups see the stored state) and are reported as unknown
	for (let i = 2; i <= ORDERS; i += 5) {
		const basis = i % 2 === 0 ? String(i) : `УТ-${i}`;
		docs.push({ number: `ПП-${i}`, id: `pay-${i}`, operation: "Выплата безналичных денег", basis, date: "2026-11-28" });
	}
	for (let i = 5; i <= ORDERS; i += 9)
		docs.push({ number: `РТУ-${i}`, id: `ship-${i}`, operation: "Отпуск товара", basis: String(i), date: "2026-11-29" });
	for (let i = 1; i <= 400; i++) docs.push({ number: `N-${i % 350}`, id: `new-${i % 350}`, requisites: [["Оплачен", "true"]] });
	docs.push({ number: "ПП-x", operation: "Выплата наличных денег", basis: "nowhere" });
	docs.push({ number: "bad", date: "not-a-date" });
	return enc.encode(oneCFile(docs));
}

async function seeded(importSliceMs: number): Promise<Harness> {
	const h = await createHarness({ settings, limits: { importSliceMs } });
	const at = h.clock.now().toISOString();
	for (let i = 1; i <= ORDERS; i++) await h.store.upsertOrder(parseOrder(sampleOrder(`o${i}`, { number: String(i) })), at);
	return h;
}

describe("streamed, time-sliced import of a multi-MB file (T-IMPORT-PERF shape, T-IDEM)", () => {
	it("many slices give exactly the same database as one shot and as the in-memory planner; re-import is a no-op", async () => {
		const file = bigFile();
		expect(file.length).toBeGreaterThan(2_000_000);

		const one = await seeded(60_000);
		const stagedOne = vi.spyOn(one.store, "addImportDocs");
		const { cookie: c1 } = await one.login();
		const r1 = await uploadAndImport(one, c1, "orders-big.xml", file, 256 * 1024);
		expect(r1.filter((r) => r.startsWith("progress"))).toHaveLength(0);
		// parsed within one slice: planned straight from the parser, nothing staged
		expect(stagedOne).not.toHaveBeenCalled();
		const summary = r1.at(-1) ?? "";
		expect(summary).toMatch(/^success\ndocuments: \d+, updated: \d+, created: \d+, unknown: \d+\n$/);

		const sliced = await seeded(15);
		const stagedSliced = vi.spyOn(sliced.store, "addImportDocs");
		const { cookie: c2 } = await sliced.login();
		const r2 = await uploadAndImport(sliced, c2, "orders-big.xml", file, 100_003);
		const progress = r2.filter((r) => r.startsWith("progress")).map((r) => Number(/(\d+)/.exec(r)?.[1]));
		expect(progress.length).toBeGreaterThanOrEqual(2);
		expect(progress).toEqual([...progress].sort((a, b) => a - b));
		expect(new Set(progress).size).toBe(progress.length);
		expect(r2.at(-1)).toBe(summary);
		expect(stagedSliced).toHaveBeenCalled();
		await sliced.store.idle();
		await one.store.idle();
		const digest = await domainDigest(one.client, DATA);
		expect(await domainDigest(sliced.client, DATA)).toBe(digest);

		// the reference: the whole file planned in memory by planImport and applied in one go
		const ref = await seeded(60_000);
		const { documents } = await readDocumentsAll(file);
		const keys = { numbers: [] as string[], oneCIds: [] as string[], oneCNumbers: [] as string[] };
		for (const d of documents) {
			if (d.number) keys.numbers.push(d.number);
			if (d.basis) {
				keys.numbers.push(d.basis);
				keys.oneCNumbers.push(d.basis);
			}
		}
		const node = await ref.store.getNode(ref.nodeId);
		const plan = await planImport(documents, await ref.store.findOrdersForImport(keys), readSettings(node?.settings ?? {}));
		const sha = (await one.client.execute("SELECT sha256 FROM import_ledger")).rows[0]?.sha256;
		await ref.store.applyImport(
			{
				nodeId: ref.nodeId,
				sha256: String(sha),
				filename: "orders-big.xml",
				documents: documents.length,
				at: ref.clock.now().toISOString(),
				...plan,
			},
			"s",
		);
		expect(await domainDigest(ref.client, DATA)).toBe(digest);
		expect(summary).toBe(
			`success\ndocuments: ${documents.length}, updated: ${plan.patches.length}, created: ${plan.creates.length}, unknown: 91\n`,
		);
		expect(plan.creates).toHaveLength(350);
		expect(plan.errors).toHaveLength(1);

		// spot checks: the later document wins, payments by 1C number, shipments by site number, deletion cancels
		const o = async (id: string) => one.store.getOrder(id);
		expect((await o("o7"))?.oneC).toMatchObject({ number: "УТ-7", deleted: true, cancelled: true });
		expect((await o("o7"))?.order.status).toBe("cancelled");
		expect((await o("o5"))?.oneC).toMatchObject({ shipped: true, shipmentNumber: "РТУ-5", shippedAt: "2026-11-29T10:00:00" });
		expect((await o("o12"))?.oneC).toMatchObject({ paid: true, paymentNumber: "ПП-12", paidAt: "2026-11-28T10:00:00" });
		expect((await o("1c-new-3"))?.order).toMatchObject({ number: "N-3", status: "paid" });

		// the same content again, in other chunks: "already imported", nothing changes
		one.clock.advance(60_000);
		const again = await uploadAndImport(one, c1, "orders-big.xml", file, 77_777);
		expect(again.at(-1)).toBe("success\nalready imported\n");
		expect(await domainDigest(one.client, DATA)).toBe(digest);
		const scratch = await one.client.execute(
			"SELECT (SELECT count(*) FROM import_docs) + (SELECT count(*) FROM import_patches) + (SELECT count(*) FROM import_creates) AS n",
		);
		expect(Number(scratch.rows[0]?.n)).toBe(0);
	}, 60_000);
});

describe("a direct import (planned as it is parsed) is tried once per file", () => {
	it("an attempt that did not finish is not repeated: the next request stages the file and applies it", async () => {
		const h = await createHarness({ settings, limits: { importSliceMs: 60_000 } });
		const at = h.clock.now().toISOString();
		for (const i of [1, 2]) await h.store.upsertOrder(parseOrder(sampleOrder(`o${i}`, { number: String(i) })), at);
		const file = enc.encode(
			oneCFile([
				{ number: "1", requisites: [["Оплачен", "true"]] },
				{ number: "2", requisites: [["Проведен", "true"]] },
			]),
		);
		// the first attempt dies inside the planning (a killed process, a Worker over its limits)
		const run = vi.spyOn(h.store, "runImport").mockRejectedValueOnce(new Error("process killed"));
		const staged = vi.spyOn(h.store, "addImportDocs");
		const { cookie } = await h.login();
		const first = await uploadAndImport(h, cookie, "orders-k.xml", file, 1_000_000);
		expect(first.at(-1)).not.toMatch(/^success/);
		expect(staged).not.toHaveBeenCalled();
		const again = await h.text("type=sale&mode=import&filename=orders-k.xml", { cookie });
		expect(again).toBe("success\ndocuments: 2, updated: 2, created: 0, unknown: 0\n");
		expect(staged).toHaveBeenCalledTimes(1);
		expect(run).toHaveBeenCalledTimes(2);
		expect((await h.store.getOrder("o1"))?.oneC).toMatchObject({ paid: true });
		expect((await h.store.getOrder("o2"))?.order.status).toBe("confirmed");
	});
});
