/**
 * @module
 * `obmen-1c` — run one 1C exchange against a store from the command line:
 * `obmen-1c sync --url http://127.0.0.1:8080/exim_1c --login L --password P [--profile ut|retail|unf30|unf16|bp|…]`.
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

  --profile ut|retail|unf30|unf16|bp  1C configuration (default ut11; ut11, unf, bitrix-module: older profiles;
                                      moysklad, class365: the cloud systems МойСклад and Класс365)
  --variant V                        ut: ut11.5 (default) | ut11.4 | bas;  unf16: 1.6.10 (default) | 1.6.26
  --no-wait-import                   «Выгружать файлы без ожидания подтверждения импорта сервером» (= --no-import-wait)
  --bom-as-char                      keep a UTF-8 BOM as a character in replies (a BOM before <?xml then fails)
  --bp-protocol bitrix|other         (bp)
  --pay N --ship N --cancel N        site order numbers changed in 1C before the upload (repeat or comma-separate)
  --post N --status N=STATUS         post an order / set its 1C status (e.g. --status 1042=Согласован)
  --state FILE                       keep the 1C infobase between runs (created if missing)
  --node-settings FILE               1C node settings JSON (counterpartySearch, statusMap, cancelReason, …)
  --counterparty-search name|inn-kpp --status-map "SITE=1C" (repeat) --cancel-reason TEXT
  --goods-kind --service-kind --unit --nomenclature-group --agreement --organization --warehouse --manager
  --portion-size N --retries N --no-sessid --no-import-wait
  --unf-protocol bitrix|other --subordinate-documents --import-pause-ms MS (unf; default 5000)
  --container --repeat-query          (bitrix-module)
  --drop-success --duplicate-file --odd-split --omit-cookie --omit-sessid   fault injection
  --max-import-polls N --max-import-ms MS --timeout-ms MS --json
Exit code: 0 ok, 1 protocol deviations, 2 usage or setup error.
`;

const OPTIONS = {
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
			}
		}
		return report.deviations.length > 0 ? 1 : actionErrors.length > 0 ? 2 : 0;
	} catch (e) {
		io.stderr(`obmen-1c: ${(e as Error).message}\n`);
		if (e instanceof UsageError || (e as { code?: string }).code?.startsWith("ERR_PARSE_ARGS")) io.stderr(USAGE);
		return 2;
	}
}
