/**
 * @module
 * The OpenAPI 3.1 document of the admin API (`GET /api/v1/openapi.json`).
 */
import { orderJsonSchema } from "@obmen/core";

const err = { $ref: "#/components/responses/Error" };
const idParam = { name: "id", in: "path", required: true, schema: { type: "string" } };
const ok = (description: string, schema: object = { type: "object" }) => ({
	description,
	content: { "application/json": { schema } },
});

/** Builds the OpenAPI document (order schema from @obmen/core). */
export function openApiDocument(): Record<string, unknown> {
	return {
		openapi: "3.1.0",
		info: { title: "Obmen admin API", version: "1.0.0", description: "Store orders and 1C exchange nodes (CommerceML 2, /exim_1c)." },
		servers: [{ url: "/api/v1" }],
		security: [{ bearer: [] }],
		components: {
			securitySchemes: { bearer: { type: "http", scheme: "bearer" } },
			schemas: {
				Order: orderJsonSchema(),
				Error: {
					type: "object",
					required: ["error"],
					properties: {
						error: {
							type: "object",
							required: ["code", "message"],
							properties: { code: { type: "string" }, message: { type: "string" }, path: { type: "string" } },
						},
					},
				},
			},
			responses: { Error: ok("error", { $ref: "#/components/schemas/Error" }) },
		},
		paths: {
			"/orders/{id}": {
				put: {
					summary: "Create or replace a store order (bumps the export revision if changed)",
					parameters: [idParam],
					requestBody: { required: true, content: { "application/json": { schema: { $ref: "#/components/schemas/Order" } } } },
					responses: { "200": ok("updated"), "201": ok("created"), "400": err, "401": err, "413": err, "422": err, "429": err },
				},
				get: {
					summary:
						"An order with its revision, 1C state and, per node, exports: [{ nodeId, number, date, assigned, policy, warnings }] (the Номер/date it is or would be exported with)",
					parameters: [idParam],
					responses: { "200": ok("order"), "404": err },
				},
				delete: {
					summary:
						"Delete an order through 1C: it is exported once more with ПометкаУдаления = true, then removed once every node acknowledged it",
					parameters: [idParam],
					responses: { "202": ok("{ id, deletedAt, revision, removed }"), "404": err },
				},
			},
			"/orders/{id}/resolve": {
				post: {
					summary:
						'Settle a held content conflict: { "take": "store" } (exported to 1C again), { "take": "1c" } (the store order takes 1C\'s content; nothing is sent back) or { "order": { … } }',
					parameters: [idParam],
					responses: { "200": ok("{ order, revision }"), "400": err, "404": err, "409": err, "422": err },
				},
			},
			"/conflicts": {
				get: {
					summary:
						"Orders holding a content conflict (node setting conflicts: hold), with base/store/1C versions: { items: [{ id, number, held }] }",
					parameters: [{ name: "node", in: "query", schema: { type: "string" } }],
					responses: { "200": ok("{ items }") },
				},
			},
			"/orders": {
				get: {
					summary: "Orders by id",
					parameters: [
						{ name: "limit", in: "query", schema: { type: "integer" } },
						{ name: "cursor", in: "query", schema: { type: "string" } },
					],
					responses: { "200": ok("{ items, nextCursor }") },
				},
			},
			"/changes": {
				get: {
					summary: "Changes feed (site upserts and 1C imports)",
					parameters: [{ name: "after", in: "query", schema: { type: "integer" } }],
					responses: { "200": ok("{ items: [{ cursor, orderId, nodeId, at, changes }], nextCursor }") },
				},
			},
			"/nodes": {
				get: { summary: "1C nodes", responses: { "200": ok("{ items }") } },
				post: {
					summary:
						"Create a node { name, login, password?, settings? } (login: no colon or whitespace; password 6–200 characters, generated and returned once as `password` when absent)",
					responses: { "201": ok("node"), "400": err, "409": err },
				},
			},
			"/nodes/{id}": {
				get: { summary: "A node (never the password)", parameters: [idParam], responses: { "200": ok("node"), "404": err } },
				patch: {
					summary: "Update a node; settings are merged",
					parameters: [idParam],
					responses: { "200": ok("node"), "400": err, "404": err },
				},
				delete: { summary: "Delete a node", parameters: [idParam], responses: { "204": { description: "deleted" }, "404": err } },
			},
			"/nodes/{id}/preview": {
				get: {
					summary: "What the next query would send (XML, or ?format=json); no side effects",
					parameters: [idParam, { name: "format", in: "query", schema: { enum: ["xml", "json"] } }],
					responses: {
						"200": {
							description:
								"XML in the node encoding, or JSON { orders: [{ …, deleted }], count (this batch), waiting (all waiting orders), bytes, encoding, schemaVersion }",
						},
						"404": err,
					},
				},
			},
			"/nodes/{id}/journal": {
				get: {
					summary: "Exchange requests of the node, newest first",
					parameters: [
						idParam,
						{ name: "limit", in: "query", schema: { type: "integer" } },
						{ name: "before", in: "query", schema: { type: "integer" } },
						{ name: "errors", in: "query", schema: { enum: ["1"] } },
						{ name: "format", in: "query", schema: { enum: ["json", "csv", "ndjson"] } },
					],
					responses: {
						"200": {
							description:
								"JSON { items: [{ …, replyText, code, params }], nextBefore }; with format=csv (UTF-8 with BOM) or ndjson the whole journal as a file",
						},
					},
				},
			},
			"/nodes/{id}/resend": {
				post: {
					summary: "Send these orders to the node again in its next query, even if unchanged (1C matches orders by number)",
					parameters: [idParam],
					requestBody: {
						required: true,
						content: {
							"application/json": {
								schema: {
									type: "object",
									required: ["orders"],
									additionalProperties: false,
									properties: { orders: { type: "array", items: { type: "string" }, minItems: 1, maxItems: 1000 } },
								},
							},
						},
					},
					responses: { "200": ok("{ queued: [order id], unknown: [order id] }"), "400": err, "404": err },
				},
			},
			"/nodes/{id}/rewind": {
				post: {
					summary: "Send every order from a number, from a date, or all orders to the node again",
					parameters: [idParam],
					requestBody: {
						required: true,
						content: {
							"application/json": {
								schema: {
									oneOf: [
										{
											type: "object",
											required: ["fromNumber"],
											properties: { fromNumber: { type: "string" } },
											additionalProperties: false,
										},
										{ type: "object", required: ["fromDate"], properties: { fromDate: { type: "string" } }, additionalProperties: false },
										{ type: "object", required: ["all"], properties: { all: { const: true } }, additionalProperties: false },
									],
								},
							},
						},
					},
					responses: { "200": ok("{ queued: number }"), "400": err, "404": err },
				},
			},
			"/nodes/{id}/check": {
				post: {
					summary:
						"Side-effect-free emulated 1C exchange against the node's public exchange URL (or `url`): challenge, checkauth, init, query preview",
					parameters: [idParam],
					requestBody: {
						required: true,
						content: {
							"application/json": {
								schema: {
									type: "object",
									required: ["password"],
									properties: { password: { type: "string" }, url: { type: "string", format: "uri" } },
								},
							},
						},
					},
					responses: { "200": ok("{ url, ok, steps: [{ step, ok, status, code, detail }] }"), "400": err, "404": err },
				},
			},
			"/nodes/{id}/password": {
				post: {
					summary: "Generate a new 1C password for the node (returned once; the node's sessions end)",
					parameters: [idParam],
					responses: { "200": ok("{ password }"), "404": err },
				},
			},
			"/meta/statuses": {
				get: {
					summary: "Store statuses for the pickers: the dictionary first, then codes seen on orders",
					responses: { "200": ok("{ items: [{ code, count, name }] }") },
				},
			},
			"/statuses": {
				get: { summary: "The store's status dictionary", responses: { "200": ok("{ items: [{ code, name }] }") } },
				put: {
					summary: "Replace the status dictionary (codes unique, at most 500), so statuses can be mapped before any order has them",
					requestBody: {
						required: true,
						content: {
							"application/json": {
								schema: {
									type: "object",
									required: ["items"],
									properties: {
										items: {
											type: "array",
											maxItems: 500,
											items: { type: "object", required: ["code"], properties: { code: { type: "string" }, name: { type: "string" } } },
										},
									},
								},
							},
						},
					},
					responses: { "200": ok("{ items }"), "400": err },
				},
			},
			"/nodes/{id}/unmatched": {
				get: {
					summary: "1C documents of the node that matched no order (kept, with the reason); oldest first",
					parameters: [
						idParam,
						{ name: "limit", in: "query", schema: { type: "integer" } },
						{ name: "after", in: "query", schema: { type: "integer" } },
					],
					responses: {
						"200": ok("{ items: [{ id, kind, oneCId, number, date, basis, reason, firstSeen, lastSeen, document }], nextAfter }"),
						"404": err,
					},
				},
			},
			"/nodes/{id}/unmatched/{docId}/attach": {
				post: {
					summary: "Attach a kept document to an order { orderId } and apply it as an import would",
					parameters: [idParam, { name: "docId", in: "path", required: true, schema: { type: "integer" } }],
					requestBody: {
						required: true,
						content: {
							"application/json": {
								schema: { type: "object", required: ["orderId"], properties: { orderId: { type: "string" } } },
							},
						},
					},
					responses: { "200": ok("{ attached, orderId, oneC }"), "400": err, "404": err },
				},
			},
		},
	};
}
