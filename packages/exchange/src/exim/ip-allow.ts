/**
 * @module
 * The node setting `allowedIps`: a list of addresses or CIDR ranges (IPv4 `192.0.2.0/24`, IPv6
 * `2001:db8::/32`, a bare address = one host) from which 1C may log in as the node. An IPv4-mapped IPv6 client
 * address (`::ffff:192.0.2.7`, what a dual-stack Node socket reports) matches IPv4 entries.
 */

/** @internal An address as 16 bytes (IPv4 as IPv4-mapped IPv6), or null when it is not an IP address. */
export function parseIp(text: string): Uint8Array | null {
	let s = text.trim();
	if (s.startsWith("[") && s.endsWith("]")) s = s.slice(1, -1);
	const zone = s.indexOf("%");
	if (zone >= 0) s = s.slice(0, zone);
	const v4 = parseV4(s);
	if (v4) return mapped(v4);
	if (!s.includes(":")) return null;
	// an embedded IPv4 tail (::ffff:1.2.3.4) becomes two hex groups
	const lastColon = s.lastIndexOf(":");
	const tail = parseV4(s.slice(lastColon + 1));
	if (tail) s = `${s.slice(0, lastColon + 1)}${((tail[0]! << 8) | tail[1]!).toString(16)}:${((tail[2]! << 8) | tail[3]!).toString(16)}`;
	const halves = s.split("::");
	if (halves.length > 2) return null;
	const groups = (part: string) => (part === "" ? [] : part.split(":"));
	const head = groups(halves[0] ?? "");
	const rest = halves.length === 2 ? groups(halves[1] ?? "") : [];
	if (![...head, ...rest].every((g) => /^[0-9a-f]{1,4}$/i.test(g))) return null;
	const total = head.length + rest.length;
	if (halves.length === 2 ? total > 7 : total !== 8) return null;
	const all = [...head, ...Array<string>(8 - total).fill("0"), ...rest].map((g) => Number.parseInt(g, 16));
	const out = new Uint8Array(16);
	all.forEach((w, i) => {
		out[i * 2] = w >> 8;
		out[i * 2 + 1] = w & 0xff;
	});
	return out;
}

function parseV4(s: string): number[] | null {
	const m = /^(\d{1,3})\.(\d{1,3})\.(\d{1,3})\.(\d{1,3})$/.exec(s);
	if (!m) return null;
	const b = m.slice(1).map(Number);
	return b.every((x) => x <= 255) ? b : null;
}

function mapped(v4: number[]): Uint8Array {
	const out = new Uint8Array(16);
	out[10] = 0xff;
	out[11] = 0xff;
	out.set(v4, 12);
	return out;
}

/** A parsed `allowedIps` entry: the network bytes and the prefix length over 128 bits. */
export interface IpRange {
	net: Uint8Array;
	bits: number;
}

/** @internal Parses one entry (`addr` or `addr/prefix`), or null when invalid. IPv4 prefixes count from bit 96. */
export function parseRange(entry: string): IpRange | null {
	const [addr, prefix, extra] = entry.trim().split("/");
	if (extra !== undefined || addr === undefined) return null;
	const net = parseIp(addr);
	if (!net) return null;
	const isV4 = parseV4(addr.trim()) !== null;
	const max = isV4 ? 32 : 128;
	let bits = max;
	if (prefix !== undefined) {
		if (!/^\d{1,3}$/.test(prefix)) return null;
		bits = Number(prefix);
		if (bits > max) return null;
	}
	return { net, bits: isV4 ? bits + 96 : bits };
}

/** @internal True when `ip` lies in `range`. */
export function inRange(ip: Uint8Array, range: IpRange): boolean {
	let bits = range.bits;
	for (let i = 0; i < 16 && bits > 0; i++, bits -= 8) {
		const mask = bits >= 8 ? 0xff : (0xff << (8 - bits)) & 0xff;
		if (((ip[i] ?? 0) & mask) !== ((range.net[i] ?? 0) & mask)) return false;
	}
	return true;
}

/** True when `entry` is a valid `allowedIps` entry. */
export function isIpRange(entry: string): boolean {
	return parseRange(entry) !== null;
}

/**
 * True when the client address `ip` may log in under `allowed` (empty list = any address). An unknown or unparsable
 * client address is refused by a non-empty list.
 */
export function ipAllowed(ip: string | undefined, allowed: readonly string[]): boolean {
	if (allowed.length === 0) return true;
	const addr = ip === undefined ? null : parseIp(ip);
	if (!addr) return false;
	return allowed.some((e) => {
		const r = parseRange(e);
		return r !== null && inRange(addr, r);
	});
}
