#!/usr/bin/env node
/**
 * Import benchmark for the strict streaming CommerceML reader (@obmen/core readDocuments).
 *
 * Generates a ~100 MB 1C-style UTF-8 order file (namespace urn:1C.ru:commerceml_2, ~100k
 * `Документ`s with 1C requisites and lines) in the temp directory, then runs two child
 * processes over it, each streaming the file from disk:
 *   - "read": Node stream → web ReadableStream → readDocuments, counting documents;
 *   - "raw":  the same bytes through a streaming TextDecoder only (the floor: no XML work);
 *   - "saxes": TextDecoder + a bare saxes parser with no-op handlers (the XML floor).
 * Each child reports wall time and peak RSS (process.resourceUsage().maxRSS).
 *
 * Usage: npm run build && node scripts/bench-import.mjs [--mb 100] [--keep]
 * Target: peak RSS of the "read" child < 250 MB.
 */
import { spawnSync } from "node:child_process";
import { createReadStream, createWriteStream, existsSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Readable } from "node:stream";
import { fileURLToPath, pathToFileURL } from "node:url";

const CORE = fileURLToPath(new URL("../packages/core/dist/index.js", import.meta.url));
const SELF = fileURLToPath(import.meta.url);
const argv = process.argv.slice(2);
const opt = (name, dflt) => {
	const i = argv.indexOf(`--${name}`);
	return i >= 0 ? argv[i + 1] : dflt;
};

function documentXml(n) {
	// ~1 KB per document (Cyrillic tag names are 2 bytes per letter in UTF-8), shaped like 1C's A5 sample.
	const id = `${(0x10000000 + n).toString(16)}-8b1b-11df-be16-e0cb4ed5f70f`;
	const sum = ((n % 9000) + 100).toFixed(2);
	const req = (name, value) => `<ЗначениеРеквизита><Наименование>${name}</Наименование><Значение>${value}</Значение></ЗначениеРеквизита>`;
	return (
		`<Документ><Ид>${id}</Ид><Номер>${n}</Номер><Дата>2026-11-28</Дата>` +
		`<ХозОперация>Заказ товара</ХозОперация><Контрагенты><Контрагент><Наименование>Покупатель ${n}</Наименование><Роль>Покупатель</Роль></Контрагент></Контрагенты>` +
		`<Сумма>${sum}</Сумма>` +
		`<ЗначенияРеквизитов>${req("Проведен", "true")}${req("Дата оплаты по 1С", "2026-11-28T15:39:10")}${req("Статуса заказа ИД", "P")}</ЗначенияРеквизитов>` +
		`<Товары><Товар><Ид>${n}</Ид><Наименование>Ботинки</Наименование><Количество>1</Количество><Цена>${sum}</Цена></Товар></Товары></Документ>\n`
	);
}

async function generate(file, targetBytes) {
	const out = createWriteStream(file);
	const enc = new TextEncoder();
	let bytes = 0;
	let docs = 0;
	const write = (s) => {
		const b = enc.encode(s);
		bytes += b.length;
		return out.write(b) ? null : new Promise((r) => out.once("drain", r));
	};
	await write(
		'<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация xmlns="urn:1C.ru:commerceml_2" xmlns:xs="http://www.w3.org/2001/XMLSchema" ВерсияСхемы="2.09" ДатаФормирования="2026-11-29T10:00:00">\n',
	);
	while (bytes < targetBytes) {
		let batch = "";
		for (let i = 0; i < 200; i++) batch += documentXml(++docs);
		await write(batch);
	}
	await write("</КоммерческаяИнформация>\n");
	await new Promise((r) => out.end(r));
	return docs;
}

async function child(mode, file) {
	const stream = Readable.toWeb(createReadStream(file, { highWaterMark: 64 * 1024 }));
	const t0 = performance.now();
	let docs = 0;
	let chars = 0;
	if (mode === "saxes") {
		const { SaxesParser } = await import("saxes");
		const dec = new TextDecoder("utf-8", { fatal: true });
		const p = new SaxesParser({ xmlns: false, position: true });
		p.on("opentag", (t) => {
			if (t.name === "Документ") docs++;
		});
		p.on("text", () => {});
		for await (const chunk of stream) p.write(dec.decode(chunk, { stream: true }));
		p.write(dec.decode());
		p.close();
	} else if (mode === "raw") {
		const dec = new TextDecoder("utf-8", { fatal: true });
		for await (const chunk of stream) chars += dec.decode(chunk, { stream: true }).length;
		chars += dec.decode().length;
	} else {
		const { readDocuments } = await import(pathToFileURL(CORE).href);
		// A 100 MB file has ~3M elements: lift the per-file element cap (the default 1M suits upload-sized files).
		for await (const d of readDocuments(stream, { maxElements: Number.POSITIVE_INFINITY })) {
			docs++;
			chars += d.items.length;
		}
	}
	const ms = performance.now() - t0;
	console.log(JSON.stringify({ mode, ms, docs, chars, maxRssMB: process.resourceUsage().maxRSS / 1024 }));
}

async function parent() {
	if (!existsSync(CORE)) {
		console.error("packages/core/dist/index.js is missing: run `npm run build` first");
		process.exit(1);
	}
	const mb = Number(opt("mb", "100"));
	const file = join(tmpdir(), `obmen-bench-import-${process.pid}.xml`);
	const tg = performance.now();
	const generated = await generate(file, mb * 1024 * 1024);
	const size = statSync(file).size;
	console.log(
		`generated ${(size / 1048576).toFixed(1)} MB, ${generated} documents in ${((performance.now() - tg) / 1000).toFixed(1)} s → ${file}`,
	);
	const run = (mode) => {
		const r = spawnSync(process.execPath, [SELF, "--child", mode, file], { encoding: "utf8", maxBuffer: 1 << 20 });
		if (r.status !== 0) throw new Error(`${mode} child failed: ${r.stderr}`);
		return JSON.parse(r.stdout.trim().split("\n").at(-1));
	};
	try {
		const raw = run("raw");
		const bare = run("saxes");
		const read = run("read");
		if (read.docs !== generated) throw new Error(`read ${read.docs} documents, generated ${generated}`);
		const mbs = (x) => size / 1048576 / (x.ms / 1000);
		const report = {
			fileMB: +(size / 1048576).toFixed(1),
			documents: read.docs,
			read: {
				seconds: +(read.ms / 1000).toFixed(2),
				MBps: +mbs(read).toFixed(1),
				docsPerSec: Math.round(read.docs / (read.ms / 1000)),
				peakRssMB: +read.maxRssMB.toFixed(0),
			},
			rawFloor: { seconds: +(raw.ms / 1000).toFixed(2), MBps: +mbs(raw).toFixed(1), peakRssMB: +raw.maxRssMB.toFixed(0) },
			bareSaxesFloor: { seconds: +(bare.ms / 1000).toFixed(2), MBps: +mbs(bare).toFixed(1), peakRssMB: +bare.maxRssMB.toFixed(0) },
			slowdownVsRaw: +(read.ms / raw.ms).toFixed(1),
			slowdownVsBareSaxes: +(read.ms / bare.ms).toFixed(2),
			rssTargetMB: 250,
			rssOk: read.maxRssMB < 250,
		};
		console.log(JSON.stringify(report, null, 2));
		if (!report.rssOk) process.exitCode = 1;
	} finally {
		if (!argv.includes("--keep")) rmSync(file, { force: true });
	}
}

if (argv[0] === "--child") await child(argv[1], argv[2]);
else await parent();
