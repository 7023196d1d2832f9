/**
 * @module
 * The OpenAPI 3.1 document of the admin API (`GET /api/v1/openapi.json`), generated from the zod schemas the routes
 * validate with and answer in (schemas.ts): one table of operations below, next to which every route is registered.
 * Request bodies are the schemas' input form (defaults optional, numbers accepted for decimals), answers their
 * output form.
 */
import { OrderInputSchema } from "@obmen/core";
import { z } from "zod";
import { NodeSettingsSchema } from "../settings.ts";
import * as S from "./schemas.ts";

type Method = "get" | "put" | "post" | "patch" | "delete";

/** A parameter of an operation (path parameters are always required strings unless `type` says otherwise). */
interface Param {
	name: string;
	in: "path" | "query";
	description?: string;
	schema?: Record<string, unknown>;
	deprecated?: boolean;
}

/** An answer: a named output schema (JSON), or a raw description of another media type. */
type Answer = { schema: string; description: string } | { description: string; content?: Record<string, unknown> };

/** One operation of the admin API. */
interface Operation {
	method: Method;
	path: string;
	operationId: string;
	summary: string;
	tag: "orders" | "nodes" | "exchange" | "statuses" | "meta";
	params?: Param[];
	/** A named input schema (JSON body). */
	body?: string;
	ok: Record<string, Answer>;
	/** Error answers besides 401/429 (of every authenticated operation) and 413 (of every operation). */
	errors: (400 | 404 | 409 | 422)[];
	/** No bearer token needed. */
	public?: boolean;
}

const id: Param = { name: "id", in: "path" };
const limit = (max: number): Param => ({ name: "limit", in: "query", schema: { type: "integer", minimum: 1, maximum: max } });
const cursor = (description: string): Param => ({ name: "cursor", in: "query", description, schema: { type: "string" } });

/** Every operation of `/api/v1`; the routes' tests check that each one answers as documented here. */
export const OPERATIONS: readonly Operation[] = [
	{
		method: "get",
		path: "/openapi.json",
		operationId: "getOpenApi",
		summary: "This document",
		tag: "meta",
		ok: { "200": { description: "the OpenAPI 3.1 document", content: { "application/json": { schema: { type: "object" } } } } },
		errors: [],
		public: true,
	},
	{
		method: "get",
		path: "/docs",
		operationId: "getApiReference",
		summary: "The API reference page (HTML rendering this document, no external resources)",
		tag: "meta",
		ok: { "200": { description: "HTML page", content: { "text/html": { schema: { type: "string" } } } } },
		errors: [],
		public: true,
	},
	{
		method: "put",
		path: "/orders/{id}",
		operationId: "putOrder",
		summary: "Create or replace a store order (bumps the export revision if changed); answers what GET answers",
		tag: "orders",
		params: [id],
		body: "OrderInput",
		ok: {
			"200": { schema: "OrderWithOneC", description: "updated (or unchanged)" },
			"201": { schema: "OrderWithOneC", description: "created" },
		},
		errors: [400, 422],
	},
	{
		method: "get",
		path: "/orders/{id}",
		operationId: "getOrder",
		summary: "An order with its revision, 1C state and, per node, the Номер/date it is or would be exported with",
		tag: "orders",
		params: [id],
		ok: { "200": { schema: "OrderWithOneC", description: "the order" } },
		errors: [404],
	},
	{
		method: "delete",
		path: "/orders/{id}",
		operationId: "deleteOrder",
		summary: "Delete an order through 1C: exported once more with ПометкаУдаления = true, removed once every node acknowledged it",
		tag: "orders",
		params: [id],
		ok: { "202": { schema: "OrderDeleted", description: "marked deleted" } },
		errors: [404],
	},
	{
		method: "post",
		path: "/orders/{id}/resolve",
		operationId: "resolveConflict",
		summary: 'Settle a held content conflict: { "take": "store" }, { "take": "1c" } or { "order": { … } }',
		tag: "orders",
		params: [id],
		body: "ResolveBody",
		ok: { "200": { schema: "Resolved", description: "the order after the resolution" } },
		errors: [400, 404, 409, 422],
	},
	{
		method: "get",
		path: "/conflicts",
		operationId: "listConflicts",
		summary: "Orders holding a content conflict (node setting conflicts: hold), with base/store/1C versions",
		tag: "orders",
		params: [{ name: "node", in: "query", description: "only this node's conflicts", schema: { type: "string" } }],
		ok: { "200": { schema: "ConflictList", description: "held orders" } },
		errors: [],
	},
	{
		method: "get",
		path: "/orders",
		operationId: "listOrders",
		summary: "Orders by id, a page at a time",
		tag: "orders",
		params: [limit(500), cursor("nextCursor of the previous page")],
		ok: { "200": { schema: "OrderPage", description: "a page of orders" } },
		errors: [400],
	},
	{
		method: "get",
		path: "/changes",
		operationId: "listChanges",
		summary: "Changes feed (site upserts, 1C imports, resolutions), oldest first",
		tag: "orders",
		params: [
			limit(1000),
			cursor("events after this one (nextCursor of the previous page; 0 = from the start)"),
			{ name: "after", in: "query", description: "old name of cursor", deprecated: true, schema: { type: "integer", minimum: 0 } },
		],
		ok: { "200": { schema: "ChangePage", description: "change events" } },
		errors: [400],
	},
	{
		method: "get",
		path: "/nodes",
		operationId: "listNodes",
		summary: "1C nodes with their exchange state",
		tag: "nodes",
		ok: { "200": { schema: "NodeList", description: "every node" } },
		errors: [],
	},
	{
		method: "post",
		path: "/nodes",
		operationId: "createNode",
		summary: "Create a node (login: no colon or whitespace; a password is generated and returned once when absent)",
		tag: "nodes",
		body: "NodeCreate",
		ok: { "201": { schema: "Node", description: "created" } },
		errors: [400, 409],
	},
	{
		method: "get",
		path: "/nodes/{id}",
		operationId: "getNode",
		summary: "A node (never the password)",
		tag: "nodes",
		params: [id],
		ok: { "200": { schema: "Node", description: "the node" } },
		errors: [404],
	},
	{
		method: "patch",
		path: "/nodes/{id}",
		operationId: "updateNode",
		summary: "Update a node; settings are merged (statusMap per direction)",
		tag: "nodes",
		params: [id],
		body: "NodePatch",
		ok: { "200": { schema: "Node", description: "the node" } },
		errors: [400, 404, 409],
	},
	{
		method: "delete",
		path: "/nodes/{id}",
		operationId: "deleteNode",
		summary: "Delete a node with its sessions, journal and export state (never store orders)",
		tag: "nodes",
		params: [id],
		ok: { "204": { description: "deleted" } },
		errors: [404],
	},
	{
		method: "get",
		path: "/nodes/{id}/preview",
		operationId: "previewExport",
		summary: "What the next query would send (XML in the node's encoding, or ?format=json); no side effects",
		tag: "exchange",
		params: [id, { name: "format", in: "query", schema: { enum: ["xml", "json"] } }],
		ok: {
			"200": {
				description: "CommerceML XML in the node's encoding, or the JSON summary",
				content: {
					"application/xml": { schema: { type: "string" } },
					"application/json": { schema: { $ref: "#/components/schemas/PreviewSummary" } },
				},
			},
		},
		errors: [404],
	},
	{
		method: "get",
		path: "/nodes/{id}/journal",
		operationId: "listJournal",
		summary: "Exchange requests of the node, newest first (or the whole journal as a CSV or NDJSON file)",
		tag: "exchange",
		params: [
			id,
			limit(500),
			cursor("older rows than this one (nextCursor of the previous page)"),
			{ name: "before", in: "query", description: "old name of cursor", deprecated: true, schema: { type: "integer", minimum: 0 } },
			{ name: "errors", in: "query", description: "only failed requests", schema: { enum: ["1", "true"] } },
			{ name: "format", in: "query", schema: { enum: ["json", "csv", "ndjson"] } },
		],
		ok: {
			"200": {
				description: "a page of the journal; with format=csv (UTF-8 with BOM) or ndjson the whole journal as a file",
				content: {
					"application/json": { schema: { $ref: "#/components/schemas/JournalPage" } },
					"text/csv": { schema: { type: "string" } },
					"application/x-ndjson": { schema: { type: "string" } },
				},
			},
		},
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/nodes/{id}/resend",
		operationId: "resendOrders",
		summary: "Send these orders to the node again in its next query, even if unchanged (1C matches orders by number)",
		tag: "exchange",
		params: [id],
		body: "ResendBody",
		ok: { "200": { schema: "ResendResult", description: "queued and unknown order ids" } },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/nodes/{id}/rewind",
		operationId: "rewindExport",
		summary: "Send every order from a number, from a date, or all orders to the node again",
		tag: "exchange",
		params: [id],
		body: "RewindBody",
		ok: { "200": { schema: "RewindResult", description: "how many orders were queued" } },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/nodes/{id}/check",
		operationId: "checkNode",
		summary: "Side-effect-free emulated 1C exchange against the node's exchange URL (or url): challenge, checkauth, init, query",
		tag: "exchange",
		params: [id],
		body: "CheckBody",
		ok: { "200": { schema: "CheckResult", description: "each step" } },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/nodes/{id}/password",
		operationId: "newNodePassword",
		summary: "Generate a new 1C password for the node (returned once; the node's sessions end)",
		tag: "nodes",
		params: [id],
		ok: { "200": { schema: "Password", description: "the new password" } },
		errors: [404],
	},
	{
		method: "get",
		path: "/nodes/{id}/unmatched",
		operationId: "listUnmatched",
		summary: "1C documents of the node that matched no order (kept, with the reason); oldest first",
		tag: "exchange",
		params: [
			id,
			limit(500),
			cursor("documents after this one (nextCursor of the previous page)"),
			{ name: "after", in: "query", description: "old name of cursor", deprecated: true, schema: { type: "integer", minimum: 0 } },
		],
		ok: { "200": { schema: "UnmatchedPage", description: "kept documents" } },
		errors: [400, 404],
	},
	{
		method: "post",
		path: "/nodes/{id}/unmatched/{docId}/attach",
		operationId: "attachUnmatched",
		summary: "Attach a kept document to an order and apply it as an import would",
		tag: "exchange",
		params: [id, { name: "docId", in: "path", schema: { type: "integer" } }],
		body: "AttachBody",
		ok: { "200": { schema: "Attached", description: "attached" } },
		errors: [400, 404],
	},
	{
		method: "get",
		path: "/meta/statuses",
		operationId: "listStatusCounts",
		summary: "Store statuses for the pickers: the dictionary first, then codes seen on orders",
		tag: "statuses",
		ok: { "200": { schema: "StatusCounts", description: "statuses with order counts" } },
		errors: [],
	},
	{
		method: "get",
		path: "/statuses",
		operationId: "getStatusDictionary",
		summary: "The store's status dictionary",
		tag: "statuses",
		ok: { "200": { schema: "StatusDictionary", description: "the dictionary" } },
		errors: [],
	},
	{
		method: "put",
		path: "/statuses",
		operationId: "putStatusDictionary",
		summary: "Replace the status dictionary (codes unique, at most 500), so statuses can be mapped before any order has them",
		tag: "statuses",
		body: "StatusDictionaryInput",
		ok: { "200": { schema: "StatusDictionary", description: "the stored dictionary" } },
		errors: [400],
	},
];

/** Request bodies: the input form of the schemas. */
const INPUTS: Record<string, z.ZodType> = {
	OrderInput: OrderInputSchema,
	NodeSettingsInput: NodeSettingsSchema,
	NodeCreate: S.NodeCreateSchema.extend({ settings: NodeSettingsSchema.optional() }),
	NodePatch: S.NodePatchSchema.extend({ settings: NodeSettingsSchema.optional() }),
	ResendBody: S.ResendSchema,
	RewindBody: S.RewindSchema,
	CheckBody: S.CheckBodySchema,
	AttachBody: S.AttachSchema,
	StatusDictionaryInput: S.StatusDictionarySchema,
	ResolveBody: S.ResolveSchema,
};

/** Answers: the output form of the schemas. */
const OUTPUTS: Record<string, z.ZodType> = {
	Error: S.ErrorSchema,
	NodeSettings: NodeSettingsSchema,
	OneCState: S.OneCStateSchema,
	Warning: S.WarningSchema,
	NodeExport: S.NodeExportSchema,
	HeldConflict: S.HeldConflictSchema,
	Order: S.OrderViewSchema,
	OrderWithOneC: S.OrderWithOneCSchema,
	OrderPage: S.OrderPageSchema,
	OrderDeleted: S.OrderDeletedSchema,
	Resolved: S.ResolvedSchema,
	ConflictList: S.ConflictListSchema,
	ChangeEvent: S.ChangeEventSchema,
	ChangePage: S.ChangePageSchema,
	Node: S.NodeSchema,
	NodeList: S.NodeListSchema,
	JournalEntry: S.JournalEntrySchema,
	JournalPage: S.JournalPageSchema,
	PreviewOrder: S.PreviewOrderSchema,
	PreviewSummary: S.PreviewSummarySchema,
	UnmatchedDocument: S.UnmatchedSchema,
	UnmatchedPage: S.UnmatchedPageSchema,
	Attached: S.AttachedSchema,
	ResendResult: S.ResendResultSchema,
	RewindResult: S.RewindResultSchema,
	Password: S.PasswordSchema,
	CheckStep: S.CheckStepSchema,
	CheckResult: S.CheckResultSchema,
	StatusCounts: S.StatusCountsSchema,
	StatusDictionary: S.StatusDictionarySchema,
};

/** JSON Schemas of one registry of named zod schemas, referring to each other through `#/components/schemas/…`. */
function components(named: Record<string, z.ZodType>, io: "input" | "output"): Record<string, Record<string, unknown>> {
	const reg = z.registry<{ id: string }>();
	for (const [name, schema] of Object.entries(named)) reg.add(schema, { id: name });
	const { schemas } = z.toJSONSchema(reg, {
		io,
		uri: (name) => `#/components/schemas/${name}`,
		unrepresentable: "any",
		override: (ctx) => {
			// decimals (@obmen/core) are a transform of string | number into a normalised decimal string
			const def = ctx.zodSchema._zod.def as { type: string; out?: { _zod: { def: { type: string } } } };
			if (io === "output" && def.type === "pipe" && def.out?._zod.def.type === "transform") ctx.jsonSchema.type = "string";
		},
	});
	const out: Record<string, Record<string, unknown>> = {};
	for (const [name, schema] of Object.entries(schemas)) {
		const { $schema: _s, $id: _i, ...rest } = schema as Record<string, unknown>;
		out[name] = rest;
	}
	return out;
}

const ERRORS: Record<number, [string, string]> = {
	400: ["BadRequest", "invalid JSON, parameter or body (validation_failed names the path)"],
	401: ["Unauthorized", "missing or wrong bearer token"],
	404: ["NotFound", "no such resource"],
	409: ["Conflict", "conflicts with the current state"],
	413: ["PayloadTooLarge", "request body over the admin API's limit"],
	422: ["Unprocessable", "valid JSON that cannot be applied (e.g. a total 1C would recompute differently)"],
	429: ["TooManyRequests", "too many failed token checks from this address"],
};

let cached: Record<string, unknown> | null = null;

/** Builds the OpenAPI document (memoised: the schemas never change at run time). */
export function openApiDocument(): Record<string, unknown> {
	if (cached) return cached;
	const paths: Record<string, Record<string, unknown>> = {};
	for (const op of OPERATIONS) {
		const responses: Record<string, unknown> = {};
		for (const [status, a] of Object.entries(op.ok)) {
			responses[status] =
				"schema" in a
					? { description: a.description, content: { "application/json": { schema: { $ref: `#/components/schemas/${a.schema}` } } } }
					: a;
		}
		const statuses = new Set<number>(op.errors);
		if (!op.public) {
			statuses.add(401);
			statuses.add(429);
		}
		// a declared body over the limit is refused on every route, before the token check
		statuses.add(413);
		for (const s of [...statuses].sort()) responses[String(s)] = { $ref: `#/components/responses/${ERRORS[s]?.[0]}` };
		const parameters = (op.params ?? []).map((p) => ({
			...p,
			...(p.in === "path" ? { required: true } : {}),
			schema: p.schema ?? { type: "string" },
		}));
		paths[op.path] ??= {};
		(paths[op.path] as Record<string, unknown>)[op.method] = {
			operationId: op.operationId,
			summary: op.summary,
			tags: [op.tag],
			...(op.public ? { security: [] } : {}),
			...(parameters.length ? { parameters } : {}),
			...(op.body
				? { requestBody: { required: true, content: { "application/json": { schema: { $ref: `#/components/schemas/${op.body}` } } } } }
				: {}),
			responses,
		};
	}
	cached = {
		openapi: "3.1.0",
		info: {
			title: "Obmen admin API",
			version: "1.0.0",
			description:
				"Store orders and 1C exchange nodes (CommerceML 2, /exim_1c). Errors are { error: { code, message, path?, issues? } }; " +
				"validation messages follow Accept-Language (ru, en; default en). Pages: cursor in, nextCursor out.",
			license: { name: "MIT", identifier: "MIT" },
		},
		servers: [{ url: "/api/v1" }],
		security: [{ bearer: [] }],
		tags: [
			{ name: "orders", description: "Store orders, their 1C state and the changes feed" },
			{ name: "nodes", description: "1C nodes: credentials and settings" },
			{ name: "exchange", description: "What a node gets next, its journal, re-sending, unmatched 1C documents" },
			{ name: "statuses", description: "The store's statuses" },
			{ name: "meta", description: "This document and its reference page" },
		],
		paths,
		components: {
			securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
			schemas: { ...components(INPUTS, "input"), ...components(OUTPUTS, "output") },
			responses: Object.fromEntries(
				Object.values(ERRORS).map(([name, description]) => [
					name,
					{ description, content: { "application/json": { schema: { $ref: "#/components/schemas/Error" } } } },
				]),
			),
		},
	};
	return cached;
}
