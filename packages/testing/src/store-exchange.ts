/**
 * @module
 * One full store ⇄ 1C round trip against a served Obmen (any runtime): the store PUTs an order through the admin API,
 * УТ 11 downloads it (`checkauth` → `init` → `query` → `success`), a 1C user pays and ships it, УТ 11 uploads it back
 * (`init` → `file` → `import`), and the admin API then shows the 1C state of the order.
 */
import { Infobase, sync } from "@obmen/emulator";
import { storeOrder } from "./obmen.ts";

/** Credentials of the served instance. */
export interface StoreExchangeTarget {
	url: string;
	adminToken: string;
	login: string;
	password: string;
}

/** What the round trip observed. */
export interface StoreExchangeResult {
	putStatus: number;
	deviations: string[];
	successSent: boolean;
	loaded: number;
	delivered: number;
	orderStatus: number;
	order: { status?: string; oneC?: { paid?: boolean; shipped?: boolean; number?: string } | null };
	/** The number 1C gave the order (to compare with `order.oneC.number`). */
	oneCNumber: string | undefined;
}

/** Runs the round trip with order `ord-<n>` (site number `<n>`). */
export async function runStoreExchange(t: StoreExchangeTarget, n = 2001): Promise<StoreExchangeResult> {
	const admin = { Authorization: `Bearer ${t.adminToken}` };
	const put = await fetch(`${t.url}/api/v1/orders/ord-${n}`, {
		method: "PUT",
		headers: { ...admin, "Content-Type": "application/json" },
		body: JSON.stringify(storeOrder(n)),
	});
	await put.body?.cancel();
	const base = new Infobase();
	const report = await sync("ut11", {
		url: `${t.url}/exim_1c`,
		login: t.login,
		password: t.password,
		infobase: base,
		maxImportPolls: 200,
		beforeUpload: (b) => {
			b.pay(String(n));
			b.ship(String(n));
		},
	});
	const got = await fetch(`${t.url}/api/v1/orders/ord-${n}`, { headers: admin });
	return {
		putStatus: put.status,
		deviations: report.deviations.map((d) => `${d.step}: ${d.message} ${d.reply?.body ?? ""}`),
		successSent: report.successSent,
		loaded: report.loads[0]?.documents ?? 0,
		delivered: report.upload.delivered,
		orderStatus: got.status,
		order: (await got.json()) as StoreExchangeResult["order"],
		oneCNumber: base.findBySiteNumber(String(n))?.number,
	};
}
