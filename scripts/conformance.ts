/**
 * Locates the CommerceML conformance corpus: real-world order files published by other projects and the official
 * CommerceML XSDs. They are not ours to redistribute, so they never live in this repository; the conformance tests
 * (`*.conformance.test.ts`) read them in place and are skipped when the corpus is absent.
 *
 * - `OBMEN_CONFORMANCE_DIR`: the corpus directory (`*.xml` samples and `xsd/`). When unset, the default is
 *   `../shared/fixtures/commerceml/public` relative to the repository root, used only when it exists.
 * - `OBMEN_CONFORMANCE`: `required` makes a missing corpus a test failure (what `.ci/run` sets unless told
 *   `optional`); anything else (the default for `npm test`) lets the suite be skipped, reported by the summary line.
 *
 * Node-only (tests and the summary reporter use it; vitest.shared.ts passes the result to the tests as env).
 */
import { existsSync } from "node:fs";
import { resolve } from "node:path";
import { fileURLToPath } from "node:url";

/** Where the corpus is, whether it must be there, and why the suite would be skipped. */
export interface ConformanceLocation {
	/** Absolute corpus directory, or null when absent. */
	dir: string | null;
	/** `OBMEN_CONFORMANCE=required`: a missing corpus fails the run. */
	required: boolean;
	/** Human-readable: where it was looked for (and why it was not used). */
	reason: string;
}

const ROOT = fileURLToPath(new URL("../", import.meta.url));
/** The default corpus location beside the repository (our research checkout); the one place it is named. */
const DEFAULT_DIR = resolve(ROOT, "../shared/fixtures/commerceml/public");

/** Resolves the corpus from the environment (see the module comment). */
export function locateConformance(env: Record<string, string | undefined> = process.env): ConformanceLocation {
	const required = env.OBMEN_CONFORMANCE === "required";
	const configured = env.OBMEN_CONFORMANCE_DIR?.trim();
	const dir = configured ? resolve(ROOT, configured) : DEFAULT_DIR;
	const source = configured ? `OBMEN_CONFORMANCE_DIR=${configured}` : `default ${DEFAULT_DIR}`;
	if (!existsSync(dir)) return { dir: null, required, reason: `no corpus at ${dir} (${source})` };
	if (!existsSync(resolve(dir, "xsd"))) return { dir: null, required, reason: `${dir} has no xsd/ folder (${source})` };
	return { dir, required, reason: `corpus at ${dir} (${source})` };
}
