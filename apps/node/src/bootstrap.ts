/**
 * @module
 * First-start setup: the admin token (from env, or generated once and stored hashed) and the `default`
 * 1C node from `OBMEN_1C_LOGIN` / `OBMEN_1C_PASSWORD`. Runtime-neutral, so it lives in @obmen/exchange and is shared
 * with the Bun, Deno and worker entries; re-exported here for the Node entry's existing imports.
 */
export { ADMIN_TOKEN_KEY, ensureAdminToken, ensureDefaultNode } from "@obmen/exchange";
