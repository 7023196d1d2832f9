/**
 * @module
 * The `Номер` (and date/time) an order is exported with to a node, per 1C configuration (issue #17 §3).
 *
 * Each configuration finds an order it loaded before by its own key, and a store number that breaks the key
 * duplicates or merges orders in 1C:
 * - `ut` (УТ 11 / КА 2 / ERP / BAS): the site number through a `Строка(11)` column, number only ⇒ numbers of at most
 *   11 characters as is, longer ones get a stable alias of at most 11 characters;
 * - `retail` (Розница 2): (number cut to 11, date + time), and it sends the cut number back ⇒ as `ut`, and the
 *   exported date/time never changes;
 * - `unf` (УНФ 3.0 / 1.6): the full number (`Строка(100)`) ⇒ as is (an alias would make УНФ create a second order);
 * - `bp` (БП 3.0): invoice key P = the number's digits and capital letters, zero-padded to 6, first 6 only, per
 *   organization and calendar year ⇒ as is only when P has at most 6 characters and no other order of that year
 *   exported to the node has that P; else a numeric alias whose padded P is free.
 * In every configuration the exported numbers of a node are unique: a number already taken (by an earlier alias or
 * another order with the same store number) gets an alias. An order keeps the identity of its first export to a node
 * forever (stored in `export_identities`); orders exported before identities existed keep their store number.
 * `Документ/Ид` stays the store order id.
 */
import type { ExportOrder } from "@obmen/core";
import {
	bpKeyChars,
	bpOrderKey,
	CUT_LENGTH,
	type ExchangeStore,
	type ExportCandidate,
	type ExportIdentity,
	type PendingItem,
} from "@obmen/db";
import { type NodeSettings, readSettings } from "./settings.ts";

/** Which 1C configuration is on the other side (node setting `configuration`). */
export type Configuration = NodeSettings["configuration"];

/** Longest number УНФ keeps (`ЗаказыПокупателейССайта.НомерЗаказаНаСайте`, `Строка(100)`). */
const UNF_LENGTH = 100;
/** Candidates generated per order and lookup round. */
const ROUND = 8;
/** Rounds before giving up (never reached in practice: 8 × 64 candidates per order). */
const MAX_ROUNDS = 64;
/** Attempts of `query` to store identities when another assignment took a number meanwhile. */
const MAX_ATTEMPTS = 8;

const chars = (s: string) => [...s];
/** The last `n` characters of `s`. */
const tail = (s: string, n: number) => (n <= 0 ? "" : chars(s).slice(-n).join(""));

/**
 * The `i`-th number an order with store number `number` may be exported with under `config` (i = 0 is the first
 * choice), or null when there is no such candidate (e.g. `bp` does not send a number whose P is longer than 6 as is).
 * Aliases: `ut`/`retail` — the last 11 characters, then the last characters + `~<n>`; `unf` — the number + `~<n>`;
 * `bp` — numbers counting up from the store number's last 6 digits (at least 1), wrapping below 1 000 000.
 */
export function candidateNumber(config: Configuration, number: string, i: number): string | null {
	if (config === "bp") {
		if (bpKeyChars(number).length <= 6) {
			if (i === 0) return number;
			i--;
		}
		const digits = number.replace(/\D/g, "").slice(-6);
		const start = Number(digits) || 1;
		return String(((start - 1 + i) % 999_999) + 1);
	}
	if (config === "unf") {
		if (i === 0) return chars(number).slice(0, UNF_LENGTH).join("");
		const sfx = `~${i}`;
		return (
			chars(number)
				.slice(0, UNF_LENGTH - sfx.length)
				.join("") + sfx
		);
	}
	const long = chars(number).length > CUT_LENGTH;
	if (i === 0) return long ? tail(number, CUT_LENGTH) : number;
	const sfx = `~${i}`;
	return tail(number, CUT_LENGTH - sfx.length) + sfx;
}

/** Why an order is exported with another number than its store number. */
export type AliasReason = "cut" | "key" | "taken";

/** A number the node's configuration would cut or key differently, and what Obmen does about it. */
export interface NumberWarning {
	/**
	 * - `NUMBER_ALIASED` (`params.exported`, `params.reason`: `cut` — longer than the 11 characters the configuration
	 *   keys on; `key` — БП's invoice key P is longer than 6 or taken by another order of the year; `taken` — another
	 *   order was already exported to the node with this number): the order is exported with the alias instead;
	 * - `NUMBER_CUT` (`params.length`, `params.max`): already exported with a number longer than 11 characters (before
	 *   aliases existed), which this configuration cuts: 1C may duplicate the order on a resend;
	 * - `NUMBER_KEY_SHARED` (`params.key`, `params.orderId`): already exported with a number whose БП invoice key
	 *   another order of the same year shares: БП keeps one invoice for both.
	 */
	code: "NUMBER_ALIASED" | "NUMBER_CUT" | "NUMBER_KEY_SHARED";
	message: string;
	params: Record<string, string | number>;
}

/** The identity an order would get or has on a node, with the warnings about it. */
export interface NodeExport {
	nodeId: string;
	/** The exported `Номер`. */
	number: string;
	/** The exported date/time (ISO, as `createdAt`). */
	date: string;
	/** False when not exported to this node yet (what the next `query` would assign). */
	assigned: boolean;
	policy: ExportIdentity["policy"];
	warnings: NumberWarning[];
}

interface Want {
	orderId: string;
	number: string;
	date: string;
}

/** @internal The БП key of an identity of `number` on `date`. */
function keyOf(number: string, date: string): string {
	return bpOrderKey(number, date);
}

/**
 * Plans identities for orders that have none on the node yet (read-only): each gets the first candidate number that
 * no identity of the node uses (nor, for `bp`, its key), nor an order planned before it in this call.
 */
export async function planIdentities(
	store: ExchangeStore,
	nodeId: string,
	config: Configuration,
	wants: Want[],
	now: Date,
): Promise<ExportIdentity[]> {
	const out: ExportIdentity[] = [];
	const usedNumbers = new Set<string>();
	const usedKeys = new Set<string>();
	let pending = wants;
	for (let round = 0; round < MAX_ROUNDS && pending.length > 0; round++) {
		const proposals = pending.map((w) => ({
			w,
			numbers: Array.from({ length: ROUND }, (_, k) => candidateNumber(config, w.number, round * ROUND + k)).filter(
				(n): n is string => n !== null,
			),
		}));
		const numbers = [...new Set(proposals.flatMap((p) => p.numbers))];
		const keys = config === "bp" ? [...new Set(proposals.flatMap((p) => p.numbers.map((n) => keyOf(n, p.w.date))))] : [];
		const taken = await store.findTakenIdentities(nodeId, numbers, keys);
		const takenNumbers = new Set(taken.map((t) => t.number));
		const takenKeys = new Set(taken.map((t) => t.key));
		const next: Want[] = [];
		for (const { w, numbers: cands } of proposals) {
			const pick = cands.find((n) => {
				if (takenNumbers.has(n) || usedNumbers.has(n)) return false;
				if (config !== "bp") return true;
				const k = keyOf(n, w.date);
				return !takenKeys.has(k) && !usedKeys.has(k);
			});
			if (pick === undefined) {
				next.push(w);
				continue;
			}
			const key = keyOf(pick, w.date);
			usedNumbers.add(pick);
			usedKeys.add(key);
			out.push({ nodeId, orderId: w.orderId, number: pick, date: w.date, key, policy: config, createdAt: now.toISOString() });
		}
		pending = next;
	}
	if (pending.length > 0) throw new Error(`no free export number for ${pending.length} order(s) on node ${nodeId}`);
	return out;
}

/**
 * The identities of a batch's orders on the node: the stored ones, and for the others a new plan. With `record`,
 * the new identities and the pending batch are stored in one transaction (`query`), each order with its content as
 * sent when `record.contentOf` gives one; a number another assignment took meanwhile (another process) is planned
 * again. Without it nothing is written (preview).
 */
export async function assignIdentities(
	store: ExchangeStore,
	nodeId: string,
	config: Configuration,
	candidates: ExportCandidate[],
	now: Date,
	record: { sessionId: string; contentOf?: (c: ExportCandidate) => string | undefined } | null,
): Promise<Map<string, ExportIdentity>> {
	const ids = new Map(
		(
			await store.getExportIdentities(
				nodeId,
				candidates.map((c) => c.order.id),
			)
		).map((x) => [x.orderId, x]),
	);
	const items = record
		? candidates.map((c): PendingItem => {
				const content = record.contentOf?.(c);
				return {
					orderId: c.order.id,
					revision: c.revision,
					...(c.data !== undefined ? { data: c.data } : {}),
					...(content !== undefined ? { content } : {}),
				};
			})
		: [];
	for (let attempt = 0; ; attempt++) {
		const wants = candidates
			.filter((c) => !ids.has(c.order.id))
			.map((c) => ({ orderId: c.order.id, number: c.order.number, date: c.order.createdAt }));
		const planned = wants.length > 0 ? await planIdentities(store, nodeId, config, wants, now) : [];
		if (!record) {
			for (const p of planned) ids.set(p.orderId, p);
			return ids;
		}
		const stored = await store.recordExport(nodeId, record.sessionId, attempt === 0 ? items : [], planned);
		for (const s of stored) ids.set(s.orderId, s);
		const missing = candidates.filter((c) => !ids.has(c.order.id));
		if (missing.length === 0) return ids;
		if (attempt >= MAX_ATTEMPTS) throw new Error(`could not assign export numbers on node ${nodeId}`);
	}
}

/** The order as the writer sends it to the node: its exported `Номер` and date/time instead of the store's. */
export function withIdentity<T extends ExportOrder>(order: T, identity: ExportIdentity | undefined): T {
	return identity ? { ...order, number: identity.number, createdAt: identity.date } : order;
}

/**
 * Warnings about the number an order is (or would be) exported with to a node of `config`: see {@link NumberWarning}.
 * `sharing` is another order of the node with the same БП key (for `bp`), when known.
 */
export function numberWarnings(
	config: Configuration,
	storeNumber: string,
	identity: ExportIdentity,
	sharing: string | null,
): NumberWarning[] {
	const out: NumberWarning[] = [];
	const length = chars(identity.number).length;
	if (identity.number !== storeNumber) {
		const reason: AliasReason =
			config === "bp" ? "key" : (config === "ut" || config === "retail") && chars(storeNumber).length > CUT_LENGTH ? "cut" : "taken";
		const why = {
			cut: `longer than the ${CUT_LENGTH} characters 1C keys orders by`,
			key: "its БП invoice key (digits and capital letters, first 6) is too long or already used by another order of the year",
			taken: "another order was already exported to this node with this number",
		}[reason];
		out.push({
			code: "NUMBER_ALIASED",
			message: `Номер ${storeNumber} is exported as ${identity.number}: ${why}`,
			params: { number: storeNumber, exported: identity.number, reason },
		});
	}
	if ((config === "ut" || config === "retail") && length > CUT_LENGTH) {
		out.push({
			code: "NUMBER_CUT",
			message: `exported with a Номер longer than ${CUT_LENGTH} characters (${length}) before aliases existed: 1C cuts it and may duplicate the order on a resend`,
			params: { length, max: CUT_LENGTH },
		});
	}
	if (config === "bp" && sharing !== null) {
		out.push({
			code: "NUMBER_KEY_SHARED",
			message: `exported with a Номер whose БП invoice key ${identity.key} order ${sharing} shares: БП keeps one invoice for both`,
			params: { key: identity.key, orderId: sharing },
		});
	}
	return out;
}

/**
 * The identity of one order on every node (stored, or what the next `query` would assign), with the number warnings
 * of each node's configuration. Read-only.
 */
export async function nodeExports(
	store: ExchangeStore,
	order: { id: string; number: string; createdAt: string },
	now: Date,
): Promise<NodeExport[]> {
	const nodes = await store.listNodes();
	const stored = new Map((await store.orderExportIdentities(order.id)).map((x) => [x.nodeId, x]));
	const out: NodeExport[] = [];
	for (const node of nodes) {
		const config = readSettings(node.settings).configuration;
		let identity = stored.get(node.id);
		const assigned = identity !== undefined;
		if (!identity) {
			// the legacy row of an order exported before identities existed is created on the first read
			identity =
				(await store.getExportIdentities(node.id, [order.id]))[0] ??
				(await planIdentities(store, node.id, config, [{ orderId: order.id, number: order.number, date: order.createdAt }], now))[0];
		}
		if (!identity) continue;
		out.push({
			nodeId: node.id,
			number: identity.number,
			date: identity.date,
			assigned: assigned || identity.policy === "legacy",
			policy: identity.policy,
			warnings: numberWarnings(config, order.number, identity, await keySharedWith(store, node.id, config, identity)),
		});
	}
	return out;
}

/** Another order of the node with the same БП key as `identity` (`bp` only), or null. */
export async function keySharedWith(
	store: ExchangeStore,
	nodeId: string,
	config: Configuration,
	identity: ExportIdentity,
): Promise<string | null> {
	if (config !== "bp") return null;
	const taken = await store.findTakenIdentities(nodeId, [], [identity.key]);
	return taken.find((t) => t.orderId !== identity.orderId && t.key === identity.key)?.orderId ?? null;
}
