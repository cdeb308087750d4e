#!/usr/bin/env node
// `prepare` hook: builds dist/ (the pack's compiled entry and the CLI) on `npm ci` / `npm install` in a checkout.
// A published pack (`pulumi policy publish` runs `npm pack`, which runs this first) ships dist/ already; the Pulumi
// CLI later installs it with production dependencies only (PulumiPolicy.yaml), so there is no compiler there: keep
// the shipped build. In a checkout (a .git folder) a failed build fails the install.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const shipped =
  fs.existsSync(path.join(root, "dist", "policy-pack", "index.js")) && !fs.existsSync(path.join(root, ".git"));
if (shipped) process.exit(0);
const tsc = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
process.exit(tsc.status ?? 1);
