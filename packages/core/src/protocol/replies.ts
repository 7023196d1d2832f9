/**
 * @module
 * Plain-text replies of the 1C exchange protocol (docs/protocol.md §12.2).
 *
 * 1C reads the first line as the exact keyword `success`, `failure` or `progress`, and the
 * following lines as data (cookie name/value, `zip=yes`, a reason…). Lines are LF-separated,
 * the body ends with LF, there is no BOM. A reason must be one line, or 1C shows only part of it.
 */

/** Collapses CR/LF (and other line breaks) in a reply line into single spaces. */
export function oneLine(text: string): string {
	return String(text)
		.replace(/[\r\n\u2028\u2029\u0085]+/g, " ")
		.trim();
}

/** `success\n` followed by each data line (`zip=yes`, `file_limit=8388608`, `sessid=…`), each ending with LF. */
export function replySuccess(...lines: string[]): string {
	return `success\n${lines.map((l) => `${oneLine(l)}\n`).join("")}`;
}

/** `failure\n<reason>\n` — the reason is collapsed to a single line. */
export function replyFailure(reason: string): string {
	return `failure\n${oneLine(reason)}\n`;
}

/** `progress\n<info>\n` — "work remains, call `import` again" (1C repeats the request). */
export function replyProgress(info = ""): string {
	const line = oneLine(info);
	return line ? `progress\n${line}\n` : "progress\n";
}
