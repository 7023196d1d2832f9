/**
 * @module
 * Login throttling of `checkauth` (docs/reliability.md X12): at most N real password verifications that can fail
 * per minute per client IP and per login.
 *
 * Failures are counted in the store (so every app process sees them), and verifications still running are counted in
 * process: a request only starts verifying while `failures + running < N` for each of its keys, otherwise it waits
 * for a running one to finish (a correct password records nothing, so valid nodes behind one address are never
 * refused just for being concurrent), and is refused as soon as the stored failures reach N. A concurrent flood thus
 * cannot overrun the limit by racing the failure counter.
 *
 * Anti lock-out: an address that logged in successfully as a login within the node's `knownIpDays` (default 30 days;
 * the store's record of successful logins, `lastLoginSuccess`) is exempt from that login's counter (not from its own
 * per-IP counter), so a flood of wrong passwords for a node's login from elsewhere does not lock the real 1C node out
 * (NIST SP 800-63B §5.2.2: throttling must not become a cheap denial of service). The trade-off (docs/security.md):
 * a known address keeps its own 10 guesses a minute at the login, however long the flood; a node that moves to a
 * new address during a flood is refused until the flood stops — `allowedIps` removes both.
 */
import type { ExchangeStore } from "@obmen/db";

/** Default of how long a successful login exempts its address from the login's failure counter (`knownIpDays` 30). */
export const TRUST_MS = 30 * 86_400_000;
/** A known address's success is recorded again once it is this old (at most once a day per address and login). */
const RENEW_MS = 86_400_000;
/** Longest wait for a verification slot before the request is refused as throttled. */
export const SLOT_WAIT_MS = 10_000;

/** @internal Keys of one login attempt. */
export interface AttemptKeys {
	ip: string;
	login: string;
	/** The client address and login as sent, for the store's record of successful logins. */
	address: string;
	name: string;
	/** How long a successful login from `address` exempts it from the login's counter (0 = never). */
	trustMs: number;
}

/** @internal The throttle keys for a client address and login. */
export function attemptKeys(ip: string, login: string, trustMs = TRUST_MS): AttemptKeys {
	return { ip: `ip:${ip}`, login: `login:${login}`, address: ip, name: login, trustMs };
}

/** @internal A granted verification slot. */
export interface Slot {
	/** Call after the verification: `failed` records a failure for the slot's keys (before the slot is released). */
	done(failed: boolean): Promise<void>;
}

/** @internal In-process gate in front of password verification, backed by the store's failure rows. */
export class LoginThrottle {
	/** Verifications running now, per key. */
	readonly #running = new Map<string, number>();
	/** Failures this process recorded, per key (request-clock ms), covering the store reads that started before them. */
	readonly #recent = new Map<string, number[]>();
	#waiters: (() => void)[] = [];
	/** Real password verifications started (for tests and metrics). */
	verifications = 0;

	constructor(
		private readonly store: ExchangeStore,
		private readonly perMinute: number,
	) {}

	/**
	 * Waits for a verification slot for this attempt; `null` = refuse (throttled). `now` is the request time (epoch ms);
	 * `wallNow` bounds the wait and defaults to `Date.now`.
	 */
	async acquire(k: AttemptKeys, now: number, wallNow: () => number = Date.now): Promise<Slot | null> {
		const last = k.trustMs > 0 ? await this.store.lastLoginSuccess(k.address, k.name, now - k.trustMs) : null;
		const trusted = last !== null;
		// a success older than a day (or half the window) is recorded again, so a regularly exchanging node stays known
		const renew = last === null || last < now - Math.min(RENEW_MS, k.trustMs / 2);
		const keys = trusted ? [k.ip] : [k.ip, k.login];
		const deadline = wallNow() + SLOT_WAIT_MS;
		for (;;) {
			const stored = await Promise.all(keys.map((key) => this.store.countFailures([key], now - 60_000)));
			// From here to the reservation nothing awaits, so concurrent requests see each other's slots.
			const failures = keys.map((key, i) => Math.max(stored[i] ?? 0, this.#recentCount(key, now)));
			if (failures.some((n) => n >= this.perMinute)) return null;
			if (keys.every((key, i) => (failures[i] ?? 0) + (this.#running.get(key) ?? 0) < this.perMinute)) {
				for (const key of keys) this.#running.set(key, (this.#running.get(key) ?? 0) + 1);
				this.verifications++;
				return {
					done: async (failed) => {
						try {
							if (failed) {
								for (const key of keys) this.#remember(key, now);
								await this.store.recordFailure(keys, now);
							} else if (renew) await this.store.recordLoginSuccess(k.address, k.name, now);
						} finally {
							this.#release(keys);
						}
					},
				};
			}
			// As many verifications of these keys are running as could still fail: wait for one to finish.
			const left = deadline - wallNow();
			if (left <= 0) return null;
			let timer: ReturnType<typeof setTimeout> | undefined;
			await Promise.race([
				new Promise<void>((resolve) => this.#waiters.push(resolve)),
				new Promise<void>((resolve) => (timer = setTimeout(resolve, left))),
			]);
			clearTimeout(timer);
		}
	}

	#recentCount(key: string, now: number): number {
		const list = this.#recent.get(key);
		if (!list) return 0;
		const fresh = list.filter((t) => t >= now - 60_000);
		if (fresh.length === 0) this.#recent.delete(key);
		else this.#recent.set(key, fresh);
		return fresh.length;
	}

	#remember(key: string, now: number): void {
		if (this.#recent.size > 10_000) this.#recent.clear(); // the store stays the source of truth
		this.#recent.set(key, [...(this.#recent.get(key) ?? []), now]);
	}

	#release(keys: string[]): void {
		for (const key of keys) {
			const v = (this.#running.get(key) ?? 0) - 1;
			if (v <= 0) this.#running.delete(key);
			else this.#running.set(key, v);
		}
		const waiters = this.#waiters;
		this.#waiters = [];
		for (const w of waiters) w();
	}
}
