#!/usr/bin/env node
// Thin launcher. In the installed package the compiled CLI sits beside this folder (cli/dist, staged by prepack);
// in a checkout it is the repository root's dist/, built by `npm ci` through `prepare` (or `npm run build`).
"use strict";
const fs = require("fs");
const path = require("path");

const entry = [path.join(__dirname, "..", "dist"), path.join(__dirname, "..", "..", "dist")]
  .map((dist) => path.join(dist, "src", "cli", "main.js"))
  .find((file) => fs.existsSync(file));
if (!entry) {
  console.error("serverless-guard: not built yet; run `npm ci` (or `npm run build`) in the serverless-guard checkout");
  process.exit(2);
}
// Exits as soon as the command is done and its output flushed: nothing left running (a handle of a library, a
// timer) can keep the CLI alive or change its exit code.
const exit = (code) => process.stdout.write("", () => process.stderr.write("", () => process.exit(code)));
require(entry)
  .run(process.argv.slice(2))
  .then(
    (code) => exit(code),
    (err) => {
      console.error(`serverless-guard: ${err && err.message ? err.message : err}`);
      exit(2);
    },
  );
