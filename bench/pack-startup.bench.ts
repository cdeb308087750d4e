// Start-up of our built pack against an empty pack, side by side: time from spawning
// @pulumi/pulumi/cmd/run-policy-pack (as the engine does) to the printed port plus an answered
// GetAnalyzerInfo. Alternating runs, medians. Target: ours <= 1.2x the empty pack's.
// Needs `npm run build` first (it measures package.json#main, i.e. dist/).
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { call, startPack } from "../src/analyzer/pack-process";
import { alternating, builtPackMain, runBenchmark, withEmptyPackAndEngine } from "./harness";
import { median } from "./median";

const root = path.join(__dirname, "..");
const TARGET_RATIO = 1.2;
const ROUNDS = 7;

async function startupMs(packDir: string, engineAddress: string): Promise<{ ms: number; policies: number }> {
  const t0 = process.hrtime.bigint();
  const pack = await startPack(packDir, engineAddress);
  try {
    const info: any = await call(pack.client, "getAnalyzerInfo", new Empty());
    return { ms: Number(process.hrtime.bigint() - t0) / 1e6, policies: info.getPoliciesList().length };
  } finally {
    await pack.stop();
  }
}

async function main(): Promise<number> {
  if (!builtPackMain(root)) return 1;
  return withEmptyPackAndEngine(async (emptyDir, engineAddress) => {
    const [ourRuns, emptyRuns] = await alternating(
      ROUNDS,
      () => startupMs(root, engineAddress),
      () => startupMs(emptyDir, engineAddress),
    );
    const ours = ourRuns.map((r) => r.ms);
    const empty = emptyRuns.map((r) => r.ms);
    const ratio = median(ours) / median(empty);
    console.log(`pack start-up to GetAnalyzerInfo (median of ${ROUNDS}, alternating):`);
    console.log(`  serverless-guard (${ourRuns[0].policies} policies): ${median(ours).toFixed(0)} ms`);
    console.log(`  empty pack (0 policies):  ${median(empty).toFixed(0)} ms`);
    console.log(`  ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`);
    return ratio <= TARGET_RATIO ? 0 : 1;
  });
}

runBenchmark(main);
