/**
 * @module
 * Admin API: 1C nodes (credentials + settings). Passwords are stored as PBKDF2 hashes and never returned.
 */
import type { NodeActivity, NodeRecord } from "@obmen/db";
import type { Context, Hono } from "hono";
import { z } from "zod";
import { hashPassword, randomToken } from "../crypto.ts";
import { CLIENT_ENDPOINTS } from "../exim/client.ts";
import type { ResolvedOptions } from "../options.ts";
import { mergeSettings, NodeSettingsSchema, readSettings } from "../settings.ts";
import { generatePassword, nodeStateView } from "./console.ts";
import { ApiError, jsonBody, validationError } from "./errors.ts";

const login = z
	.string()
	.min(1)
	.max(100)
	.regex(/^[^:\s]+$/, "no colon or whitespace (HTTP Basic)");
const CreateSchema = z.object({
	name: z.string().min(1).max(100),
	login,
	/** Absent: a password is generated and returned once in the reply. */
	password: z.string().min(6).max(200).optional(),
	settings: z.record(z.string(), z.unknown()).default({}),
});
const PatchSchema = z.object({
	name: z.string().min(1).max(100).optional(),
	login: login.optional(),
	password: z.string().min(6).max(200).optional(),
	settings: z.record(z.string(), z.unknown()).optional(),
});

function issues(e: z.ZodError): { path: string; message: string }[] {
	return e.issues.map((i) => ({ path: i.path.map(String).join("."), message: i.message }));
}

/** @internal The public view of a node (never the password hash), with its exchange state when `activity` is given. */
export function nodeView(
	n: NodeRecord,
	c: Context,
	o: Pick<ResolvedOptions, "baseUrl">,
	activity?: { of: Map<string, NodeActivity>; now: Date },
): Record<string, unknown> {
	return {
		id: n.id,
		name: n.name,
		login: n.login,
		settings: readSettings(n.settings),
		exchangeUrl: `${o.baseUrl(c)}${CLIENT_ENDPOINTS[readSettings(n.settings).client]}`,
		createdAt: n.createdAt,
		updatedAt: n.updatedAt,
		...(activity ? nodeStateView(activity.of.get(n.id), readSettings(n.settings), activity.now) : {}),
	};
}

function parseSettings(raw: Record<string, unknown>) {
	const r = NodeSettingsSchema.safeParse(raw);
	if (!r.success) throw validationError(issues(r.error), "settings");
	return r.data;
}

/** @internal */
export async function requireNode(o: ResolvedOptions, id: string): Promise<NodeRecord> {
	const n = await o.store.getNode(id);
	if (!n) throw new ApiError(404, "not_found", "node not found");
	return n;
}

async function assertUnique(o: ResolvedOptions, name: string | undefined, login: string | undefined, self: string | null) {
	if (name !== undefined) {
		const other = await o.store.getNodeByName(name);
		if (other && other.id !== self) throw new ApiError(409, "conflict", "a node with this name exists", "name");
	}
	if (login !== undefined) {
		const other = await o.store.getNodeByLogin(login);
		if (other && other.id !== self) throw new ApiError(409, "conflict", "a node with this login exists", "login");
	}
}

/** @internal */
export function registerNodes(api: Hono, o: ResolvedOptions): void {
	api.post("/nodes", async (c) => {
		const r = CreateSchema.safeParse(await jsonBody(c, o.limits.maxApiBodyBytes));
		if (!r.success) throw validationError(issues(r.error));
		const settings = parseSettings(r.data.settings);
		await assertUnique(o, r.data.name, r.data.login, null);
		const now = o.clock.now().toISOString();
		const generated = r.data.password === undefined ? generatePassword() : null;
		const node: NodeRecord = {
			id: randomToken(8),
			name: r.data.name,
			login: r.data.login,
			passwordHash: await hashPassword(r.data.password ?? generated ?? "", o.passwordIterations),
			settings,
			createdAt: now,
			updatedAt: now,
		};
		await o.store.createNode(node);
		// a generated password is shown this once (only its hash is stored)
		return c.json({ ...nodeView(node, c, o), ...(generated ? { password: generated } : {}) }, 201);
	});
	const activity = async () => {
		await o.store.idle();
		return { of: await o.store.nodeActivity(), now: o.clock.now() };
	};
	api.get("/nodes", async (c) => {
		const a = await activity();
		return c.json({ items: (await o.store.listNodes()).map((n) => nodeView(n, c, o, a)) });
	});
	api.get("/nodes/:id", async (c) => c.json(nodeView(await requireNode(o, c.req.param("id")), c, o, await activity())));
	api.patch("/nodes/:id", async (c) => {
		const node = await requireNode(o, c.req.param("id"));
		const r = PatchSchema.safeParse(await jsonBody(c, o.limits.maxApiBodyBytes));
		if (!r.success) throw validationError(issues(r.error));
		await assertUnique(o, r.data.name, r.data.login, node.id);
		const next: NodeRecord = {
			...node,
			name: r.data.name ?? node.name,
			login: r.data.login ?? node.login,
			passwordHash: r.data.password ? await hashPassword(r.data.password, o.passwordIterations) : node.passwordHash,
			settings: r.data.settings ? parseSettings(mergeSettings(readSettings(node.settings), r.data.settings)) : node.settings,
			updatedAt: o.clock.now().toISOString(),
		};
		await o.store.updateNode(next);
		return c.json(nodeView(next, c, o));
	});
	api.delete("/nodes/:id", async (c) => {
		if (!(await o.store.deleteNode(c.req.param("id")))) throw new ApiError(404, "not_found", "node not found");
		return c.body(null, 204);
	});
}
