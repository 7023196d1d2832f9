/**
 * @module
 * Admin API: 1C nodes (credentials + settings). Passwords are stored as PBKDF2 hashes and never returned.
 */
import type { NodeActivity, NodeRecord } from "@obmen/db";
import type { Context, Hono } from "hono";
import { hashPassword, randomToken } from "../crypto.ts";
import { CLIENT_ENDPOINTS } from "../exim/client.ts";
import type { ResolvedOptions } from "../options.ts";
import { mergeSettings, NodeSettingsSchema, readSettings } from "../settings.ts";
import { generatePassword, nodeStateView } from "./console.ts";
import { ApiError, jsonBody, parseWith } from "./errors.ts";
import { NodeCreateSchema as CreateSchema, NodePatchSchema as PatchSchema } from "./schemas.ts";

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

function parseSettings(c: Context, raw: Record<string, unknown>) {
	return parseWith(c, NodeSettingsSchema, raw, "settings");
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
		const body = parseWith(c, CreateSchema, await jsonBody(c, o.limits.maxApiBodyBytes));
		const settings = parseSettings(c, body.settings);
		await assertUnique(o, body.name, body.login, null);
		const now = o.clock.now().toISOString();
		const generated = body.password === undefined ? generatePassword() : null;
		const node: NodeRecord = {
			id: randomToken(8),
			name: body.name,
			login: body.login,
			passwordHash: await hashPassword(body.password ?? generated ?? "", o.passwordIterations),
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
		const body = parseWith(c, PatchSchema, await jsonBody(c, o.limits.maxApiBodyBytes));
		await assertUnique(o, body.name, body.login, node.id);
		const next: NodeRecord = {
			...node,
			name: body.name ?? node.name,
			login: body.login ?? node.login,
			passwordHash: body.password ? await hashPassword(body.password, o.passwordIterations) : node.passwordHash,
			settings: body.settings ? parseSettings(c, mergeSettings(readSettings(node.settings), body.settings)) : node.settings,
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
