/**
 * T-DEPS (docs/reliability.md §4): the installed versions of security-relevant dependencies stay above the floors
 * whose advisories matter to an exchange endpoint (Hono timing-safe compare and bodyLimit fixes, libSQL `timeout`, xmlbuilder2 js-yaml fix).
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";

const root = new URL("../../../node_modules/", import.meta.url);
const version = (name: string) => (JSON.parse(readFileSync(new URL(`${name}/package.json`, root), "utf8")) as { version: string }).version;
const atLeast = (v: string, floor: string) => {
	const a = v.split(".").map(Number);
	const b = floor.split(".").map(Number);
	for (let i = 0; i < 3; i++) if ((a[i] ?? 0) !== (b[i] ?? 0)) return (a[i] ?? 0) > (b[i] ?? 0);
	return true;
};

describe("dependency floors", () => {
	for (const [name, floor] of [
		["hono", "4.13.5"],
		["xmlbuilder2", "4.0.1"],
		["@libsql/client", "0.17.4"],
		["fflate", "0.8.3"],
		["saxes", "6.0.0"],
	] as const) {
		it(`${name} ≥ ${floor}`, () => {
			expect(atLeast(version(name), floor), `${name} ${version(name)}`).toBe(true);
		});
	}

	it("compares versions numerically", () => {
		expect(atLeast("4.13.19", "4.13.5")).toBe(true);
		expect(atLeast("4.9.99", "4.13.5")).toBe(false);
	});
});
