/**
 * @module
 * Checks real admin API answers against the OpenAPI document (api/openapi.ts): the operation is documented, the
 * status is one of its answers, the media type is documented, and a JSON body validates against the answer's schema
 * (ajv, JSON Schema 2020-12 as OpenAPI 3.1 uses it).
 */

import { createHarness, type Harness } from "@obmen/testing/harness";
import { Ajv2020 } from "ajv/dist/2020.js";
import { openApiDocument } from "../api/openapi.ts";

type Json = Record<string, unknown>;

const doc = openApiDocument() as Json & { paths: Record<string, Record<string, Json>>; components: Json };
const ajv = new Ajv2020({ strict: false, allErrors: true, validateFormats: false });
ajv.addSchema({ ...doc, $id: "openapi.json" });

const templates = Object.keys(doc.paths).map((t) => ({
	template: t,
	re: new RegExp(`^${t.replace(/[.]/g, "\\.").replace(/\{[^}]+\}/g, "[^/]+")}$`),
	// literal segments win over parameters (/meta/statuses before /nodes/{id})
	literal: t.split("/").filter((s) => s && !s.startsWith("{")).length,
}));

/** The documented operation of a request (`path` relative to `/api/v1`, query allowed). */
export function operationOf(method: string, path: string): { template: string; op: Json } | null {
	const bare = path.split("?")[0] ?? path;
	const found = templates.filter((t) => t.re.test(bare)).sort((a, b) => b.literal - a.literal);
	for (const t of found) {
		const op = doc.paths[t.template]?.[method.toLowerCase()];
		if (op) return { template: t.template, op };
	}
	return null;
}

/** Operation ids and statuses seen by {@link checkAnswer}, e.g. `getOrder 200`. */
export const seen = new Set<string>();

/** Throws unless `res` (not consumed: a clone is read) is what the document says `method path` answers. */
export async function checkAnswer(method: string, path: string, res: Response): Promise<void> {
	const found = operationOf(method, path);
	if (!found) throw new Error(`${method} ${path}: not in the OpenAPI document`);
	const responses = found.op.responses as Record<string, Json>;
	let spec = responses[String(res.status)];
	if (!spec) throw new Error(`${method} ${path}: status ${res.status} is not documented (${Object.keys(responses).join(", ")})`);
	if (typeof spec.$ref === "string") spec = (doc.components.responses as Record<string, Json>)[spec.$ref.split("/").pop() ?? ""] ?? {};
	seen.add(`${found.op.operationId} ${res.status}`);
	const content = spec.content as Record<string, { schema: Json }> | undefined;
	if (!content) {
		if (res.body && (await res.clone().text()) !== "")
			throw new Error(`${method} ${path}: ${res.status} has a body the document does not describe`);
		return;
	}
	const type = (res.headers.get("content-type") ?? "").split(";")[0]?.trim() ?? "";
	const media = content[type] ?? (type.endsWith("+xml") || type === "text/xml" ? content["application/xml"] : undefined);
	if (!media) throw new Error(`${method} ${path}: ${res.status} answered ${type}, documented ${Object.keys(content).join(", ")}`);
	if (type !== "application/json") return;
	const body = (await res.clone().json()) as unknown;
	const schema = media.schema;
	const validate =
		typeof schema.$ref === "string"
			? ajv.getSchema(`openapi.json${schema.$ref}`)
			: ajv.compile({ $id: `inline-${Math.random()}`, ...schema });
	if (!validate) throw new Error(`${method} ${path}: schema ${String(schema.$ref)} not found`);
	if (!validate(body)) {
		throw new Error(
			`${method} ${path} ${res.status} does not match ${String(schema.$ref ?? "its schema")}: ${ajv.errorsText(validate.errors, { separator: "\n" })}\n${JSON.stringify(body).slice(0, 2000)}`,
		);
	}
}

/**
 * {@link createHarness} whose `api` (and so `putOrder`) checks every answer of a documented route against the document;
 * requests to routes the document does not have (tests of the 404 envelope) pass unchecked.
 */
export async function createCheckedHarness(...args: Parameters<typeof createHarness>): Promise<Harness> {
	const h = await createHarness(...args);
	const api = h.api.bind(h);
	h.api = async (method, path, body) => {
		const res = await api(method, path, body);
		if (operationOf(method, path)) await checkAnswer(method, path, res);
		return res;
	};
	return h;
}
