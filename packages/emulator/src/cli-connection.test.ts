import { execFile, execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import { createServer as createHttpsServer } from "node:https";
import { type AddressInfo, createServer, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { describeConnectionError } from "./connection-error.ts";

const BIN = fileURLToPath(new URL("../bin/obmen-1c.mjs", import.meta.url));
const DIST = fileURLToPath(new URL("../dist/cli.js", import.meta.url));
const hasOpenssl = (() => {
	try {
		execFileSync("openssl", ["version"]);
		return true;
	} catch {
		return false;
	}
})();

/** Runs the built `obmen-1c sync` against `url`; resolves with the exit code and output. */
async function sync(url: string, extra: string[] = [], env: Record<string, string> = {}) {
	try {
		const { stdout, stderr } = await promisify(execFile)(
			process.execPath,
			[BIN, "sync", "--url", url, "--login", "1c", "--password", "p", ...extra],
			{ env: { ...process.env, ...env }, encoding: "utf8" },
		);
		return { code: 0, stdout, stderr };
	} catch (e) {
		const r = e as { code: number; stdout: string; stderr: string };
		return { code: r.code, stdout: r.stdout, stderr: r.stderr };
	}
}

const listen = (server: Server | ReturnType<typeof createHttpsServer>) =>
	new Promise<number>((resolve) => server.listen(0, "127.0.0.1", () => resolve((server.address() as AddressInfo).port)));
const close = (server: Server | ReturnType<typeof createHttpsServer>) => new Promise<void>((resolve) => server.close(() => resolve()));

describe.skipIf(!existsSync(DIST))("obmen-1c names why the server could not be reached (built bin)", () => {
	it("a closed port: connection refused, is the server running — exit 2, in English and Russian", async () => {
		const s = createServer();
		const port = await listen(s);
		await close(s);
		const r = await sync(`http://127.0.0.1:${port}/exim_1c`);
		expect(r.code).toBe(2);
		expect(r.stderr).toContain(`connection refused (ECONNREFUSED): nothing accepts connections at 127.0.0.1:${port}`);
		expect(r.stderr).toContain("check: is the server running and listening on this port?");
		expect(r.stderr).toContain("соединение отклонено (ECONNREFUSED)");
		expect(r.stdout).toContain("[preflight] Ошибка соединения с сервером: соединение отклонено (ECONNREFUSED)");
		expect(r.stderr).not.toMatch(/fetch failed|\n\s+at /);
	});

	it("a host DNS cannot resolve (.invalid): the name is not known — exit 2", async () => {
		const r = await sync("http://obmen-no-such-host.invalid/exim_1c");
		expect(r.code).toBe(2);
		// ENOTFOUND with a resolver, EAI_AGAIN on a machine without one
		expect(r.stderr).toMatch(
			/obmen-no-such-host\.invalid (is not known to DNS \(ENOTFOUND\)|could not be resolved: DNS did not answer \(EAI_AGAIN\))/,
		);
		expect(r.stderr).toContain("check: is the server name spelled right?");
		expect(r.stderr).toMatch(/имя obmen-no-such-host\.invalid (не найдено в DNS|не удалось разрешить)/);
	});

	it("a server that never answers: no reply within --timeout-ms — exit 2", async () => {
		const sockets = new Set<import("node:net").Socket>();
		const s = createServer((socket) => void sockets.add(socket)); // accepts and stays silent
		const port = await listen(s);
		try {
			const r = await sync(`http://127.0.0.1:${port}/exim_1c`, ["--timeout-ms", "300"]);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain(`no reply from 127.0.0.1:${port} within 300 ms (TimeoutError)`);
			expect(r.stderr).toContain("is the server stuck?");
			expect(r.stderr).toContain(`нет ответа от 127.0.0.1:${port} за 300 мс`);
		} finally {
			for (const socket of sockets) socket.destroy();
			await close(s);
		}
	});

	describe.skipIf(!hasOpenssl)("TLS (certificates made with openssl)", () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-1c-tls-"));
		const ossl = (...args: string[]) => execFileSync("openssl", args, { cwd: dir, stdio: "ignore" });
		const ec = ["-newkey", "ec", "-pkeyopt", "ec_paramgen_curve:prime256v1", "-nodes"];
		let servers: { selfSigned: number; expired: number };
		const started: ReturnType<typeof createHttpsServer>[] = [];
		beforeAll(async () => {
			// a self-signed certificate for obmen.test, and one that expired yesterday
			ossl(
				"req",
				"-x509",
				...ec,
				"-keyout",
				"k.pem",
				"-out",
				"c.pem",
				"-days",
				"2",
				"-subj",
				"/CN=obmen.test",
				"-addext",
				"subjectAltName=DNS:obmen.test",
			);
			ossl("req", "-new", ...ec, "-keyout", "ek.pem", "-out", "e.csr", "-subj", "/CN=localhost");
			ossl("x509", "-req", "-in", "e.csr", "-signkey", "ek.pem", "-days", "-1", "-out", "ec.pem");
			const serve = async (key: string, cert: string) => {
				const s = createHttpsServer({ key: readFileSync(join(dir, key)), cert: readFileSync(join(dir, cert)) }, (_q, res) =>
					res.end("success\n"),
				);
				started.push(s);
				return listen(s);
			};
			servers = { selfSigned: await serve("k.pem", "c.pem"), expired: await serve("ek.pem", "ec.pem") };
		});
		afterAll(async () => {
			for (const s of started) await close(s);
			rmSync(dir, { recursive: true, force: true });
		});

		it("a self-signed certificate: not trusted, use a CA's or NODE_EXTRA_CA_CERTS", async () => {
			const r = await sync(`https://127.0.0.1:${servers.selfSigned}/exim_1c`);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain("the certificate of 127.0.0.1 is self-signed (DEPTH_ZERO_SELF_SIGNED_CERT) and not trusted");
			expect(r.stderr).toContain("NODE_EXTRA_CA_CERTS");
			expect(r.stderr).toContain("сертификат сервера 127.0.0.1 самоподписанный");
		});

		it("a trusted certificate for another name: hostname mismatch", async () => {
			const r = await sync(`https://127.0.0.1:${servers.selfSigned}/exim_1c`, [], { NODE_EXTRA_CA_CERTS: join(dir, "c.pem") });
			expect(r.code).toBe(2);
			expect(r.stderr).toContain("the certificate is not issued for 127.0.0.1 (ERR_TLS_CERT_ALTNAME_INVALID)");
			expect(r.stderr).toContain("use the host name the certificate names");
		});

		it("an expired certificate", async () => {
			const r = await sync(`https://localhost:${servers.expired}/exim_1c`);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain("the certificate of localhost has expired (CERT_HAS_EXPIRED)");
			expect(r.stderr).toContain("certbot renew");
			expect(r.stderr).toContain("срок действия сертификата сервера localhost истёк");
		});

		it("http:// to the HTTPS port: the server closed the connection, is it HTTPS?", async () => {
			const r = await sync(`http://127.0.0.1:${servers.selfSigned}/exim_1c`);
			expect(r.code).toBe(2);
			expect(r.stderr).toContain(`127.0.0.1:${servers.selfSigned} closed the connection without a reply`);
			expect(r.stderr).toContain("does this port serve HTTPS (then use https://)?");
		});
	});
});

describe("describeConnectionError", () => {
	const failed = (cause: unknown) => Object.assign(new TypeError("fetch failed"), { cause });
	it.each([
		[failed({ code: "EAI_AGAIN" }), "dns"],
		[failed(Object.assign(new AggregateError([Object.assign(new Error("x"), { code: "ECONNREFUSED" })]), {})), "refused"],
		[failed({ code: "UNABLE_TO_VERIFY_LEAF_SIGNATURE" }), "tls"],
		[failed({ code: "ERR_SSL_WRONG_VERSION_NUMBER" }), "tls"],
		[failed({ code: "EHOSTUNREACH" }), "unreachable"],
		[failed(new Error("bad port")), "blocked-port"],
		[Object.assign(new Error("aborted"), { name: "TimeoutError" }), "timeout"],
		[failed({ code: "UND_ERR_HEADERS_TIMEOUT" }), "timeout"],
		[new TypeError("something else"), "other"],
	])("%o → %s", (error, kind) => {
		const f = describeConnectionError(error, "https://shop.example:8443/exim_1c", 180_000);
		expect(f.kind).toBe(kind);
		for (const text of [f.ru, f.en, f.checkRu, f.checkEn]) expect(text.length).toBeGreaterThan(5);
	});

	it("names the host and port of the URL (the default port when it has none)", () => {
		expect(describeConnectionError(failed({ code: "ECONNREFUSED" }), "https://shop.example/exim_1c", 1).en).toContain("shop.example:443");
		expect(describeConnectionError(failed({ code: "ECONNREFUSED" }), "http://shop.example/exim_1c", 1).en).toContain("shop.example:80");
		expect(describeConnectionError(failed({ code: "CERT_HAS_EXPIRED" }), "https://shop.example/exim_1c", 1).en).toBe(
			"the certificate of shop.example has expired (CERT_HAS_EXPIRED)",
		);
	});
});
