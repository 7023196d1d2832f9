/**
 * @module
 * `obmen cml encode`: store orders (a JSON array, NDJSON or the `GET /api/v1/orders` page envelope) → the CommerceML
 * XML a store returns to 1C on `mode=query`, streamed to stdout.
 */
import {
	type ExportSettings,
	type Order,
	parseOrder,
	SCHEMA_VERSIONS,
	type SchemaVersion,
	safeParseOrder,
	writeOrdersXml,
	type XmlEncoding,
} from "@obmen/core";
import { UsageError } from "./args.ts";
import { type CliIo, type InputSource, isBrokenPipe, openInput } from "./io.ts";
import { OrderInputError, readOrders } from "./order-input.ts";

/** Builds writer settings from the command-line options (defaults: 2.05, windows-1251, shipping paid). */
export function exportSettingsFrom(options: Map<string, string | boolean>): ExportSettings {
	const schema = String(options.get("schema") ?? "2.05");
	if (!SCHEMA_VERSIONS.includes(schema as SchemaVersion)) throw new UsageError(`--schema must be one of ${SCHEMA_VERSIONS.join(", ")}`);
	const encodingRaw = String(options.get("encoding") ?? "windows-1251").toLowerCase();
	const encoding: XmlEncoding | undefined =
		encodingRaw === "utf-8" || encodingRaw === "utf8"
			? "utf-8"
			: encodingRaw === "windows-1251" || encodingRaw === "cp1251"
				? "windows-1251"
				: undefined;
	if (!encoding) throw new UsageError("--encoding must be utf-8 or windows-1251");
	const shipping = String(options.get("shipping") ?? "paid");
	if (shipping !== "none" && shipping !== "paid" && shipping !== "always") throw new UsageError("--shipping must be none, paid or always");
	return {
		schemaVersion: schema as SchemaVersion,
		encoding,
		shipping,
		exportOptions: options.get("options") === true,
		exportStatuses: options.get("statuses") !== false,
	};
}

/** At most this many validation problems are printed; the rest are counted in a summary line. */
const MAX_REPORTED_PROBLEMS = 20;

/**
 * Checks every order of the input (pass 1, nothing written). Prints the first {@link MAX_REPORTED_PROBLEMS} problems
 * as `order <index>: <path>: <message>` and a summary of the rest; returns whether all orders are valid.
 */
async function checkOrders(source: InputSource, io: CliIo): Promise<boolean> {
	let index = 0;
	let invalid = 0;
	let problems = 0;
	for await (const raw of readOrders(source.chunks())) {
		const r = safeParseOrder(raw.value);
		if (!r.ok) {
			invalid++;
			for (const issue of r.issues) {
				if (++problems <= MAX_REPORTED_PROBLEMS) io.stderr(`obmen: order ${index}: ${issue.path || "(root)"}: ${issue.message}\n`);
			}
		}
		index++;
	}
	if (problems > MAX_REPORTED_PROBLEMS) io.stderr(`obmen: … and ${problems - MAX_REPORTED_PROBLEMS} more problem(s)\n`);
	if (invalid > 0) io.stderr(`obmen: ${invalid} of ${index} order(s) invalid (${problems} problem(s)); no XML written\n`);
	return invalid === 0;
}

/** The validated orders of the input, one at a time (pass 2, feeding the streaming writer). */
async function* validOrders(source: InputSource): AsyncGenerator<Order> {
	for await (const raw of readOrders(source.chunks())) yield parseOrder(raw.value);
}

/**
 * Runs `cml encode`; returns the exit code. The input (a file or `-` for stdin) is read twice as a stream: once to
 * check every order (bad input writes no XML at all), once to write the XML, so memory stays that of one order.
 */
export async function encodeCommand(options: Map<string, string | boolean>, io: CliIo): Promise<number> {
	const file = options.get("in");
	if (typeof file !== "string") throw new UsageError("cml encode needs --in <orders.json> (or --in - for standard input)");
	const settings = exportSettingsFrom(options);
	const source = await openInput(io, file);
	if (source === null) return 1;
	const name = file === "-" ? "standard input" : file;
	try {
		try {
			if (!(await checkOrders(source, io))) return 1;
		} catch (e) {
			if (!(e instanceof OrderInputError)) throw e;
			io.stderr(`obmen: ${name}: ${e.message}\n`);
			return 1;
		}
		const reader = writeOrdersXml(validOrders(source), settings).getReader();
		try {
			for (;;) {
				const { done, value } = await reader.read();
				if (done) break;
				await io.stdout(value);
			}
		} catch (e) {
			await reader.cancel().catch(() => {});
			if (isBrokenPipe(e)) throw e;
			io.stderr(`obmen: ${(e as Error).message}\n`);
			return 1;
		}
		return 0;
	} finally {
		await source.close();
	}
}
