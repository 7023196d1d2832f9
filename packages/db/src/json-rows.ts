/**
 * @module
 * Multi-row INSERTs within the engine's bound-parameter limit. libSQL/SQLite takes 32,766 parameters per statement: a
 * `VALUES` list of 100 rows binds each value. Cloudflare D1 takes at most 100 (a 100-row, 8-column list has 800): the
 * rows then travel as one JSON array argument that `json_each` unpacks, which costs a JSON text and its parse per
 * value (measured on 80,000 1.5 KB import rows: ~3.2 s against ~1.8 s with `VALUES`).
 */
import type { InStatement } from "@libsql/client";

/** Rows per INSERT statement. */
const ROWS_PER_INSERT = 100;
/**
 * JSON characters per INSERT statement (a row alone may exceed it): keeps one argument well under D1's 2 MB limit on
 * a string value, even when every character takes 3 bytes in UTF-8.
 */
const CHARS_PER_INSERT = 500_000;

/** Bound parameters per statement that libSQL/SQLite allow (`SQLITE_MAX_VARIABLE_NUMBER`). */
export const SQLITE_MAX_PARAMETERS = 32_766;
/** Bound parameters per statement that Cloudflare D1 allows. */
export const D1_MAX_PARAMETERS = 100;

/** A value of a row; strings, numbers and NULL survive the JSON round trip with their SQLite type. */
export type JsonRowValue = string | number | null;

/**
 * INSERT statements for `rows` (each a list of `width` values, in the column order of `head`, e.g.
 * `INSERT OR IGNORE INTO t (a, b)`), inserted in the order given: `VALUES` lists of at most {@link ROWS_PER_INSERT}
 * rows when the engine takes that many parameters (`maxParameters`), else JSON rows of at most
 * {@link ROWS_PER_INSERT} rows and about {@link CHARS_PER_INSERT} characters each.
 */
export function rowInserts(head: string, width: number, rows: JsonRowValue[][], maxParameters = D1_MAX_PARAMETERS): InStatement[] {
	if (width * ROWS_PER_INSERT <= maxParameters) return valuesInserts(head, width, rows);
	const cols = Array.from({ length: width }, (_, i) => `json_extract(value, '$[${i}]')`).join(", ");
	const sql = `${head} SELECT ${cols} FROM json_each(?) ORDER BY key`;
	const out: InStatement[] = [];
	let part: string[] = [];
	let chars = 0;
	const flush = () => {
		if (part.length > 0) out.push({ sql, args: [`[${part.join(",")}]`] });
		part = [];
		chars = 0;
	};
	for (const row of rows) {
		const json = JSON.stringify(row);
		if (part.length >= ROWS_PER_INSERT || (part.length > 0 && chars + json.length > CHARS_PER_INSERT)) flush();
		part.push(json);
		chars += json.length + 1;
	}
	flush();
	return out;
}

/** Characters of a row's values (strings by their length, anything else as a few). */
export function rowChars(row: readonly JsonRowValue[]): number {
	let n = 0;
	for (const v of row) n += typeof v === "string" ? v.length : 8;
	return n;
}

/**
 * Multi-row `VALUES` INSERTs of at most {@link ROWS_PER_INSERT} rows and about {@link CHARS_PER_INSERT} characters
 * each (a row alone may exceed it), one bound parameter per value.
 */
function valuesInserts(head: string, width: number, rows: JsonRowValue[][]): InStatement[] {
	const tuple = `(${Array.from({ length: width }, () => "?").join(", ")})`;
	const sqlOf = new Map<number, string>();
	const out: InStatement[] = [];
	let part: JsonRowValue[][] = [];
	let chars = 0;
	const flush = () => {
		if (part.length === 0) return;
		let sql = sqlOf.get(part.length);
		if (sql === undefined) {
			sql = `${head} VALUES ${Array.from(part, () => tuple).join(", ")}`;
			sqlOf.set(part.length, sql);
		}
		// one loop, not `part.flat()`: V8's flat is generic and ~10x slower on these 2,700-value lists (~0.2 s of a
		// 45,000-document import's planning, on the request's thread)
		const args: JsonRowValue[] = [];
		for (const row of part) for (const v of row) args.push(v);
		out.push({ sql, args });
		part = [];
		chars = 0;
	};
	for (const row of rows) {
		const n = rowChars(row);
		if (part.length >= ROWS_PER_INSERT || (part.length > 0 && chars + n > CHARS_PER_INSERT)) flush();
		part.push(row);
		chars += n;
	}
	flush();
	return out;
}
