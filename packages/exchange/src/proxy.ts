/**
 * @module
 * Running behind a reverse proxy (nginx, a load balancer): which peers are trusted to tell the real client address,
 * scheme and host (`TRUST_PROXY`), and the public base URL (`PUBLIC_URL`) that the exchange URL shown to the operator
 * (the "адрес сайта" typed into 1C) and the admin links are built from. Off by default: without trust, the
 * `X-Forwarded-*` and `Forwarded` headers are ignored, so a client cannot spoof its address to escape login
 * throttling or to pass a node's `allowedIps`.
 */
import { type IpRange, inRange, parseIp, parseRange } from "./exim/ip-allow.ts";

/**
 * Which peers may tell the client's address: `off` (default), a hop count (`n` proxies in front, each appending to
 * `X-Forwarded-For`; the client is the n-th address from the right) or a list of proxy addresses / CIDR ranges (the
 * client is the right-most address not in the list).
 */
export type TrustProxy = { kind: "off" } | { kind: "hops"; hops: number } | { kind: "list"; ranges: IpRange[]; text: string[] };

/** Named ranges accepted in a `TRUST_PROXY` list. */
const ALIASES: Record<string, string[]> = {
	loopback: ["127.0.0.0/8", "::1/128"],
	private: ["10.0.0.0/8", "172.16.0.0/12", "192.168.0.0/16", "fc00::/7"],
	linklocal: ["169.254.0.0/16", "fe80::/10"],
};

/**
 * Parses `TRUST_PROXY`: empty / `false` / `off` / `0` = off; a whole number = hop count; otherwise a comma-separated
 * list of addresses, CIDR ranges and the names `loopback`, `private`, `linklocal`. Throws on an invalid entry (a
 * typo must not silently trust everybody or nobody).
 */
export function parseTrustProxy(value: string | undefined): TrustProxy {
	const v = (value ?? "").trim();
	if (v === "" || /^(false|off|no|0)$/i.test(v)) return { kind: "off" };
	if (/^\d+$/.test(v)) {
		const hops = Number(v);
		if (hops > 32) throw new Error(`TRUST_PROXY hop count must be 0..32, got ${v}`);
		return { kind: "hops", hops };
	}
	if (/^(true|on|yes)$/i.test(v))
		throw new Error(`TRUST_PROXY=${v} would trust every peer: give the number of proxies in front (e.g. 1) or their addresses`);
	const text = v
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);
	const ranges: IpRange[] = [];
	for (const entry of text) {
		for (const e of ALIASES[entry.toLowerCase()] ?? [entry]) {
			const r = parseRange(e);
			if (!r) throw new Error(`TRUST_PROXY: "${entry}" is not an address, a CIDR range, loopback, private or linklocal`);
			ranges.push(r);
		}
	}
	return { kind: "list", ranges, text };
}

/** What the app believes about the client once the proxy headers are weighed. */
export interface ClientView {
	/** The client's address: the peer's, or the one a trusted proxy reported. */
	ip: string | undefined;
	/** `http` / `https` as a trusted proxy reported it, else undefined (use the request URL's). */
	proto: string | undefined;
	/** `host[:port]` as a trusted proxy reported it, else undefined (use the request URL's). */
	host: string | undefined;
}

/** Strips a port (`1.2.3.4:5678`, `[2001:db8::1]:80`) and quotes from a forwarded address. */
function bareAddress(raw: string): string {
	let s = raw.trim().replace(/^"|"$/g, "");
	const bracket = /^\[([^\]]+)\](?::\d+)?$/.exec(s);
	if (bracket?.[1]) return bracket[1];
	if (/^\d{1,3}(\.\d{1,3}){3}:\d+$/.test(s)) s = s.slice(0, s.lastIndexOf(":"));
	return s;
}

/** RFC 7239 `Forwarded`: the `for`, `proto`, `host` of each element, in order. */
function parseForwarded(header: string): { for?: string; proto?: string; host?: string }[] {
	return header.split(",").map((element) => {
		const out: { for?: string; proto?: string; host?: string } = {};
		for (const pair of element.split(";")) {
			const eq = pair.indexOf("=");
			if (eq < 0) continue;
			const key = pair.slice(0, eq).trim().toLowerCase();
			const value = pair
				.slice(eq + 1)
				.trim()
				.replace(/^"|"$/g, "");
			if (key === "for" || key === "proto" || key === "host") out[key] = value;
		}
		return out;
	});
}

const list = (h: string | null): string[] =>
	(h ?? "")
		.split(",")
		.map((s) => s.trim())
		.filter(Boolean);

function trusted(trust: TrustProxy, address: string | undefined): boolean {
	if (trust.kind !== "list" || address === undefined) return false;
	const ip = parseIp(address);
	return ip !== null && trust.ranges.some((r) => inRange(ip, r));
}

const HOST = /^[A-Za-z0-9.-]+(:\d{1,5})?$|^\[[0-9A-Fa-f:.]+\](:\d{1,5})?$/;

/**
 * Weighs the peer address and the proxy headers. `X-Forwarded-For` (what nginx's `$proxy_add_x_forwarded_for`
 * appends to) is used when present, else the `for=` values of `Forwarded`. Addresses are walked from the right (the
 * nearest proxy) — entries a client wrote itself sit on the left and are never reached past an untrusted hop. Scheme
 * and host come from the right-most `X-Forwarded-Proto` / `X-Forwarded-Host` (else `Forwarded`), and only when the
 * peer itself is trusted.
 */
export function clientView(trust: TrustProxy, peer: string | undefined, headers: Headers): ClientView {
	const none: ClientView = { ip: peer, proto: undefined, host: undefined };
	const peerTrusted = trust.kind === "hops" ? trust.hops > 0 : trusted(trust, peer);
	if (!peerTrusted) return none;
	const xff = list(headers.get("x-forwarded-for"));
	const forwarded = headers.has("forwarded") ? parseForwarded(headers.get("forwarded") ?? "") : [];
	const hops = (xff.length > 0 ? xff : forwarded.map((f) => f.for ?? "")).map(bareAddress);
	// chain[0] is the peer, then each address the proxies reported, nearest first
	const chain = [peer, ...hops.reverse()];
	let i = 0;
	if (trust.kind === "hops") i = Math.min(trust.hops, chain.length - 1);
	else while (i < chain.length - 1 && trusted(trust, chain[i])) i++;
	const ip = chain[i];
	const lastForwarded = forwarded[forwarded.length - 1];
	const proto = (list(headers.get("x-forwarded-proto")).pop() ?? lastForwarded?.proto)?.toLowerCase();
	const host = list(headers.get("x-forwarded-host")).pop() ?? lastForwarded?.host;
	return {
		ip: ip && parseIp(ip) ? ip : peer,
		proto: proto === "http" || proto === "https" ? proto : undefined,
		host: host && HOST.test(host) ? host : undefined,
	};
}

/**
 * Normalises `PUBLIC_URL` (`https://shop.example` or with a path prefix, `https://shop.example/obmen`): an absolute
 * http(s) URL without query or fragment, returned without a trailing slash. Throws on anything else.
 */
export function parsePublicUrl(value: string | undefined): string | undefined {
	const v = value?.trim();
	if (!v) return undefined;
	let u: URL;
	try {
		u = new URL(v);
	} catch {
		throw new Error(`PUBLIC_URL must be an absolute http(s) URL, got "${v}"`);
	}
	if ((u.protocol !== "http:" && u.protocol !== "https:") || u.search || u.hash || u.username || u.password)
		throw new Error(`PUBLIC_URL must be an http(s) URL without query, fragment or credentials, got "${v}"`);
	return `${u.origin}${u.pathname.replace(/\/+$/, "")}`;
}

/**
 * The base URL the outside world reaches this app at: `publicUrl` when configured, else the request's own scheme and
 * host, corrected by a trusted proxy's `X-Forwarded-Proto` / `X-Forwarded-Host`.
 */
export function publicBase(publicUrl: string | undefined, requestUrl: string, view: ClientView): string {
	if (publicUrl) return publicUrl;
	const u = new URL(requestUrl);
	const proto = view.proto ?? u.protocol.replace(":", "");
	const host = view.host ?? u.host;
	return `${proto}://${host}`;
}
