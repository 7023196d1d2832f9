#!/usr/bin/env node
// Runs every benchmark script (export, import) against the built packages and prints their tables.
// Build first: `npm run build` (npm ci does it through the root `prepare` script).
import { spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { fileURLToPath } from "node:url";

const here = fileURLToPath(new URL(".", import.meta.url));
for (const name of ["bench-export.mjs", "bench-import.mjs", "bench-exchange.mjs", "bench-load.mjs", "bench-scale.mjs"]) {
	const file = `${here}${name}`;
	if (!existsSync(file)) continue;
	console.log(`\n=== ${name} ===`);
	const r = spawnSync(process.execPath, ["--expose-gc", file, ...process.argv.slice(2)], { stdio: "inherit" });
	if (r.status !== 0) process.exitCode = r.status ?? 1;
}
