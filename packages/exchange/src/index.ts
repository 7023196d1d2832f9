/**
 * @module
 * `@obmen/exchange` — the Hono app of the 1C ⇄ store order exchange (`/exim_1c`, CommerceML 2 over HTTP) and
 * its admin API. Runtime-neutral: no env reads, no `node:*`.
 */

export type {
	ApiChangeEvent,
	ApiCheckResult,
	ApiConflict,
	ApiErrorBody,
	ApiJournalEntry,
	ApiJournalPage,
	ApiNode,
	ApiNodeCreate,
	ApiNodePatch,
	ApiOrderContent,
	ApiOrderWithOneC,
	ApiPreviewSummary,
	ApiRewind,
	ApiStatusCount,
} from "./api/schemas.ts";
export { createExchangeApp, type ExchangeApp } from "./app.ts";
export { type ImportPlan, planImport } from "./apply.ts";
export {
	ADMIN_TOKEN_KEY,
	type BootedExchange,
	bootExchange,
	ensureAdminToken,
	ensureDefaultNode,
	startBanner,
	storedAdminTokenCheck,
} from "./bootstrap.ts";
export { hashPassword, randomToken, sha256Hex, verifyPassword } from "./crypto.ts";
export { mapStatus } from "./document-fields.ts";
export { COOKIE_NAME } from "./exim/session.ts";
export { buildExport, type ExportBatch } from "./export.ts";
export { type EnvLike, type HostConfig, readHostConfig } from "./host-config.ts";
export {
	type EximLogEntry,
	formatLogEntry,
	type HttpLogEntry,
	type LogEntry,
	type LogFormat,
	type Logger,
	lineLogger,
	parseLogFormat,
	type ReplyWord,
} from "./log.ts";
export { type AdminAssets, type Clock, DEFAULT_LIMITS, type ExchangeAppOptions, type ExchangeLimits } from "./options.ts";
export { orderFrom1C } from "./order-from-1c.ts";
export { type ParsePort, type ParseWorker, type ParseWorkerFactory, serveParseWorker } from "./parse-worker.ts";
export { type ClientView, clientView, parsePublicUrl, parseTrustProxy, publicBase, type TrustProxy } from "./proxy.ts";
export { defaultSettings, mergeSettings, type NodeSettings, type NodeSettingsInput, NodeSettingsSchema, readSettings } from "./settings.ts";
export { nobleSha256, type Sha256Factory, type Sha256Hasher, sha256HexOfChunks } from "./sha256.ts";
