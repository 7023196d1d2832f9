/**
 * Issue 11 item 2: the nginx recipe of docs/deploy.md (deploy/nginx/*.conf) as written, run by Debian's nginx on
 * loopback ports with a self-signed certificate made by openssl here, in front of the Node server started with
 * `TRUST_PROXY=loopback`; the УТ 11 emulator runs a full exchange through it over HTTPS. Skipped (visibly) when nginx
 * or openssl is not installed (.ci/run installs nginx).
 */
import { type ChildProcess, execFileSync, spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { runStoreExchange } from "@obmen/testing/store-exchange";
import { afterAll, describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";
import { type RunningServer, startServer } from "./server.ts";

const has = (bin: string, arg: string) => {
	try {
		execFileSync(bin, [arg], { stdio: "ignore" });
		return true;
	} catch {
		return false;
	}
};
const available = has("nginx", "-v") && has("openssl", "version");
const recipe = fileURLToPath(new URL("../../../deploy/nginx/", import.meta.url));

const freePort = () =>
	new Promise<number>((resolve) => {
		const s = createServer().listen(0, "127.0.0.1", () => {
			const a = s.address();
			s.close(() => resolve(typeof a === "object" && a ? a.port : 0));
		});
	});

let nginx: ChildProcess | undefined;
let server: RunningServer | undefined;
const tls = process.env.NODE_TLS_REJECT_UNAUTHORIZED;
afterAll(async () => {
	nginx?.kill("SIGTERM");
	await server?.close();
	if (tls === undefined) delete process.env.NODE_TLS_REJECT_UNAUTHORIZED;
	else process.env.NODE_TLS_REJECT_UNAUTHORIZED = tls;
});

describe.skipIf(!available)("deploy: nginx with HTTPS in front (deploy/nginx)", () => {
	it("carries a full emulator exchange; no redirect on /exim_1c; the exchange URL is the public https one", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-nginx-"));
		execFileSync(
			"openssl",
			["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=127.0.0.1"].concat([
				"-keyout",
				join(dir, "key.pem"),
				"-out",
				join(dir, "cert.pem"),
			]),
			{ stdio: "ignore" },
		);
		server = await startServer(
			readConfig(
				{
					HOST: "127.0.0.1",
					PORT: "0",
					OBMEN_DATA_DIR: join(dir, "data"),
					TRUST_PROXY: "loopback",
					OBMEN_ADMIN_TOKEN: "ngx-admin",
					OBMEN_1C_LOGIN: "ut",
					OBMEN_1C_PASSWORD: "pw-nginx",
				},
				[],
			),
			{ passwordIterations: 1000 },
		);
		const [httpPort, httpsPort] = [await freePort(), await freePort()];
		// the recipe as written, with only the machine-specific parts replaced
		const snippet = join(dir, "obmen-proxy.conf");
		writeFileSync(snippet, readFileSync(join(recipe, "obmen-proxy.conf"), "utf8"));
		const site = readFileSync(join(recipe, "obmen.conf"), "utf8")
			.replace("server 127.0.0.1:8080;", `server 127.0.0.1:${server.port};`)
			.replace("listen 80;", `listen 127.0.0.1:${httpPort};`)
			.replace("listen 443 ssl;", `listen 127.0.0.1:${httpsPort} ssl;`)
			.replaceAll("/etc/nginx/snippets/obmen-proxy.conf", snippet)
			.replace("/etc/letsencrypt/live/obmen.example.com/fullchain.pem", join(dir, "cert.pem"))
			.replace("/etc/letsencrypt/live/obmen.example.com/privkey.pem", join(dir, "key.pem"));
		writeFileSync(join(dir, "site.conf"), site);
		for (const t of ["body", "proxy", "fastcgi", "uwsgi", "scgi"]) mkdirSync(join(dir, t));
		const user = process.getuid?.() === 0 ? "user root root;" : "";
		writeFileSync(
			join(dir, "nginx.conf"),
			`${user} worker_processes 1; pid ${dir}/nginx.pid; error_log ${dir}/error.log warn;
events { worker_connections 64; }
http { access_log off; client_body_temp_path ${dir}/body; proxy_temp_path ${dir}/proxy; fastcgi_temp_path ${dir}/fastcgi;
  uwsgi_temp_path ${dir}/uwsgi; scgi_temp_path ${dir}/scgi; include ${dir}/site.conf; }\n`,
		);
		execFileSync("nginx", ["-t", "-q", "-p", dir, "-c", join(dir, "nginx.conf")], { stdio: "pipe" });
		nginx = spawn("nginx", ["-p", dir, "-c", join(dir, "nginx.conf"), "-g", "daemon off;"], { stdio: "ignore" });
		const https = `https://127.0.0.1:${httpsPort}`;
		process.env.NODE_TLS_REJECT_UNAUTHORIZED = "0"; // the self-signed certificate made above
		for (let i = 0; i < 100; i++) {
			if (
				await fetch(`${https}/health`).then(
					(r) => r.ok,
					() => false,
				)
			)
				break;
			await new Promise((r) => setTimeout(r, 50));
		}

		const r = await runStoreExchange({ url: https, adminToken: "ngx-admin", login: "ut", password: "pw-nginx" });
		expect(r.deviations).toEqual([]);
		expect(r).toMatchObject({ putStatus: 201, successSent: true, loaded: 1, delivered: 1, orderStatus: 200 });
		expect(r.order.oneC).toMatchObject({ paid: true, shipped: true, number: r.oneCNumber });

		// the scheme and host nginx reported (TRUST_PROXY=loopback) make the exchange URL shown to the operator
		const nodes = (await (await fetch(`${https}/api/v1/nodes`, { headers: { Authorization: "Bearer ngx-admin" } })).json()) as {
			items: { exchangeUrl: string }[];
		};
		expect(nodes.items[0]?.exchangeUrl).toBe(`${https}/exim_1c`);
		// plain HTTP: the exchange is served, not redirected (1C does not follow redirects); the rest goes to HTTPS
		const plain = `http://127.0.0.1:${httpPort}`;
		expect((await fetch(`${plain}/exim_1c?type=sale&mode=checkauth`, { redirect: "manual" })).status).toBe(401);
		const admin = await fetch(`${plain}/admin`, { redirect: "manual" });
		expect(admin.status).toBe(301);
		expect(admin.headers.get("location")).toBe(`https://127.0.0.1/admin`);
	}, 120_000);
});
