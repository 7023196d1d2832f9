/**
 * @module @obmen/core — the CommerceML 2 order codec and protocol helpers for the 1C ⇄ store exchange.
 * Web-standard APIs only: runs on Node, Bun, Deno, workerd and in browsers.
 */
export * from "./model/decimal.ts";
export * from "./model/order.ts";
export * from "./errors.ts";
