/**
 * Test helpers: our own CommerceML fixtures in `packages/core/test-data/fixtures/` (written for this repository,
 * modelled on the structure of real 1C and Bitrix files; see the README there).
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Directory of our fixture files. */
export const FIXTURE_DIR = fileURLToPath(new URL("../../test-data/fixtures/", import.meta.url));

/** Names of every `*.xml` fixture. */
export function fixtureNames(): string[] {
	return readdirSync(FIXTURE_DIR)
		.filter((f) => f.endsWith(".xml"))
		.sort();
}

/** Bytes of one fixture. */
export function fixture(name: string): Uint8Array {
	return new Uint8Array(readFileSync(FIXTURE_DIR + name));
}
