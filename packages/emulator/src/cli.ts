/**
 * @module
 * `obmen-1c` — run one 1C exchange against a store from the command line:
 * `obmen-1c sync --url http://127.0.0.1:8080/exim_1c --login L --password P [--profile ut|retail|unf30|unf16|bp|…]`;
 * a server that cannot be reached is reported with its cause and what to check (see connection-error.ts).
 * The only module of the package that uses `node:*` (files for `--state` / `--node-settings`).
 */
import { readFile, writeFile } from "node:fs/promises";
import { parseArgs } from "node:util";
import { PROFILE_NAMES, type ProfileName, sync } from "./index.ts";
import { Infobase } from "./infobase.ts";
import { DEFAULT_NODE_SETTINGS, type NodeSettings, parseStatusMapEntry } from "./settings.ts";
import type { StepRecord } from "./transport.ts";

/** Where the CLI writes; tests pass collectors, the bin passes process streams. */
export interface CliIo {
	stdout: (text: string) => void;
	stderr: (text: string) => void;
	fetch?: typeof fetch;
}

const USAGE = `Usage: obmen-1c sync --url URL --login L --password P [options]

Runs one exchange the way a 1C base does (download orders, load them, upload changed ones) and prints each
request, a summary and every protocol deviation as 1C would log it.

Connection
  --url URL                 the exchange URL set in the 1C node, e.g. http://127.0.0.1:8080/exim_1c (required)
  --login L --password P    the node's user and password, sent as HTTP Basic credentials (required)
  --timeout-ms MS           per-request timeout (default: the profile's, УТ 180 000, УНФ 1 800 000)
  --json                    also print the whole report as JSON

The 1C client
  --profile P               ut (default ut11) | retail | unf30 | unf16 | bp: the configuration's client code;
                            ut11, unf, bitrix-module: the earlier client families; moysklad, class365: the cloud
                            systems МойСклад and Класс365
  --variant V               ut: ut11.5 (default) | ut11.4 (no sessid) | bas;  unf16: 1.6.10 (default) | 1.6.26
  --bp-protocol bitrix|other  (bp) the site type set in БП's exchange node (default bitrix)
  --unf-protocol bitrix|other (unf) the site type set in УНФ's node (default bitrix)
  --subordinate-documents   (unf) «Выгружать подчиненные документы»: asks for schema 2.10 with cmlVersion
  --import-pause-ms MS      (unf) pause between import polls (УНФ waits 5000)
  --container               (bitrix-module) documents wrapped in Контейнер (module ≥ 6.5)
  --repeat-query            (bitrix-module) repeat query until an empty answer, never send success
  --bom-as-char             keep a UTF-8 BOM of a reply as a character (a BOM before <?xml then fails, as it may in 1C)

The 1C infobase and what changes in it before the upload
  --state FILE              keep the emulated infobase in FILE between runs (created if missing)
  --pay N, --ship N         mark site order N paid / shipped in 1C (repeat, or comma-separate numbers)
  --cancel N                cancel site order N in 1C (lines get --cancel-reason)
  --post N                  post site order N in 1C
  --status N=STATUS         set the 1C status of site order N, e.g. --status 1042=Согласован

The 1C exchange node (also from --node-settings)
  --node-settings FILE      a JSON object of node settings (counterpartySearch, statusMap, cancelReason, …)
  --counterparty-search name|inn-kpp   find buyers by name, or by ИНН/КПП falling back to the name
  --status-map "SITE=1C"    site status → 1C status (repeat); unmapped statuses load as «Не согласован»
  --cancel-reason TEXT      the cancel reason put on lines of a cancelled order (default «Отказ клиента»)
  --goods-kind TEXT         kind of newly created goods (default «Товар»)
  --service-kind TEXT       kind of newly created services (default «Услуга»)
  --unit TEXT               unit of new items (default «шт»)
  --nomenclature-group TEXT group of new items (default «Товары с сайта»)
  --agreement --organization --warehouse --manager TEXT   put on every loaded order
  --portion-size N          orders per uploaded file (default 50)
  --retries N               retries of a failed upload portion within one run (default 2)
  --no-sessid               «Выполнять обмен без идентификатора сессии»: no &sessid=
  --no-import-wait, --no-wait-import   «Выгружать файлы без ожидания подтверждения импорта сервером»: no import polls
  --max-import-polls N --max-import-ms MS   give up import polling after N polls (default 1000) or MS (default 120 000)

Fault injection (docs/protocol.md)
  --drop-success            load the query answer but never send success
  --duplicate-file          deliver every upload portion twice (same bytes, new init)
  --odd-split               cut file pieces inside multi-byte UTF-8 characters
  --omit-cookie             never send the session Cookie (Basic credentials only)
  --omit-sessid             never send sessid

  -h, --help                print this help

When the server cannot be reached the cause is named (refused, DNS, TLS certificate, timeout) with what to check.
Exit code: 0 ok, 1 protocol deviations, 2 usage or setup error (including a server that never answered).
`;

/** @internal Every option `obmen-1c` understands (each one is explained in the `--help` text). */
export const OPTIONS = {
	url: { type: "string" },
	login: { type: "string" },
	password: { type: "string" },
	profile: { type: "string" },
	variant: { type: "string" },
	"no-wait-import": { type: "boolean" },
	"bom-as-char": { type: "boolean" },
	"bp-protocol": { type: "string" },
	pay: { type: "string", multiple: true },
	ship: { type: "string", multiple: true },
	cancel: { type: "string", multiple: true },
	post: { type: "string", multiple: true },
	status: { type: "string", multiple: true },
	state: { type: "string" },
	"node-settings": { type: "string" },
	"counterparty-search": { type: "string" },
	"status-map": { type: "string", multiple: true },
	"cancel-reason": { type: "string" },
	"goods-kind": { type: "string" },
	"service-kind": { type: "string" },
	unit: { type: "string" },
	"nomenclature-group": { type: "string" },
	agreement: { type: "string" },
	organization: { type: "string" },
	warehouse: { type: "string" },
	manager: { type: "string" },
	"portion-size": { type: "string" },
	retries: { type: "string" },
	"no-sessid": { type: "boolean" },
	"no-import-wait": { type: "boolean" },
	"unf-protocol": { type: "string" },
	"subordinate-documents": { type: "boolean" },
	"import-pause-ms": { type: "string" },
	container: { type: "boolean" },
	"repeat-query": { type: "boolean" },
	"drop-success": { type: "boolean" },
	"duplicate-file": { type: "boolean" },
	"odd-split": { type: "boolean" },
	"omit-cookie": { type: "boolean" },
	"omit-sessid": { type: "boolean" },
	"max-import-polls": { type: "string" },
	"max-import-ms": { type: "string" },
	"timeout-ms": { type: "string" },
	json: { type: "boolean" },
	help: { type: "boolean", short: "h" },
} as const;

const list = (v: string[] | undefined): string[] =>
	(v ?? [])
		.flatMap((s) => s.split(","))
		.map((s) => s.trim())
		.filter(Boolean);
const int = (v: string | undefined, name: string): number | undefined => {
	if (v === undefined) return undefined;
	const n = Number(v);
	if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a non-negative integer`);
	return n;
};
class UsageError extends Error {}
const kb = (n: number): string => (n < 1024 ? `${n} B` : `${(n / 1024).toFixed(1)} KB`);

async function readJson(path: string): Promise<unknown | undefined> {
	try {
		return JSON.parse(await readFile(path, "utf8"));
	} catch (e) {
		if ((e as NodeJS.ErrnoException).code === "ENOENT") return undefined;
		throw e;
	}
}

/** Runs the CLI; returns the exit code. */
export async function main(argv: string[], io: CliIo): Promise<number> {
	try {
		const { values: v, positionals } = parseArgs({ args: argv, options: OPTIONS, allowPositionals: true, strict: true });
		if (v.help || positionals[0] !== "sync") {
			(v.help ? io.stdout : io.stderr)(USAGE);
			return v.help ? 0 : 2;
		}
		if (!v.url || v.login === undefined || v.password === undefined) throw new UsageError("--url, --login and --password are required");
		const profile = (v.profile ?? "ut11") as ProfileName;
		if (!(PROFILE_NAMES as readonly string[]).includes(profile))
			throw new UsageError(`unknown --profile ${profile} (${PROFILE_NAMES.join(" | ")})`);
		const variant = v.variant;
		if (variant !== undefined) {
			const allowed = profile === "ut" ? ["ut11.5", "ut11.4", "bas"] : profile === "unf16" ? ["1.6.10", "1.6.26"] : [];
			if (!allowed.includes(variant))
				throw new UsageError(
					`--variant ${variant} does not apply to --profile ${profile}${allowed.length ? ` (${allowed.join(" | ")})` : ""}`,
				);
		}
		const bpProtocol = v["bp-protocol"] ?? "bitrix";
		if (bpProtocol !== "bitrix" && bpProtocol !== "other") throw new UsageError(`unknown --bp-protocol ${bpProtocol} (bitrix | other)`);
		const unfProtocol = v["unf-protocol"] ?? "bitrix";
		if (unfProtocol !== "bitrix" && unfProtocol !== "other") throw new UsageError(`unknown --unf-protocol ${unfProtocol} (bitrix | other)`);
		let settings: Partial<NodeSettings> = {};
		if (v["node-settings"]) {
			const json = await readJson(v["node-settings"]);
			if (json === undefined) throw new UsageError(`--node-settings ${v["node-settings"]}: file not found`);
			if (!json || typeof json !== "object" || Array.isArray(json)) throw new UsageError("--node-settings must hold a JSON object");
			settings = json as Partial<NodeSettings>;
		}
		if (v["counterparty-search"]) settings.counterpartySearch = v["counterparty-search"] as NodeSettings["counterpartySearch"];
		const strings = [
			"cancel-reason",
			"goods-kind",
			"service-kind",
			"unit",
			"nomenclature-group",
			"agreement",
			"organization",
			"warehouse",
			"manager",
		] as const;
		const keys = {
			"cancel-reason": "cancelReason",
			"goods-kind": "goodsKind",
			"service-kind": "serviceKind",
			unit: "unit",
			"nomenclature-group": "nomenclatureGroup",
			agreement: "agreement",
			organization: "organization",
			warehouse: "warehouse",
			manager: "manager",
		} as const;
		for (const k of strings) if (v[k] !== undefined) settings[keys[k]] = v[k] as string;
		if (v["status-map"])
			settings.statusMap = { ...(settings.statusMap ?? {}), ...Object.fromEntries(v["status-map"].map(parseStatusMapEntry)) };
		const portion = int(v["portion-size"], "portion-size");
		if (portion !== undefined) settings.portionSize = portion;
		const retries = int(v.retries, "retries");
		if (retries !== undefined) settings.retries = retries;
		if (v["no-sessid"]) settings.noSessid = true;
		if (v["no-import-wait"] || v["no-wait-import"]) settings.noImportWait = true;

		const stateJson = v.state ? await readJson(v.state) : undefined;
		const infobase = stateJson ? Infobase.fromJSON(stateJson) : new Infobase();
		type Action = [label: string, site: string, apply: (b: Infobase) => unknown];
		const actions: Action[] = [
			...list(v.post).map((n): Action => ["post", n, (b) => b.post(n)]),
			...list(v.pay).map((n): Action => ["pay", n, (b) => b.pay(n)]),
			...list(v.ship).map((n): Action => ["ship", n, (b) => b.ship(n)]),
			...list(v.cancel).map((n): Action => ["cancel", n, (b) => b.cancel(n, settings.cancelReason ?? DEFAULT_NODE_SETTINGS.cancelReason)]),
			...(v.status ?? []).map((e): Action => {
				const [n, st] = parseStatusMapEntry(e);
				return [`status "${st}"`, n, (b) => b.setStatus(n, st)];
			}),
		];
		const actionErrors: string[] = [];
		const out = (s: string) => io.stdout(`${s}\n`);
		out(`obmen-1c: ${profile} → ${v.url}`);
		const report = await sync(profile, {
			url: v.url,
			login: v.login,
			password: v.password,
			infobase,
			settings,
			fetch: io.fetch,
			timeoutMs: int(v["timeout-ms"], "timeout-ms"),
			bomAsChar: v["bom-as-char"],
			ut: { variant: profile === "ut" ? (variant as "ut11.5" | "ut11.4" | "bas" | undefined) : undefined },
			unf16: { variant: profile === "unf16" ? (variant as "1.6.10" | "1.6.26" | undefined) : undefined },
			bp: { protocol: bpProtocol },
			maxImportPolls: int(v["max-import-polls"], "max-import-polls"),
			maxImportMs: int(v["max-import-ms"], "max-import-ms"),
			faults: {
				dropSuccess: v["drop-success"],
				duplicateFile: v["duplicate-file"],
				oddSplit: v["odd-split"],
				omitCookie: v["omit-cookie"],
				omitSessid: v["omit-sessid"],
			},
			unf: {
				protocol: unfProtocol,
				subordinateDocuments: v["subordinate-documents"],
				importPauseMs: int(v["import-pause-ms"], "import-pause-ms"),
			},
			bitrixModule: { container: v.container, repeatQuery: v["repeat-query"] },
			onStep: (s: StepRecord) =>
				out(`  ${s.step.padEnd(9)} ${s.method.padEnd(4)} ${s.status} ↑${kb(s.bytesOut)} ↓${kb(s.bytesIn)}  ${s.summary.slice(0, 60)}`),
			log: (line) => out(`  · ${line}`),
			beforeUpload: (b) => {
				for (const [label, n, apply] of actions) {
					try {
						apply(b);
						out(`  · 1C: ${label} ${n}`);
					} catch (e) {
						actionErrors.push((e as Error).message);
					}
				}
			},
		});
		if (v.state) await writeFile(v.state, `${JSON.stringify(infobase.toJSON(), null, "\t")}\n`);
		const loads = report.loads;
		const sum = (f: (l: (typeof loads)[number]) => number) => loads.reduce((a, l) => a + f(l), 0);
		if (v.json) out(JSON.stringify(report, null, 2));
		out("");
		out("Summary");
		out(
			`  orders loaded:        ${sum((l) => (l.ok ? l.documents : 0))} (created ${sum((l) => l.created)}, updated ${sum((l) => l.updated)}, skipped ${sum((l) => l.skipped)})`,
		);
		out(`  counterparties created: ${sum((l) => l.counterpartiesCreated)}, items created: ${sum((l) => l.itemsCreated)}`);
		out(`  success sent:         ${report.successSent ? "yes" : "no"}`);
		out(
			`  files uploaded:       ${report.upload.files} (${report.upload.pieces} request(s), ${kb(report.upload.bytes)}), orders delivered: ${report.upload.orders.join(", ") || "none"}`,
		);
		out(`  traffic:              ↑${kb(report.bytesOut)} ↓${kb(report.bytesIn)} in ${report.steps.length} request(s)`);
		for (const e of actionErrors) io.stderr(`error: ${e}\n`);
		if (report.deviations.length === 0) out("  protocol deviations:  none");
		else {
			out(`  protocol deviations:  ${report.deviations.length}`);
			for (const d of report.deviations) {
				out(`    [${d.step}] ${d.message}`);
				out(`      ${d.request.method} ${d.request.url}`);
				if (d.reply) out(`      → ${d.reply.status} ${JSON.stringify(d.reply.body.slice(0, 160))}`);
				if (d.connection) {
					out(`      cause: ${d.connection.en}`);
					out(`      check: ${d.connection.checkEn}`);
					out(`      проверьте: ${d.connection.checkRu}`);
				}
			}
		}
		// no request got a reply: a setup problem (address, network, certificate), not the server's protocol
		const unreachable = report.steps.length === 0 ? report.deviations.find((d) => d.connection)?.connection : undefined;
		if (unreachable) {
			io.stderr(
				`obmen-1c: no reply from ${v.url}: ${unreachable.en}\n  check: ${unreachable.checkEn}\n` +
					`obmen-1c: нет ответа от ${v.url}: ${unreachable.ru}\n  проверьте: ${unreachable.checkRu}\n`,
			);
			return 2;
		}
		return report.deviations.length > 0 ? 1 : actionErrors.length > 0 ? 2 : 0;
	} catch (e) {
		io.stderr(`obmen-1c: ${(e as Error).message}\n`);
		if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) io.stderr(USAGE);
		return 2;
	}
}
