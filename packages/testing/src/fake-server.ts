/**
 * @module
 * A small scripted store endpoint (served on 127.0.0.1, port 0) for the emulator's unit tests: a correct
 * implementation of the `type=sale` protocol by default, with per-mode overrides to script the wrong behaviours real
 * stores show.
 */
import { unzipSync } from "fflate";
import { serveFetch } from "./serve.ts";

export interface FakeReply {
	status?: number;
	body: string | Uint8Array;
	contentType?: string;
}
export interface FakeRequest {
	method: string;
	type: string;
	mode: string;
	params: URLSearchParams;
	cookie: string | null;
	authorization: string | null;
	body: Uint8Array;
}
export interface FakeServerOptions {
	login?: string;
	password?: string;
	/** Body of `mode=query` (default: empty КоммерческаяИнформация). */
	query?: () => FakeReply;
	zip?: boolean;
	fileLimit?: number;
	/** `progress` replies before `success` for each import. */
	progress?: number;
	/** Return a reply to replace the correct one (or undefined to keep it). */
	override?: (req: FakeRequest) => FakeReply | undefined;
}
export interface FakeServer {
	url: string;
	requests: FakeRequest[];
	/** Uploaded files as assembled by name. */
	files: Map<string, Uint8Array>;
	/** xml documents processed by `import`, by xml name (UTF-8 text). */
	imported: Map<string, string>;
	successes: number;
	close(): Promise<void>;
}

const COOKIE = "OBMEN_SESS";

export async function startFakeServer(opts: FakeServerOptions = {}): Promise<FakeServer> {
	const login = opts.login ?? "1c";
	const password = opts.password ?? "secret";
	const sessions = new Map<string, { token: string; fresh: Set<string> }>();
	const polls = new Map<string, number>();
	const state: FakeServer = { url: "", requests: [], files: new Map(), imported: new Map(), successes: 0, close: async () => {} };

	const handle = (req: FakeRequest): FakeReply => {
		const text = (body: string): FakeReply => ({ body, contentType: "text/plain; charset=utf-8" });
		if (req.mode === "checkauth") {
			const expected = `Basic ${Buffer.from(`${login}:${password}`).toString("base64")}`;
			if (req.authorization !== expected) return text("failure\nНеверный логин или пароль\n");
			const id = `s${sessions.size + 1}x${Math.random().toString(36).slice(2, 8)}`;
			const token = `t${Math.random().toString(36).slice(2, 10)}`;
			sessions.set(id, { token, fresh: new Set() });
			return text(`success\n${COOKIE}\n${id}\nsessid=${token}\n`);
		}
		const cookieId = req.cookie?.startsWith(`${COOKIE}=`) ? req.cookie.slice(COOKIE.length + 1) : null;
		let session = cookieId ? sessions.get(cookieId) : undefined;
		const sessid = req.params.get("sessid");
		if (!session && sessid) session = [...sessions.values()].find((s) => s.token === sessid);
		if (!session) return text("failure\nНет сессии\n");
		if (sessid !== null && sessid !== session.token) return text("failure\nНеверный sessid\n");
		switch (req.mode) {
			case "init": {
				session.fresh.clear();
				const base = `zip=${opts.zip === false ? "no" : "yes"}\nfile_limit=${opts.fileLimit ?? 1_000_000}\n`;
				return text(req.params.has("version") ? `${base}sessid=${session.token}\nversion=2.09\n` : base);
			}
			case "query":
				return (
					opts.query?.() ?? {
						body: '<?xml version="1.0" encoding="UTF-8"?>\n<КоммерческаяИнформация ВерсияСхемы="2.05" ДатаФормирования="2026-11-29T10:00:00"/>\n',
						contentType: "application/xml; charset=utf-8",
					}
				);
			case "success":
				state.successes++;
				return text("success\n");
			case "file": {
				const name = req.params.get("filename") ?? "";
				if (!/^[\w.\-#]+$/.test(name)) return text("failure\nПлохое имя файла\n");
				const prev = session.fresh.has(name) ? (state.files.get(name) ?? new Uint8Array()) : new Uint8Array();
				session.fresh.add(name);
				const next = new Uint8Array(prev.byteLength + req.body.byteLength);
				next.set(prev);
				next.set(req.body, prev.byteLength);
				state.files.set(name, next);
				return text("success\n");
			}
			case "import": {
				const name = req.params.get("filename") ?? "";
				let bytes = state.files.get(name);
				if (!bytes) {
					for (const [fname, data] of state.files) {
						if (!fname.endsWith(".zip")) continue;
						try {
							const entry = unzipSync(data)[name];
							if (entry) bytes = entry;
						} catch {
							return text("failure\nАрхив повреждён\n");
						}
					}
				}
				if (!bytes) return text("failure\nФайл не найден\n");
				const n = polls.get(name) ?? 0;
				if (n < (opts.progress ?? 0)) {
					polls.set(name, n + 1);
					return text(`progress\nобработано ${n + 1}\n`);
				}
				polls.delete(name);
				state.imported.set(name, new TextDecoder("utf-8", { fatal: true }).decode(bytes).replace(/^\uFEFF/, ""));
				return text("success\n");
			}
			default:
				return text("failure\nUnknown mode\n");
		}
	};

	const served = await serveFetch(async (request) => {
		const url = new URL(request.url);
		const req: FakeRequest = {
			method: request.method,
			type: url.searchParams.get("type") ?? "",
			mode: url.searchParams.get("mode") ?? "",
			params: url.searchParams,
			cookie: request.headers.get("cookie"),
			authorization: request.headers.get("authorization"),
			body: new Uint8Array(await request.arrayBuffer()),
		};
		state.requests.push(req);
		let reply: FakeReply;
		try {
			reply = opts.override?.(req) ?? handle(req);
		} catch (e) {
			reply = { status: 500, body: `failure\n${(e as Error).message}\n` };
		}
		const body = typeof reply.body === "string" ? new TextEncoder().encode(reply.body) : new Uint8Array(reply.body);
		return new Response(body, {
			status: reply.status ?? 200,
			headers: { "Content-Type": reply.contentType ?? "text/plain; charset=utf-8", "Content-Length": String(body.byteLength) },
		});
	});
	state.url = `${served.base}/exim_1c`;
	state.close = served.close;
	return state;
}
