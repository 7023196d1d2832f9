/**
 * Issue 11 item 2: the deployment files of docs/deploy.md hold what the exchange needs (the nginx recipe itself is run
 * by deploy-nginx.test.ts). The Docker image is built and started when a Docker engine answers; otherwise that test is
 * skipped visibly.
 */
import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { DEFAULT_LIMITS } from "@obmen/exchange";
import { describe, expect, it } from "vitest";
import { readConfig } from "./config.ts";

const root = fileURLToPath(new URL("../../../", import.meta.url));
const read = (path: string) => readFileSync(join(root, path), "utf8");

const engine = (() => {
	try {
		execFileSync("docker", ["info"], { stdio: "ignore", timeout: 10_000 });
		return true;
	} catch {
		return false;
	}
})();

const seconds = (v: string | undefined) => Number(/^(\d+)s$/.exec(v ?? "")?.[1] ?? Number.NaN);
const sizeBytes = (v: string | undefined) => {
	const m = /^(\d+)([kmg]?)$/i.exec(v ?? "");
	return m ? Number(m[1]) * { "": 1, k: 1024, m: 1024 ** 2, g: 1024 ** 3 }[(m[2] ?? "").toLowerCase() as "" | "k" | "m" | "g"] : Number.NaN;
};
const directives = (text: string, name: string) =>
	[...text.matchAll(new RegExp(`^\\s*${name}\\s+([^;]+);`, "gm"))].map((m) => m[1]?.trim());

describe("deploy/nginx", () => {
	const site = read("deploy/nginx/obmen.conf");
	const proxy = read("deploy/nginx/obmen-proxy.conf");
	it("accepts the largest upload and waits as long as 1C does (180 s УТ, 1800 s УНФ)", () => {
		for (const v of directives(site, "client_max_body_size")) expect(sizeBytes(v)).toBeGreaterThanOrEqual(DEFAULT_LIMITS.maxFileBytes);
		for (const name of ["client_body_timeout", "send_timeout"])
			for (const v of directives(site, name)) expect(seconds(v)).toBeGreaterThanOrEqual(1800);
		for (const name of ["proxy_read_timeout", "proxy_send_timeout"])
			expect(seconds(directives(proxy, name)[0])).toBeGreaterThanOrEqual(1800);
		expect(seconds(directives(site, "keepalive_timeout")[0])).toBeGreaterThanOrEqual(65);
	});
	it("passes Authorization and the forwarded headers Obmen trusts, and drops a client's own Forwarded", () => {
		expect(proxy).toMatch(/proxy_set_header Authorization \$http_authorization;/);
		expect(proxy).toMatch(/proxy_set_header X-Forwarded-For \$proxy_add_x_forwarded_for;/);
		expect(proxy).toMatch(/proxy_set_header X-Forwarded-Proto \$scheme;/);
		expect(proxy).toMatch(/proxy_set_header Forwarded "";/);
	});
});

describe("deploy/systemd/obmen.service", () => {
	const unit = read("deploy/systemd/obmen.service");
	it("starts the built Node entry with a configuration the server accepts, as an unprivileged user", () => {
		const exec = /^ExecStart=\S+ (\S+)$/m.exec(unit)?.[1];
		expect(exec).toBe("apps/node/dist/main.js");
		expect(existsSync(join(root, exec ?? ""))).toBe(true);
		const env = Object.fromEntries(
			(/^Environment=(.*)$/m.exec(unit)?.[1] ?? "").split(/\s+/).map((kv) => kv.split("=") as [string, string]),
		);
		const cfg = readConfig(env, []);
		expect(cfg).toMatchObject({ host: "127.0.0.1", port: 8080, databaseUrl: "file:/var/lib/obmen/obmen.db", trustProxy: { kind: "list" } });
		expect(env.MALLOC_MMAP_THRESHOLD_).toBe("131072");
		expect(unit).toMatch(/^StateDirectory=obmen$/m);
		expect(unit).toMatch(/^User=obmen$/m);
	});
});

describe("Dockerfile and compose.yaml", () => {
	const docker = read("Dockerfile");
	it("multi-stage, non-root, the database on a volume, a HEALTHCHECK on /health", () => {
		expect(docker.match(/^FROM /gm)).toHaveLength(2);
		expect(docker).toMatch(/^USER node$/m);
		expect(docker).toMatch(/OBMEN_DATA_DIR=\/data/);
		expect(docker).toMatch(/^ENV .*MALLOC_MMAP_THRESHOLD_=131072/m);
		expect(docker).toMatch(/^VOLUME \/data$/m);
		expect(docker).toMatch(/^HEALTHCHECK [\s\S]*\/health/m);
		expect(docker).toMatch(/^CMD \["node", "apps\/node\/dist\/main\.js"\]$/m);
		const compose = read("compose.yaml");
		expect(compose).toMatch(/- obmen-data:\/data/);
		expect(compose).toMatch(/TRUST_PROXY: private/);
	});

	it.skipIf(!engine)(
		"the image builds, starts healthy and answers the exchange (needs a Docker engine)",
		() => {
			const tag = `obmen-test:${Date.now()}`;
			execFileSync("docker", ["build", "-t", tag, root], { stdio: "ignore", timeout: 900_000 });
			const dir = mkdtempSync(join(tmpdir(), "obmen-docker-"));
			const id = execFileSync("docker", ["run", "-d", "-P", "-e", "OBMEN_ADMIN_TOKEN=docker-admin", "-v", `${dir}:/data`, tag], {
				encoding: "utf8",
			}).trim();
			try {
				let health = "";
				for (let i = 0; i < 120 && health !== "healthy"; i++) {
					health = execFileSync("docker", ["inspect", "-f", "{{.State.Health.Status}}", id], { encoding: "utf8" }).trim();
					if (health !== "healthy") execFileSync("sleep", ["1"]);
				}
				expect(health).toBe("healthy");
				const user = execFileSync("docker", ["exec", id, "id", "-u"], { encoding: "utf8" }).trim();
				expect(user).not.toBe("0");
				expect(execFileSync("docker", ["exec", id, "ls", "/data"], { encoding: "utf8" })).toMatch(/obmen\.db/);
			} finally {
				execFileSync("docker", ["rm", "-f", id], { stdio: "ignore" });
			}
		},
		1_000_000,
	);
});
