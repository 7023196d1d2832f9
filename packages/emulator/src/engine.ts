/**
 * @module
 * One full 1C exchange run (docs/protocol.md §9): the download phase (`checkauth` → [`init`] →
 * `query` → all-or-nothing load → `success`) and the upload phase (per portion of registered orders:
 * `checkauth` → `init` → `file`… → `import` polls, retried), driven by a {@link ProfileSpec}, with the
 * fault injections of docs/protocol.md §13. Every deviation is recorded in the report, none is thrown.
 */
import { unzipSync } from "fflate";
import { formatOneCDate, type Infobase, type LoadResult } from "./infobase.ts";
import { buildOrderFile } from "./order-file.ts";
import type { InitParams, ProfileSpec } from "./profiles/profile.ts";
import { parseQueryXml } from "./query-parser.ts";
import { type NodeSettings, resolveNodeSettings } from "./settings.ts";
import {
	type Deviation,
	decodeBody,
	keyword,
	PhaseAborted,
	type Reply,
	replyLines,
	type Session,
	type StepRecord,
	Transport,
} from "./transport.ts";
import { planUpload } from "./upload.ts";

/** Fault injection (docs/protocol.md §13). */
export interface Faults {
	/** Load the query answer but never send `success`. */
	dropSuccess?: boolean;
	/** Deliver every upload portion twice (identical bytes, new `init`). */
	duplicateFile?: boolean;
	/** Cut fragments inside multi-byte UTF-8 characters. */
	oddSplit?: boolean;
	/** Never send the `Cookie` header (Basic credentials only). */
	omitCookie?: boolean;
	/** Never send `sessid`. */
	omitSessid?: boolean;
}

/** Options of one run. */
export interface ExchangeOptions {
	url: string;
	login: string;
	password: string;
	infobase: Infobase;
	settings?: Partial<NodeSettings>;
	faults?: Faults;
	fetch?: typeof fetch;
	/** Overrides the profile's per-request timeout. */
	timeoutMs?: number;
	/** Keep a UTF-8 BOM as a character when decoding replies (see `TransportOptions.bomAsChar`). */
	bomAsChar?: boolean;
	/** Give up `import` polling after this many polls (default 1000) … */
	maxImportPolls?: number;
	/** … or this many ms (default 120 000). */
	maxImportMs?: number;
	/** Family C with repeated `query`: give up (with a deviation) after this many answers that were not empty (default 50). */
	maxQueryRounds?: number;
	/** 1C users' changes between download and upload (e.g. pay/ship/cancel). */
	beforeUpload?: (base: Infobase) => void;
	onStep?: (step: StepRecord) => void;
	log?: (line: string) => void;
	/** How the client waits between `import` polls (tests record the pauses instead of waiting). */
	sleep?: (ms: number) => Promise<void>;
	now?: () => Date;
}

/** What happened in a run. */
export interface ExchangeReport {
	profile: string;
	/** No deviations. */
	ok: boolean;
	deviations: Deviation[];
	steps: StepRecord[];
	/** Load results of each `query` answer (family C may query repeatedly). */
	loads: LoadResult[];
	successSent: boolean;
	upload: { portions: number; delivered: number; files: number; pieces: number; bytes: number; orders: string[] };
	bytesIn: number;
	bytesOut: number;
}

const sleep = (ms: number): Promise<void> => new Promise((r) => setTimeout(r, ms));

/** Runs one exchange with the given client profile. */
export async function runExchange(spec: ProfileSpec, options: ExchangeOptions): Promise<ExchangeReport> {
	const settings = resolveNodeSettings(options.settings);
	const faults = options.faults ?? {};
	const now = options.now ?? (() => new Date());
	const log = options.log ?? (() => {});
	const t: Transport = new Transport({
		url: options.url,
		login: options.login,
		password: options.password,
		profile: spec.name ?? spec.family,
		fetch: options.fetch,
		bomAsChar: options.bomAsChar,
		timeoutMs: options.timeoutMs ?? spec.timeoutMs,
		charsetFallback: spec.charsetFallback,
		onStep: options.onStep,
	});
	const report: ExchangeReport = {
		profile: spec.name ?? spec.family,
		ok: false,
		deviations: t.deviations,
		steps: t.steps,
		loads: [],
		successSent: false,
		upload: { portions: 0, delivered: 0, files: 0, pieces: 0, bytes: 0, orders: [] },
		bytesIn: 0,
		bytesOut: 0,
	};
	/** УНФ `УдалитьСписокВременныхФайлов`: xml files of earlier zipped portions still in the exchange directory. */
	const directory: { name: string; bytes: Uint8Array }[] = [];
	const req = (query: string, method = "GET") => ({ method, url: t.urlFor(query) });
	const cookieOf = (s: Session) => (faults.omitCookie || spec.sendsCookie === false ? null : s.cookie);
	/** `checkauth`, or no session at all for a client that skips it (cloud clients: the site's implicit session). */
	const login = (): Promise<Session> =>
		spec.checkauth === false
			? Promise.resolve({ cookie: null, line4: null })
			: t.checkauth("sale", "Авторизация не выполнена. Проверьте имя пользователя и пароль.");
	const tokenOf = (s: Session) => {
		const tok = spec.token(s, t);
		return faults.omitSessid || settings.noSessid ? "" : tok;
	};
	const send = async (
		step: string,
		query: string,
		s: Session,
		init: { method?: "GET" | "POST"; body?: Uint8Array } = {},
	): Promise<Reply> => {
		const r = await t.send(step, query, { ...init, cookie: cookieOf(s) });
		if (r.status !== 200) t.deviate(step, `Ответ сервера: код состояния HTTP ${r.status}`, req(query, init.method), r);
		return r;
	};
	const doInit = async (s: Session, token: string): Promise<InitParams & { token: string }> => {
		const q = spec.initQuery(token);
		const r = await send("init", q, s);
		const p = spec.readInit(r, t, req(q));
		return { ...p, token: faults.omitSessid || settings.noSessid ? "" : (p.token ?? token) };
	};

	try {
		if (spec.catalogPreflight) {
			try {
				await t.checkauth("catalog", "Не удалось подключиться к сайту. Обмен отменен.");
			} catch (e) {
				if (e instanceof PhaseAborted) return finish();
				throw e;
			}
		}

		// Download phase.
		try {
			const s = await login();
			let token = tokenOf(s);
			if (spec.initBeforeQuery) token = (await doInit(s, token)).token;
			const rounds = spec.repeatQuery ? (options.maxQueryRounds ?? 50) : 1;
			for (let round = 0; round < rounds; round++) {
				const q = `type=sale&mode=query${token}`;
				const r = await send("query", q, s);
				if (r.bytes.byteLength === 0)
					t.fail("query", "Получен пустой ответ сервера. Не удалось прочитать данные, загруженные с сервера.", req(q), r);
				if (spec.detectsFailure && keyword(r.text) === "failure")
					t.fail("query", `Ошибка на стороне сайта: ${replyLines(r.text)[1] ?? ""}`, req(q), r);
				if (!spec.acceptsQueryBody(r.text, r.bytes)) t.fail("query", "Не удалось прочитать данные, загруженные с сервера.", req(q), r);
				let xml = r.text;
				const zipped = r.bytes[0] === 0x50 && r.bytes[1] === 0x4b;
				if (zipped && spec.downloadOnlyChecks)
					// БП `ПолучитьЗаказыXDTO`: the archive is written from the decoded string, so its bytes are lost
					t.fail("query", "ПолучитьЗаказыXDTO: архив ZIP прочитан как строка и не распакован — заказы не загружены.", req(q), r);
				if (zipped) {
					let entries: Record<string, Uint8Array>;
					try {
						entries = unzipSync(r.bytes);
					} catch {
						t.fail("query", "Не удалось распаковать архив, загруженный с сервера.", req(q), r);
					}
					const xmls = Object.entries(entries).filter(([n]) => n.toLowerCase().endsWith(".xml"));
					const only = xmls[0];
					if (xmls.length !== 1 || !only) t.fail("query", "В архиве, загруженном с сервера, должен быть ровно один файл XML.", req(q), r);
					xml = decodeBody(only[1], "", "unf").replace(/^\uFEFF/, "");
				}
				let docs: ReturnType<typeof parseQueryXml>;
				try {
					docs = parseQueryXml(xml);
				} catch (e) {
					t.fail("query", `Не удалось прочитать XML: ${(e as Error).message}`, req(q), r);
				}
				if (spec.downloadOnlyChecks && docs.rootNamespace.startsWith("urn:1C.ru:commerceml"))
					// БП `ПолучитьЗаказыXDTO`: a registered package's namespace makes ФабрикаXDTO read the file typed
					t.fail(
						"query",
						`ПолучитьЗаказыXDTO: корневой элемент в пространстве имен ${docs.rootNamespace} читается типизированно — заказы не загружены.`,
						req(q),
						r,
					);
				const load = options.infobase.load(docs.documents, settings, spec.rules);
				for (const d of load.deviations) t.deviate("load", d, req(q), null);
				report.loads.push(load);
				log(`loaded ${load.documents} document(s): ${load.created} created, ${load.updated} updated, ${load.skipped} skipped`);
				for (const w of load.warnings) log(`  ${w}`);
				if (!load.ok) t.fail("query", `Не удалось загрузить заказы: ${load.errors.join("; ")}`, req(q), r);
				if (spec.repeatQuery) {
					if (docs.documents.length === 0) break;
					if (round === rounds - 1) {
						t.deviate(
							"query",
							`Сервер не вернул пустой ответ после ${rounds} запросов query без success: заказы выгружаются повторно без конца.`,
							req(q),
							r,
						);
					}
					continue;
				}
				if (faults.dropSuccess) {
					log("fault: success not sent");
					break;
				}
				const sq = `type=sale&mode=success${token}`;
				const sr = await send("success", sq, s);
				report.successSent = true;
				if (sr.bytes.byteLength === 0) t.deviate("success", "Получен пустой ответ сервера.", req(sq), sr);
				else if (spec.detectsFailure && keyword(sr.text) === "failure")
					t.deviate("success", `Ошибка на стороне сайта: ${replyLines(sr.text)[1] ?? ""}`, req(sq), sr);
			}
		} catch (e) {
			if (!(e instanceof PhaseAborted)) throw e;
		}

		options.beforeUpload?.(options.infobase);

		// Upload phase: portions of registered orders, each retried.
		const pending = spec.uploads === false ? [] : options.infobase.registeredOrders();
		let fileNo = 0;
		for (let i = 0; i < pending.length; i += settings.portionSize) {
			const portion = pending.slice(i, i + settings.portionSize);
			report.upload.portions++;
			const xmlName = spec.xmlName(++fileNo);
			const bytes = buildOrderFile(options.infobase, portion, {
				family: spec.family,
				generatedAt: formatOneCDate(now()),
				statusMap: settings.statusMap,
				container: spec.container,
			});
			const deliveries = faults.duplicateFile ? 2 : 1;
			let delivered = false;
			for (let d = 0; d < deliveries; d++) {
				delivered = false;
				for (let attempt = 0; attempt <= settings.retries && !delivered; attempt++) {
					try {
						await uploadPortion(xmlName, bytes);
						delivered = true;
					} catch (e) {
						if (!(e instanceof PhaseAborted)) throw e;
						log(`portion ${fileNo} attempt ${attempt + 1} failed: ${e.message}`);
					}
				}
			}
			if (delivered) {
				options.infobase.unregister(portion.map((o) => o.guid));
				report.upload.delivered++;
				report.upload.orders.push(...portion.map((o) => o.siteNumber));
			}
		}
	} catch (e) {
		if (!(e instanceof PhaseAborted)) throw e;
	}
	return finish();

	async function uploadPortion(xmlName: string, bytes: Uint8Array): Promise<void> {
		const s = await login();
		const init = spec.initBeforeUpload === false ? { zip: false, fileLimit: -1, token: tokenOf(s) } : await doInit(s, tokenOf(s));
		const zip = init.zip && spec.zips !== false;
		const xmls =
			spec.keepsXmlInDirectory && zip
				? [...directory.filter((f) => f.name !== xmlName), { name: xmlName, bytes }]
				: [{ name: xmlName, bytes }];
		if (spec.keepsXmlInDirectory && zip && !directory.some((f) => f.name === xmlName)) directory.push({ name: xmlName, bytes });
		const pieces = planUpload(xmls, zip, init.fileLimit, faults.oddSplit ?? false);
		report.upload.files += new Set(pieces.map((p) => p.filename)).size;
		for (const piece of pieces) {
			const q = `type=sale&mode=file&filename=${piece.filename}${init.token}`;
			const r = await send("file", q, s, { method: "POST", body: piece.bytes });
			report.upload.pieces++;
			report.upload.bytes += piece.bytes.byteLength;
			if (r.bytes.byteLength === 0) t.fail("file", "Получен пустой ответ сервера. Файл не отправлен.", req(q, "POST"), r);
			const kw = keyword(r.text);
			if (kw === "failure")
				t.fail("file", `Ошибка на стороне сайта: ${replyLines(r.text)[1] ?? ""}. Файл не отправлен.`, req(q, "POST"), r);
			if (kw !== "success") t.fail("file", "Не получен статус завершения операции. Файл не отправлен.", req(q, "POST"), r);
			if (replyLines(r.text).length > 1)
				log(`Получен расширенный статус успешного завершения сеанса: ${replyLines(r.text).slice(1).join(" ")}`);
		}
		const polling = spec.importPolling ?? (spec.importPauseMs > 0 ? "pause" : "tight");
		if (polling === "never") return;
		if (settings.noImportWait && spec.honoursNoImportWait !== false) return;
		for (const x of xmls) await pollImport(x.name, s, init.token);
	}

	async function pollImport(xmlName: string, s: Session, token: string): Promise<void> {
		const polling = spec.importPolling ?? (spec.importPauseMs > 0 ? "pause" : "tight");
		const q = `type=sale&mode=import&filename=${xmlName}${token}`;
		// the budget runs on the run's clock (`now`), so a test can give it a virtual one
		const started = now().getTime();
		const maxPolls = options.maxImportPolls ?? 1000;
		const maxMs = options.maxImportMs ?? 120_000;
		for (let polls = 1; ; polls++) {
			// УНФ 3.0 `ВыгрузитьНаСайт`: a pause before each poll, on the same connection
			if (polling === "pause" && spec.importPauseMs > 0) await (options.sleep ?? sleep)(spec.importPauseMs);
			const r = await send("import", q, s);
			if (r.bytes.byteLength === 0) t.fail("import", "Получен пустой ответ сервера.", req(q), r);
			const kw = keyword(r.text);
			if (kw === "success") return;
			if (kw === "failure") t.fail("import", `Ошибка импорта на стороне сайта: ${replyLines(r.text)[1] ?? ""}`, req(q), r);
			if (kw !== "progress") t.fail("import", "Получен неизвестный статус импорта", req(q), r);
			const elapsed = now().getTime() - started;
			if (polls >= maxPolls || elapsed >= maxMs) {
				t.fail(
					"import",
					`Сервер не завершил импорт: ${polls} ответов progress за ${elapsed} мс. Не получен статус завершения операции.`,
					req(q),
					r,
				);
			}
		}
	}

	function finish(): ExchangeReport {
		report.ok = t.deviations.length === 0;
		report.bytesIn = t.bytesIn;
		report.bytesOut = t.bytesOut;
		return report;
	}
}
