/**
 * @module
 * The admin API's contract as zod schemas: the request bodies the routes validate and the shapes they answer. The
 * OpenAPI document (openapi.ts) is generated from these schemas and the widget's API types are inferred from them,
 * so the server, the document and the widget cannot drift apart.
 */
import { OrderInputSchema } from "@obmen/core";
import { z } from "zod";
import { NodeSettingsSchema } from "../settings.ts";

/** One problem of a refused request body: zod's issue `code`, the dotted `path` and a message in the request's language. */
export const ValidationIssueSchema = z.object({ code: z.string(), path: z.string(), message: z.string() });

/** The error envelope of every admin API failure (`code` is stable, `message` is for people, `path` names the field). */
export const ErrorSchema = z.object({
	error: z.object({
		code: z.string(),
		message: z.string(),
		path: z.string().optional(),
		/** Every problem of a refused body (`validation_failed`), the first one is also in `path`/`message`. */
		issues: z.array(ValidationIssueSchema).optional(),
	}),
});

// ---------------------------------------------------------------- requests

const login = z
	.string()
	.min(1)
	.max(100)
	.regex(/^[^:\s]+$/, "no colon or whitespace (HTTP Basic)");

/** Body of `POST /nodes`: a 1C node; no password = one is generated and returned once. */
export const NodeCreateSchema = z.object({
	name: z.string().min(1).max(100),
	login,
	/** Absent: a password is generated and returned once in the reply. */
	password: z.string().min(6).max(200).optional(),
	settings: z.record(z.string(), z.unknown()).default({}),
});

/** Body of `PATCH /nodes/{id}`: every key optional; `settings` are merged into the node's (`statusMap` per direction). */
export const NodePatchSchema = z.object({
	name: z.string().min(1).max(100).optional(),
	login: login.optional(),
	password: z.string().min(6).max(200).optional(),
	settings: z.record(z.string(), z.unknown()).optional(),
});

/** Body of `POST /nodes/{id}/resend`: store order ids to send to the node again. */
export const ResendSchema = z.object({ orders: z.array(z.string().min(1).max(200)).min(1).max(1000) }).strict();

const isoDate = z.string().regex(/^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/, "an ISO 8601 date");

/** Body of `POST /nodes/{id}/rewind`: every order from a number, from a date, or all orders again. */
export const RewindSchema = z.union([
	z.object({ fromNumber: z.string().trim().min(1).max(100) }).strict(),
	z.object({ fromDate: isoDate }).strict(),
	z.object({ all: z.literal(true) }).strict(),
]);

/** Body of `POST /nodes/{id}/check`: the node's 1C password (only its hash is stored) and another URL to check. */
export const CheckBodySchema = z.object({ password: z.string().min(1).max(200), url: z.url({ protocol: /^https?$/ }).optional() }).strict();

/** Body of `POST /nodes/{id}/unmatched/{docId}/attach`. */
export const AttachSchema = z.object({ orderId: z.string().min(1).max(200) });

/** A store status of the dictionary: its code (what orders carry in `status`) and the name the shop shows. */
export const StoreStatusSchema = z
	.object({ code: z.string().trim().min(1).max(100), name: z.string().trim().max(200).default("") })
	.strict();

/** Body and answer of `PUT /statuses`: the store's status dictionary (codes unique). */
export const StatusDictionarySchema = z
	.object({
		items: z
			.array(StoreStatusSchema)
			.max(500)
			.refine((items) => new Set(items.map((i) => i.code)).size === items.length, "status codes must be unique"),
	})
	.strict();

/** Body of `POST /orders/{id}/resolve`: which side of a held conflict wins, or a full store order. */
export const ResolveSchema = z.union([z.object({ take: z.enum(["store", "1c"]) }), z.object({ order: z.record(z.string(), z.unknown()) })]);

// ---------------------------------------------------------------- answers

/** What 1C reported about an order (imported `Документ`s merged; null = never sent). */
export const OneCStateSchema = z.object({
	id: z.string().nullable(),
	number: z.string().nullable(),
	date: z.string().nullable(),
	posted: z.boolean().nullable(),
	paid: z.boolean().nullable(),
	paidAt: z.string().nullable(),
	paymentNumber: z.string().nullable(),
	shipped: z.boolean().nullable(),
	shippedAt: z.string().nullable(),
	shipmentNumber: z.string().nullable(),
	cancelled: z.boolean().nullable(),
	deleted: z.boolean().nullable(),
	final: z.boolean().nullable(),
	status: z.string().nullable(),
	statusId: z.string().nullable(),
	/** 1C's content of the order (lines, delivery, total, buyer, comment) from its last upload. */
	content: z.record(z.string(), z.unknown()).nullable().optional(),
	lastImportAt: z.string().nullable(),
});

/** A coded warning with its English message and parameters (order warnings of @obmen/core, number warnings). */
export const WarningSchema = z.object({
	code: z.string(),
	message: z.string(),
	params: z.record(z.string(), z.union([z.string(), z.number()])).optional(),
});

/** The `Номер`/date an order is (or would be) exported with to one node. */
export const NodeExportSchema = z.object({
	nodeId: z.string(),
	number: z.string(),
	date: z.string(),
	assigned: z.boolean(),
	policy: z.enum(["ut", "retail", "unf", "bp", "legacy"]),
	warnings: z.array(WarningSchema),
});

/** One order line (`Товар`) as compared: amounts are exact decimal strings (null = not sent). */
export const ContentLineSchema = z.object({
	/** `Ид` (product GUID, `#` characteristic), else `sku:<Артикул>`, else `name:<Наименование>`. */
	key: z.string(),
	sku: z.string().nullable(),
	name: z.string().nullable(),
	quantity: z.string().nullable(),
	price: z.string().nullable(),
	/** `Сумма` of the line (after its discounts). */
	total: z.string().nullable(),
	kind: z.enum(["goods", "service"]).nullable(),
});

/** The content of an order as one side sees it (lines without the delivery line, `ORDER_DELIVERY` price, `Сумма`…). */
export const OrderContentSchema = z.object({
	lines: z.array(ContentLineSchema),
	delivery: z.string().nullable(),
	total: z.string().nullable(),
	currency: z.string().nullable(),
	buyer: z.object({ name: z.string().nullable(), inn: z.string().nullable(), kpp: z.string().nullable() }).nullable(),
	comment: z.string().nullable(),
});

/** A held content conflict: the node, the parts both sides changed and the base, store and 1C versions. */
export const HeldConflictSchema = z.looseObject({
	nodeId: z.string(),
	/** The parts both sides changed differently: `lines.<key>`, `lines.<key>.<field>`, `delivery`, `comment`… */
	parts: z.array(z.string()),
	base: OrderContentSchema,
	store: OrderContentSchema,
	oneC: OrderContentSchema,
});

/** A stored order as the API lists it: the store order with its export revision, 1C state, held conflict, deletion. */
export const OrderViewSchema = OrderInputSchema.safeExtend({
	total: z.string(),
	revision: z.number().int(),
	oneC: OneCStateSchema.nullable(),
	held: HeldConflictSchema.nullable(),
	deletedAt: z.string().nullable(),
});

/** `GET /orders/{id}` and `PUT /orders/{id}`: the order with, per node, the `Номер`/date it is or would be exported with. */
export const OrderWithOneCSchema = OrderViewSchema.safeExtend({ exports: z.array(NodeExportSchema) });

/** `GET /orders`: a page of orders by id. */
export const OrderPageSchema = z.object({ items: z.array(OrderViewSchema), nextCursor: z.string().nullable() });

/** `DELETE /orders/{id}`: marked deleted; `removed` once no node has to get the deletion mark. */
export const OrderDeletedSchema = z.object({ id: z.string(), deletedAt: z.string(), revision: z.number().int(), removed: z.boolean() });

/** `POST /orders/{id}/resolve`: the order after settling its conflict. */
export const ResolvedSchema = z.object({ order: z.record(z.string(), z.unknown()), revision: z.number().int() });

/** `GET /conflicts`: orders holding a content conflict. */
export const ConflictListSchema = z.object({
	items: z.array(z.object({ id: z.string(), number: z.string(), held: HeldConflictSchema.nullable() })),
});

/** One event of the changes feed: a site upsert, a 1C import, a resolution… (`changes.source`, `.type`, `.fields`). */
export const ChangeEventSchema = z.object({
	cursor: z.number().int(),
	orderId: z.string(),
	nodeId: z.string().nullable(),
	at: z.string(),
	changes: z.looseObject({
		source: z.string().optional(),
		type: z.string().optional(),
		fields: z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() })).optional(),
	}),
});

/** `GET /changes`: events after `cursor`; `nextCursor` is the last one's (or the given cursor when none). */
export const ChangePageSchema = z.object({ items: z.array(ChangeEventSchema), nextCursor: z.number().int() });

/** The state badge of a node and its last exchanges. */
const NodeStateFields = {
	/** `never` exchanged, latest request `failed`, no success for `staleAfterHours`, else `ok`. */
	state: z.enum(["ok", "failed", "never", "stale"]).optional(),
	lastExchange: z.object({ at: z.string(), ok: z.boolean(), error: z.string().nullable() }).nullable().optional(),
	lastSuccessAt: z.string().nullable().optional(),
};

/** A 1C node as the API shows it (never its password hash). */
export const NodeSchema = z.object({
	id: z.string(),
	name: z.string(),
	login: z.string(),
	settings: NodeSettingsSchema,
	/** The URL to paste into the 1C node's "Адрес сайта" field. */
	exchangeUrl: z.string(),
	createdAt: z.string(),
	updatedAt: z.string(),
	...NodeStateFields,
	/** Only in the reply of `POST /nodes` without a password: the generated password, shown once. */
	password: z.string().optional(),
});

/** `GET /nodes`. */
export const NodeListSchema = z.object({ items: z.array(NodeSchema) });

/** One `/exim_1c` request of a node as journalled, with its error `code` and the code's `params`. */
export const JournalEntrySchema = z.object({
	id: z.number().int(),
	at: z.string(),
	session: z.string().nullable(),
	type: z.string().nullable(),
	mode: z.string().nullable(),
	filename: z.string().nullable(),
	bytesIn: z.number(),
	bytesOut: z.number(),
	reply: z.string(),
	durationMs: z.number(),
	ordersSent: z.number(),
	ordersAcknowledged: z.number(),
	ordersImported: z.number(),
	error: z.string().nullable(),
	note: z.string().nullable().optional(),
	replyText: z.string().nullable().optional(),
	ip: z.string().nullable(),
	userAgent: z.string().nullable().optional(),
	detail: z
		.object({
			orders: z.array(z.string()).optional(),
			ids: z.array(z.string()).optional(),
			changes: z.tuple([z.number(), z.number()]).optional(),
		})
		.nullable()
		.optional(),
	count: z.number().int(),
	code: z.string().nullable(),
	params: z.record(z.string(), z.unknown()).nullable(),
});

/** `GET /nodes/{id}/journal`: newest first; `nextCursor` (also `nextBefore`, deprecated) pages to older rows. */
export const JournalPageSchema = z.object({
	items: z.array(JournalEntrySchema),
	nextCursor: z.string().nullable(),
	/** @deprecated Same as `nextCursor` (a number); removed in the next release. */
	nextBefore: z.number().int().nullable(),
});

/** One order of the export preview. */
export const PreviewOrderSchema = z.object({
	id: z.string(),
	number: z.string(),
	exported: z.object({ number: z.string(), date: z.string() }).nullable(),
	date: z.string(),
	buyer: z.string(),
	total: z.string(),
	currency: z.string(),
	status: z.string(),
	status1C: z.string().nullable(),
	revision: z.number().int(),
	deleted: z.boolean(),
	lines: z.number().int(),
	warnings: z.array(WarningSchema),
});

/** `GET /nodes/{id}/preview?format=json`: what the next `query` would send. */
export const PreviewSummarySchema = z.object({
	orders: z.array(PreviewOrderSchema),
	count: z.number().int(),
	waiting: z.number().int(),
	bytes: z.number().int(),
	encoding: z.string(),
	schemaVersion: z.string(),
});

/** A 1C document that matched no order, kept with the reason. */
export const UnmatchedSchema = z.object({
	id: z.number().int(),
	kind: z.string(),
	oneCId: z.string().nullable(),
	number: z.string().nullable(),
	date: z.string().nullable(),
	basis: z.string().nullable(),
	reason: z.string(),
	firstSeen: z.string(),
	lastSeen: z.string(),
	document: z.unknown(),
});

/** `GET /nodes/{id}/unmatched`: oldest first; `nextCursor` (also `nextAfter`, deprecated). */
export const UnmatchedPageSchema = z.object({
	items: z.array(UnmatchedSchema),
	nextCursor: z.string().nullable(),
	/** @deprecated Same as `nextCursor` (a number); removed in the next release. */
	nextAfter: z.number().int().nullable(),
});

/** `POST /nodes/{id}/unmatched/{docId}/attach`. */
export const AttachedSchema = z.object({ attached: z.number().int(), orderId: z.string(), oneC: OneCStateSchema.nullable() });

/** `POST /nodes/{id}/resend`. */
export const ResendResultSchema = z.object({ queued: z.array(z.string()), unknown: z.array(z.string()) });

/** `POST /nodes/{id}/rewind`. */
export const RewindResultSchema = z.object({ queued: z.number().int() });

/** `POST /nodes/{id}/password`: the new password, shown once. */
export const PasswordSchema = z.object({ password: z.string() });

/** One step of the emulated exchange of `POST /nodes/{id}/check`. */
export const CheckStepSchema = z.object({
	step: z.enum(["reach", "checkauth", "init", "query"]),
	ok: z.boolean(),
	status: z.number().int().nullable(),
	/** Why it failed: `network`, `http_<status>`, `no_challenge`, `auth_failed`, `no_cookie`, `bad_reply`, `not_xml`. */
	code: z.string().nullable(),
	detail: z.string(),
});

/** `POST /nodes/{id}/check`. */
export const CheckResultSchema = z.object({ url: z.string(), ok: z.boolean(), steps: z.array(CheckStepSchema) });

/** `GET /meta/statuses`: dictionary statuses first, then codes seen on orders, with their order counts. */
export const StatusCountsSchema = z.object({
	items: z.array(z.object({ code: z.string(), count: z.number().int(), name: z.string().nullable() })),
});

/** The admin API's error envelope. */
export type ApiErrorBody = z.output<typeof ErrorSchema>;
/** A 1C node as the API shows it. */
export type ApiNode = z.output<typeof NodeSchema>;
/** Body of `POST /nodes` (settings: any subset of the node settings). */
export type ApiNodeCreate = Omit<z.input<typeof NodeCreateSchema>, "settings"> & { settings?: z.input<typeof NodeSettingsSchema> };
/** Body of `PATCH /nodes/{id}`. */
export type ApiNodePatch = Omit<z.input<typeof NodePatchSchema>, "settings"> & { settings?: z.input<typeof NodeSettingsSchema> };
/** Body of `POST /nodes/{id}/rewind`. */
export type ApiRewind = z.input<typeof RewindSchema>;
/** One row of the exchange journal. */
export type ApiJournalEntry = z.output<typeof JournalEntrySchema>;
/** A page of the exchange journal. */
export type ApiJournalPage = z.output<typeof JournalPageSchema>;
/** One event of the changes feed. */
export type ApiChangeEvent = z.output<typeof ChangeEventSchema>;
/** The export preview summary. */
export type ApiPreviewSummary = z.output<typeof PreviewSummarySchema>;
/** The result of a check. */
export type ApiCheckResult = z.output<typeof CheckResultSchema>;
/** A store status with its order count and dictionary name. */
export type ApiStatusCount = z.output<typeof StatusCountsSchema>["items"][number];
/** An order with its revision, 1C state and per-node exports. */
export type ApiOrderWithOneC = z.output<typeof OrderWithOneCSchema>;
/** An order holding a content conflict, as `GET /conflicts` lists it. */
export type ApiConflict = z.output<typeof ConflictListSchema>["items"][number];
/** An order's content as one side sees it (base, store or 1C) in a held conflict. */
export type ApiOrderContent = z.output<typeof OrderContentSchema>;
