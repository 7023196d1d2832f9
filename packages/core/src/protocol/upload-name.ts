/**
 * @module
 * Sanitising the `filename` 1C sends with `mode=file` / `mode=import` (docs/reliability.md X10).
 *
 * 1C sends bare names (`v8_3B8F_3e.zip`, `orders-<guid>_1.xml`), but on Linux and Windows clients
 * also full paths (`/tmp/v8_1.zip`, `C:\Temp\v8_8789_c.xml`). Bitrix strips such prefixes; we do
 * the same, then apply a strict allowlist. Stored files are keyed by the result, never used as a path.
 */

const ALLOWED = /^[A-Za-z0-9][A-Za-z0-9._#-]{0,127}\.(xml|zip)$/i;

/**
 * True when `name` is already a safe base name: starts with a letter or digit, only
 * `[A-Za-z0-9._#-]`, at most 132 characters, ends in `.xml` or `.zip`, and has no `..`.
 */
export function isSafeBaseName(name: string): boolean {
	return ALLOWED.test(name) && !name.includes("..");
}

/**
 * Turns a 1C upload name into a safe storage key, or null to refuse it.
 * Backslashes become slashes, directories are dropped (`/tmp/v8_1.zip` → `v8_1.zip`,
 * `C:\Temp\x.xml` → `x.xml`); any `..` segment (also as `%2e%2e` or Unicode dot look-alikes), NUL or control character, percent-encoding,
 * non-ASCII character or a name outside the allowlist is refused.
 */
export function sanitizeUploadName(raw: string): string | null {
	if (typeof raw !== "string" || raw.length === 0 || raw.length > 1024) return null;
	if (/[\u0000-\u001f\u007f]/.test(raw)) return null;
	const segments = raw.replace(/\\/g, "/").split("/");
	for (const s of segments) {
		// `..` also in disguise: Unicode dot look-alikes (NFKC) and percent-encoding (`%2e%2e`).
		if (s.normalize("NFKC").includes("..") || s.includes("%")) return null;
	}
	const base = segments[segments.length - 1] ?? "";
	return isSafeBaseName(base) ? base : null;
}
