/**
 * @module
 * Credentials and tokens on WebCrypto: PBKDF2-SHA-256 password hashes, constant-time comparison,
 * 128-bit random tokens, SHA-256 hex.
 */

import { sha256 } from "@noble/hashes/sha2.js";

const enc = new TextEncoder();

function b64(bytes: Uint8Array): string {
	let s = "";
	for (const b of bytes) s += String.fromCharCode(b);
	return btoa(s);
}

function unb64(text: string): Uint8Array {
	const s = atob(text);
	const out = new Uint8Array(s.length);
	for (let i = 0; i < s.length; i++) out[i] = s.charCodeAt(i);
	return out;
}

function hex(bytes: Uint8Array): string {
	let s = "";
	for (const b of bytes) s += b.toString(16).padStart(2, "0");
	return s;
}

/**
 * Inputs up to this size are hashed synchronously in JS (cookie values, session ids, cache keys: a few µs) instead of
 * WebCrypto, whose async round trip through the runtime's thread pool costs more than the hash itself.
 */
const SYNC_SHA256_MAX = 4096;

/** SHA-256 of a UTF-8 string or bytes, lower-case hex. */
export async function sha256Hex(data: string | Uint8Array): Promise<string> {
	const bytes = typeof data === "string" ? enc.encode(data) : data;
	if (bytes.byteLength <= SYNC_SHA256_MAX) return hex(sha256(bytes));
	return hex(new Uint8Array(await crypto.subtle.digest("SHA-256", bytes as Uint8Array<ArrayBuffer>)));
}

/** A CSPRNG token of `bytes` random bytes as hex (`[0-9a-f]`, safe as a 1C cookie name/value). */
export function randomToken(bytes = 16): string {
	return hex(crypto.getRandomValues(new Uint8Array(bytes)));
}

/** Constant-time equality of two byte arrays (length leak only). */
export function timingSafeEqual(a: Uint8Array, b: Uint8Array): boolean {
	if (a.length !== b.length) return false;
	let diff = 0;
	for (let i = 0; i < a.length; i++) diff |= (a[i] ?? 0) ^ (b[i] ?? 0);
	return diff === 0;
}

async function pbkdf2(password: string, salt: Uint8Array, iterations: number): Promise<Uint8Array> {
	const key = await crypto.subtle.importKey("raw", enc.encode(password), "PBKDF2", false, ["deriveBits"]);
	const bits = await crypto.subtle.deriveBits(
		{ name: "PBKDF2", hash: "SHA-256", salt: salt as Uint8Array<ArrayBuffer>, iterations },
		key,
		256,
	);
	return new Uint8Array(bits);
}

/** Hashes a node password as `pbkdf2-sha256$<iterations>$<salt>$<hash>` (base64). */
export async function hashPassword(password: string, iterations = 100_000): Promise<string> {
	const salt = crypto.getRandomValues(new Uint8Array(16));
	return `pbkdf2-sha256$${iterations}$${b64(salt)}$${b64(await pbkdf2(password, salt, iterations))}`;
}

/** Checks a password against a stored hash in constant time. A malformed hash never matches. */
export async function verifyPassword(password: string, stored: string): Promise<boolean> {
	const [scheme, iter, salt, hash] = stored.split("$");
	const iterations = Number(iter);
	if (scheme !== "pbkdf2-sha256" || !salt || !hash || !Number.isInteger(iterations) || iterations < 1) return false;
	return timingSafeEqual(await pbkdf2(password, unb64(salt), iterations), unb64(hash));
}
