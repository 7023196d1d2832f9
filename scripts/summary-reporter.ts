/**
 * Prints the plain closing line `N passed, N failed[, N skipped]` that CI reads, after vitest's own summary,
 * followed by `conformance: …`: how the conformance suite (`*.conformance.test.ts`, see scripts/conformance.ts)
 * went, or that it was skipped and why.
 */
import type { Reporter, TestModule } from "vitest/node";
import { locateConformance } from "./conformance.ts";

export default class SummaryReporter implements Reporter {
	onTestRunEnd(testModules: ReadonlyArray<TestModule>, errors: ReadonlyArray<unknown>): void {
		let passed = 0;
		let failed = 0;
		let skipped = 0;
		const conf = { files: 0, passed: 0, failed: 0, skipped: 0 };
		for (const mod of testModules) {
			const isConformance = mod.moduleId.endsWith(".conformance.test.ts");
			if (isConformance) conf.files++;
			for (const test of mod.children.allTests()) {
				const state = test.result().state;
				if (state === "passed") passed++;
				else if (state === "failed") failed++;
				else skipped++;
				if (isConformance) {
					if (state === "passed") conf.passed++;
					else if (state === "failed") conf.failed++;
					else conf.skipped++;
				}
			}
			if (mod.state() === "failed" && ![...mod.children.allTests()].length) failed++;
		}
		failed += errors.length;
		process.stdout.write(`\n${passed} passed, ${failed} failed${skipped ? `, ${skipped} skipped` : ""}\n`);
		const where = locateConformance();
		let line: string;
		if (conf.files === 0) line = "conformance: not run (no *.conformance.test.ts selected)";
		else if (where.dir === null) {
			line = `conformance: SKIPPED, ${where.reason}; set OBMEN_CONFORMANCE_DIR to run it${where.required ? " (required: FAILED)" : ""}`;
		} else line = `conformance: ${conf.passed} passed, ${conf.failed} failed (${where.reason})`;
		process.stdout.write(`${line}\n`);
	}
}
