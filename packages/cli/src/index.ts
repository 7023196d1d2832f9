/**
 * @module
 * `@obmen/cli` — the `obmen` command as a library: `main(argv, io)` for embedding and tests.
 */
export { type CliIo, HELP, main, nodeIo } from "./cli.ts";
export { documentJson } from "./decode.ts";
export { exportSettingsFrom } from "./encode.ts";
export { OrderSplitter, parseOrderInput, readOrders } from "./order-input.ts";
