/**
 * Issue 11 item 3: `obmen db backup`, `obmen db migrate [--dry-run]` and `obmen admin reset-token` on the database a
 * server uses (found through OBMEN_DATA_DIR like the server), the token reset taking effect on the running app.
 */
import { existsSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { openClient, openDb } from "@obmen/db/node";
import { bootExchange } from "@obmen/exchange";
import { describe, expect, it } from "vitest";
import { type CliIo, main } from "./cli.ts";

function io(env: Record<string, string>) {
	let out = "";
	let err = "";
	const cli: CliIo = {
		stdout: (c) => void (out += typeof c === "string" ? c : new TextDecoder().decode(c)),
		stderr: (t) => void (err += t),
		readFile: async () => new Uint8Array(),
		env,
	};
	return { cli, out: () => out, err: () => err };
}

describe("obmen db / obmen admin", () => {
	it("db migrate --dry-run lists without applying; db migrate applies; then up to date", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-ops-"));
		const env = { OBMEN_DATA_DIR: dir };
		const dry = io(env);
		expect(await main(["db", "migrate", "--dry-run"], dry.cli)).toBe(0);
		expect(dry.out()).toMatch(/pending migration\(s\):\n {2}0000_/);
		const raw = openClient(`file:${join(dir, "obmen.db")}`);
		expect((await raw.execute("SELECT name FROM sqlite_master WHERE name = 'orders'")).rows).toHaveLength(0);
		raw.close();
		expect(await main(["db", "migrate"], io(env).cli)).toBe(0);
		const again = io(env);
		expect(await main(["db", "migrate", "--dry-run"], again.cli)).toBe(0);
		expect(again.out()).toMatch(/up to date/);
	});

	it("db backup writes a copy that opens with the same data, and never overwrites", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-ops-"));
		const { store } = await openDb(`file:${join(dir, "obmen.db")}`);
		await store.setMeta("probe", "значение");
		await store.idle();
		const target = join(dir, "backup.db");
		const run = io({ OBMEN_DATA_DIR: dir });
		expect(await main(["db", "backup", target], run.cli)).toBe(0);
		expect(existsSync(target)).toBe(true);
		const copy = await openDb(`file:${target}`);
		expect(await copy.store.getMeta("probe")).toBe("значение");
		copy.store.close();
		const again = io({ OBMEN_DATA_DIR: dir });
		expect(await main(["db", "backup", target], again.cli)).toBe(1);
		expect(again.err()).toMatch(/never overwrites/);
		expect(await main(["db", "backup"], io({ OBMEN_DATA_DIR: dir }).cli)).toBe(2);
		store.close();
	});

	it("admin reset-token prints a new token; the running app refuses the old one and accepts the new one at once", async () => {
		const dir = mkdtempSync(join(tmpdir(), "obmen-ops-"));
		const { store } = await openDb(`file:${join(dir, "obmen.db")}`);
		const boot = await bootExchange(store, { adminToken: undefined, oneCLogin: undefined, oneCPassword: undefined });
		const old = boot.generatedAdminToken ?? "";
		const status = async (token: string) =>
			(await boot.app.request("/api/v1/nodes", { headers: { Authorization: `Bearer ${token}` } })).status;
		expect(await status(old)).toBe(200);
		const run = io({ OBMEN_DATA_DIR: dir });
		expect(await main(["admin", "reset-token"], run.cli)).toBe(0);
		const fresh = run.out().trim();
		expect(fresh).toMatch(/^\S{20,}$/);
		expect(fresh).not.toBe(old);
		expect(run.err()).toMatch(/old one no longer works/);
		expect(await status(old)).toBe(401);
		expect(await status(fresh)).toBe(200);
		store.close();
	});
});
