/**
 * @module
 * The side effects `obmen` needs, injectable so tests run the CLI in-process.
 */
import { readFile } from "node:fs/promises";

/** Output and file access for {@link main}. */
export interface CliIo {
	/** Writes to standard output (bytes are written as is: the XML may be windows-1251). */
	stdout(chunk: string | Uint8Array): void | Promise<void>;
	/** Writes a diagnostic line to standard error. */
	stderr(text: string): void;
	/** Reads a whole file. */
	readFile(path: string): Promise<Uint8Array>;
	/** The environment the database commands read (`OBMEN_DATA_DIR`, `DATABASE_URL`, …); default none. */
	env?: Record<string, string | undefined>;
}

/** The real process: stdout with back-pressure, stderr, the filesystem. */
export function nodeIo(): CliIo {
	return {
		stdout: (chunk) =>
			new Promise<void>((resolve, reject) => {
				process.stdout.write(chunk, (err) => (err ? reject(err) : resolve()));
			}),
		stderr: (text) => {
			process.stderr.write(text);
		},
		readFile: async (path) => new Uint8Array(await readFile(path)),
		env: process.env,
	};
}

/** Reads an input file for a command; on failure reports `cannot read` on stderr and returns null (exit code 1). */
export async function readInputFile(io: CliIo, file: string): Promise<Uint8Array | null> {
	try {
		return await io.readFile(file);
	} catch (e) {
		io.stderr(`obmen: cannot read ${file}: ${(e as Error).message}\n`);
		return null;
	}
}
