/**
 * @module A tiny argv parser for `obmen`: positional arguments plus `--name value`,
 * `--name=value` and boolean `--flag` / `--no-flag` options.
 */

/** Parsed command line: positionals in order and options by name (booleans for flags). */
export interface ParsedArgs {
	positionals: string[];
	options: Map<string, string | boolean>;
}

/** Thrown for a command line that cannot be understood (exit code 2). */
export class UsageError extends Error {
	override name = "UsageError";
}

/**
 * Parses `argv`. `valued` lists the options that take a value; everything else is a flag
 * (`--no-x` sets `x` to false).
 */
export function parseArgs(argv: readonly string[], valued: ReadonlySet<string>): ParsedArgs {
	const positionals: string[] = [];
	const options = new Map<string, string | boolean>();
	for (let i = 0; i < argv.length; i++) {
		const arg = argv[i] as string;
		if (arg === "--") {
			positionals.push(...argv.slice(i + 1));
			break;
		}
		if (!arg.startsWith("--") || arg === "-") {
			if (arg.startsWith("-") && arg !== "-" && arg !== "-h") throw new UsageError(`unknown option ${arg}`);
			if (arg === "-h") options.set("help", true);
			else positionals.push(arg);
			continue;
		}
		const eq = arg.indexOf("=");
		const name = arg.slice(2, eq < 0 ? undefined : eq);
		if (valued.has(name)) {
			const value = eq >= 0 ? arg.slice(eq + 1) : argv[++i];
			if (value === undefined) throw new UsageError(`option --${name} needs a value`);
			options.set(name, value);
		} else if (eq >= 0) {
			throw new UsageError(`option --${name} takes no value`);
		} else if (name.startsWith("no-")) {
			options.set(name.slice(3), false);
		} else {
			options.set(name, true);
		}
	}
	return { positionals, options };
}
