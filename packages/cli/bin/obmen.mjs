#!/usr/bin/env node
// The `obmen` command: CommerceML encode/decode for people debugging a 1C exchange.
import { main, nodeIo } from "../dist/cli.js";

process.exitCode = await main(process.argv.slice(2), nodeIo());
