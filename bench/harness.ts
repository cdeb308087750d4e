// What the benchmarks share: running one as a script, measuring two things in alternation, and the empty pack and
// stand-in engine the pack benchmarks compare against.
import * as fs from "fs";
import * as path from "path";
import { startEngineServer } from "../src/analyzer/pack-process";
import { writeEmptyPack } from "../scripts/policy-packs";

/** The checkout measured: BENCH_ROOT (another checkout, for before/after figures) or this one. */
export const benchRoot = process.env.BENCH_ROOT ? path.resolve(process.env.BENCH_ROOT) : path.join(__dirname, "..");

/** The CLI's launcher under `root`, or undefined after saying to build it first. */
export function builtCliBin(root: string): string | undefined {
  if (fs.existsSync(path.join(root, "dist", "src", "cli", "main.js")))
    return path.join(root, "cli", "bin", "serverless-guard.js");
  console.error(`missing ${root}/dist: run npm run build first`);
  return undefined;
}

/** Runs a benchmark's main as the process: its result is the exit code (0 target met, 1 missed); a crash exits 1. */
export function runBenchmark(main: () => Promise<number>): void {
  main().then(
    (code) => process.exit(code),
    (err) => {
      console.error(err);
      process.exit(1);
    },
  );
}

/** The path of the built pack (package.json#main under `root`), or undefined after saying to build it first. */
export function builtPackMain(root: string): string | undefined {
  const main = path.join(root, JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8")).main);
  if (fs.existsSync(main)) return main;
  console.error(`missing ${path.relative(root, main)}: run npm run build first`);
  return undefined;
}

/**
 * `a` and `b` measured side by side: one warm-up of each (so the OS file cache treats both alike), then `rounds`
 * alternating runs, so that a machine slowing down in between weighs on both alike.
 */
export async function alternating<A, B>(rounds: number, a: () => Promise<A>, b: () => Promise<B>): Promise<[A[], B[]]> {
  await a();
  await b();
  const as: A[] = [];
  const bs: B[] = [];
  for (let round = 0; round < rounds; round++) {
    as.push(await a());
    bs.push(await b());
  }
  return [as, bs];
}

/** Runs `use` with an empty policy pack's directory and a stand-in engine's address; removes and stops both after. */
export async function withEmptyPackAndEngine<T>(
  use: (emptyPack: string, engineAddress: string) => Promise<T>,
): Promise<T> {
  const emptyPack = writeEmptyPack();
  const engine = await startEngineServer();
  try {
    return await use(emptyPack, engine.address);
  } finally {
    await engine.stop();
    fs.rmSync(emptyPack, { recursive: true, force: true });
  }
}
