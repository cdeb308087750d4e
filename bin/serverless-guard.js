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
main.run(process.argv.slice(2)).then(
  (code) => { process.exitCode = code; },
  (err) => { console.error(`serverless-guard: ${err && err.message ? err.message : err}`); process.exitCode = 2; },
);
