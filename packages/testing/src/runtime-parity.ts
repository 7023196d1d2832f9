/**
 * @module
 * What every runtime entry (Node, Bun, Deno) must serve besides the exchange, checked over a real socket: the admin
 * page and the widget bundle of `@obmen/widget`, the exchange URL from `PUBLIC_URL`, and the client address from a
 * trusted proxy's `X-Forwarded-For` (the entry runs with `PUBLIC_URL=https://shop.example/obmen` and
 * `TRUST_PROXY=loopback`, and the test connects from 127.0.0.1).
 */
import { expect } from "vitest";

/**
 * Checks `/admin`, `/admin/obmen-widget.js` (byte for byte `widgetJs`, the bundle the Node entry serves), a node's
 * `exchangeUrl` and the journalled client address.
 */
export async function servesWhatNodeServes(url: string, adminToken: string, widgetJs: Uint8Array): Promise<void> {
	const page = await fetch(`${url}/admin`);
	expect(page.status).toBe(200);
	expect(page.headers.get("content-type")).toMatch(/text\/html/);
	expect(await page.text()).toContain("obmen-widget.js");
	const js = await fetch(`${url}/admin/obmen-widget.js`);
	expect(js.status).toBe(200);
	expect(js.headers.get("content-type")).toMatch(/javascript/);
	expect(new Uint8Array(await js.arrayBuffer())).toEqual(widgetJs);

	const auth = { Authorization: `Bearer ${adminToken}` };
	const nodes = (await (await fetch(`${url}/api/v1/nodes`, { headers: auth })).json()) as {
		items: { id: string; login: string; exchangeUrl: string }[];
	};
	const node = nodes.items[0];
	expect(node?.exchangeUrl).toBe("https://shop.example/obmen/exim_1c");
	// a failed login through the (loopback, trusted) proxy is journalled under the address the proxy reported
	const wrong = `Basic ${btoa(`${node?.login}:wrong-password`)}`;
	await fetch(`${url}/exim_1c?type=sale&mode=checkauth`, {
		headers: { Authorization: wrong, "X-Forwarded-For": "192.0.2.1, 198.51.100.4" },
	});
	const journal = (await (await fetch(`${url}/api/v1/nodes/${node?.id}/journal?limit=50`, { headers: auth })).json()) as {
		items: { ip: string | null }[];
	};
	expect(journal.items.map((i) => i.ip)).toContain("198.51.100.4");
}
