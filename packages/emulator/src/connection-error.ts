/**
 * @module
 * Why a request of the emulated 1C client got no HTTP reply at all, told the way an operator can act on it: the real
 * cause behind fetch's bare "fetch failed" (connection refused, a name DNS does not know, a certificate the client
 * does not trust, no reply in time, …) and what to check, in Russian (the language of 1C's exchange log, where the
 * real client writes «Ошибка соединения с сервером») and in English. Web APIs only: it reads the `code` Node's fetch
 * puts on the error's `cause`.
 */

/** The kinds of connection failure the emulator tells apart. */
export type ConnectionFailureKind = "refused" | "dns" | "tls" | "timeout" | "closed" | "unreachable" | "blocked-port" | "other";

/** A request that got no reply: its cause and what to check, in Russian and English. */
export interface ConnectionFailure {
	kind: ConnectionFailureKind;
	/** The system or TLS error code (`ECONNREFUSED`, `ENOTFOUND`, `DEPTH_ZERO_SELF_SIGNED_CERT`, `TimeoutError`, …), or null. */
	code: string | null;
	/** The cause in Russian, e.g. «соединение отклонено (ECONNREFUSED): на 127.0.0.1:8080 никто не принимает соединения». */
	ru: string;
	/** The cause in English. */
	en: string;
	/** What to check, in Russian. */
	checkRu: string;
	/** What to check, in English. */
	checkEn: string;
}

/** The code of an error or of the first error in its `cause` chain (or an AggregateError's `errors`) that has one. */
function errorCode(error: unknown): { code: string | null; message: string } {
	const seen = new Set<unknown>();
	let e: unknown = error;
	while (e && typeof e === "object" && !seen.has(e)) {
		seen.add(e);
		const o = e as { code?: unknown; name?: unknown; message?: unknown; cause?: unknown; errors?: unknown };
		if (o.name === "TimeoutError") return { code: "TimeoutError", message: String(o.message ?? "") };
		if (typeof o.code === "string") return { code: o.code, message: String(o.message ?? "") };
		if (typeof o.message === "string" && /^bad port$/i.test(o.message)) return { code: "BAD_PORT", message: o.message };
		e = o.cause ?? (Array.isArray(o.errors) ? o.errors[0] : undefined);
	}
	const top = error as { message?: unknown } | null;
	return { code: null, message: String(top?.message ?? error) };
}

const TIMEOUT_CODES = new Set(["TimeoutError", "ETIMEDOUT", "UND_ERR_CONNECT_TIMEOUT", "UND_ERR_HEADERS_TIMEOUT", "UND_ERR_BODY_TIMEOUT"]);
const DNS_CODES = new Set(["ENOTFOUND", "EAI_AGAIN", "EAI_NONAME", "EAI_FAIL", "EAI_NODATA"]);
const CLOSED_CODES = new Set(["ECONNRESET", "EPIPE", "UND_ERR_SOCKET", "UND_ERR_CLOSED"]);
const UNREACHABLE_CODES = new Set(["EHOSTUNREACH", "ENETUNREACH", "EHOSTDOWN", "ENETDOWN", "EADDRNOTAVAIL"]);

/** The certificate problems, each with its cause and what to check. */
function tlsFailure(code: string, host: string): Omit<ConnectionFailure, "kind" | "code"> | null {
	switch (code) {
		case "DEPTH_ZERO_SELF_SIGNED_CERT":
		case "SELF_SIGNED_CERT_IN_CHAIN":
			return {
				ru: `сертификат сервера ${host} самоподписанный (${code}), ему нет доверия`,
				en: `the certificate of ${host} is self-signed (${code}) and not trusted`,
				checkRu:
					"поставьте сертификат доверенного центра (например, Let's Encrypt); для проверки эмулятором — NODE_EXTRA_CA_CERTS=<ca.pem>; 1С тоже проверяет сертификат сервера",
				checkEn:
					"install a certificate from a trusted CA (e.g. Let's Encrypt); to test with the emulator, NODE_EXTRA_CA_CERTS=<ca.pem>; 1C checks the server certificate too",
			};
		case "CERT_HAS_EXPIRED":
			return {
				ru: `срок действия сертификата сервера ${host} истёк (${code})`,
				en: `the certificate of ${host} has expired (${code})`,
				checkRu: "продлите сертификат (certbot renew) и перезагрузите nginx; проверьте часы на этой машине",
				checkEn: "renew the certificate (certbot renew) and reload nginx; check this machine's clock",
			};
		case "CERT_NOT_YET_VALID":
			return {
				ru: `сертификат сервера ${host} ещё не действует (${code})`,
				en: `the certificate of ${host} is not valid yet (${code})`,
				checkRu: "проверьте часы на этой машине и на сервере",
				checkEn: "check the clock of this machine and of the server",
			};
		case "ERR_TLS_CERT_ALTNAME_INVALID":
			return {
				ru: `сертификат выдан не на имя ${host} (${code})`,
				en: `the certificate is not issued for ${host} (${code})`,
				checkRu: "укажите в адресе (и в узле обмена 1С) имя, на которое выдан сертификат, или выпустите сертификат на это имя",
				checkEn: "use the host name the certificate names in --url (and in 1C's exchange node), or issue a certificate for this name",
			};
		case "UNABLE_TO_VERIFY_LEAF_SIGNATURE":
		case "UNABLE_TO_GET_ISSUER_CERT":
		case "UNABLE_TO_GET_ISSUER_CERT_LOCALLY":
			return {
				ru: `цепочка сертификатов сервера ${host} неполна или от неизвестного центра (${code})`,
				en: `the certificate chain of ${host} is incomplete or from an unknown CA (${code})`,
				checkRu: "сервер должен отдавать полную цепочку (в nginx ssl_certificate — fullchain.pem)",
				checkEn: "the server must send the full chain (nginx ssl_certificate: fullchain.pem)",
			};
		case "ERR_SSL_WRONG_VERSION_NUMBER":
		case "EPROTO":
			return {
				ru: `на этом порту ${host} не HTTPS (${code})`,
				en: `the port of ${host} does not speak HTTPS (${code})`,
				checkRu: "адрес https:// указывает на порт с обычным HTTP: используйте http:// или порт HTTPS (443)",
				checkEn: "the https:// URL points at a plain-HTTP port: use http:// or the HTTPS port (443)",
			};
	}
	if (/^(ERR_SSL_|ERR_TLS_)|CERT/.test(code))
		return {
			ru: `ошибка TLS при соединении с ${host} (${code})`,
			en: `TLS failed with ${host} (${code})`,
			checkRu: "проверьте сертификат сервера и настройки HTTPS (openssl s_client -connect <хост>:443)",
			checkEn: "check the server certificate and HTTPS setup (openssl s_client -connect <host>:443)",
		};
	return null;
}

/**
 * Describes a request that got no reply (`fetch` rejected, or the body stopped coming).
 * @param error what fetch threw
 * @param url the request URL (its host and port name the place)
 * @param timeoutMs the request timeout, named in the timeout message
 */
export function describeConnectionError(error: unknown, url: string, timeoutMs: number): ConnectionFailure {
	const { code, message } = errorCode(error);
	let host = url;
	let port = "";
	let https = false;
	try {
		const u = new URL(url);
		https = u.protocol === "https:";
		port = u.port || (https ? "443" : "80");
		host = `${u.hostname}:${port}`;
	} catch {
		// not a URL: named as given
	}
	const name = host.replace(/:\d+$/, "");
	const make = (kind: ConnectionFailureKind, t: Omit<ConnectionFailure, "kind" | "code">): ConnectionFailure => ({ kind, code, ...t });
	if (code === "ECONNREFUSED")
		return make("refused", {
			ru: `соединение отклонено (ECONNREFUSED): на ${host} никто не принимает соединения`,
			en: `connection refused (ECONNREFUSED): nothing accepts connections at ${host}`,
			checkRu: "запущен ли сервер и слушает ли он этот порт; верны ли хост и порт в адресе; не закрывает ли порт брандмауэр",
			checkEn: "is the server running and listening on this port? are the host and port in --url right? does a firewall close the port?",
		});
	if (code && DNS_CODES.has(code))
		return make("dns", {
			ru: code === "EAI_AGAIN" ? `имя ${name} не удалось разрешить: DNS не ответил (EAI_AGAIN)` : `имя ${name} не найдено в DNS (${code})`,
			en: code === "EAI_AGAIN" ? `${name} could not be resolved: DNS did not answer (EAI_AGAIN)` : `${name} is not known to DNS (${code})`,
			checkRu: "правильно ли написано имя сервера; есть ли для него запись DNS; есть ли у этой машины доступ к DNS",
			checkEn: "is the server name spelled right? does it have a DNS record? can this machine reach its DNS server?",
		});
	if (code && TIMEOUT_CODES.has(code))
		return make("timeout", {
			ru: `нет ответа от ${host} за ${timeoutMs} мс (${code})`,
			en: `no reply from ${host} within ${timeoutMs} ms (${code})`,
			checkRu:
				"доступен ли сервер (брандмауэр может молча отбрасывать пакеты, адрес может быть чужим); не завис ли сервер; таймауты прокси (1С ждёт 180 с, УНФ — 1800 с); --timeout-ms",
			checkEn:
				"is the server reachable (a firewall may drop packets silently, the address may be someone else's)? is the server stuck? proxy timeouts (1C waits 180 s, УНФ 1800 s); --timeout-ms",
		});
	if (code === "BAD_PORT")
		return make("blocked-port", {
			ru: `порт ${port} запрещён для fetch (как 1, 25, 6000 и другие порты не для HTTP)`,
			en: `port ${port} is one fetch refuses to use (like 1, 25, 6000 and other non-HTTP ports)`,
			checkRu: "запустите сервер на обычном порту HTTP (80, 443, 8080)",
			checkEn: "run the server on a usual HTTP port (80, 443, 8080)",
		});
	if (code && UNREACHABLE_CODES.has(code))
		return make("unreachable", {
			ru: `узел ${host} недостижим (${code})`,
			en: `${host} is unreachable (${code})`,
			checkRu: "есть ли маршрут до сервера (сеть, VPN, адрес)",
			checkEn: "is there a route to the server (network, VPN, address)?",
		});
	const tls = code ? tlsFailure(code, name) : null;
	if (tls) return make("tls", tls);
	if (code && CLOSED_CODES.has(code))
		return make("closed", {
			ru: `сервер ${host} закрыл соединение, не ответив (${code})`,
			en: `${host} closed the connection without a reply (${code})`,
			checkRu: https ? "журналы сервера и прокси" : "не HTTPS ли на этом порту (тогда адрес https://); журналы сервера и прокси",
			checkEn: https
				? "the server's and the proxy's logs"
				: "does this port serve HTTPS (then use https://)? the server's and the proxy's logs",
		});
	return make("other", {
		ru: `${message}${code ? ` (${code})` : ""}`,
		en: `${message}${code ? ` (${code})` : ""}`,
		checkRu: "адрес сервера, сеть, журналы сервера",
		checkEn: "the server address, the network, the server's logs",
	});
}
