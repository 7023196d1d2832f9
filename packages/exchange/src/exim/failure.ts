/**
 * @module
 * `EximFailure`: a request that 1C must be told failed. A mode handler throws it; the `/exim_1c` error handler
 * (routes.ts) answers `failure\n<reason>` with HTTP 200 (401 for the Basic challenge) and the journal keeps the reason.
 */
import { type JournalErrorCode, journalError } from "../journal-codes.ts";

/** The failure of an `/exim_1c` request: the reason 1C gets (replies.ts) and its journal error code. */
export class EximFailure extends Error {
	override readonly name = "EximFailure";
	/** The journal error code of {@link reason} (journal-codes.ts), unless given. */
	readonly code: JournalErrorCode;
	/** HTTP status: 200 (1C reads the body), 401 only for the challenge when credentials are missing. */
	readonly status: 200 | 401;
	/** Extra reply headers (`WWW-Authenticate` of the challenge). */
	readonly headers: Record<string, string>;

	constructor(
		/** Line 2 of the reply. */
		readonly reason: string,
		init: { code?: JournalErrorCode; status?: 200 | 401; headers?: Record<string, string> } = {},
	) {
		super(reason);
		this.code = init.code ?? journalError({ error: reason, reply: "failure" })?.code ?? "other";
		this.status = init.status ?? 200;
		this.headers = init.headers ?? {};
	}
}
