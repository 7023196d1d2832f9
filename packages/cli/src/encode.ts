/**
 * @module
 * `obmen cml encode`: store orders (JSON array or NDJSON) → the CommerceML XML a store
 * returns to 1C on `mode=query`, streamed to stdout.
 */
import {
	type ExportSettings,
	type Order,
	OrderValidationError,
	parseOrder,
	SCHEMA_VERSIONS,
	type SchemaVersion,
	writeOrdersXml,
	type XmlEncoding,
} from "@obmen/core";
import { UsageError } from "./args.ts";
import { type CliIo, readInputFile } from "./io.ts";

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

/** The orders file is not JSON / NDJSON (exit code 1, like any other bad input). */
export class OrderInputError extends Error {
	override name = "OrderInputError";
}

/**
 * Splits the input into raw order values: a JSON array, one JSON object, or NDJSON (one per line).
 * @throws OrderInputError naming the line for text that is not JSON
 */
export function parseOrderInput(text: string): unknown[] {
	const trimmed = text.replace(/^\uFEFF/, "").trim();
	if (trimmed === "") return [];
	if (trimmed.startsWith("[")) {
		let value: unknown;
		try {
			value = JSON.parse(trimmed);
		} catch (e) {
			throw new OrderInputError(`invalid JSON (${(e as Error).message})`);
		}
		if (!Array.isArray(value)) throw new OrderInputError("expected a JSON array of orders");
		return value;
	}
	const out: unknown[] = [];
	const lines = trimmed.split(/\r?\n/);
	for (let i = 0; i < lines.length; i++) {
		const line = (lines[i] as string).trim();
		if (line === "") continue;
		try {
			out.push(JSON.parse(line));
		} catch (e) {
			throw new OrderInputError(`line ${i + 1}: invalid JSON (${(e as Error).message})`);
		}
	}
	return out;
}

/** Runs `cml encode`; returns the exit code. */
export async function encodeCommand(options: Map<string, string | boolean>, io: CliIo): Promise<number> {
	const file = options.get("in");
	if (typeof file !== "string") throw new UsageError("cml encode needs --in <orders.json>");
	const settings = exportSettingsFrom(options);
	const bytes = await readInputFile(io, file);
	if (bytes === null) return 1;
	let raw: unknown[];
	try {
		raw = parseOrderInput(new TextDecoder().decode(bytes));
	} catch (e) {
		if (!(e instanceof OrderInputError)) throw e;
		io.stderr(`obmen: ${file}: ${e.message}\n`);
		return 1;
	}
	const orders: Order[] = [];
	for (let i = 0; i < raw.length; i++) {
		try {
			orders.push(parseOrder(raw[i]));
		} catch (e) {
			if (!(e instanceof OrderValidationError)) throw e;
			for (const issue of e.issues) io.stderr(`obmen: order ${i}: ${issue.path || "(root)"}: ${issue.message}\n`);
			return 1;
		}
	}
	const reader = writeOrdersXml(orders, settings).getReader();
	try {
		for (;;) {
			const { done, value } = await reader.read();
			if (done) break;
			await io.stdout(value);
		}
	} catch (e) {
		io.stderr(`obmen: ${(e as Error).message}\n`);
		return 1;
	}
	return 0;
}
