#!/usr/bin/env node
// Thin launcher: the CLI is compiled to dist/ by `npm run build` (run by `npm ci` through `prepare`).
"use strict";
let main;
try {
  main = require("../dist/src/cli/main.js");
} catch (e) {
  if (e && e.code === "MODULE_NOT_FOUND" && /dist[\\/]src[\\/]cli[\\/]main/.test(e.message)) {
    console.error("serverless-guard: not built yet; run `npm ci` (or `npm run build`) in the serverless-guard checkout");
    process.exit(2);
  }
  throw e;
}
// Exits as soon as the command is done and its output flushed: nothing left running (a handle of a library, a
// timer) can keep the CLI alive or change its exit code.
const exit = (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
main.run(process.argv.slice(2)).then(
  (code) => exit(code),
  (err) => {
    console.error(`serverless-guard: ${err && err.message ? err.message : err}`);
    exit(2);
  },
);
