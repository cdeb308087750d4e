// Runs every bench/*.bench.ts in turn. Each benchmark measures ratios side by side in one run and
// prints them; it exits non-zero when a target ratio is missed.
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";

const only = process.argv.slice(2);
const files = fs
  .readdirSync(__dirname)
  .filter((f) => f.endsWith(".bench.ts"))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();
let failed = 0;
for (const f of files) {
  console.log(`\n== ${f}`);
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", path.join(__dirname, f)], {
    stdio: "inherit",
  });
  if (r.status !== 0) failed++;
}
console.log(`\n${files.length - failed} benchmarks met their targets, ${failed} missed`);
process.exit(failed ? 1 : 0);
