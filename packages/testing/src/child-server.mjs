#!/usr/bin/env node
/**
 * Test child: the built Obmen Node server (`@obmen/app-node`, i.e. apps/node/dist) in its own process, for the reliability suites that kill
 * it (T-CRASH) or measure its event loop (T-CONC). Configured like `main.js` from the environment, plus:
 *   OBMEN_TUNING  JSON of ServerTuning without the clock (limits, timeouts, passwordIterations)
 *   OBMEN_TEST_NOW  a fixed ISO time for the app clock (two runs then write identical rows)
 * Prints the banner (first line "Obmen is listening on <url> …"). With an IPC channel it answers the message
 * "stats" with { eld: { p50, p99, max, mean, count } (ms), rss } from perf_hooks.monitorEventLoopDelay.
 */
import { monitorEventLoopDelay } from "node:perf_hooks";
import { readConfig, startServer } from "@obmen/app-node";

const tuning = JSON.parse(process.env.OBMEN_TUNING || "{}");
if (process.env.OBMEN_TEST_NOW) {
	const fixed = new Date(process.env.OBMEN_TEST_NOW);
	tuning.clock = { now: () => new Date(fixed) };
}
const eld = monitorEventLoopDelay({ resolution: 5 });
eld.enable();
const server = await startServer(readConfig(process.env, process.argv.slice(2)), tuning);
for (const line of server.banner) console.log(line);
process.on("message", (m) => {
	if (m === "stats") {
		const ms = (ns) => Math.round(ns / 1e4) / 100;
		process.send?.({
			eld: { p50: ms(eld.percentile(50)), p99: ms(eld.percentile(99)), max: ms(eld.max), mean: ms(eld.mean), count: eld.count },
			rss: process.memoryUsage().rss,
		});
	} else if (m === "reset") eld.reset();
});
process.on("SIGTERM", () => server.close().then(() => process.exit(0)));
