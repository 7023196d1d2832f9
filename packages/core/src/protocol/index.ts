/**
 * @module
 * Protocol text helpers for the `/exim_1c` endpoint: replies, upload names, Basic auth.
 */
export * from "./basic-auth.ts";
export * from "./replies.ts";
export * from "./upload-name.ts";
