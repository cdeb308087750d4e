// Start-up cost of the IAM analysis modules, measured side by side in fresh processes: loading
// @pulumi/policy alone (what an empty pack loads) against loading it plus the compiled IAM modules.
// Target: the IAM modules add at most 10%, i.e. nothing heavy (catalog, managed policy table) at load.
// Needs `npm run build` first (it measures dist/, what the pack ships).
import * as fs from "fs";
import * as path from "path";
import { spawnSync } from "child_process";
import { median } from "./median";

const root = path.join(__dirname, "..");
const iamModules = ["analyze-policy-document", "managed-policies"].map((m) =>
  path.join(root, "dist", "policy-pack", "iam", `${m}.js`),
);
const TARGET_RATIO = 1.1;
const ROUNDS = 7;

for (const file of iamModules) {
  if (!fs.existsSync(file)) {
    console.error(`missing ${path.relative(root, file)}: run npm run build first`);
    process.exit(1);
  }
}

/** Milliseconds a fresh node process spends requiring `modules`, as the process itself measures it. */
function loadMs(modules: string[]): number {
  const script = `const t=process.hrtime.bigint();for(const m of ${JSON.stringify(modules)})require(m);process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6));`;
  const run = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8" });
  if (run.status !== 0) throw new Error(run.stderr);
  return Number(run.stdout);
}

const baseline: number[] = [];
const withIam: number[] = [];
for (let round = 0; round < ROUNDS; round++) {
  baseline.push(loadMs(["@pulumi/policy"]));
  withIam.push(loadMs(["@pulumi/policy", ...iamModules]));
}
const ratio = median(withIam) / median(baseline);
console.log(
  `@pulumi/policy alone: ${median(baseline).toFixed(1)} ms; plus IAM modules: ${median(withIam).toFixed(1)} ms; ratio ${ratio.toFixed(3)} (target <= ${TARGET_RATIO})`,
);
process.exit(ratio <= TARGET_RATIO ? 0 : 1);
