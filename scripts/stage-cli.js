#!/usr/bin/env node
// `prepack` of the cli/ workspace: builds and copies the compiled CLI and pack and the pack's data files into cli/, so
// the CLI's tarball is self-contained; `--clean` (postpack) removes the copies again, so a checkout's launcher
// always runs the root's current dist/. The staged package root is
// a policy pack too (PulumiPolicy.yaml, package.json#main = dist/policy-pack/index.js): the CLI starts it from there.
"use strict";
const { spawnSync } = require("child_process");
const fs = require("fs");
const path = require("path");

const root = path.join(__dirname, "..");
const cli = path.join(root, "cli");
const copies = [
  ["dist/src", "dist/src"],
  ["dist/policy-pack", "dist/policy-pack"],
  ["PulumiPolicy.yaml", "PulumiPolicy.yaml"],
  ["policy-pack/iam/generated", "policy-pack/iam/generated"],
];
const clean = () => {
  for (const top of new Set(copies.map(([, to]) => to.split("/")[0])))
    fs.rmSync(path.join(cli, top), { recursive: true, force: true });
};
clean();
if (process.argv.includes("--clean")) process.exit(0);

const build = spawnSync(process.execPath, [require.resolve("typescript/bin/tsc"), "-p", "tsconfig.build.json"], {
  cwd: root,
  stdio: "inherit",
});
if (build.status !== 0) process.exit(build.status ?? 1);

for (const [from, to] of copies) {
  const target = path.join(cli, to);
  fs.cpSync(path.join(root, from), target, { recursive: true, filter: (f) => !f.endsWith(".map") });
}
