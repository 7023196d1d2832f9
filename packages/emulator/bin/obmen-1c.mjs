#!/usr/bin/env node
// obmen-1c: a 1C:Enterprise exchange client emulator (see `obmen-1c --help`).
import { main } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2), {
	stdout: (s) => process.stdout.write(s),
	stderr: (s) => process.stderr.write(s),
});
