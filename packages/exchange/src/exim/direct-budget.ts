/**
 * @module
 * The time budget of a direct import (import.ts `applyDirect`): a file is planned as it is parsed, with nothing
 * staged, when its parse is quick enough; otherwise the parse is given up and the file is staged slice by slice, each
 * `import` request answering `progress` within one slice (`limits.importSliceMs`). 1C waits 180 s (УТ/КА/ERP) or
 * 1800 s (УНФ) for one request, so a direct parse may take a few slices; a 100 MB file parses in 2–5 s on an ordinary
 * machine. The time counted is the time before the parse (finding and hashing the file) and in the parser, not the
 * planning between its pages.
 *
 * Giving a direct parse up is dear: what it planned is thrown away, and the staged path parses the file again from
 * its start in every slice (the parser cannot resume), so a 100 MB file staged took 12–29 s on our bench machine,
 * 2–5× its direct import. So when the file is parsed on a worker thread (Node), the budget gives up only a parse
 * projected past {@link DIRECT_SLICES} slices (20 s by default; a 100 MB file sharing 2 cores with its planning is
 * projected at 4.5–5.5 s on that machine), and stops a parse that runs past {@link DIRECT_MAX_SLICES} all the same
 * (30 s: the planning, which runs as the file is parsed, ends a few seconds later, under the 60 s a default nginx
 * waits for a reply and 1C's 180 s). Parsed on the request's own thread (Bun, Deno, Workers, `OBMEN_PARSE_WORKER=off`),
 * the planning between the parser's calls is not counted and takes 2–3× the parse, and Cloudflare stops a request
 * after 30 s of CPU: there the budget stays at {@link DIRECT_SLICES_INLINE} and {@link DIRECT_MAX_SLICES_INLINE}.
 */

/**
 * Bytes parsed before the rate of the parse is taken: the first megabytes run cold (the parser not yet compiled, a
 * parse worker still starting), up to ~3× slower than the rest, and would make a fast parse look slow.
 */
export const DIRECT_WARMUP_BYTES = 4 * 1024 * 1024;
/** Bytes parsed before the time of the whole parse is projected (from the rate since the warm-up). */
export const DIRECT_PROBE_BYTES = 12 * 1024 * 1024;
/** Parsed on a worker thread, a direct parse goes on when its whole parse is projected to take at most this many slices… */
export const DIRECT_SLICES = 4;
/** …and is given up when it takes more than this many all the same. */
export const DIRECT_MAX_SLICES = 6;
/** The same two limits for a parse on the request's own thread (no parse thread), whose planning is not counted. */
export const DIRECT_SLICES_INLINE = 2;
/** See {@link DIRECT_SLICES_INLINE}. */
export const DIRECT_MAX_SLICES_INLINE = 4;

/** Whether a direct parse may go on, asked after each document. */
export interface DirectBudget {
	/** After `parsing` ms in the parser and `read` bytes of the file: false when the file must be staged instead. */
	fits(parsing: number, read: number): boolean;
}

/**
 * The budget of a direct parse of a `size`-byte file, `before` ms after the request started, with slices of
 * `slice` ms. Until {@link DIRECT_PROBE_BYTES} are read the parse must stay within one slice (a small file, or a
 * very slow start); at the probe the rest of the parse is projected from its rate since {@link DIRECT_WARMUP_BYTES},
 * and the whole must fit {@link DIRECT_SLICES} slices; from then on it may take up to {@link DIRECT_MAX_SLICES}
 * (`threaded`: the parse runs on a worker thread; else the `_INLINE` limits apply).
 */
export function directBudget(slice: number, size: number, before: number, threaded = false): DirectBudget {
	const [fit, max] = threaded ? [DIRECT_SLICES, DIRECT_MAX_SLICES] : [DIRECT_SLICES_INLINE, DIRECT_MAX_SLICES_INLINE];
	let allowed = slice;
	let probed = false;
	// where the warm-up ended: ms and bytes (the rate is taken from here)
	let warm: { parsing: number; read: number } | null = null;
	return {
		fits(parsing, read) {
			if (!warm && read >= DIRECT_WARMUP_BYTES) warm = { parsing, read };
			if (!probed && read >= DIRECT_PROBE_BYTES && read < size) {
				probed = true;
				const from = warm && warm.read < read ? warm : { parsing: 0, read: 0 };
				const rest = ((parsing - from.parsing) * (size - read)) / (read - from.read);
				if (before + parsing + rest > fit * slice) return false;
				allowed = max * slice;
			}
			return before + parsing < allowed;
		},
	};
}
