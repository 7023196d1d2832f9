/**
 * @module The `obmen` command line.
 *
 *   obmen cml encode --in orders.json [--schema 2.08] [--encoding utf-8] [--shipping none|paid|always] [--options] [--no-statuses] > out.xml
 *   obmen cml decode file.xml|file.zip
 */
import { parseArgs, UsageError } from "./args.ts";
import { decodeCommand } from "./decode.ts";
import { encodeCommand } from "./encode.ts";
import type { CliIo } from "./io.ts";

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
      --no-statuses       omit "Статус заказа", "Статуса заказа ИД", "Дата изменения статуса"

  obmen cml decode <file.xml|file.zip>
      Read an order file uploaded by 1C (strictly, as the exchange does) and print its
      documents as JSON. Bad input exits 1 with "<CODE> at line L, column C (byte N)".

  obmen --help
`;

const VALUED = new Set(["in", "schema", "encoding", "shipping"]);

/** Runs the CLI with `argv` (without node and script); returns the process exit code. */
export async function main(argv: readonly string[], io: CliIo): Promise<number> {
	try {
		const { positionals, options } = parseArgs(argv, VALUED);
		if (options.get("help") === true || positionals.length === 0) {
			io.stdout(HELP);
			return positionals.length === 0 && options.get("help") !== true ? 2 : 0;
		}
		const [group, command, ...rest] = positionals;
		if (group !== "cml") throw new UsageError(`unknown command "${group}"`);
		if (command === "encode") {
			if (rest.length) throw new UsageError(`unexpected argument "${rest[0]}"`);
			return await encodeCommand(options, io);
		}
		if (command === "decode") {
			if (options.size) throw new UsageError(`cml decode takes no options`);
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
