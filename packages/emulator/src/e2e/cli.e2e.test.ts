/** `obmen-1c sync` (in-process `main`) against the real Obmen app: the README's worked example, asserted. */
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Obmen, startObmen, storeOrder } from "@obmen/testing/obmen";
import { afterEach, beforeEach, expect, it } from "vitest";
import { main } from "../cli.ts";

let obmen: Obmen;
let dir: string;
beforeEach(async () => {
	obmen = await startObmen();
	dir = await mkdtemp(join(tmpdir(), "obmen-1c-e2e-"));
});
afterEach(async () => {
	await obmen.close();
	await rm(dir, { recursive: true, force: true });
});

async function cli(args: string[]) {
	let out = "";
	let err = "";
	const code = await main(args, { stdout: (s) => (out += s), stderr: (s) => (err += s) });
	return { code, out, err };
}

it.each(["ut11", "unf", "bitrix-module"])("two CLI runs with --state (%s): load, then pay/ship/cancel upload", async (profile) => {
	const n = await obmen.createNode({
		exportOptions: true,
		statusMap: {
			export: { new: "Новый", processing: "В работе" },
			import: [
				{ on: "paid", status: "paid" },
				{ on: "shipped", status: "shipped" },
				{ on: "cancelled", status: "cancelled" },
			],
		},
	});
	await obmen.putOrder(storeOrder(1001));
	await obmen.putOrder(storeOrder(1002, { status: "processing" }));
	const state = join(dir, "1c.json");
	const common = [
		"sync",
		"--url",
		n.url,
		"--login",
		n.login,
		"--password",
		n.password,
		"--profile",
		profile,
		"--state",
		state,
		"--import-pause-ms",
		"10",
	];
	const first = await cli([...common, "--status-map", "Новый=Не согласован", "--status-map", "В работе=Согласован"]);
	expect(first.err).toBe("");
	expect(first.out).toMatch(/orders loaded: +2 \(created 2, updated 0, skipped 0\)/);
	expect(first.out).toMatch(/success sent: +yes/);
	expect(first.code).toBe(0);
	const saved = JSON.parse(await readFile(state, "utf8"));
	expect(saved.orders.map((o: { siteNumber: string; status: string }) => `${o.siteNumber}:${o.status}`)).toEqual([
		"1001:Не согласован",
		"1002:Согласован",
	]);

	const second = await cli([...common, "--pay", "1001", "--ship", "1001", "--cancel", "1002"]);
	expect(second.err).toBe("");
	expect(second.code).toBe(0);
	expect(second.out).toMatch(/orders loaded: +0/);
	expect(second.out).toMatch(/orders delivered: 1001, 1002/);
	expect((await obmen.getOrder("ord-1001")).oneC).toMatchObject({ paid: true, shipped: true });
	const o2 = await obmen.getOrder("ord-1002");
	expect([o2.status, o2.oneC?.cancelled]).toEqual(["cancelled", true]);
});
