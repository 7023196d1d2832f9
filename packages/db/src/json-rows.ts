/**
 * @module
 * Multi-row INSERTs with one bound argument: the rows travel as one JSON array and `json_each` unpacks them. Cloudflare
 * D1 allows at most 100 bound parameters per statement (a 100-row, 8-column VALUES list has 800), and one argument
 * per statement costs SQLite nothing either.
 */
import type { InStatement } from "@libsql/client";

/** Rows per INSERT statement. */
const ROWS_PER_INSERT = 100;
/**
 * JSON characters per INSERT statement (a row alone may exceed it): keeps one argument well under D1's 2 MB limit on
 * a string value, even when every character takes 3 bytes in UTF-8.
 */
const CHARS_PER_INSERT = 500_000;

/** A value of a row; strings, numbers and NULL survive the JSON round trip with their SQLite type. */
export type JsonRowValue = string | number | null;

/**
 * INSERT statements for `rows` (each a list of `width` values, in the column order of `head`, e.g.
 * `INSERT OR IGNORE INTO t (a, b)`): at most {@link ROWS_PER_INSERT} rows and about {@link CHARS_PER_INSERT}
 * characters each, inserted in the order given.
 */
export function rowInserts(head: string, width: number, rows: JsonRowValue[][]): InStatement[] {
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
