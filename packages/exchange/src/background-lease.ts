/**
 * @module
 * "Once per interval across every instance" for periodic and deduplicated work (journal retention, `exchange.failed`
 * alerts): a lease row in the database (`leases`, name `bg:<task>`) taken by compare-and-set with a holder unique to
 * this attempt and never released, so it also records when the work last ran. Whichever instance takes it does the
 * work; the others skip until the lease ends. Processes behind a proxy, Bun/Deno ticks and Workers Cron Triggers all
 * go through it.
 */
import { randomToken } from "./crypto.ts";
import type { ResolvedOptions } from "./options.ts";

/**
 * @internal True when this caller won the right to run `task` now; the next win is `intervalMs` later (by the app's
 * clock, `now`), whichever instance asks.
 */
export async function claimInterval(o: ResolvedOptions, task: string, now: Date, intervalMs: number): Promise<boolean> {
	const res = await o.store.acquireLease({ name: `bg:${task}`, holder: randomToken(8) }, now.getTime(), intervalMs);
	return res.acquired;
}
