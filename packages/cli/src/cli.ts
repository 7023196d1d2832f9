/**
 * @module
 * The `obmen` command line.
 *
 *   obmen cml encode --in orders.json|- [--schema 2.08] [--encoding utf-8] [--shipping none|paid|always] [--options] [--no-statuses] > out.xml
 *   obmen cml decode file.xml|file.zip|-
 *   obmen db backup <file> | obmen db migrate [--dry-run] | obmen admin reset-token
 *   obmen --version | obmen [<group> [<command>]] --help
 */
import { readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs, UsageError } from "./args.ts";
import { decodeCommand } from "./decode.ts";
import { encodeCommand } from "./encode.ts";
import { type CliIo, isBrokenPipe } from "./io.ts";

export { type CliIo, nodeIo } from "./io.ts";

/** The help of each command, shown by `obmen <group> <command> --help`. */
const COMMAND_HELP = {
	"cml encode": `obmen cml encode --in <orders.json | -> [options] > out.xml
    Store orders → the XML the store returns to 1C on mode=query. The input is a JSON array, NDJSON (one order
    per line), or the { "items": [...], "nextCursor": ... } page of GET /api/v1/orders; "-" reads standard input.
    It is read as a stream: every order is checked first (a bad one writes no XML; the first 20 problems are
    printed, then a count), then the XML is written order by order, so 100k orders take the memory of one.
    --in <file|->       the orders (required); - = standard input
    --schema <v>        ВерсияСхемы: 2.03 2.04 2.05 2.07 2.08 2.09 2.10 (default 2.05)
    --encoding <e>      windows-1251 (default) or utf-8
    --shipping <mode>   ORDER_DELIVERY line: none, paid (default: only when price > 0), always
    --options           write item options as ХарактеристикиТовара
    --no-statuses       omit "Статус заказа" and "Статуса заказа ИД"
    Exit code: 0 written, 1 bad input (nothing written), 2 usage error.
`,
	"cml decode": `obmen cml decode <file.xml | file.zip | ->
    Reads an order file uploaded by 1C (strictly, as the exchange does) and prints its documents as JSON
    (every .xml entry of a zip; "-" reads standard input). Bad input exits 1 with
    "<CODE> at line L, column C (byte N)".
`,
	"db backup": `obmen db backup <file>
    A consistent copy of the server's database (VACUUM INTO), safe while the server runs; never overwrites a file.
`,
	"db migrate": `obmen db migrate [--dry-run]
    Lists the database migrations a server start would apply; applies them unless --dry-run.
`,
	"admin reset-token": `obmen admin reset-token
    Prints a new admin API token (once) and stores its hash; the old token stops working at once.
`,
} as const;

/** Where the database commands find the database (appended to their help). */
const DATABASE_NOTE = "    The database commands read OBMEN_DATA_DIR / DATABASE_URL / DATABASE_AUTH_TOKEN like the server.\n";

/** The help of a command group (`obmen cml`, `obmen db`, `obmen admin`): its commands. */
function groupHelp(group: "cml" | "db" | "admin"): string {
	const titles = {
		cml: "obmen cml — CommerceML 2 order files (encode store orders for 1C, decode what 1C uploads)",
		db: "obmen db — the server's database",
		admin: "obmen admin — the admin API",
	};
	const commands = Object.entries(COMMAND_HELP).filter(([k]) => k.startsWith(`${group} `));
	return `${titles[group]}\n\nCommands:\n${commands.map(([, h]) => `  ${h}`).join("\n")}${group === "cml" ? "" : DATABASE_NOTE}\nRun "obmen ${group} <command> --help" for one command.\n`;
}

/** The `--help` text. */
export const HELP = `obmen — CommerceML 2 order files for the 1C:Enterprise ⇄ store exchange

Usage:
${Object.values(COMMAND_HELP)
	.map((h) => `  ${h}`)
	.join("")}${DATABASE_NOTE}
  obmen <command> --help     one command's help (obmen cml, obmen db, obmen admin list theirs)
  obmen --version
`;

/** The version of this package (its package.json, one directory above src/ and dist/). */
function version(): string {
	const pkg = JSON.parse(readFileSync(fileURLToPath(new URL("../package.json", import.meta.url)), "utf8")) as { version: string };
	return pkg.version;
}

const GROUPS = new Set(["cml", "db", "admin"]);

/** The options each command understands (`help` everywhere); anything else is a usage error, not ignored. */
const ENCODE_OPTIONS = new Set(["in", "schema", "encoding", "shipping", "options", "statuses", "help"]);

/** Rejects options the command does not know (a typo like `--optoins` is refused by the parser already). */
function checkOptions(options: Map<string, string | boolean>, known: ReadonlySet<string>): void {
	for (const [name, value] of options) {
		if (!known.has(name)) throw new UsageError(`unknown option --${value === false ? "no-" : ""}${name}`);
	}
}

/** Runs the CLI with `argv` (without node and script); returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
	let topic = "";
	try {
		const { positionals, options } = parseArgs(argv);
		const [group, command, ...rest] = positionals;
		if (group && GROUPS.has(group)) topic = group;
		if (options.get("version") === true) {
			await io.stdout(`obmen ${version()}\n`);
			return 0;
		}
		if (group === undefined) {
			await io.stdout(HELP);
			return options.get("help") === true ? 0 : 2;
		}
		if (!GROUPS.has(group)) throw new UsageError(`unknown command "${group}"`);
		const g = group as "cml" | "db" | "admin";
		const key = `${g} ${command ?? ""}`;
		if (command !== undefined && !(key in COMMAND_HELP)) throw new UsageError(`unknown command "${key}"`);
		if (options.get("help") === true || command === undefined) {
			await io.stdout(command === undefined ? groupHelp(g) : COMMAND_HELP[key as keyof typeof COMMAND_HELP]);
			return options.get("help") === true ? 0 : 2;
		}
		topic = key;
		// the database commands load libSQL and the server's modules only when run (cml stays light)
		const ops = g === "cml" ? null : await import("./ops.ts");
		if (key === "db backup" && ops) {
			checkOptions(options, new Set());
			return await ops.dbBackup(rest, io);
		}
		if (key === "db migrate" && ops) {
			checkOptions(options, new Set(["dry-run"]));
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await ops.dbMigrate(options.get("dry-run") === true, io);
		}
		if (key === "admin reset-token" && ops) {
			checkOptions(options, new Set());
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await ops.adminResetToken(io);
		}
		if (key === "cml encode") {
			checkOptions(options, ENCODE_OPTIONS);
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await encodeCommand(options, io);
		}
		checkOptions(options, new Set());
		if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
		return await decodeCommand(rest, io);
	} catch (e) {
		// `obmen … | head`: the reader closed the pipe because it has what it wanted; not an error
		if (isBrokenPipe(e)) return 0;
		if (e instanceof UsageError) {
			io.stderr(`obmen: ${e.message}\nRun "obmen ${topic ? `${topic} ` : ""}--help" for usage.\n`);
			return 2;
		}
		io.stderr(`obmen: ${(e as Error).message}\n`);
		return 1;
	}
}
