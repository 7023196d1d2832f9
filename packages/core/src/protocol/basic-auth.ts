/**
 * @module
 * Parsing the HTTP Basic `Authorization` header 1C sends on `mode=checkauth`
 * (the exchange user and password configured in the 1C node).
 */

/** Login and password from an `Authorization: Basic …` header. */
export interface BasicCredentials {
	login: string;
	password: string;
}

/**
 * Parses `Basic <base64(login:password)>` (scheme case-insensitive, UTF-8 credentials).
 * Returns null for a missing header, another scheme, bad base64, invalid UTF-8 or no colon.
 */
export function parseBasicAuth(header: string | null | undefined): BasicCredentials | null {
	if (typeof header !== "string") return null;
	const m = /^\s*basic\s+([A-Za-z0-9+/]+={0,2})\s*$/i.exec(header);
	if (!m) return null;
	let binary: string;
	try {
		binary = atob(m[1] as string);
	} catch {
		return null;
	}
	const bytes = new Uint8Array(binary.length);
	for (let i = 0; i < binary.length; i++) bytes[i] = binary.charCodeAt(i);
	let text: string;
	try {
		text = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
	} catch {
		return null;
	}
	const colon = text.indexOf(":");
	if (colon < 0) return null;
	return { login: text.slice(0, colon), password: text.slice(colon + 1) };
}
