/**
 * @module
 * Where a checkout keeps its files, shared by the Node, Bun and Deno entries (`@obmen/app-node/paths`).
 */
import { fileURLToPath } from "node:url";

/**
 * Default database directory: `data/` at the repository root (this file is `apps/node/{src,dist}/`), whatever the
 * working directory the entry was started from (`npm start -w …` runs inside `apps/*`). `OBMEN_DATA_DIR` overrides it;
 * the Docker image sets it to `/data`.
 */
export const CHECKOUT_DATA_DIR = fileURLToPath(new URL("../../../data", import.meta.url));
