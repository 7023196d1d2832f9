/**
 * @module
 * Column values of libSQL rows, read and written as the store's types (nullable text, 0/1 booleans, numbers).
 */
import type { Row } from "@libsql/client";

/** @internal Nullable string column. */
export function str(row: Row, col: string): string | null {
	const v = row[col];
	return v === null || v === undefined ? null : String(v);
}

/** @internal Nullable boolean column (0/1). */
export function bool(row: Row, col: string): boolean | null {
	const v = row[col];
	return v === null || v === undefined ? null : Number(v) !== 0;
}

/** @internal Number column. */
export function num(row: Row, col: string): number {
	return Number(row[col] ?? 0);
}

/** @internal Boolean → SQLite integer or NULL. */
export function sqlBool(v: boolean | null | undefined): number | null {
	return v === null || v === undefined ? null : v ? 1 : 0;
}
