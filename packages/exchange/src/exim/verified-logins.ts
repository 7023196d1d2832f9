/**
 * @module
 * A bounded in-process cache of POSITIVE password verifications of 1C node logins.
 *
 * 1C sends HTTP Basic on every request of an exchange and PBKDF2 (100 000 iterations) costs ~13 ms of CPU each time,
 * so repeated logins with the right password would cap `checkauth` at a few dozen requests per second. A correct
 * verification is remembered under SHA-256(node id, stored password hash, presented password) for
 * {@link VERIFIED_TTL_MS}; a changed password (a new stored hash) simply misses. Failed verifications are never
 * remembered (they keep costing PBKDF2 and keep counting towards the login throttle). This is an optimisation only:
 * another process, a restart or an evicted entry just verifies again — the app stays stateless.
 */
import { sha256Hex } from "../crypto.ts";

/** How long a positive verification is remembered (ms from when it was verified). */
export const VERIFIED_TTL_MS = 10 * 60_000;
/** Most remembered verifications (the oldest is evicted first). */
export const VERIFIED_MAX = 1000;

/** @internal Cache key of a login attempt: nothing in it reveals the password without guessing it. */
export function verifiedKey(nodeId: string, passwordHash: string, password: string): Promise<string> {
	return sha256Hex(`${nodeId}\u0000${passwordHash}\u0000${password}`);
}

/** @internal Positive verifications by {@link verifiedKey}, each with its expiry (epoch ms). */
export class VerifiedLogins {
	readonly #expires = new Map<string, number>();

	constructor(
		private readonly ttlMs = VERIFIED_TTL_MS,
		private readonly max = VERIFIED_MAX,
	) {}

	/** Entries held now (for tests). */
	get size(): number {
		return this.#expires.size;
	}

	/** True when `key` was verified within the TTL before `now`. */
	has(key: string, now: number): boolean {
		const expires = this.#expires.get(key);
		if (expires === undefined) return false;
		if (expires > now) return true;
		this.#expires.delete(key);
		return false;
	}

	/** Remembers a successful verification at `now` (evicting the oldest entry when full). */
	add(key: string, now: number): void {
		this.#expires.delete(key);
		while (this.#expires.size >= this.max) {
			const oldest = this.#expires.keys().next();
			if (oldest.done) break;
			this.#expires.delete(oldest.value);
		}
		this.#expires.set(key, now + this.ttlMs);
	}
}
