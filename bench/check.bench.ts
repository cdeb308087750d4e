// `check` end to end on a generated 60-resource program (20 functions, each with its log group and role)
// against a 3-resource program (one of each), side by side in one run. Most of check's cost is fixed
// (loading the program's @pulumi/aws, starting the pack), so the 60-resource run should cost at most
// MAX_RATIO times the 3-resource one; the absolute seconds are printed for the README.
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { writeProgram } from "./generated-program";

const MAX_RATIO = 2.5;
const RUNS = 3;
const root = path.join(__dirname, "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");

function timeCheck(dir: string): { seconds: number; resources: number } {
  const start = process.hrtime.bigint();
  const r = spawnSync(process.execPath, [bin, "check", dir, "--format", "json"], { encoding: "utf8" });
  const seconds = Number(process.hrtime.bigint() - start) / 1e9;
  if (r.status !== 0 && r.status !== 1) throw new Error(`check ${dir} failed (exit ${r.status}): ${r.stderr.trim()}`);
  return { seconds, resources: JSON.parse(r.stdout).summary.resources };
}

const small = writeProgram(1);
const large = writeProgram(20);
try {
  timeCheck(small); // warm the file cache so the first measured run is not penalised
  const smallTimes: number[] = [];
  const largeTimes: number[] = [];
  let counts = { small: 0, large: 0 };
  for (let i = 0; i < RUNS; i++) {
    const s = timeCheck(small);
    const l = timeCheck(large);
    smallTimes.push(s.seconds);
    largeTimes.push(l.seconds);
    counts = { small: s.resources, large: l.resources };
  }
  const best = (xs: number[]) => Math.min(...xs);
  const ratio = best(largeTimes) / best(smallTimes);
  // The report counts the stack and the default aws provider too.
  const own = { small: counts.small - 2, large: counts.large - 2 };
  console.log(`check, ${own.small} resources (+ stack, provider): ${best(smallTimes).toFixed(2)} s (best of ${RUNS})`);
  console.log(`check, ${own.large} resources (+ stack, provider): ${best(largeTimes).toFixed(2)} s (best of ${RUNS})`);
  console.log(`ratio ${ratio.toFixed(2)} (target <= ${MAX_RATIO})`);
  if (own.large !== 60 || own.small !== 3)
    throw new Error(`expected 60 and 3 resources, got ${own.large} and ${own.small}`);
  process.exitCode = ratio <= MAX_RATIO ? 0 : 1;
} finally {
  fs.rmSync(small, { recursive: true, force: true });
  fs.rmSync(large, { recursive: true, force: true });
}
