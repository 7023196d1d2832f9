/** Test helpers: the public CommerceML samples in `<repo>/../shared/fixtures/commerceml/public/`. */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";

/** Directory of the public fixture files (read in place, never copied into the repo). */
export const FIXTURE_DIR = fileURLToPath(new URL("../../../../../shared/fixtures/commerceml/public/", import.meta.url));

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
