#!/usr/bin/env node
// Export benchmark (site → 1C): streams 100k orders of 5 lines through writeOrdersXml in
// windows-1251 and UTF-8 and compares with (a) the raw floor — encoding already-built text of the
// same size with the cp1251 table / TextEncoder — and (b) the naive approach — an xmlbuilder2 object
// tree → end() → encode, on 10k orders, scaled per order. Every case runs in its own child process
// so its peak RSS (process.resourceUsage().maxRSS) is its own. Ratios are computed on CPU time
// (user + system of the case's process), which is far less sensitive to other load on the machine
// than wall time; wall-time ratios are printed too.
//
// Usage: npm run build && node scripts/bench-export.mjs [--orders 100000] [--naive-orders 10000]
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath, pathToFileURL } from "node:url";

const DIST = fileURLToPath(new URL("../packages/core/dist/index.js", import.meta.url));
const args = process.argv.slice(2);
const arg = (name, def) => {
	const i = args.indexOf(name);
	return i >= 0 ? args[i + 1] : def;
};
const ORDERS = Number(arg("--orders", "100000"));
const NAIVE_ORDERS = Number(arg("--naive-orders", "10000"));
const LINES = 5;

async function loadCore() {
	if (!existsSync(DIST)) {
		console.error(`packages/core/dist is missing: run \`npm run build\` (or \`npx tsc -b packages/core\`) first.`);
		process.exit(2);
	}
	const core = await import(pathToFileURL(DIST).href);
	if (typeof core.writeOrdersXml !== "function") {
		console.error("packages/core/dist has no writeOrdersXml: the build is stale, run `npm run build`.");
		process.exit(2);
	}
	return core;
}

/** One validated template order; the generator only varies the identity (cheap, constant memory). */
function template(core) {
	return core.parseOrder({
		id: "100000",
		number: "100000",
		createdAt: "2026-11-28T12:34:56+03:00",
		status: "N",
		customer: {
			name: "Петров Пётр",
			lastName: "Петров",
			firstName: "Пётр",
			email: "buyer@example.ru",
			phone: "+7 (495) 123-45-67",
			address: "г. Москва, ул. Садовая, д. 10",
		},
		items: Array.from({ length: LINES }, (_, k) => ({
			productId: `prod-${k}`,
			externalId: `6f1c2a4e-0000-11ee-8000-${String(k).padStart(12, "0")}`,
			sku: `SKU-${k}`,
			name: `Товар № ${k} «Особый» & Co`,
			quantity: k + 1,
			price: `${100 + k}.50`,
			vatRate: 20,
		})),
		shipping: { method: "Курьер", price: "300", address: "г. Москва, ул. Садовая, д. 10" },
		payment: { method: "Наличные", paid: false },
		customerComment: "Позвонить заранее",
	});
}

function* orders(tpl, n) {
	for (let i = 0; i < n; i++) {
		const id = String(100000 + i);
		yield { ...tpl, id, number: id, customer: { ...tpl.customer, name: `Покупатель ${i}` }, version: i };
	}
}

const settings = (encoding) => ({ encoding, schemaVersion: "2.05", generatedAt: "2026-11-29T12:00:00" });

async function caseExport(core, encoding) {
	const t0 = performance.now();
	let bytes = 0;
	for await (const chunk of core.writeOrdersXml(orders(template(core), ORDERS), settings(encoding))) bytes += chunk.length;
	return { orders: ORDERS, bytes, ms: performance.now() - t0 };
}

/** The floor: encoding text that is already built, 64K characters at a time, to the same total size. */
async function caseRaw(core, encoding) {
	// Take a real chunk of writer output as the text to encode.
	const reader = core.writeOrdersXml(orders(template(core), 200), settings("utf-8")).getReader();
	let sample = "";
	const dec = new TextDecoder();
	while (sample.length < 64 * 1024) {
		const { done, value } = await reader.read();
		if (done) break;
		sample += dec.decode(value, { stream: true });
	}
	await reader.cancel();
	sample = sample.replace(/^\uFEFF/, "").slice(0, 64 * 1024);
	const target = (await sizeOf(core, encoding)).bytes;
	// cp1251: the unchecked table loop (every character of the sample is representable).
	const te = new TextEncoder();
	const enc = encoding === "utf-8" ? (s) => te.encode(s) : cp1251TableEncoder();
	const perChunk = enc(sample).length;
	const c0 = process.cpuUsage();
	const t0 = performance.now();
	let bytes = 0;
	while (bytes < target) bytes += enc(sample).length;
	const c = process.cpuUsage(c0);
	return { orders: ORDERS, bytes, ms: performance.now() - t0, cpuMsOwn: (c.user + c.system) / 1000, perChunk };
}

/** Output size of the real export (measured on 1k orders, scaled), so the raw case encodes as much. */
async function sizeOf(core, encoding) {
	const n = 1000;
	const b = await core.writeOrdersXmlBytes(orders(template(core), n), settings(encoding));
	return { bytes: Math.round((b.length * ORDERS) / n) };
}

function naiveDocument(o) {
	const c = o.customer;
	return {
		Ид: o.id,
		Номер: o.number,
		Дата: o.createdAt.slice(0, 10),
		ХозОперация: "Заказ товара",
		Роль: "Продавец",
		Валюта: o.currency,
		Курс: o.rate,
		Сумма: Number(o.total).toFixed(2),
		Контрагенты: {
			Контрагент: {
				Наименование: c.name,
				ПолноеНаименование: c.name,
				Фамилия: c.lastName,
				Имя: c.firstName,
				Адрес: { Представление: c.address },
				Контакты: {
					Контакт: [
						{ Тип: "ТелефонРабочий", Значение: c.phone },
						{ Тип: "Почта", Значение: c.email },
					],
				},
				Роль: "Покупатель",
			},
		},
		Время: o.createdAt.slice(11, 19),
		Товары: {
			Товар: o.items.map((it) => {
				const sum = Number(it.quantity) * Number(it.price);
				return {
					Ид: it.externalId ?? it.productId,
					Артикул: it.sku,
					Наименование: it.name,
					БазоваяЕдиница: { "@Код": "796", "@НаименованиеПолное": "Штука", "@МеждународноеСокращение": "PCE", "#": "шт" },
					СтавкиНалогов: { СтавкаНалога: { Наименование: "НДС", Ставка: "20" } },
					ЗначенияРеквизитов: {
						ЗначениеРеквизита: [
							{ Наименование: "ВидНоменклатуры", Значение: "Товар" },
							{ Наименование: "ТипНоменклатуры", Значение: "Товар" },
						],
					},
					ЦенаЗаЕдиницу: Number(it.price).toFixed(2),
					Количество: it.quantity,
					Сумма: sum.toFixed(2),
					Налоги: { Налог: { Наименование: "НДС", УчтеноВСумме: "true", Сумма: ((sum * 20) / 120).toFixed(2) } },
				};
			}),
		},
		ЗначенияРеквизитов: {
			ЗначениеРеквизита: [
				["Метод оплаты", o.payment?.method ?? ""],
				["Заказ оплачен", "false"],
				["Доставка разрешена", "false"],
				["Отменен", "false"],
				["Финальный статус", "false"],
				["Статус заказа", o.status],
				["Статуса заказа ИД", o.status],
				["Дата изменения статуса", "2026-11-28 12:34:56"],
				["Способ доставки", o.shipping?.method ?? ""],
				["Адрес доставки", o.shipping?.address ?? ""],
				["Комментарии покупателя", o.customerComment],
			].map(([Наименование, Значение]) => ({ Наименование, Значение })),
		},
	};
}

/** The naive approach: build the whole tree with xmlbuilder2, serialise, encode. */
async function caseNaive(core, encoding) {
	const { create } = await import("xmlbuilder2");
	const t0 = performance.now();
	const docs = [];
	for (const o of orders(template(core), NAIVE_ORDERS)) docs.push(naiveDocument(o));
	const doc = create(
		{ version: "1.0", encoding: encoding === "utf-8" ? "UTF-8" : "windows-1251" },
		{ КоммерческаяИнформация: { "@ВерсияСхемы": "2.05", "@ДатаФормирования": "2026-11-29T12:00:00", Документ: docs } },
	);
	const text = doc.end({ prettyPrint: false });
	const bytes = encoding === "utf-8" ? new TextEncoder().encode(text) : core.encodeCp1251(text);
	return { orders: NAIVE_ORDERS, bytes: bytes.length, ms: performance.now() - t0 };
}

const CASES = {
	"export windows-1251": (core) => caseExport(core, "windows-1251"),
	"export utf-8": (core) => caseExport(core, "utf-8"),
	"raw floor windows-1251": (core) => caseRaw(core, "windows-1251"),
	"raw floor utf-8": (core) => caseRaw(core, "utf-8"),
	"naive windows-1251": (core) => caseNaive(core, "windows-1251"),
	"naive utf-8": (core) => caseNaive(core, "utf-8"),
};

const childCase = arg("--case");
if (childCase) {
	const core = await loadCore();
	const cpu0 = process.cpuUsage();
	const r = await CASES[childCase](core);
	const cpu = process.cpuUsage(cpu0);
	r.cpuMs = r.cpuMsOwn ?? (cpu.user + cpu.system) / 1000;
	r.maxRssMB = process.resourceUsage().maxRSS / 1024;
	process.stdout.write(JSON.stringify(r));
} else {
	await loadCore();
	const results = {};
	for (const name of Object.keys(CASES)) {
		const r = spawnSync(
			process.execPath,
			[fileURLToPath(import.meta.url), "--case", name, "--orders", String(ORDERS), "--naive-orders", String(NAIVE_ORDERS)],
			{
				encoding: "utf8",
				maxBuffer: 1 << 20,
			},
		);
		if (r.status !== 0) {
			console.error(`case ${name} failed:\n${r.stderr}`);
			process.exitCode = 1;
			continue;
		}
		results[name] = JSON.parse(r.stdout);
	}
	const fmt = (n, d = 0) => n.toLocaleString("en-US", { maximumFractionDigits: d, minimumFractionDigits: d });
	const rows = [];
	for (const [name, r] of Object.entries(results)) {
		const perOrderUs = (r.ms * 1000) / r.orders;
		const scaledOrdersPerSec = 1e6 / perOrderUs;
		rows.push({
			case: name,
			orders: fmt(r.orders),
			"MB out": fmt(r.bytes / 1e6, 1),
			"wall s": fmt(r.ms / 1000, 2),
			"cpu s": fmt(r.cpuMs / 1000, 2),
			"orders/s": name.startsWith("raw") ? "—" : fmt(scaledOrdersPerSec),
			"MB/s": fmt(r.bytes / 1e6 / (r.ms / 1000), 0),
			"MB/cpu-s": fmt(r.bytes / 1e6 / (r.cpuMs / 1000), 0),
			"peak RSS MB": fmt(r.maxRssMB, 0),
		});
	}
	console.log(
		`Export benchmark: ${fmt(ORDERS)} orders × ${LINES} lines (naive: ${fmt(NAIVE_ORDERS)}, scaled per order), Node ${process.version}`,
	);
	console.table(rows);
	for (const enc of ["windows-1251", "utf-8"]) {
		const e = results[`export ${enc}`];
		const raw = results[`raw floor ${enc}`];
		const naive = results[`naive ${enc}`];
		if (!e || !raw || !naive) continue;
		// Ratios on CPU time (user + system of the case's process): wall time is at the mercy of
		// whatever else runs on the machine. Wall-time ratios are printed alongside.
		const vsRaw = e.bytes / e.cpuMs / (raw.bytes / raw.cpuMs);
		const vsNaive = e.orders / e.cpuMs / (naive.orders / naive.cpuMs);
		const vsRawWall = e.bytes / e.ms / (raw.bytes / raw.ms);
		const vsNaiveWall = e.orders / e.ms / (naive.orders / naive.ms);
		const verdict = (ok) => (ok ? "ok" : "MISSED");
		console.log(
			`${enc}: ${fmt(vsRaw * 100, 1)}% of raw floor (target ≥ 33%: ${verdict(vsRaw >= 1 / 3)}), ` +
				`${fmt(vsNaive, 1)}× naive (target ≥ 20×: ${verdict(vsNaive >= 20)}), ` +
				`peak RSS ${fmt(e.maxRssMB)} MB (target < 150: ${verdict(e.maxRssMB < 150)}); ` +
				`wall-time: ${fmt(vsRawWall * 100, 1)}% of raw, ${fmt(vsNaiveWall, 1)}× naive`,
		);
	}
}

/** The raw floor for windows-1251: a bare 64K-entry lookup table loop (no escaping, no checks), built once from TextDecoder. */
function cp1251TableEncoder() {
	const table = new Uint8Array(65536).fill(0x3f);
	for (let b = 0; b < 128; b++) table[b] = b;
	const dec = new TextDecoder("windows-1251");
	for (let b = 128; b < 256; b++) table[dec.decode(new Uint8Array([b])).charCodeAt(0)] = b;
	return (s) => {
		const out = new Uint8Array(s.length);
		for (let i = 0; i < s.length; i++) out[i] = table[s.charCodeAt(i)];
		return out;
	};
}
