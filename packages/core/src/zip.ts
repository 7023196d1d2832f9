/**
 * @module
 * Safe unzipping of the archives 1C uploads with `zip=yes` (`v8_XXXX_N.zip` holding the
 * exchange XML files).
 *
 * fflate alone gives no protection (docs/reliability.md §3.2): names come back verbatim (`../x`,
 * `__proto__`), sizes are trusted, CRC is not checked. So the central directory is parsed here
 * first (count, names, declared sizes and CRCs), every entry is vetted in fflate's `filter`
 * callback before it is inflated (name allowlist, per-entry/total size, compression ratio), and
 * every inflated entry is checked against its declared length and CRC-32. Results go into a Map.
 */
import { unzipSync } from "fflate";
import { CommerceMLError } from "./errors.ts";
import { isSafeBaseName } from "./protocol/upload-name.ts";

/** Limits for one uploaded archive (docs/reliability.md X8 defaults). */
export interface ZipLimits {
	/** Maximum number of entries (all kinds). Default 16. */
	maxEntries?: number;
	/** Maximum declared uncompressed size of one entry. Default 16 MiB. */
	maxEntryBytes?: number;
	/** Maximum declared uncompressed size of all entries. Default 64 MiB. */
	maxTotalBytes?: number;
	/** Maximum uncompressed/compressed ratio, applied once an entry is over 1 MiB. Default 200. */
	maxRatio?: number;
}

const CRC_TABLE = /* @__PURE__ */ (() => {
	const t = new Uint32Array(256);
	for (let n = 0; n < 256; n++) {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		t[n] = c >>> 0;
	}
	return t;
})();

/** CRC-32 (IEEE 802.3, as in zip) of `bytes`, as an unsigned 32-bit number. */
export function crc32(bytes: Uint8Array, seed = 0): number {
	let c = ~seed >>> 0;
	for (let i = 0; i < bytes.length; i++) c = (CRC_TABLE[(c ^ (bytes[i] as number)) & 0xff] as number) ^ (c >>> 8);
	return ~c >>> 0;
}

/** True when the bytes start with a zip local-file header (`PK\x03\x04`) or are an empty zip (`PK\x05\x06`). */
export function isZip(bytes: Uint8Array): boolean {
	return (
		bytes.length >= 4 &&
		bytes[0] === 0x50 &&
		bytes[1] === 0x4b &&
		((bytes[2] === 3 && bytes[3] === 4) || (bytes[2] === 5 && bytes[3] === 6))
	);
}

/** One central-directory record as declared by the archive. */
interface CentralEntry {
	name: string;
	flags: number;
	method: number;
	crc: number;
	compressedSize: number;
	size: number;
}

function u16(b: Uint8Array, o: number): number {
	return (b[o] as number) | ((b[o + 1] as number) << 8);
}
function u32(b: Uint8Array, o: number): number {
	return ((b[o] as number) | ((b[o + 1] as number) << 8) | ((b[o + 2] as number) << 16) | ((b[o + 3] as number) << 24)) >>> 0;
}

function decodeName(raw: Uint8Array, utf8: boolean): string {
	if (!utf8) {
		// Archives made on Windows (and by 1C) write names in the OEM code page, cp866.
		try {
			return new TextDecoder("ibm866").decode(raw);
		} catch {
			/* runtime without ibm866: fall through to latin1 */
		}
		let s = "";
		for (const b of raw) s += String.fromCharCode(b);
		return s;
	}
	try {
		return new TextDecoder("utf-8", { fatal: true }).decode(raw);
	} catch {
		throw new CommerceMLError("ZIP_NAME", "entry name is not valid UTF-8");
	}
}

/** Parses the end-of-central-directory record and the central directory. */
function readCentralDirectory(b: Uint8Array, maxEntries: number): CentralEntry[] {
	let eocd = -1;
	for (let i = b.length - 22; i >= Math.max(0, b.length - 22 - 0xffff); i--) {
		if (u32(b, i) === 0x06054b50) {
			eocd = i;
			break;
		}
	}
	if (eocd < 0) throw new CommerceMLError("ZIP_CORRUPT", "end of central directory not found (truncated or not a zip)");
	const count = u16(b, eocd + 10);
	const cdSize = u32(b, eocd + 12);
	const cdOffset = u32(b, eocd + 16);
	if (count === 0xffff || cdOffset === 0xffffffff) throw new CommerceMLError("ZIP_LIMIT", "ZIP64 archives are not accepted");
	if (count > maxEntries) throw new CommerceMLError("ZIP_LIMIT", `${count} entries, at most ${maxEntries} allowed`);
	if (cdOffset + cdSize > eocd) throw new CommerceMLError("ZIP_CORRUPT", "central directory outside the archive", { offset: cdOffset });
	const out: CentralEntry[] = [];
	let o = cdOffset;
	for (let i = 0; i < count; i++) {
		if (o + 46 > eocd || u32(b, o) !== 0x02014b50) throw new CommerceMLError("ZIP_CORRUPT", "bad central directory record", { offset: o });
		const flags = u16(b, o + 8);
		const nameLen = u16(b, o + 28);
		const extraLen = u16(b, o + 30);
		const commentLen = u16(b, o + 32);
		if (o + 46 + nameLen > eocd) throw new CommerceMLError("ZIP_CORRUPT", "entry name outside the central directory", { offset: o });
		out.push({
			name: decodeName(b.subarray(o + 46, o + 46 + nameLen), (flags & 0x800) !== 0),
			flags,
			method: u16(b, o + 10),
			crc: u32(b, o + 16),
			compressedSize: u32(b, o + 20),
			size: u32(b, o + 24),
		});
		o += 46 + nameLen + extraLen + commentLen;
	}
	return out;
}

const HOSTILE_SEGMENT = /[\\\0:]|^\.|\.\.|^__proto__$|^(constructor|prototype)$/i;

/**
 * 1C zips its whole exchange directory with relative paths (docs/protocol.md §5), so an entry may sit in a
 * sub-folder; `import` names only the xml, so entries are keyed by basename. Every path segment must be
 * harmless: no `..`, no leading dot, no drive letter, backslash or NUL, no absolute path.
 * @returns the basename, or null when the path is hostile
 */
function entryBaseName(name: string): string | null {
	const segments = name.split("/");
	if (segments.some((s) => s.trim() === "" || HOSTILE_SEGMENT.test(s))) return null;
	return segments[segments.length - 1] ?? null;
}

/**
 * Unpacks the `.xml` entries of an uploaded zip into a Map keyed by entry name.
 * Non-`.xml` entries (and directories) are skipped; nothing touches a filesystem.
 * @throws CommerceMLError ZIP_CORRUPT (not a zip, truncated, encrypted, bad data), ZIP_LIMIT (entries,
 *   sizes, ratio), ZIP_NAME (paths, `..`, drive letters, NUL, `__proto__`, names outside the upload
 *   allowlist), ZIP_CRC (length or CRC-32 differs from the central directory), ZIP_EMPTY (no `.xml`).
 */
export function unzipXml(bytes: Uint8Array, limits: ZipLimits = {}): Map<string, Uint8Array> {
	const maxEntries = limits.maxEntries ?? 16;
	const maxEntryBytes = limits.maxEntryBytes ?? 16 * 1024 * 1024;
	const maxTotalBytes = limits.maxTotalBytes ?? 64 * 1024 * 1024;
	const maxRatio = limits.maxRatio ?? 200;
	if (!isZip(bytes)) throw new CommerceMLError("ZIP_CORRUPT", "not a zip archive (no PK signature)", { offset: 0 });
	const entries = readCentralDirectory(bytes, maxEntries);
	const seen = new Set<string>();
	const wanted = new Map<string, CentralEntry>(); // fflate's name → our vetted record
	let total = 0;
	for (const e of entries) {
		if (e.name.endsWith("/") && e.size === 0) continue; // directory record
		const base = entryBaseName(e.name);
		if (base === null) throw new CommerceMLError("ZIP_NAME", `unsafe entry name ${JSON.stringify(e.name)}`);
		if (!/\.xml$/i.test(base)) continue;
		if (!isSafeBaseName(base))
			throw new CommerceMLError("ZIP_NAME", `entry name ${JSON.stringify(e.name)} is outside the allowed characters`);
		if (seen.has(base.toLowerCase())) throw new CommerceMLError("ZIP_NAME", `duplicate entry ${JSON.stringify(base)}`);
		seen.add(base.toLowerCase());
		if (e.flags & 1) throw new CommerceMLError("ZIP_CORRUPT", `entry ${e.name} is encrypted`);
		if (e.size > maxEntryBytes)
			throw new CommerceMLError("ZIP_LIMIT", `entry ${e.name} declares ${e.size} bytes, at most ${maxEntryBytes}`);
		total += e.size;
		if (total > maxTotalBytes) throw new CommerceMLError("ZIP_LIMIT", `archive declares more than ${maxTotalBytes} bytes`);
		if (e.size > 1024 * 1024 && e.size > maxRatio * Math.max(1, e.compressedSize)) {
			throw new CommerceMLError("ZIP_LIMIT", `entry ${e.name} compression ratio above ${maxRatio}`);
		}
	}
	let index = 0;
	let inflated: Record<string, Uint8Array>;
	try {
		inflated = unzipSync(bytes, {
			filter: (file) => {
				const e = entries[index++];
				// Same order as the central directory; re-check what fflate is about to inflate.
				if (!e || file.originalSize !== e.size || file.size !== e.compressedSize)
					throw new CommerceMLError("ZIP_CORRUPT", "central directory changed while reading");
				if (e.name.endsWith("/") || !/\.xml$/i.test(e.name)) return false;
				if (Object.hasOwn(Object.prototype, file.name) || wanted.has(file.name))
					throw new CommerceMLError("ZIP_NAME", `unsafe entry name ${JSON.stringify(file.name)}`);
				wanted.set(file.name, e);
				return true;
			},
		});
	} catch (err) {
		if (err instanceof CommerceMLError) throw err;
		throw new CommerceMLError("ZIP_CORRUPT", `invalid zip data: ${(err as Error).message}`);
	}
	const out = new Map<string, Uint8Array>();
	for (const [fname, e] of wanted) {
		const data = Object.hasOwn(inflated, fname) ? inflated[fname] : undefined;
		if (!data) throw new CommerceMLError("ZIP_CORRUPT", `entry ${e.name} missing after inflation`);
		if (data.length !== e.size) throw new CommerceMLError("ZIP_CRC", `entry ${e.name}: ${data.length} bytes, declared ${e.size}`);
		if (crc32(data) !== e.crc) throw new CommerceMLError("ZIP_CRC", `entry ${e.name}: CRC-32 mismatch`);
		out.set(entryBaseName(e.name) ?? e.name, data);
	}
	if (out.size === 0) throw new CommerceMLError("ZIP_EMPTY", "the archive holds no .xml file");
	return out;
}
