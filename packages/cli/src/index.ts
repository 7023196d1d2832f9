/**
 * @module
 * `@obmen/cli` — the `obmen` command as a library: `main(argv, io)` for embedding and tests.
 */
export { type CliIo, HELP, main, nodeIo } from "./cli.ts";
export { documentJson } from "./decode.ts";
export { exportSettingsFrom, parseOrderInput } from "./encode.ts";
