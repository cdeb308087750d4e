// Start-up of our built pack against an empty pack, side by side: time from spawning
// @pulumi/pulumi/cmd/run-policy-pack (as the engine does) to the printed port plus an answered
// GetAnalyzerInfo. Alternating runs, medians. Target: ours <= 1.2x the empty pack's.
// Needs `npm run build` first (it measures package.json#main, i.e. dist/).
import * as fs from "fs";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { call, startEngineServer, startPack } from "../src/analyzer/pack-process";
import { writeEmptyPack } from "../scripts/policy-packs";
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
  const main = path.join(root, JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).main);
  if (!fs.existsSync(main)) {
    console.error(`missing ${path.relative(root, main)}: run npm run build first`);
    return 1;
  }
  const emptyDir = writeEmptyPack();
  const engine = await startEngineServer();
  try {
    const ours: number[] = [];
    const empty: number[] = [];
    let policies = 0;
    // One warm-up of each so the OS file cache treats both alike.
    await startupMs(root, engine.address);
    await startupMs(emptyDir, engine.address);
    for (let round = 0; round < ROUNDS; round++) {
      const a = await startupMs(root, engine.address);
      policies = a.policies;
      ours.push(a.ms);
      empty.push((await startupMs(emptyDir, engine.address)).ms);
    }
    const ratio = median(ours) / median(empty);
    console.log(`pack start-up to GetAnalyzerInfo (median of ${ROUNDS}, alternating):`);
    console.log(`  serverless-guard (${policies} policies): ${median(ours).toFixed(0)} ms`);
    console.log(`  empty pack (0 policies):  ${median(empty).toFixed(0)} ms`);
    console.log(`  ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO})`);
    return ratio <= TARGET_RATIO ? 0 : 1;
  } finally {
    await engine.stop();
    fs.rmSync(emptyDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(err);
    process.exit(1);
  },
);
