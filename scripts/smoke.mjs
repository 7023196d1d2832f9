#!/usr/bin/env node
/**
 * Smoke test of the built server on the Node that runs this script (`.ci/run` runs it on each supported Node):
 * starts `apps/node/dist/main.js` on a free port with a fresh database, walks 1C's first steps (checkauth, init,
 * query), the admin API and the widget bundle, then stops the server. Exits non-zero with the server's output on any failure.
 */
import { spawn } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const dir = mkdtempSync(join(tmpdir(), "obmen-smoke-"));
const child = spawn(process.execPath, [join(root, "apps/node/dist/main.js")], {
	cwd: root,
	env: {
		...process.env,
		HOST: "127.0.0.1",
		PORT: "0",
		DATABASE_URL: `file:${join(dir, "obmen.db")}`,
		OBMEN_ADMIN_TOKEN: "smoke-token",
		OBMEN_1C_LOGIN: "smoke",
		OBMEN_1C_PASSWORD: "smoke-pass",
	},
	stdio: ["ignore", "pipe", "pipe"],
});
let out = "";
child.stdout.on("data", (d) => (out += d));
child.stderr.on("data", (d) => (out += d));

function fail(message) {
	console.error(`smoke (node ${process.version}): ${message}\n--- server output ---\n${out}`);
	child.kill();
	rmSync(dir, { recursive: true, force: true });
	process.exit(1);
}

const base = await new Promise((resolve) => {
	const timer = setTimeout(() => fail("server did not start within 30 s"), 30_000);
	child.on("exit", (code) => fail(`server exited with ${code}`));
	child.stdout.on("data", () => {
		const m = /listening on (http:\/\/\S+)/.exec(out);
		if (m) {
			clearTimeout(timer);
			resolve(m[1]);
		}
	});
});

const auth = `Basic ${btoa("smoke:smoke-pass")}`;
const checkauth = await fetch(`${base}/exim_1c?type=sale&mode=checkauth`, { headers: { authorization: auth } });
const lines = (await checkauth.text()).split("\n");
if (lines[0] !== "success" || !lines[1] || !lines[2]) fail(`checkauth answered ${JSON.stringify(lines)}`);
const cookie = `${lines[1]}=${lines[2]}`;
const init = await (await fetch(`${base}/exim_1c?type=sale&mode=init`, { headers: { authorization: auth, cookie } })).text();
if (!init.startsWith("zip=")) fail(`init answered ${JSON.stringify(init)}`);
const query = await fetch(`${base}/exim_1c?type=sale&mode=query`, { headers: { authorization: auth, cookie } });
const body = new Uint8Array(await query.arrayBuffer());
const head = new TextDecoder("latin1").decode(body.subarray(0, 64));
if (query.status !== 200 || !(head.startsWith("<?xml") || head.startsWith("PK"))) fail(`query answered ${query.status} ${head}`);
const api = await fetch(`${base}/api/v1/orders`, { headers: { authorization: "Bearer smoke-token" } });
if (api.status !== 200) fail(`GET /api/v1/orders answered ${api.status}`);
const widget = await fetch(`${base}/admin/obmen-widget.js`);
if (widget.status !== 200 || !(await widget.text()).length) fail(`GET /admin/obmen-widget.js answered ${widget.status}`);
const denied = await fetch(`${base}/api/v1/orders`);
if (denied.status !== 401) fail(`GET /api/v1/orders without a token answered ${denied.status}`);

child.removeAllListeners("exit");
child.kill();
rmSync(dir, { recursive: true, force: true });
console.log(`smoke (node ${process.version}): checkauth, init, query, the admin API and the widget bundle answer`);
