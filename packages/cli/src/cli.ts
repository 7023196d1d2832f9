/**
 * @module
 * The `obmen` command line.
 *
 *   obmen cml encode --in orders.json [--schema 2.08] [--encoding utf-8] [--shipping none|paid|always] [--options] [--no-statuses] > out.xml
 *   obmen cml decode file.xml|file.zip
 *   obmen db backup <file> | obmen db migrate [--dry-run] | obmen admin reset-token
 */
import { parseArgs, UsageError } from "./args.ts";
import { decodeCommand } from "./decode.ts";
import { encodeCommand } from "./encode.ts";
import type { CliIo } from "./io.ts";
import { adminResetToken, dbBackup, dbMigrate } from "./ops.ts";

export { type CliIo, nodeIo } from "./io.ts";

/** The `--help` text. */
export const HELP = `obmen — CommerceML 2 order files for the 1C:Enterprise ⇄ store exchange

Usage:
  obmen cml encode --in <orders.json> [options] > out.xml
      Store orders (a JSON array or NDJSON) → the XML the store returns to 1C on mode=query.
      --schema <v>        ВерсияСхемы: 2.03 2.04 2.05 2.07 2.08 2.09 2.10 (default 2.05)
      --encoding <e>      windows-1251 (default) or utf-8
      --shipping <mode>   ORDER_DELIVERY line: none, paid (default: only when price > 0), always
      --options           write item options as ХарактеристикиТовара
      --no-statuses       omit "Статус заказа" and "Статуса заказа ИД"

  obmen cml decode <file.xml|file.zip>
      Read an order file uploaded by 1C (strictly, as the exchange does) and print its
      documents as JSON. Bad input exits 1 with "<CODE> at line L, column C (byte N)".

  obmen db backup <file>
      A consistent copy of the server's database (VACUUM INTO), safe while the server runs.
  obmen db migrate [--dry-run]
      Lists the database migrations a server start would apply; applies them unless --dry-run.
  obmen admin reset-token
      Prints a new admin API token (once) and stores its hash; the old token stops working at once.
      The database commands read OBMEN_DATA_DIR / DATABASE_URL / DATABASE_AUTH_TOKEN like the server.

  obmen --help
`;

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
	try {
		const { positionals, options } = parseArgs(argv);
		if (options.get("help") === true || positionals.length === 0) {
			io.stdout(HELP);
			return positionals.length === 0 && options.get("help") !== true ? 2 : 0;
		}
		const [group, command, ...rest] = positionals;
		if (group === "db" && command === "backup") {
			checkOptions(options, new Set());
			return await dbBackup(rest, io);
		}
		if (group === "db" && command === "migrate") {
			checkOptions(options, new Set(["dry-run"]));
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await dbMigrate(options.get("dry-run") === true, io);
		}
		if (group === "admin" && command === "reset-token") {
			checkOptions(options, new Set());
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await adminResetToken(io);
		}
		if (group === "db" || group === "admin") throw new UsageError(`unknown command "${group} ${command ?? ""}"`);
		if (group !== "cml") throw new UsageError(`unknown command "${group}"`);
		if (command === "encode") {
			checkOptions(options, ENCODE_OPTIONS);
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await encodeCommand(options, io);
		}
		if (command === "decode") {
			checkOptions(options, new Set());
			if (rest.length > 1) throw new UsageError(`unexpected argument "${rest[1]}"`);
			return await decodeCommand(rest, io);
		}
		throw new UsageError(`unknown command "cml ${command ?? ""}"`);
	} catch (e) {
		if (e instanceof UsageError) {
			io.stderr(`obmen: ${e.message}\nRun "obmen --help" for usage.\n`);
			return 2;
		}
		io.stderr(`obmen: ${(e as Error).message}\n`);
		return 1;
	}
}
