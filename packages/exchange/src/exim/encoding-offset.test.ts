/**
 * Issue 9 item 6: a windows-1251 file declared as UTF-8 is refused with the byte offset of its first windows-1251
 * letter in the `failure` reason, and changes nothing.
 */

import { createHarness, uploadAndImport } from "@obmen/testing/harness";
import { describe, expect, it } from "vitest";

describe("an upload in the wrong encoding", () => {
	it("windows-1251 bytes under an UTF-8 declaration: ENCODING_INVALID at the byte offset", async () => {
		const h = await createHarness();
		const before = await h.digest();
		const { cookie } = await h.login();
		const enc = new TextEncoder();
		const head = `<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.07"><Документ><Номер>`;
		const cp1251 = new Uint8Array([0xc7, 0xe0, 0xea, 0xe0, 0xe7]); // "Заказ" in windows-1251
		const tail = enc.encode("</Номер></Документ></КоммерческаяИнформация>");
		const file = new Uint8Array([...enc.encode(head), ...cp1251, ...tail]);
		const reply = (await uploadAndImport(h, cookie, "orders.xml", file, 10_000)).at(-1) ?? "";
		expect(reply).toBe(`failure\nENCODING_INVALID: invalid utf-8 byte sequence at byte ${enc.encode(head).length}\n`);
		expect(await h.digest()).toBe(before);
	});
});
