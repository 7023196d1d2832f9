/**
 * @module
 * Node entry: `node apps/node/dist/main.js [--demo]` (root `npm start` / `npm run demo`).
 */
import { readConfig } from "./config.ts";
import { startServer } from "./server.ts";

const server = await startServer(readConfig(process.env, process.argv.slice(2)));
for (const line of server.banner) console.log(line);
const stop = () => {
	server.close().then(() => process.exit(0));
	setTimeout(() => process.exit(0), 3000).unref();
};
process.on("SIGINT", stop);
process.on("SIGTERM", stop);
