/**
 * @module
 * `@obmen/app-node` — Obmen on Node.js (library entry; the executable is `main.ts`).
 */
export { type AdminAssetFiles, diskAdminAssets, widgetAssetFiles } from "./assets.ts";
export { ADMIN_TOKEN_KEY, ensureAdminToken, ensureDefaultNode } from "./bootstrap.ts";
export { readConfig, type ServerConfig } from "./config.ts";
export { demoOrders, seedDemo } from "./demo.ts";
export { type RunningServer, startServer } from "./server.ts";
