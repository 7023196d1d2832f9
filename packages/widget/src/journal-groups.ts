import type { JournalItem } from "./types.ts";

/** Journal requests of one 1C exchange session (checkauth → init → query → success share one cookie). */
export interface JournalSession {
	session: string | null;
	items: JournalItem[];
	startedAt: string;
	errors: number;
	sent: number;
	acknowledged: number;
	imported: number;
	/** The 1C client of the session ({@link clientFamily} of its User-Agent) and its address, when known. */
	client: string | null;
	ip: string | null;
}

/** A request counts as failed when the server logged an error or answered 1C with `failure`. */
export function isFailed(item: JournalItem): boolean {
	return Boolean(item.error) || replyHead(item.reply) === "failure";
}

/**
 * Groups journal items (newest first) by 1C session, keeping the order of first appearance, so the newest
 * session comes first. Requests without a session (e.g. a failed checkauth) each form their own group.
 * `errors` counts the failed requests ({@link isFailed}), the same ones the table marks.
 */
export function groupBySession(items: JournalItem[]): JournalSession[] {
	const groups: JournalSession[] = [];
	const bySession = new Map<string, JournalSession>();
	for (const item of items) {
		let group = item.session ? bySession.get(item.session) : undefined;
		if (!group) {
			group = {
				session: item.session,
				items: [],
				startedAt: item.at,
				errors: 0,
				sent: 0,
				acknowledged: 0,
				imported: 0,
				client: null,
				ip: null,
			};
			groups.push(group);
			if (item.session) bySession.set(item.session, group);
		}
		group.items.push(item);
		if (item.at < group.startedAt) group.startedAt = item.at;
		if (isFailed(item)) group.errors++;
		if (item.type !== "admin") group.sent += item.ordersSent ?? 0; // a resend's count is not a delivery
		group.client ??= clientFamily(item.userAgent);
		group.ip ??= item.ip ?? null;
		group.acknowledged += item.ordersAcknowledged ?? 0;
		group.imported += item.ordersImported ?? 0;
	}
	return groups;
}

/** The first line of a protocol reply ("success", "failure", "progress", "zip=yes") — what 1C acts on. */
export function replyHead(reply: string | null): string {
	return (reply ?? "").split(/\r?\n/, 1)[0] ?? "";
}

/** Human-readable byte count. */
export function formatBytes(n: number | null | undefined): string {
	if (n == null) return "—";
	if (n < 1024) return `${n} B`;
	if (n < 1024 * 1024) return `${(n / 1024).toFixed(1)} KiB`;
	return `${(n / 1024 / 1024).toFixed(1)} MiB`;
}

/**
 * The 1C client behind a User-Agent: the 1C platform writes `1C+Enterprise/8.3` (its version), the emulator and
 * other clients their own name; anything else is shown as sent (capped).
 */
export function clientFamily(userAgent: string | null | undefined): string | null {
	if (!userAgent) return null;
	const onec = /1C\+Enterprise\/([\d.]+)/i.exec(userAgent);
	if (onec) return `1С:Предприятие ${onec[1]}`;
	return userAgent.length > 60 ? `${userAgent.slice(0, 60)}…` : userAgent;
}
