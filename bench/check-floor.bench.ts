// `check stack/` against its floor, measured side by side in one run: the floor is what no `check` can avoid,
// loading the program's @pulumi/aws (`node -e 'require("@pulumi/aws")'`) and an empty policy pack's start-up (to
// an answered GetAnalyzerInfo), run in parallel. Target: check within 1.5x of that floor. Median of 5, alternating.
// BENCH_ROOT=/path/to/another/checkout measures that checkout's CLI instead (for before/after figures).
import { spawn } from "child_process";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { call, startPack } from "../src/analyzer/pack-process";
import { alternating, benchRoot, builtCliBin, runBenchmark, withEmptyPackAndEngine } from "./harness";
import { median } from "./median";

const TARGET_RATIO = 1.5;
const ROUNDS = 5;
const root = benchRoot;

function runMs(args: string[], cwd: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd, stdio: ["ignore", "ignore", "pipe"] });
    let stderr = "";
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (code) =>
      code === 0 || code === 1
        ? resolve(Number(process.hrtime.bigint() - t0) / 1e6)
        : reject(new Error(`${args.join(" ")}: exit ${code}: ${stderr}`)),
    );
  });
}

async function floorMs(emptyPack: string, engineAddress: string): Promise<number> {
  const t0 = process.hrtime.bigint();
  await Promise.all([
    runMs(["-e", 'require("@pulumi/aws")'], root),
    (async () => {
      const pack = await startPack(emptyPack, engineAddress);
      try {
        await call(pack.client, "getAnalyzerInfo", new Empty());
      } finally {
        await pack.stop();
      }
    })(),
  ]);
  return Number(process.hrtime.bigint() - t0) / 1e6;
}

async function main(): Promise<number> {
  const bin = builtCliBin(root);
  if (!bin) return 1;
  return withEmptyPackAndEngine(async (emptyPack, engineAddress) => {
    // The warm-up also builds the handler bundles a first run may have to build.
    const [checks, floors] = await alternating(
      ROUNDS,
      () => runMs([bin, "check", "stack/", "--format", "json"], root),
      () => floorMs(emptyPack, engineAddress),
    );
    const ratio = median(checks) / median(floors);
    console.log(`check stack/ (${root}): ${median(checks).toFixed(0)} ms (median of ${ROUNDS})`);
    console.log(`floor (require @pulumi/aws || empty pack start-up): ${median(floors).toFixed(0)} ms`);
    console.log(`ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? "OK" : "MISSED"}`);
    return ratio <= TARGET_RATIO ? 0 : 1;
  });
}

runBenchmark(main);
