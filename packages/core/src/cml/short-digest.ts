/**
 * @module
 * A short, stable digest for ids derived from store data (option sets, counterparties).
 */

const BASE32 = "0123456789ABCDEFGHJKMNPQRSTVWXYZ"; // Crockford: no I, L, O, U
const FNV_OFFSET = 0xcbf29ce484222325n;
const FNV_PRIME = 0x100000001b3n;
const MASK64 = (1n << 64n) - 1n;

/** Length of {@link shortDigest}. */
export const SHORT_DIGEST_LENGTH = 12;

/**
 * {@link SHORT_DIGEST_LENGTH} Crockford base32 characters (60 bits) of the 64-bit FNV-1a hash of the text's UTF-8
 * bytes. Deterministic across runs and runtimes, synchronous, no `node:*`; not a cryptographic hash (it names, it
 * does not protect).
 */
export function shortDigest(text: string): string {
	let h = FNV_OFFSET;
	for (const b of new TextEncoder().encode(text)) h = ((h ^ BigInt(b)) * FNV_PRIME) & MASK64;
	let out = "";
	for (let i = 0; i < SHORT_DIGEST_LENGTH; i++) {
		out += BASE32[Number(h & 31n)];
		h >>= 5n;
	}
	return out;
}
