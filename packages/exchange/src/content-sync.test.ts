import { type IncomingDocument, readDocumentsSync } from "@obmen/core";
import { basic, type Harness, sampleOrder, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";
import { contentOfDocument, contentText } from "./content.ts";
import { createCheckedHarness as createHarness } from "./test-support/contract.ts";

const enc = new TextEncoder();

/** A 1C upload of order 1001 with the given lines (id, quantity, price), delivery cost and comment. */
function upload(lines: [string, string, string][], delivery: string | null, comment = "до 18:00", version = 1): Uint8Array {
	const rows = lines.map(([id, q, p]) => ({ id, q, p, sum: (Number(q) * Number(p)).toFixed(2) }));
	if (delivery !== null) rows.push({ id: "ORDER_DELIVERY", q: "1", p: delivery, sum: delivery });
	const total = rows.reduce((a, r) => a + Number(r.sum), 0).toFixed(2);
	const items = rows
		.map(
			(r) =>
				`<Товар><Ид>${r.id}</Ид><Наименование>Товар ${r.id}</Наименование><ЦенаЗаЕдиницу>${r.p}</ЦенаЗаЕдиницу><Количество>${r.q}</Количество><Сумма>${r.sum}</Сумма></Товар>`,
		)
		.join("");
	return enc.encode(`<?xml version="1.0" encoding="UTF-8"?>
<КоммерческаяИнформация ВерсияСхемы="2.07" ДатаФормирования="2026-11-28T12:00:0${version}">
	<Документ><Ид>guid-1001</Ид><Номер>1001</Номер><Дата>2026-11-27</Дата><ХозОперация>Заказ товара</ХозОперация><Роль>Продавец</Роль>
		<Валюта>RUB</Валюта><Курс>1</Курс><Сумма>${total}</Сумма>
		<Контрагенты><Контрагент><Ид>c1</Ид><Наименование>Иванов Иван Иванович</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>
		<Комментарий>${comment}</Комментарий>
		<Товары>${items}</Товары>
	</Документ>
</КоммерческаяИнформация>`);
}

const ORDER = sampleOrder("o1001", {
	number: "1001",
	items: [
		{ productId: "p1", name: "Товар p1", quantity: 2, price: "100" },
		{ productId: "p2", name: "Товар p2", quantity: 1, price: "300" },
	],
	shipping: { method: "Курьер", price: "250", address: "" },
	comment: "до 18:00",
});

async function exported(h: Harness): Promise<number> {
	const { cookie } = await h.login();
	const bytes = new Uint8Array(await (await h.exim("type=sale&mode=query", { cookie })).arrayBuffer());
	const xml = new TextDecoder("windows-1251").decode(bytes);
	await h.text("type=sale&mode=success", { cookie });
	return xml.split("<Документ>").length - 1;
}

async function send(h: Harness, bytes: Uint8Array, name = "orders.xml"): Promise<string> {
	const { cookie } = await h.login();
	return (await uploadAndImport(h, cookie, name, bytes, 1_000_000)).at(-1) ?? "";
}

async function feed(h: Harness) {
	const r = (await (await h.api("GET", "/changes?after=0")).json()) as { items: { changes: Record<string, unknown> }[] };
	return r.items.map((i) => i.changes).filter((c) => c.source === "1c" || c.type === "resolved");
}

async function order(h: Harness) {
	return (await (await h.api("GET", "/orders/o1001")).json()) as Record<string, unknown> & {
		items: { productId: string; quantity: string }[];
		shipping: { price: string };
		comment: string;
		oneC: { content: unknown } | null;
		held: unknown;
	};
}

/** 1C removes p2, sets p1's quantity to 3 and the delivery to 300. */
const EDITED = upload([["p1", "3", "100"]], "300");

describe("1C's content of an order (issue #12)", () => {
	it("report: the feed carries the structured diff once per upload content; oneC.content shows 1C's version", async () => {
		const h = await createHarness();
		await h.api("PUT", "/orders/o1001", ORDER);
		expect(await exported(h)).toBe(1);
		expect(await send(h, EDITED)).toMatch(/^success/);
		const events = await feed(h);
		expect(events).toHaveLength(1);
		expect(events[0]?.content).toMatchObject({
			lines: { removed: [{ key: "p2" }], added: [], changed: [{ key: "p1", fields: { quantity: { from: "2", to: "3" } } }] },
			delivery: { from: "250", to: "300" },
			total: { from: "750", to: "600" },
		});
		expect((await order(h)).oneC?.content).toMatchObject({ delivery: "300", lines: [{ key: "p1", quantity: "3" }] });
		// the store order is unchanged (report only), and the same content in another file is nothing new
		expect((await order(h)).items).toHaveLength(2);
		expect(await send(h, upload([["p1", "3", "100"]], "300", "до 18:00", 2), "orders-2.xml")).toMatch(/^success/);
		expect(await feed(h)).toHaveLength(1);
		// 1C sending back exactly what it got makes no content event
		const h2 = await createHarness();
		await h2.api("PUT", "/orders/o1001", ORDER);
		await exported(h2);
		await send(
			h2,
			upload(
				[
					["p1", "2", "100"],
					["p2", "1", "300"],
				],
				"250",
			),
		);
		expect((await feed(h2)).filter((e) => e.content)).toEqual([]);
	});

	it("the acknowledgement keeps the content 1C reads from the export, for its import to compare at once", async () => {
		const h = await createHarness();
		await h.api("PUT", "/orders/o1001", ORDER);
		const { cookie } = await h.login();
		const bytes = new Uint8Array(await (await h.exim("type=sale&mode=query", { cookie })).arrayBuffer());
		const acked = async () => (await h.client.execute("SELECT content FROM node_acks WHERE order_id = 'o1001'")).rows[0]?.content;
		expect(await acked()).toBeUndefined();
		await h.text("type=sale&mode=success", { cookie });
		const [doc] = readDocumentsSync(bytes);
		expect(doc).toBeDefined();
		expect(await acked()).toBe(contentText(contentOfDocument(doc as IncomingDocument)));
		// the store changes the order and exports it again: the new acknowledgement keeps the new content
		await h.api("PUT", "/orders/o1001", { ...ORDER, comment: "позвонить" });
		expect(await exported(h)).toBe(1);
		expect(JSON.parse(String(await acked()))).toMatchObject({ comment: "позвонить" });
	});

	it("apply: the store order takes 1C's content and nothing is sent back; a PUT of it is no change", async () => {
		const h = await createHarness({ settings: { contentFrom1C: "apply" } });
		await h.api("PUT", "/orders/o1001", ORDER);
		expect(await exported(h)).toBe(1);
		await send(h, EDITED);
		const o = await order(h);
		expect(o.items.map((i) => [i.productId, i.quantity])).toEqual([["p1", "3"]]);
		expect(o.shipping.price).toBe("300");
		expect((await feed(h))[0]).toMatchObject({ applied: true });
		expect(await exported(h)).toBe(0);
		// the store applies the event and PUTs the same order back: no new revision, nothing exported
		const { revision: _r, oneC: _o, held: _h, exports: _e, ...same } = o;
		expect((await h.api("PUT", "/orders/o1001", same)).status).toBe(200);
		expect(await exported(h)).toBe(0);
		// or PUTs its own order with 1C's edit and no total (computed, normalised like 1C's Сумма): still no change
		const own = {
			...ORDER,
			items: [{ productId: "p1", name: "Товар p1", quantity: 3, price: "100" }],
			shipping: { ...ORDER.shipping, price: "300" },
		};
		expect((await h.api("PUT", "/orders/o1001", own)).status).toBe(200);
		expect((await order(h)).revision).toBe(o.revision);
		expect(await exported(h)).toBe(0);
	});

	it("edits of different fields merge: the store's comment and 1C's quantity", async () => {
		const h = await createHarness({ settings: { contentFrom1C: "apply" } });
		await h.api("PUT", "/orders/o1001", ORDER);
		await exported(h);
		await h.api("PUT", "/orders/o1001", { ...ORDER, comment: "позвонить" });
		await send(
			h,
			upload(
				[
					["p1", "3", "100"],
					["p2", "1", "300"],
				],
				"250",
			),
		);
		const o = await order(h);
		expect(o.comment).toBe("позвонить");
		expect(o.items.map((i) => i.quantity)).toEqual(["3", "1"]);
		expect(o.held).toBeNull();
		expect((await feed(h))[0]).toMatchObject({ merged: true, applied: true });
		// the merge holds the store's edit: it goes to 1C
		expect(await exported(h)).toBe(1);
	});

	it("hold: a conflicting edit is reported with base/store/1C versions and not exported until resolved", async () => {
		const h = await createHarness();
		await h.api("PUT", "/orders/o1001", ORDER);
		await exported(h);
		await h.api("PUT", "/orders/o1001", { ...ORDER, shipping: { method: "Курьер", price: "200", address: "" } });
		await send(h, EDITED);
		const [event] = await feed(h);
		expect(event?.conflict).toMatchObject({
			parts: ["delivery"],
			resolution: "hold",
			base: { delivery: "250" },
			store: { delivery: "200" },
			oneC: { delivery: "300" },
		});
		expect((await order(h)).held).toMatchObject({ parts: ["delivery"] });
		const conflicts = (await (await h.api("GET", `/conflicts?node=${h.nodeId}`)).json()) as { items: { id: string }[] };
		expect(conflicts.items.map((i) => i.id)).toEqual(["o1001"]);
		expect(((await (await h.api("GET", "/conflicts?node=other")).json()) as { items: unknown[] }).items).toEqual([]);
		expect(await exported(h)).toBe(0);
		expect((await h.api("POST", "/orders/o1001/resolve", { take: "nothing" })).status).toBe(400);
		expect((await h.api("POST", "/orders/o1001/resolve", { take: "1c" })).status).toBe(200);
		const o = await order(h);
		expect(o.held).toBeNull();
		expect(o.shipping.price).toBe("300");
		// 1C already has its own content
		expect(await exported(h)).toBe(0);
		expect((await h.api("POST", "/orders/o1001/resolve", { take: "1c" })).status).toBe(409);
	});

	it("store-wins keeps the store's content and exports it again; take store after hold does the same", async () => {
		const h = await createHarness({ settings: { conflicts: "store-wins" } });
		await h.api("PUT", "/orders/o1001", ORDER);
		await exported(h);
		await h.api("PUT", "/orders/o1001", { ...ORDER, shipping: { method: "Курьер", price: "200", address: "" } });
		await send(h, EDITED);
		expect((await feed(h))[0]?.conflict).toMatchObject({ resolution: "store-wins" });
		expect((await order(h)).shipping.price).toBe("200");
		expect(await exported(h)).toBe(1);

		const g = await createHarness();
		await g.api("PUT", "/orders/o1001", ORDER);
		await exported(g);
		await g.api("PUT", "/orders/o1001", { ...ORDER, shipping: { method: "Курьер", price: "200", address: "" } });
		await send(g, EDITED);
		expect((await g.api("POST", "/orders/o1001/resolve", { take: "store" })).status).toBe(200);
		expect((await order(g)).shipping.price).toBe("200");
		expect(await exported(g)).toBe(1);
	});
});

describe("orders created in 1C (createOrdersFrom1C)", () => {
	it("carry their full content: lines with discounts from Сумма and the delivery line as the delivery cost", async () => {
		const h = await createHarness({ settings: { createOrdersFrom1C: true } });
		const bytes = new TextDecoder()
			.decode(upload([["p1", "3", "100"]], "300"))
			.replace("<Номер>1001</Номер>", "<Номер>7007</Номер>")
			.replace(/<Сумма>300\.00<\/Сумма><\/Товар>(?=.*ORDER_DELIVERY)/s, "<Сумма>280.00</Сумма></Товар>");
		expect(await send(h, enc.encode(bytes))).toMatch(/^success/);
		const o = (await (await h.api("GET", "/orders/1c-guid-1001")).json()) as {
			items: { productId: string; quantity: string; discount: string }[];
			shipping: { price: string };
		};
		expect(o.items).toEqual([expect.objectContaining({ productId: "p1", quantity: "3", discount: "20" })]);
		expect(o.shipping.price).toBe("300");
	});
});

describe("two nodes (issue #12 §1: 1C's content is per order, the base per node)", () => {
	const SECOND = { login: "second-1c", password: "second-password" };
	async function cookieOf(h: Harness, second: boolean): Promise<string> {
		if (!second) return (await h.login()).cookie;
		const lines = (await h.text("type=sale&mode=checkauth", { auth: basic(SECOND.login, SECOND.password) })).split("\n");
		return `${lines[1]}=${lines[2]}`;
	}
	async function exportTo(h: Harness, second: boolean): Promise<number> {
		const cookie = await cookieOf(h, second);
		const xml = new TextDecoder("windows-1251").decode(await (await h.exim("type=sale&mode=query", { cookie, auth: null })).arrayBuffer());
		await h.text("type=sale&mode=success", { cookie, auth: null });
		return xml.split("<Документ>").length - 1;
	}
	async function sendFrom(h: Harness, second: boolean, bytes: Uint8Array, name: string): Promise<string> {
		const cookie = await cookieOf(h, second);
		await h.text("type=sale&mode=init", { cookie, auth: null });
		await h.text(`type=sale&mode=file&filename=${name}`, { cookie, auth: null, body: bytes });
		return h.text(`type=sale&mode=import&filename=${name}`, { cookie, auth: null });
	}
	const lineOf = async (h: Harness) =>
		((await order(h)).oneC?.content as { lines: { key: string; quantity: string }[] } | null)?.lines.map((l) => [l.key, l.quantity]);

	it("oneC.content is what 1C last sent, whichever node sent it; each node's upload is compared with what that node got", async () => {
		const h = await createHarness();
		expect((await h.api("POST", "/nodes", { name: "second", ...SECOND })).status).toBe(201);
		await h.api("PUT", "/orders/o1001", ORDER);
		expect(await exportTo(h, false)).toBe(1);
		// the store changes p2 before the second node gets the order: the two nodes' bases differ
		await h.api("PUT", "/orders/o1001", {
			...ORDER,
			items: [
				{ productId: "p1", name: "Товар p1", quantity: 2, price: "100" },
				{ productId: "p2", name: "Товар p2", quantity: 2, price: "300" },
			],
		});
		expect(await exportTo(h, true)).toBe(1);
		expect(await lineOf(h)).toBeUndefined();

		// the first node's 1C sets p1 to 3
		const first = upload(
			[
				["p1", "3", "100"],
				["p2", "1", "300"],
			],
			"250",
		);
		expect(await sendFrom(h, false, first, "a.xml")).toMatch(/^success/);
		expect(await lineOf(h)).toEqual([
			["p1", "3"],
			["p2", "1"],
		]);
		// the second node's 1C sets p1 to 4: stored on the same order, diffed against what the second node got (p2 = 2)
		const second = upload(
			[
				["p1", "4", "100"],
				["p2", "2", "300"],
			],
			"250",
			"до 18:00",
			2,
		);
		expect(await sendFrom(h, true, second, "b.xml")).toMatch(/^success/);
		expect(await lineOf(h)).toEqual([
			["p1", "4"],
			["p2", "2"],
		]);
		const events = (await feed(h)).filter((e) => e.content);
		expect(events).toHaveLength(2);
		// the first node's diff holds p1 only (its base had p2 = 1 — the store's later edit is not 1C's change),
		// the second node's too (its base had p2 = 2)
		for (const [i, to] of [
			[0, "3"],
			[1, "4"],
		] as const)
			expect(events[i]?.content).toMatchObject({
				lines: { added: [], removed: [], changed: [{ key: "p1", fields: { quantity: { from: "2", to } } }] },
			});
		for (const e of events) expect((e.content as { lines?: { changed: unknown[] } } | undefined)?.lines?.changed).toHaveLength(1);
	});
	it("a held conflict keeps the order from every node until resolved; then the others get the resolution", async () => {
		const h = await createHarness();
		expect((await h.api("POST", "/nodes", { name: "second", ...SECOND })).status).toBe(201);
		await h.api("PUT", "/orders/o1001", ORDER);
		expect(await exportTo(h, false)).toBe(1);
		expect(await exportTo(h, true)).toBe(1);
		await h.api("PUT", "/orders/o1001", { ...ORDER, shipping: { method: "Курьер", price: "200", address: "" } });
		// the first node's 1C sets the delivery to 300 while the store set it to 200: held
		expect(await sendFrom(h, false, EDITED, "a.xml")).toMatch(/^success/);
		expect((await order(h)).held).not.toBeNull();
		// the store's edit reaches neither node while the conflict waits
		expect(await exportTo(h, true)).toBe(0);
		expect(await exportTo(h, false)).toBe(0);
		expect((await h.api("POST", "/orders/o1001/resolve", { take: "1c" })).status).toBe(200);
		// 1C's version: the first node has it already, the second gets it
		expect(await exportTo(h, false)).toBe(0);
		expect(await exportTo(h, true)).toBe(1);
		expect((await order(h)).shipping.price).toBe("300");
	});
});

describe("late-matched 1C documents (kept unmatched, matched later) carry their content like any other", () => {
	const renumbered = (bytes: Uint8Array, number: string) =>
		enc.encode(
			new TextDecoder().decode(bytes).replace("<Номер>1001</Номер>", `<Номер>${number}</Номер>`).replace("guid-1001", `guid-${number}`),
		);
	const kept = async (h: Harness) =>
		((await (await h.api("GET", `/nodes/${h.nodeId}/unmatched`)).json()) as { items: { id: number }[] }).items;

	it("an order 1C uploads before the store has it: the store's PUT matches it and the feed shows 1C's diff", async () => {
		const h = await createHarness();
		expect(await send(h, EDITED)).toMatch(/^success/);
		expect(await kept(h)).toHaveLength(1);
		expect((await h.api("PUT", "/orders/o1001", ORDER)).status).toBe(201);
		expect(await kept(h)).toHaveLength(0);
		const events = (await feed(h)).filter((e) => e.content);
		expect(events).toHaveLength(1);
		expect(events[0]?.content).toMatchObject({
			lines: { removed: [{ key: "p2" }], changed: [{ key: "p1", fields: { quantity: { from: "2", to: "3" } } }] },
			delivery: { from: "250", to: "300" },
		});
		expect((await order(h)).oneC?.content).toMatchObject({ delivery: "300" });
	});

	it("attached by an operator with contentFrom1C apply: the order takes 1C's content and 1C gets nothing back", async () => {
		const h = await createHarness({ settings: { contentFrom1C: "apply" } });
		await h.api("PUT", "/orders/o1001", ORDER);
		expect(await exported(h)).toBe(1);
		await send(h, renumbered(EDITED, "ЗК-77"));
		const [doc] = await kept(h);
		expect((await h.api("POST", `/nodes/${h.nodeId}/unmatched/${doc?.id}/attach`, { orderId: "o1001" })).status).toBe(200);
		const o = await order(h);
		expect(o.items.map((i) => [i.productId, i.quantity])).toEqual([["p1", "3"]]);
		expect(o.shipping.price).toBe("300");
		expect((await feed(h)).filter((e) => e.content)).toEqual([expect.objectContaining({ applied: true })]);
		expect(await exported(h)).toBe(0);
	});

	it("attached over a store edit of the same line: a held conflict, not exported until resolved", async () => {
		const h = await createHarness();
		await h.api("PUT", "/orders/o1001", ORDER);
		expect(await exported(h)).toBe(1);
		await h.api("PUT", "/orders/o1001", {
			...ORDER,
			items: [
				{ productId: "p1", name: "Товар p1", quantity: 5, price: "100" },
				{ productId: "p2", name: "Товар p2", quantity: 1, price: "300" },
			],
		});
		await send(h, renumbered(EDITED, "ЗК-78"));
		const [doc] = await kept(h);
		expect((await h.api("POST", `/nodes/${h.nodeId}/unmatched/${doc?.id}/attach`, { orderId: "o1001" })).status).toBe(200);
		expect((await order(h)).held).toMatchObject({ nodeId: h.nodeId, parts: expect.arrayContaining(["lines.p1.quantity"]) });
		expect((await feed(h)).filter((e) => e.conflict)).toHaveLength(1);
		expect(await exported(h)).toBe(0);
		expect((await h.api("POST", "/orders/o1001/resolve", { take: "store" })).status).toBe(200);
		expect(await exported(h)).toBe(1);
	});
});
