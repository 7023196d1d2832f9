/**
 * @module
 * The command line of `obmen`, read with `node:util` `parseArgs` (strict: an unknown option or a missing value is a
 * usage error, never ignored; `--no-<flag>` turns a flag off).
 */
import { parseArgs as parseNodeArgs } from "node:util";

/** Parsed command line: positionals in order and options by name (booleans for flags). */
export interface ParsedArgs {
	positionals: string[];
	options: Map<string, string | boolean>;
}

/** Thrown for a command line that cannot be understood (exit code 2). */
export class UsageError extends Error {
	override name = "UsageError";
}

/** Every option `obmen` knows; each command then accepts its own subset. */
const OPTIONS = {
	in: { type: "string" },
	schema: { type: "string" },
	encoding: { type: "string" },
	shipping: { type: "string" },
	options: { type: "boolean" },
	statuses: { type: "boolean" },
	"dry-run": { type: "boolean" },
	help: { type: "boolean", short: "h" },
	version: { type: "boolean" },
} as const;

/** Parses `argv` (without node and the script); node's parse errors become {@link UsageError}s naming the option. */
export function parseArgs(argv: readonly string[]): ParsedArgs {
	try {
		const { values, positionals } = parseNodeArgs({
			args: [...argv],
			options: OPTIONS,
			allowPositionals: true,
			allowNegative: true,
			strict: true,
		});
		const options = new Map<string, string | boolean>();
		for (const [name, value] of Object.entries(values)) if (value !== undefined) options.set(name, value);
		return { positionals, options };
	} catch (e) {
		const err = e as Error & { code?: string };
		if (err.code === "ERR_PARSE_ARGS_UNKNOWN_OPTION") {
			const option = /'(-[^']*)'/.exec(err.message)?.[1] ?? "";
			throw new UsageError(`unknown option ${option}`);
		}
		if (err.code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE") {
			const option = /'(--[a-z-]+)/.exec(err.message)?.[1] ?? "";
			throw new UsageError(`option ${option} needs a value`);
		}
		if (err.code === "ERR_PARSE_ARGS_UNEXPECTED_POSITIONAL") throw new UsageError(err.message);
		throw e;
	}
}
