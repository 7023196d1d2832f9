/**
 * Apply on upload (node setting `applyOnUpload`, issue 17 §2): 1C clients that never call `mode=import` (УНФ 1.6.4–
 * 1.6.10; УНФ 3.0 without the Bitrix protocol and subordinate documents; УТ/КА/ERP with «Выгружать файлы без ожидания
 * подтверждения импорта сервером») still get every status, payment, shipment and cancellation applied — once the
 * upload is complete, never before.
 */
import { encodeCp1251 } from "@obmen/core";
import { StoreBusyError, type UploadApply } from "@obmen/db";
import { createHarness, type Harness, oneCFile } from "@obmen/testing/harness";
import { zipSync } from "fflate";
import { describe, expect, it } from "vitest";
import { sha256Hex } from "../crypto.ts";
import type { ResolvedOptions } from "../options.ts";
import { endsWithRootClose, leaseKeeper } from "./apply-on-upload.ts";

const enc = new TextEncoder();

const paid = (numbers: number[], extra: [string, string][] = []) =>
	enc.encode(
		oneCFile(
			numbers.map((n) => ({
				number: String(n),
				requisites: [["Номер по 1С", `УТ-${n}`], ["Проведен", "true"], ["Оплачен", "true"], ...extra] as [string, string][],
			})),
		),
	);

async function seeded(h: Harness, n = 3): Promise<void> {
	for (let i = 1; i <= n; i++) expect((await h.putOrder({ id: `o${i}` })).status).toBe(201);
}

async function oneC(h: Harness, id: string): Promise<Record<string, unknown> | null> {
	return ((await (await h.api("GET", `/orders/${id}`)).json()) as { oneC: Record<string, unknown> | null }).oneC;
}

/** `init`, then `name` in pieces of `size` bytes; returns each `file` reply. */
async function upload(h: Harness, cookie: string, name: string, bytes: Uint8Array, size = bytes.length): Promise<string[]> {
	await h.text("type=sale&mode=init", { cookie });
	const replies: string[] = [];
	for (let off = 0; off < bytes.length; off += size) replies.push(await send(h, cookie, name, bytes.slice(off, off + size)));
	return replies;
}

const send = (h: Harness, cookie: string, name: string, body: Uint8Array) =>
	h.text(`type=sale&mode=file&filename=${encodeURIComponent(name)}`, { cookie, body });

async function journal(h: Harness) {
	await h.store.idle();
	return (await h.store.listJournal(h.nodeId, { limit: 100 })).reverse();
}

const ledgerRows = async (h: Harness) => Number((await h.client.execute("SELECT count(*) AS n FROM import_ledger")).rows[0]?.n);
const feedRows = async (h: Harness) => Number((await h.client.execute("SELECT count(*) AS n FROM order_changes")).rows[0]?.n);

describe("completeness of an xml upload", () => {
	const close = "</КоммерческаяИнформация>";
	it("ends with the root's closing tag: UTF-8 or windows-1251, any prefix, trailing whitespace", () => {
		expect(endsWithRootClose(enc.encode(`<КоммерческаяИнформация>\n${close}`))).toBe(true);
		expect(endsWithRootClose(enc.encode(`${close}\r\n \t`))).toBe(true);
		expect(endsWithRootClose(enc.encode("</cml:КоммерческаяИнформация >\n"))).toBe(true);
		expect(endsWithRootClose(encodeCp1251(`<a>${close}\r\n`))).toBe(true);
		expect(endsWithRootClose(encodeCp1251("</v8:КоммерческаяИнформация>"))).toBe(true);
	});

	it("anything else is incomplete: cut mid-way, another element, a cut closing tag", () => {
		const whole = enc.encode(`<КоммерческаяИнформация><Документ/>${close}`);
		for (let cut = 1; cut < whole.length; cut++) {
			const part = whole.subarray(0, cut);
			expect(endsWithRootClose(part), `cut at ${cut}`).toBe(false);
		}
		expect(endsWithRootClose(enc.encode("</Документ>"))).toBe(false);
		expect(endsWithRootClose(enc.encode("</ДругаяКоммерческаяИнформация>"))).toBe(false);
		expect(endsWithRootClose(enc.encode("<КоммерческаяИнформация/>"))).toBe(false);
		expect(endsWithRootClose(enc.encode("</:КоммерческаяИнформация>"))).toBe(false);
		expect(endsWithRootClose(new Uint8Array(0))).toBe(false);
	});
});

describe("apply on upload (applyOnUpload: complete, the default)", () => {
	it("an xml cut mid-way is not applied; the piece that completes it is applied before the reply", async () => {
		const h = await createHarness();
		await seeded(h);
		const before = await h.digest();
		const { cookie } = await h.login();
		const file = paid([1, 2]);
		const half = Math.floor(file.length / 2);
		expect(await upload(h, cookie, "orders-1.xml", file.slice(0, half))).toEqual(["success\n"]);
		expect(await h.digest()).toBe(before);
		expect(await oneC(h, "o1")).toBeNull();
		expect(await send(h, cookie, "orders-1.xml", file.slice(half))).toBe("success\n");
		expect(await oneC(h, "o1")).toMatchObject({ paid: true, posted: true, number: "УТ-1" });
		expect(await oneC(h, "o2")).toMatchObject({ paid: true });
		const last = (await journal(h)).at(-1);
		expect(last).toMatchObject({ mode: "file", reply: "success", ordersImported: 2, filename: "orders-1.xml" });
		expect(last?.note).toBe("applied on upload: orders-1.xml: documents: 2, updated: 2, created: 0, unknown: 0");
	});

	it("file_limit pieces of one xml (УНФ 1.6) are applied only after the last piece", async () => {
		const h = await createHarness({ settings: { fileLimit: 1024 } });
		await seeded(h, 5);
		const before = await h.digest();
		const { cookie } = await h.login();
		const file = paid([1, 2, 3, 4, 5]);
		const pieces = Math.ceil(file.length / 1024);
		expect(pieces).toBeGreaterThanOrEqual(3);
		await h.text("type=sale&mode=init", { cookie });
		for (let i = 0; i < pieces; i++) {
			expect(await send(h, cookie, "orders-5a.xml", file.slice(i * 1024, (i + 1) * 1024))).toBe("success\n");
			if (i < pieces - 1) expect(await h.digest(), `after piece ${i + 1} of ${pieces}`).toBe(before);
		}
		for (let i = 1; i <= 5; i++) expect(await oneC(h, `o${i}`)).toMatchObject({ paid: true });
		expect(await ledgerRows(h)).toBe(1);
	});

	it("a zip without its central directory yet is not applied; the chunk that completes it applies every xml inside", async () => {
		const h = await createHarness();
		await seeded(h, 4);
		const before = await h.digest();
		const { cookie } = await h.login();
		const zip = zipSync({
			"orders-a.xml": paid([1, 2]),
			"sub/orders-b.xml": paid([3, 4], [["Отгружен", "true"]]),
			"x.txt": enc.encode("x"),
		});
		const cut = zip.length - 10; // inside the end-of-central-directory record
		expect(await upload(h, cookie, "v8_3B8F_1.zip", zip.slice(0, cut))).toEqual(["success\n"]);
		expect(await h.digest()).toBe(before);
		expect(await send(h, cookie, "v8_3B8F_1.zip", zip.slice(cut))).toBe("success\n");
		for (const id of ["o1", "o2", "o3", "o4"]) expect(await oneC(h, id)).toMatchObject({ paid: true });
		expect(await oneC(h, "o4")).toMatchObject({ shipped: true });
		expect((await journal(h)).at(-1)?.note).toBe(
			"applied on upload: orders-a.xml: documents: 2, updated: 2, created: 0, unknown: 0; orders-b.xml: documents: 2, updated: 2, created: 0, unknown: 0",
		);
		// УТ then polls `import` for each xml: success with the same summary, nothing changes
		const applied = await h.digest();
		expect(await h.text("type=sale&mode=import&filename=orders-a.xml", { cookie })).toBe(
			"success\ndocuments: 2, updated: 2, created: 0, unknown: 0\n",
		);
		expect(await h.text("type=sale&mode=import&filename=orders-b.xml", { cookie })).toMatch(/^success\ndocuments: 2, updated: 2/);
		expect(await h.digest()).toBe(applied);
	});

	it("a later import of applied content answers success and changes nothing; the name then starts a new file", async () => {
		const h = await createHarness();
		await seeded(h);
		const { cookie } = await h.login();
		expect(await upload(h, cookie, "orders-1.xml", paid([1]))).toEqual(["success\n"]);
		const applied = await h.digest();
		h.clock.advance(60_000);
		expect(await h.text("type=sale&mode=import&filename=orders-1.xml", { cookie })).toBe(
			"success\ndocuments: 1, updated: 1, created: 0, unknown: 0\n",
		);
		// polled again (as after an import that applied it)
		expect(await h.text("type=sale&mode=import&filename=orders-1.xml", { cookie })).toBe("success\nalready imported\n");
		expect(await h.digest()).toBe(applied);
		// the same name again in the same epoch (no init): a new file, applied on its own
		expect(await send(h, cookie, "orders-1.xml", paid([2]))).toBe("success\n");
		expect(await oneC(h, "o2")).toMatchObject({ paid: true });
		const sid = await sha256Hex(cookie.split("=")[1] ?? "");
		expect(new TextDecoder().decode((await h.store.readUpload(sid, "orders-1.xml")) ?? new Uint8Array())).toContain("<Номер>2</Номер>");
	});

	it("УНФ re-sending earlier portions' xml inside later zips: the old xml is a no-op, the new one is applied", async () => {
		const h = await createHarness();
		await seeded(h, 3);
		const first = await h.login();
		const portion1 = paid([1]);
		await upload(h, first.cookie, "v8_1.zip", zipSync({ "orders-1.xml": portion1 }));
		expect(await oneC(h, "o1")).toMatchObject({ paid: true });
		const changes = await feedRows(h);
		// the next portion: a new connection, the directory zipped again with the earlier xml in it
		const next = await h.login();
		const portion2 = paid([2], [["Отгружен", "true"]]);
		expect(await upload(h, next.cookie, "v8_2.zip", zipSync({ "orders-1.xml": portion1, "orders-2.xml": portion2 }))).toEqual([
			"success\n",
		]);
		expect(await feedRows(h)).toBe(changes + 1);
		expect(await oneC(h, "o2")).toMatchObject({ paid: true, shipped: true });
		expect((await journal(h)).at(-1)?.note).toBe(
			"applied on upload: orders-1.xml: already imported; orders-2.xml: documents: 1, updated: 1, created: 0, unknown: 0",
		);
		const applied = await h.digest();
		for (const xml of ["orders-1.xml", "orders-2.xml"])
			expect(await h.text(`type=sale&mode=import&filename=${xml}`, { cookie: next.cookie })).toMatch(/^success\n/);
		expect(await h.digest()).toBe(applied);
		expect(await ledgerRows(h)).toBe(2);
	});

	it("a complete xml that does not parse is refused on the file request (1C keeps its changes) and changes nothing", async () => {
		const h = await createHarness();
		await seeded(h, 1);
		const before = await h.digest();
		const { cookie } = await h.login();
		const bad = enc.encode('<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация>\n<Документ></КоммерческаяИнформация>\n');
		const [reply] = await upload(h, cookie, "orders-bad.xml", bad);
		expect(reply).toMatch(/^failure\nXML_MALFORMED: /);
		expect(await h.digest()).toBe(before);
		expect(await h.text("type=sale&mode=import&filename=orders-bad.xml", { cookie })).toMatch(/^failure\nXML_MALFORMED: /);
		expect(await h.digest()).toBe(before);
	});

	it("applyOnUpload: never leaves a complete upload untouched until import", async () => {
		const h = await createHarness({ settings: { applyOnUpload: "never" } });
		await seeded(h, 2);
		const before = await h.digest();
		const { cookie } = await h.login();
		expect(await upload(h, cookie, "orders-1.xml", paid([1, 2]))).toEqual(["success\n"]);
		expect(await upload(h, cookie, "v8_1.zip", zipSync({ "orders-z.xml": paid([1], [["Отгружен", "true"]]) }))).toEqual(["success\n"]);
		await h.app.runBackgroundWork();
		expect(await h.digest()).toBe(before);
		expect((await journal(h)).every((row) => row.note === null)).toBe(true);
		expect(await h.text("type=sale&mode=import&filename=orders-1.xml", { cookie })).toMatch(/^success\ndocuments: 2, updated: 2/);
		expect(await oneC(h, "o2")).toMatchObject({ paid: true });
	});
});

describe("apply on upload in the background", () => {
	it("a file bigger than one time slice: file answers success at once, the rest is applied in the background", async () => {
		const h = await createHarness({ limits: { importSliceMs: 0 } });
		await seeded(h, 6);
		const { cookie } = await h.login();
		expect(await upload(h, cookie, "orders-big.xml", paid([1, 2, 3, 4, 5, 6]))).toEqual(["success\n"]);
		const fileRow = (await journal(h)).find((r) => r.mode === "file");
		expect(fileRow?.note).toMatch(/^applying on upload in the background \(documents staged: 1\)$/);
		await h.app.runBackgroundWork();
		for (let i = 1; i <= 6; i++) expect(await oneC(h, `o${i}`), `o${i}`).toMatchObject({ paid: true });
		const rows = await journal(h);
		expect(rows.at(-1)).toMatchObject({ mode: "file", reply: "success", ordersImported: 6 });
		expect(rows.at(-1)?.note).toBe("applied on upload in the background: orders-big.xml: documents: 6, updated: 6, created: 0, unknown: 0");
		expect(await h.text("type=sale&mode=import&filename=orders-big.xml", { cookie })).toMatch(/^success\ndocuments: 6, updated: 6/);
		expect(await ledgerRows(h)).toBe(1);
	});

	it("import polls drive a pending apply (progress) and end with its summary", async () => {
		const h = await createHarness({ limits: { importSliceMs: 0 } });
		await seeded(h, 4);
		const { cookie } = await h.login();
		await upload(h, cookie, "orders-4.xml", paid([1, 2, 3, 4]));
		// 1C УТ polls at once (the background run and the polls share the work through the lease)
		const replies: string[] = [];
		for (let i = 0; i < 50; i++) {
			const r = await h.text("type=sale&mode=import&filename=orders-4.xml", { cookie });
			replies.push(r);
			if (!r.startsWith("progress")) break;
		}
		expect(replies.at(-1)).toBe("success\ndocuments: 4, updated: 4, created: 0, unknown: 0\n");
		expect(replies.slice(0, -1).every((r) => r.startsWith("progress\n"))).toBe(true);
		await h.app.runBackgroundWork();
		expect(await ledgerRows(h)).toBe(1);
		expect(await feedRows(h)).toBe(4 + 4);
	});

	it("survives a restart: work left by a dead worker is resumed once its lease ends, and applied exactly once", async () => {
		const h = await createHarness({ limits: { importSliceMs: 0, applyLeaseMs: 60_000 } });
		await seeded(h, 3);
		const { cookie } = await h.login();
		// the `file` request's worker dies right after its first slice: its lease is still held
		const sid = await sha256Hex(cookie.split("=")[1] ?? "");
		await h.text("type=sale&mode=init", { cookie });
		await h.store.appendChunk(sid, "orders-3.xml", 1, paid([1, 2, 3]), { maxFileBytes: 1e9, maxSessionBytes: 1e9 });
		await h.store.queueUploadApply(sid, "orders-3.xml", h.nodeId, Date.now());
		expect(await h.store.claimUploadApply(sid, "orders-3.xml", Date.now(), 60_000)).toBe(true);
		h.restart();
		await h.app.runBackgroundWork();
		expect(await oneC(h, "o1")).toBeNull(); // the lease holds: nobody else works on it yet
		// the lease ran out (the dead worker never comes back): a later claim takes it
		await h.client.execute("UPDATE upload_applies SET claimed_until = 1");
		await Promise.all([h.app.runBackgroundWork(), h.restart().runBackgroundWork()]);
		for (let i = 1; i <= 3; i++) expect(await oneC(h, `o${i}`)).toMatchObject({ paid: true });
		expect(await ledgerRows(h)).toBe(1);
		expect(await feedRows(h)).toBe(3 + 3);
		expect((await h.store.getUploadApply(sid, "orders-3.xml"))?.state).toBe("done");
	});

	it("a pending apply keeps its upload when the session is purged, and drops it once applied", async () => {
		const h = await createHarness({ limits: { importSliceMs: 0 } });
		await seeded(h, 2);
		const { cookie } = await h.login();
		const sid = await sha256Hex(cookie.split("=")[1] ?? "");
		await h.text("type=sale&mode=init", { cookie });
		await h.store.appendChunk(sid, "orders-2.xml", 1, paid([1, 2]), { maxFileBytes: 1e9, maxSessionBytes: 1e9 });
		await h.store.queueUploadApply(sid, "orders-2.xml", h.nodeId, Date.now());
		await h.store.deleteSession(sid);
		expect(await h.store.listUploads(sid)).toEqual(["orders-2.xml"]);
		await h.app.runBackgroundWork();
		for (const id of ["o1", "o2"]) expect(await oneC(h, id)).toMatchObject({ paid: true });
		expect(await h.store.listUploads(sid)).toEqual([]);
		expect(await h.store.getUploadApply(sid, "orders-2.xml")).toBeNull();
	});
});

describe("the lease of an apply", () => {
	const apply = { sessionId: "s", name: "f.xml" } as UploadApply;
	const options = (renew: () => boolean) => {
		const calls: [number, number][] = [];
		const o = {
			limits: { applyLeaseMs: 1000 },
			store: {
				async renewUploadApply(_s: string, _n: string, held: number, until: number) {
					calls.push([held, until]);
					return renew();
				},
			},
		} as unknown as ResolvedOptions;
		return { o, calls };
	};

	it("is renewed once half of it has passed, from the lease end it last set; a lease another worker took stops the slice", async () => {
		let t = 10_000;
		const { o, calls } = options(() => true);
		const keep = leaseKeeper(o, apply, 11_000, () => t);
		await keep();
		t = 10_499;
		await keep();
		expect(calls).toEqual([]);
		t = 10_500;
		await keep();
		expect(calls).toEqual([[11_000, 11_500]]);
		t = 10_999; // the renewed lease runs to 11,500
		await keep();
		expect(calls).toHaveLength(1);
		t = 11_000;
		await keep();
		expect(calls.at(-1)).toEqual([11_500, 12_000]);
		const lost = options(() => false);
		await expect(leaseKeeper(lost.o, apply, 11_000, () => 10_600)()).rejects.toThrow(/another worker/);
		// the database busy at a renewal: the slice goes on while its lease runs, and fails once it ended
		const locked = options(() => {
			throw new StoreBusyError("database is locked");
		});
		let at = 10_600;
		const keepBusy = leaseKeeper(locked.o, apply, 11_000, () => at);
		await keepBusy();
		at = 11_000;
		await expect(keepBusy()).rejects.toBeInstanceOf(StoreBusyError);
		expect(locked.calls).toHaveLength(2);
	});

	// 600 documents: a full page of 500 is planned as the file is parsed, and the lease (1 ms) is renewed before it
	const file = () => paid(Array.from({ length: 600 }, (_, i) => i + 1));

	it("a slice that outlives its lease renews it and applies before the reply", async () => {
		const h = await createHarness({ limits: { applyLeaseMs: 1 } });
		await seeded(h);
		const renew = h.store.renewUploadApply.bind(h.store);
		let renewals = 0;
		h.store.renewUploadApply = async (...a) => {
			renewals++;
			return renew(...a);
		};
		const { cookie } = await h.login();
		expect(await upload(h, cookie, "orders-1.xml", file())).toEqual(["success\n"]);
		expect(renewals).toBeGreaterThanOrEqual(1);
		expect(await oneC(h, "o1")).toMatchObject({ paid: true });
		expect((await journal(h)).at(-1)?.note).toMatch(/^applied on upload: orders-1\.xml: documents: 600, updated: 3,/);
		expect(await ledgerRows(h)).toBe(1);
	});

	it("a slice that outlived its lease unnoticed cannot save over the worker that took it: it stops, the file applies once", async () => {
		const h = await createHarness();
		await seeded(h);
		const save = h.store.saveUploadApply.bind(h.store);
		let taken = false;
		h.store.saveUploadApply = async (...a) => {
			if (!taken && a[3] !== undefined) {
				// just before the slice saves, another worker claims the apply (the slice's lease ran out meanwhile)
				taken = true;
				await h.client.execute("UPDATE upload_applies SET claimed_until = claimed_until + 1");
			}
			return save(...a);
		};
		const { cookie } = await h.login();
		expect(await upload(h, cookie, "orders-1.xml", file())).toEqual(["success\n"]);
		expect(taken).toBe(true);
		// the other worker's claim stands (the slice did not free it or mark the apply done)
		const row = (await h.client.execute("SELECT state, claimed_until FROM upload_applies")).rows[0];
		expect([row?.state, Number(row?.claimed_until) > 0]).toEqual(["pending", true]);
		// that worker gives up its lease; the background work finishes the apply: the file was applied once
		await h.client.execute("UPDATE upload_applies SET claimed_until = 0");
		await h.app.runBackgroundWork();
		await h.store.idle();
		expect(await oneC(h, "o1")).toMatchObject({ paid: true });
		expect(await ledgerRows(h)).toBe(1);
		expect((await h.client.execute("SELECT state FROM upload_applies")).rows[0]?.state).toBe("done");
	});

	it("a slice whose lease another worker took stops; that worker applies the file, once", async () => {
		const h = await createHarness({ limits: { applyLeaseMs: 1 } });
		await seeded(h);
		const renew = h.store.renewUploadApply.bind(h.store);
		let refusals = 1;
		h.store.renewUploadApply = async (...a) => (refusals-- > 0 ? false : renew(...a));
		const { cookie } = await h.login();
		expect(await upload(h, cookie, "orders-1.xml", file())).toEqual(["success\n"]);
		expect((await journal(h)).at(-1)?.note).toBe("applying on upload in the background");
		await h.app.runBackgroundWork();
		await h.store.idle();
		expect(await oneC(h, "o1")).toMatchObject({ paid: true });
		expect(await ledgerRows(h)).toBe(1);
	});
});
