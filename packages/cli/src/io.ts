/**
 * @module
 * The side effects `obmen` needs, injectable so tests run the CLI in-process.
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, open, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pipeline } from "node:stream/promises";

/** An input that can be read more than once (`cml encode` checks every order before it writes a byte of XML). */
export interface InputSource {
	/** The bytes, from the start, in pieces. */
	chunks(): AsyncIterable<Uint8Array>;
	/** Releases what the source holds (standard input's spool file). */
	close(): Promise<void>;
}

/** Output and file access for {@link main}. */
export interface CliIo {
	/** Writes to standard output (bytes are written as is: the XML may be windows-1251). */
	stdout(chunk: string | Uint8Array): void | Promise<void>;
	/** Writes a diagnostic line to standard error. */
	stderr(text: string): void;
	/** Reads a whole file. */
	readFile(path: string): Promise<Uint8Array>;
	/**
	 * Opens an input to stream, `-` being standard input (it and other pipes are spooled to a temporary file so they
	 * can be read twice).
	 * Default: {@link readFile} as one piece.
	 */
	openInput?(path: string): Promise<InputSource>;
	/** The environment the database commands read (`OBMEN_DATA_DIR`, `DATABASE_URL`, …); default none. */
	env?: Record<string, string | undefined>;
}

/** True for the error of a write to a closed pipe (`obmen … | head`): the reader has all it wanted. */
export function isBrokenPipe(e: unknown): boolean {
	return (e as { code?: unknown } | null)?.code === "EPIPE";
}

/** A stream that can be read once (standard input, a pipe) copied to a temporary file, read from there as often as needed. */
async function spool(input: NodeJS.ReadableStream): Promise<InputSource> {
	const dir = await mkdtemp(join(tmpdir(), "obmen-input-"));
	const file = join(dir, "input");
	try {
		await pipeline(input, createWriteStream(file));
	} catch (e) {
		await rm(dir, { recursive: true, force: true });
		throw e;
	}
	return { chunks: () => createReadStream(file), close: () => rm(dir, { recursive: true, force: true }) };
}

/** The real process: stdout with back-pressure (a closed pipe rejects with `EPIPE`), stderr, the filesystem. */
export function nodeIo(): CliIo {
	// a write to a closed pipe also emits "error" on the stream; the write's callback reports it, so no crash here
	process.stdout.on("error", (e) => {
		if (!isBrokenPipe(e)) throw e;
	});
	return {
		stdout: (chunk) =>
			new Promise<void>((resolve, reject) => {
				process.stdout.write(chunk, (err) => (err ? reject(err) : resolve()));
			}),
		stderr: (text) => {
			process.stderr.write(text);
		},
		readFile: async (path) => new Uint8Array(await readFile(path)),
		openInput: async (path) => {
			if (path === "-") return spool(process.stdin);
			const handle = await open(path); // "cannot read" now, not halfway through
			const regular = (await handle.stat()).isFile();
			await handle.close();
			// a pipe (`--in <(curl …)`) reads once: spooled like stdin
			if (!regular) return spool(createReadStream(path));
			return { chunks: () => createReadStream(path), close: async () => {} };
		},
		env: process.env,
	};
}

/** Opens a command's input (`-` = stdin); on failure reports `cannot read` on stderr and returns null (exit code 1). */
export async function openInput(io: CliIo, file: string): Promise<InputSource | null> {
	try {
		if (io.openInput) return await io.openInput(file);
		const bytes = await io.readFile(file);
		return {
			chunks: async function* () {
				yield bytes;
			},
			close: async () => {},
		};
	} catch (e) {
		io.stderr(`obmen: cannot read ${file === "-" ? "standard input" : file}: ${(e as Error).message}\n`);
		return null;
	}
}

/** Reads a whole input for a command (`-` = stdin); on failure reports `cannot read` and returns null (exit code 1). */
export async function readInputFile(io: CliIo, file: string): Promise<Uint8Array | null> {
	const source = await openInput(io, file);
	if (!source) return null;
	try {
		const parts: Uint8Array[] = [];
		for await (const chunk of source.chunks()) parts.push(chunk);
		if (parts.length === 1) return parts[0] as Uint8Array;
		const out = new Uint8Array(parts.reduce((n, p) => n + p.byteLength, 0));
		let at = 0;
		for (const p of parts) {
			out.set(p, at);
			at += p.byteLength;
		}
		return out;
	} catch (e) {
		io.stderr(`obmen: cannot read ${file === "-" ? "standard input" : file}: ${(e as Error).message}\n`);
		return null;
	} finally {
		await source.close();
	}
}
