import { storeOrderRow } from "@obmen/testing/rows";
import { describe, expect, it } from "vitest";
import { createMemoryDb } from "./node.ts";
import { bpKeyPart, bpOrderKey, cutNumber } from "./order-keys.ts";
import type { ExportIdentity } from "./types.ts";

const AT = "2026-11-28T12:00:00.000Z";
const order = (id: string, number: string) => storeOrderRow(id, number);
const identity = (orderId: string, number: string, policy: ExportIdentity["policy"] = "ut"): ExportIdentity => ({
	nodeId: "n1",
	orderId,
	number,
	date: "2026-11-27T10:00:00+03:00",
	key: bpOrderKey(number, "2026-11-27T10:00:00+03:00"),
	policy,
	createdAt: AT,
});

describe("order keys of the 1C configurations", () => {
	it("БП keeps digits and capital letters, pads to 6 and keeps the first 6; the year is part of the key", () => {
		expect(bpKeyPart("1000001")).toBe("100000");
		expect(bpKeyPart("ORD-100")).toBe("ORD100");
		expect(bpKeyPart("ORD-1000")).toBe("ORD100");
		expect(bpKeyPart("a100")).toBe("000100");
		expect(bpKeyPart("SHOP-2024-1")).toBe("SHOP20");
		expect(bpKeyPart("Заказ-Б12")).toBe("ЗБ12".padStart(6, "0"));
		expect(bpOrderKey("100", "2025-12-31T23:00:00+03:00")).not.toBe(bpOrderKey("100", "2026-01-01T01:00:00+03:00"));
	});
	it("the Строка(11) cut counts characters, not bytes", () => {
		expect(cutNumber("ЗАКАЗ-2024-000001")).toBe("ЗАКАЗ-2024-");
		expect(cutNumber("100")).toBe("100");
	});
});

describe("export identities", () => {
	it("recordExport stores identities with the pending batch; a number or БП key already used is ignored, never duplicated", async () => {
		const db = await createMemoryDb();
		await db.store.createNode({ id: "n1", name: "n1", login: "l1", passwordHash: "x", settings: {}, createdAt: AT, updatedAt: AT });
		for (const [id, n] of [
			["a", "1"],
			["b", "2"],
			["c", "3"],
		] as const)
			await db.store.upsertOrder(order(id, n), AT);
		const first = await db.store.recordExport("n1", "s1", [{ orderId: "a", revision: 1 }], [identity("a", "X1")]);
		expect(first.map((x) => x.number)).toEqual(["X1"]);
		// another assignment handed out X1 too: ignored, b has no identity and must be planned again
		const second = await db.store.recordExport("n1", "s2", [{ orderId: "b", revision: 2 }], [identity("b", "X1")]);
		expect(second).toEqual([]);
		// БП keys: "ORD-100" and "ORD100" share one key; the second bp row is refused
		await db.store.recordExport("n1", "s3", [], [identity("b", "ORD-100", "bp")]);
		expect(await db.store.recordExport("n1", "s3", [], [identity("c", "ORD100", "bp")])).toEqual([]);
		expect((await db.store.findTakenIdentities("n1", ["X1", "nope"], [])).map((t) => t.orderId)).toEqual(["a"]);
		expect((await db.store.findTakenIdentities("n1", [], [bpOrderKey("ORD-1000", "2026-01-01T00:00:00Z")])).map((t) => t.orderId)).toEqual([
			"b",
		]);
		// the pending batch was recorded with the identity
		const rs = await db.client.execute("SELECT session_id, order_id FROM pending_batch ORDER BY session_id");
		expect(rs.rows.map((r) => `${r.session_id}:${r.order_id}`)).toEqual(["s1:a", "s2:b"]);
	});

	it("orders a node got before identities existed get legacy rows with their store number (duplicates allowed)", async () => {
		const db = await createMemoryDb();
		await db.store.createNode({ id: "n1", name: "n1", login: "l1", passwordHash: "x", settings: {}, createdAt: AT, updatedAt: AT });
		await db.store.upsertOrder(order("a", "SAME-NUMBER-LONG"), AT);
		await db.store.upsertOrder(order("b", "SAME-NUMBER-LONG"), AT);
		await db.store.recordPending("old", [
			{ orderId: "a", revision: 1 },
			{ orderId: "b", revision: 2 },
		]);
		await db.store.acknowledge("old", "n1");
		const ids = await db.store.getExportIdentities("n1", ["a", "b"]);
		expect(ids.map((x) => [x.orderId, x.number, x.policy])).toEqual([
			["a", "SAME-NUMBER-LONG", "legacy"],
			["b", "SAME-NUMBER-LONG", "legacy"],
		]);
		// imports find them by the 11-character cut
		const found = await db.store.findImportTargets({ numbers: ["SAME-NUMBER"], oneCIds: [], nodeId: "n1" });
		expect(found.map((t) => [t.id, t.exported])).toEqual([
			["a", "SAME-NUMBER-LONG"],
			["b", "SAME-NUMBER-LONG"],
		]);
		// deleting the node drops them
		await db.store.deleteNode("n1");
		expect(await db.store.orderExportIdentities("a")).toEqual([]);
	});
});

describe("resolveUnmatched with 1C's content (issue #12)", () => {
	it("new order JSON, a held conflict and the node's ack apply only while the order is at the planned revision", async () => {
		const db = await createMemoryDb();
		await db.store.createNode({ id: "n1", name: "n1", login: "l1", passwordHash: "x", settings: {}, createdAt: AT, updatedAt: AT });
		await db.store.upsertOrder(order("a", "1"), AT);
		const planned = (await db.store.getOrder("a"))?.revision as number;
		const applied = JSON.stringify({ ...order("a", "1"), comment: "from 1C" });
		const patch = (extra: object) => ({ orderId: "a", set: { content: "{}" }, changes: {}, event: { content: {} }, ...extra });
		// a store write landed after planning: the order keeps the store's JSON and no ack is written; the event is kept
		await db.store.upsertOrder({ ...order("a", "1"), comment: "store" }, AT);
		await db.store.resolveUnmatched(1, "n1", patch({ data: applied, ack: true, held: '{"nodeId":"n1"}' }), AT, planned);
		const stale = await db.store.getOrder("a");
		expect(stale?.order.comment).toBe("store");
		expect(stale?.held ?? null).toBeNull();
		expect(stale?.oneC?.content).toBe("{}");
		expect(await db.store.getAck("n1", "a")).toBeNull();
		// at the planned revision: the JSON is applied with a new revision, and the node acknowledges it
		const current = stale?.revision as number;
		await db.store.resolveUnmatched(2, "n1", patch({ data: applied, ack: true }), AT, current);
		const done = await db.store.getOrder("a");
		expect(done?.order.comment).toBe("from 1C");
		expect(done?.revision).toBeGreaterThan(current);
		expect((await db.store.getAck("n1", "a"))?.revision).toBe(done?.revision);
		const feed = await db.client.execute("SELECT changes FROM order_changes WHERE order_id = 'a' AND node_id = 'n1'");
		expect(feed.rows.map((r) => JSON.parse(String(r.changes)))).toEqual([
			{ source: "1c", fields: {}, content: {} },
			{ source: "1c", fields: {}, content: {} },
		]);
		// silent: nothing in the feed
		await db.store.resolveUnmatched(3, "n1", patch({ silent: true }), AT);
		expect((await db.client.execute("SELECT count(*) AS n FROM order_changes WHERE node_id = 'n1'")).rows[0]?.n).toBe(2);
	});

	it("new JSON planned while another process changed only the order's status (same revision) keeps that status; the node still acknowledges it", async () => {
		const db = await createMemoryDb();
		await db.store.createNode({ id: "n1", name: "n1", login: "l1", passwordHash: "x", settings: {}, createdAt: AT, updatedAt: AT });
		const status = async (id: string) =>
			(await db.client.execute({ sql: "SELECT status, json_extract(data, '$.status') AS s FROM orders WHERE id = ?", args: [id] })).rows[0];
		for (const [id, n] of [
			["a", "1"],
			["b", "2"],
		] as const)
			await db.store.upsertOrder(order(id, n), AT);
		const planned = (await db.store.getOrder("a"))?.revision as number;
		// 1C's content applied to the order as it was planned (status "new")
		const applied = JSON.stringify({ ...order("a", "1"), comment: "from 1C" });
		// another process imports a status for the order meanwhile: its status and JSON change, its revision does not
		await db.client.execute(
			"UPDATE orders SET status = 'paid', data = json_set(data, '$.status', 'paid', '$.statusChangedAt', '2026-11-28T12:30:00.000Z') WHERE id = 'a'",
		);
		const patch = { orderId: "a", set: { content: "{}" }, changes: {}, event: { content: {} }, data: applied, ack: true };
		await db.store.resolveUnmatched(1, "n1", patch, AT, planned);
		const after = await db.store.getOrder("a");
		expect(after?.order).toMatchObject({ comment: "from 1C", status: "paid", statusChangedAt: "2026-11-28T12:30:00.000Z" });
		expect(after?.revision).toBeGreaterThan(planned);
		const row = await status("a");
		expect([row?.status, row?.s]).toEqual(["paid", "paid"]);
		expect((await db.store.getAck("n1", "a"))?.revision).toBe(after?.revision);
		// without such a change the planned JSON is what the order gets (no statusChangedAt added)
		const b = JSON.stringify({ ...order("b", "2"), comment: "from 1C" });
		const revB = (await db.store.getOrder("b"))?.revision as number;
		await db.store.resolveUnmatched(2, "n1", { ...patch, orderId: "b", data: b }, AT, revB);
		expect((await db.store.getOrder("b"))?.order).toEqual(JSON.parse(b));
		expect((await db.store.getAck("n1", "b"))?.data).toBe(
			(await db.client.execute("SELECT data FROM orders WHERE id = 'b'")).rows[0]?.data,
		);
		// the store itself wrote what 1C sent, with a status of its own, after planning: nothing is acknowledged, so the
		// store's status still goes to 1C
		await db.store.upsertOrder(order("c", "3"), AT);
		const revC = (await db.store.getOrder("c"))?.revision as number;
		const c = JSON.stringify({ ...order("c", "3"), comment: "from 1C" });
		await db.store.upsertOrder({ ...order("c", "3"), comment: "from 1C", status: "paid" }, AT);
		await db.store.resolveUnmatched(3, "n1", { ...patch, orderId: "c", data: c }, AT, revC);
		expect((await db.store.getOrder("c"))?.order).toMatchObject({ comment: "from 1C", status: "paid" });
		expect(await db.store.getAck("n1", "c")).toBeNull();
	});
});
