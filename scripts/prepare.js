#!/usr/bin/env node
// `prepare` hook: builds dist/ (the pack's compiled entry and the CLI) on `npm ci` / `npm install` in a checkout.
// A published pack (`pulumi policy publish` runs `npm pack`, which runs this first) ships dist/ already; when the
// Pulumi CLI later installs it, devDependencies such as @types/* may be absent, so a failed rebuild there keeps
// the shipped build instead of failing the install. In a checkout (no dist/ yet) a failed build fails.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const shipped = fs.existsSync(path.join(root, "dist", "policy-pack", "index.js")) && !fs.existsSync(path.join(root, ".git"));
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: shipped ? "pipe" : "inherit",
});
if (tsc.status !== 0) {
  if (shipped) {
    console.warn("serverless-guard: keeping the shipped dist/ (rebuild needs the devDependencies)");
    process.exit(0);
  }
  process.exit(tsc.status ?? 1);
}
