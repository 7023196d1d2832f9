import { execFileSync, spawn, spawnSync } from "node:child_process";
import { once } from "node:events";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { fileURLToPath } from "node:url";
import { concatBytes, crc32, readDocuments, readDocumentsAll } from "@obmen/core";
import { afterAll, describe, expect, it } from "vitest";
import { type CliIo, main } from "./cli.ts";

/** Our CommerceML fixtures (packages/core/test-data/fixtures). */
const FIXTURES = fileURLToPath(new URL("../../core/test-data/fixtures/", import.meta.url));
const BIN = fileURLToPath(new URL("../bin/obmen.mjs", import.meta.url));
const DIST = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const tmp = mkdtempSync(join(tmpdir(), "obmen-cli-"));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

function fakeIo(files: Record<string, Uint8Array | string> = {}) {
	const out: Uint8Array[] = [];
	let err = "";
	const enc = new TextEncoder();
	const io: CliIo = {
		stdout: (c) => void out.push(typeof c === "string" ? enc.encode(c) : c),
		stderr: (t) => void (err += t),
		readFile: async (p) => {
			const f = files[p];
			if (f === undefined) {
				const { readFile } = await import("node:fs/promises");
				return new Uint8Array(await readFile(p));
			}
			return typeof f === "string" ? enc.encode(f) : f;
		},
	};
	const bytes = () => concatBytes(out);
	return { io, bytes, text: () => new TextDecoder().decode(bytes()), err: () => err };
}

/** A minimal stored (uncompressed) zip, enough to feed `cml decode` without extra dependencies. */
function zipSync(files: Record<string, Uint8Array>): Uint8Array {
	const enc = new TextEncoder();
	const local: number[] = [];
	const central: number[] = [];
	const u16 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff);
	const u32 = (a: number[], v: number) => a.push(v & 0xff, (v >>> 8) & 0xff, (v >>> 16) & 0xff, (v >>> 24) & 0xff);
	let count = 0;
	for (const [name, data] of Object.entries(files)) {
		const nameBytes = enc.encode(name);
		const offset = local.length;
		const crc = crc32(data);
		u32(local, 0x04034b50);
		for (const v of [20, 0x800, 0, 0, 0]) u16(local, v);
		u32(local, crc);
		u32(local, data.length);
		u32(local, data.length);
		u16(local, nameBytes.length);
		u16(local, 0);
		local.push(...nameBytes, ...data);
		u32(central, 0x02014b50);
		for (const v of [20, 20, 0x800, 0, 0, 0]) u16(central, v);
		u32(central, crc);
		u32(central, data.length);
		u32(central, data.length);
		for (const v of [nameBytes.length, 0, 0, 0, 0]) u16(central, v);
		u32(central, 0);
		u32(central, offset);
		central.push(...nameBytes);
		count++;
	}
	const eocd: number[] = [];
	u32(eocd, 0x06054b50);
	for (const v of [0, 0, count, count]) u16(eocd, v);
	u32(eocd, central.length);
	u32(eocd, local.length);
	u16(eocd, 0);
	return Uint8Array.from([...local, ...central, ...eocd]);
}

const order = (n: number, extra: Record<string, unknown> = {}) => ({
	id: `o${n}`,
	number: `A-${n}`,
	createdAt: "2026-11-28T14:03:00+03:00",
	status: "new",
	customer: { name: `Покупатель ${n}` },
	items: [{ productId: "p1", name: "Щётка «Люкс»", quantity: 2, price: "10.50" }],
	shipping: { method: "Курьер", price: "300" },
	comment: "позвонить & уточнить",
	...extra,
});

describe("obmen cml encode", () => {
	it("defaults: windows-1251, 2.05, statuses, delivery line; round-trips through decode", async () => {
		const f = fakeIo({ "orders.json": JSON.stringify([order(1), order(2)]) });
		expect(await main(["cml", "encode", "--in", "orders.json"], f.io)).toBe(0);
		const xml = f.bytes();
		const head = new TextDecoder("latin1").decode(xml.slice(0, 60));
		expect(head).toContain('encoding="windows-1251"');
		const r = await readDocumentsAll(xml);
		expect(r.schemaVersion).toBe("2.05");
		expect(r.documents.map((d) => d.number)).toEqual(["A-1", "A-2"]);
		expect(r.documents[0]?.items.map((i) => i.id)).toEqual(["p1", "ORDER_DELIVERY"]);
		expect(r.documents[0]?.comment).toBe("позвонить & уточнить");
		expect(r.documents[0]?.requisites.some((q) => q.name === "Статус заказа")).toBe(true);
	});

	it("NDJSON, --schema 2.08 --encoding utf-8 --shipping none --no-statuses", async () => {
		const nd = `${JSON.stringify(order(1))}\n\n${JSON.stringify(order(2))}\n`;
		const f = fakeIo({ "o.ndjson": nd });
		expect(
			await main(
				["cml", "encode", "--in=o.ndjson", "--schema", "2.08", "--encoding", "utf-8", "--shipping", "none", "--no-statuses"],
				f.io,
			),
		).toBe(0);
		expect(f.text()).toContain('encoding="UTF-8"');
		const r = await readDocumentsAll(f.bytes());
		expect(r.schemaVersion).toBe("2.08");
		expect(r.documents).toHaveLength(2);
		expect(r.documents[0]?.items.map((i) => i.id)).toEqual(["p1"]);
		expect(r.documents[0]?.requisites.some((q) => q.name === "Статус заказа")).toBe(false);
	});

	it("an invalid order exits 1 naming its index and field path, with no XML written", async () => {
		const bad = order(2, { items: [{ productId: "p", name: "x", quantity: 1, price: "abc" }] });
		const f = fakeIo({ "o.json": JSON.stringify([order(1), bad]) });
		expect(await main(["cml", "encode", "--in", "o.json"], f.io)).toBe(1);
		expect(f.err()).toMatch(/order 1: items\.0\.price: /);
		expect(f.bytes().length).toBe(0);
	});

	it.each([
		[["cml", "encode"], /needs --in/],
		[["cml", "encode", "--in", "x", "--schema", "9.9"], /--schema must be/],
		[["cml", "encode", "--in", "x", "--encoding", "koi8-r"], /--encoding must be/],
		[["cml", "encode", "--in", "x", "--shipping", "maybe"], /--shipping must be/],
		[["cml", "frobnicate"], /unknown command/],
		[["nope"], /unknown command/],
		[["cml", "encode", "--in"], /needs a value/],
		[["cml", "encode", "--in", "x", "--optoins"], /unknown option --optoins/],
		[["cml", "encode", "--in", "x", "--no-in"], /unknown option --no-in/],
		[["cml", "decode", "x", "--options"], /unknown option --options/],
	])("usage error %j exits 2", async (argv, msg) => {
		const f = fakeIo({ x: "[]" });
		expect(await main(argv, f.io)).toBe(2);
		expect(f.err()).toMatch(msg);
	});

	it("a file that is not JSON exits 1 saying so (not “cannot read”)", async () => {
		const f = fakeIo({ "bad.json": '[{"id":' });
		expect(await main(["cml", "encode", "--in", "bad.json"], f.io)).toBe(1);
		expect(f.err()).toMatch(/bad\.json: invalid JSON/);
		const nd = fakeIo({ "nd.json": '{"id":"1"}\n{oops}\n' });
		expect(await main(["cml", "encode", "--in", "nd.json"], nd.io)).toBe(1);
		expect(nd.err()).toMatch(/nd\.json: line 2: invalid JSON/);
	});

	it("--help prints usage and exits 0", async () => {
		const f = fakeIo();
		expect(await main(["--help"], f.io)).toBe(0);
		expect(f.text()).toContain("obmen cml encode");
		expect(f.text()).toContain("obmen cml decode");
	});
});

describe("obmen help, version, envelope, capped errors", () => {
	it("--version prints the package.json version", async () => {
		const { readFile } = await import("node:fs/promises");
		const pkg = JSON.parse(await readFile(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8"));
		const f = fakeIo();
		expect(await main(["--version"], f.io)).toBe(0);
		expect(f.text()).toBe(`obmen ${pkg.version}\n`);
	});

	it("per-command --help, and a group alone explains its commands", async () => {
		const enc = fakeIo();
		expect(await main(["cml", "encode", "--help"], enc.io)).toBe(0);
		expect(enc.text()).toMatch(/^obmen cml encode --in/);
		expect(enc.text()).toContain("--no-statuses");
		expect(enc.text()).not.toContain("reset-token");
		const dec = fakeIo();
		expect(await main(["cml", "decode", "-h"], dec.io)).toBe(0);
		expect(dec.text()).toMatch(/^obmen cml decode/);
		expect(dec.text()).not.toContain("--schema");
		const cml = fakeIo();
		expect(await main(["cml"], cml.io)).toBe(2);
		expect(cml.text()).toContain("obmen cml encode");
		expect(cml.text()).toContain("obmen cml decode");
		expect(cml.text()).not.toContain("db backup");
		const db = fakeIo();
		expect(await main(["db", "--help"], db.io)).toBe(0);
		expect(db.text()).toContain("obmen db backup");
		expect(db.text()).toContain("obmen db migrate");
		const typo = fakeIo();
		expect(await main(["cml", "encdoe"], typo.io)).toBe(2);
		expect(typo.err()).toBe('obmen: unknown command "cml encdoe"\nRun "obmen cml --help" for usage.\n');
	});

	it("accepts the { items, nextCursor } pages of GET /api/v1/orders (extra fields of the API view ignored)", async () => {
		const view = (n: number) => ({ ...order(n), revision: 2, oneC: null, held: null, deletedAt: null });
		const pages = `${JSON.stringify({ items: [view(1), view(2)], nextCursor: "2" })}\n${JSON.stringify({ items: [view(3)], nextCursor: null })}\n`;
		const f = fakeIo({ "pages.json": pages });
		expect(await main(["cml", "encode", "--in", "pages.json"], f.io)).toBe(0);
		expect((await readDocumentsAll(f.bytes())).documents.map((d) => d.number)).toEqual(["A-1", "A-2", "A-3"]);
	});

	it("caps the validation problems it prints and counts the rest; writes no XML", async () => {
		const bad = (n: number) => order(n, { createdAt: "yesterday" });
		const orders = [order(0), ...Array.from({ length: 30 }, (_, i) => bad(i + 1))];
		const f = fakeIo({ "o.json": JSON.stringify(orders) });
		expect(await main(["cml", "encode", "--in", "o.json"], f.io)).toBe(1);
		const lines = f.err().trimEnd().split("\n");
		expect(lines.slice(0, 20)).toEqual(
			Array.from({ length: 20 }, (_, i) => expect.stringMatching(new RegExp(`^obmen: order ${i + 1}: createdAt: `))),
		);
		expect(lines.slice(20)).toEqual([
			"obmen: … and 10 more problem(s)",
			"obmen: 30 of 31 order(s) invalid (30 problem(s)); no XML written",
		]);
		expect(f.bytes().length).toBe(0);
	});
});

describe("obmen cml decode", () => {
	it("prints the documents of a fixture as JSON with 1C facts", async () => {
		const f = fakeIo();
		expect(await main(["cml", "decode", `${FIXTURES}1c-2.09-namespaced-utf-8.xml`], f.io)).toBe(0);
		const docs = JSON.parse(f.text());
		expect(docs).toHaveLength(2);
		expect(docs[0]).toMatchObject({ id: "1205", number: "1205", total: "5740", currency: "RUB" });
		expect(docs[0].oneC).toEqual({
			id: "1205",
			number: "МГ00-000041",
			date: "2024-06-10",
			posted: true,
			paid: true,
			paidAt: "2024-06-10T11:02:17",
			paymentNumber: "МГ00-000052",
			shipped: true,
			shippedAt: "2024-06-10T15:48:00",
			shipmentNumber: "МГ00-000063",
			cancelled: null,
			deleted: false,
			status: null,
		});
		expect(docs[0].items).toHaveLength(2);
	});

	it("decodes every xml entry of a zip", async () => {
		const a = new TextEncoder().encode(
			'<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация><Документ><Номер>1</Номер></Документ></КоммерческаяИнформация>',
		);
		const b = new TextEncoder().encode(
			'<?xml version="1.0" encoding="UTF-8"?><КоммерческаяИнформация><Документ><Номер>2</Номер></Документ><Документ><Номер>3</Номер></Документ></КоммерческаяИнформация>',
		);
		const f = fakeIo({ "v8_1.zip": zipSync({ "orders-1.xml": a, "orders-2.xml": b }) });
		expect(await main(["cml", "decode", "v8_1.zip"], f.io)).toBe(0);
		const docs = JSON.parse(f.text());
		expect(docs.map((d: { file: string; number: string }) => `${d.file}:${d.number}`).sort()).toEqual([
			"orders-1.xml:1",
			"orders-2.xml:2",
			"orders-2.xml:3",
		]);
	});

	it.each([
		["<КоммерческаяИнформация>\n<Документ>\n", /XML_TRUNCATED at line \d+, column \d+ \(byte \d+\)/],
		['<?xml version="1.0"?>\n<!DOCTYPE x [<!ENTITY a "b">]><КоммерческаяИнформация/>', /DOCTYPE_FORBIDDEN at/],
		["<КоммерческаяИнформация><a></b></КоммерческаяИнформация>", /XML_MALFORMED at line 1, column \d+ \(byte \d+\)/],
		["<Каталог/>", /NOT_COMMERCEML/],
	])("bad input exits 1 with CODE and position: %j", async (xml, msg) => {
		const f = fakeIo({ "bad.xml": xml });
		expect(await main(["cml", "decode", "bad.xml"], f.io)).toBe(1);
		expect(f.err()).toMatch(msg);
	});

	it("a hostile zip exits 1 with its ZIP code", async () => {
		const f = fakeIo({ "z.zip": zipSync({ "../evil.xml": new Uint8Array(1) }) });
		expect(await main(["cml", "decode", "z.zip"], f.io)).toBe(1);
		expect(f.err()).toMatch(/ZIP_NAME/);
	});
});

describe.skipIf(!existsSync(DIST))("the real bin (built dist)", () => {
	it("obmen cml encode | obmen cml decode through processes", () => {
		const file = join(tmp, "o.json");
		writeFileSync(file, JSON.stringify([order(7)]));
		const xml = execFileSync(process.execPath, [BIN, "cml", "encode", "--in", file]);
		writeFileSync(join(tmp, "o.xml"), xml);
		const docs = JSON.parse(execFileSync(process.execPath, [BIN, "cml", "decode", join(tmp, "o.xml")], { encoding: "utf8" }));
		expect(docs[0]).toMatchObject({ number: "A-7", currency: "RUB" });
		const bad = spawnSync(process.execPath, [BIN, "cml", "decode", join(tmp, "o.json")], { encoding: "utf8" });
		expect(bad.status).toBe(1);
		expect(bad.stderr).toMatch(/XML_MALFORMED at line 1/);
	});

	it("--in - reads standard input", () => {
		const xml = execFileSync(process.execPath, [BIN, "cml", "encode", "--in", "-", "--encoding", "utf-8"], {
			input: `${JSON.stringify(order(1))}\n${JSON.stringify(order(2))}\n`,
		});
		expect(new TextDecoder().decode(xml).match(/<Номер>A-\d<\/Номер>/g)).toEqual(["<Номер>A-1</Номер>", "<Номер>A-2</Номер>"]);
		const decoded = JSON.parse(execFileSync(process.execPath, [BIN, "cml", "decode", "-"], { input: xml, encoding: "utf8" }));
		expect(decoded.map((d: { number: string }) => d.number)).toEqual(["A-1", "A-2"]);
	});

	it.skipIf(process.platform !== "linux")("a pipe named as a file (--in <(curl …), /dev/stdin) is read whole, not once per pass", () => {
		const file = join(tmp, "three.json");
		writeFileSync(file, JSON.stringify([order(1), order(2), order(3)]));
		const script = 'cat "$0" | "$1" "$2" cml encode --in /dev/stdin --encoding utf-8';
		const xml = execFileSync("sh", ["-c", script, file, process.execPath, BIN]);
		expect(new TextDecoder().decode(xml).match(/<Документ>/g)).toHaveLength(3);
	});

	it("a reader that closes the pipe early (| head) ends it quietly: exit 0, nothing on stderr", async () => {
		const file = join(tmp, "many.json");
		writeFileSync(file, JSON.stringify(Array.from({ length: 500 }, (_, i) => order(i))));
		const child = spawn(process.execPath, [BIN, "cml", "encode", "--in", file], { stdio: ["ignore", "pipe", "pipe"] });
		let err = "";
		child.stderr.on("data", (d) => (err += d));
		let got = 0;
		child.stdout.on("data", (d: Buffer) => {
			got += d.length;
			child.stdout.destroy(); // like `head -c`: read a little, then close
		});
		const [code, signal] = await once(child, "close");
		expect(got).toBeGreaterThan(0);
		expect({ code, signal, err }).toEqual({ code: 0, signal: null, err: "" });
	});

	it("encodes 100k orders piped through stdin in bounded memory; the XML is complete and well-formed", async () => {
		const N = 100_000;
		// the admin API's order view: an order plus fields the encoder ignores (as `GET /api/v1/orders` returns them)
		const note = "x".repeat(1200);
		let inputBytes = 0;
		async function* input() {
			let batch = "[";
			for (let n = 0; n < N; n++) {
				batch += `${n ? ",\n" : ""}${JSON.stringify({ ...order(n), revision: 1, oneC: { content: { note } } })}`;
				if (batch.length > 1 << 20 || n === N - 1) {
					if (n === N - 1) batch += "]\n";
					const bytes = Buffer.from(batch);
					inputBytes += bytes.length;
					batch = "";
					yield bytes;
				}
			}
		}
		// the child reports its own peak resident set size (KiB) when it exits
		const reportRss = `data:text/javascript,process.on("exit",()=>process.stderr.write("maxrss="+process.resourceUsage().maxRSS+"\\n"))`;
		// a heap capped below the input's size: an encoder that held the input (or the output) would die of OOM here,
		// on every Node version alike (their default heap sizing and GC timing differ, so RSS alone says less)
		const heapMiB = 128;
		const args = [`--max-old-space-size=${heapMiB}`, "--import", reportRss, BIN, "cml", "encode", "--in", "-", "--encoding", "utf-8"];
		const child = spawn(process.execPath, args, {
			stdio: ["pipe", "pipe", "pipe"],
		});
		let err = "";
		child.stderr.on("data", (d) => (err += d));
		const fed = pipeline(Readable.from(input()), child.stdin);
		let documents = 0;
		let last: string | null = null;
		for await (const doc of readDocuments(child.stdout, { maxElements: Number.POSITIVE_INFINITY })) {
			documents++;
			last = doc.number;
		}
		await fed;
		const [code] = await once(child, "close");
		expect(err).toMatch(/^maxrss=\d+\n$/);
		expect(code).toBe(0);
		expect({ documents, last }).toEqual({ documents: N, last: `A-${N - 1}` });
		const peak = Number(/maxrss=(\d+)/.exec(err)?.[1]) * 1024;
		expect(inputBytes).toBeGreaterThan(heapMiB * 2 ** 20);
		expect(peak).toBeLessThan(300 * 2 ** 20);
	}, 600_000);
});
