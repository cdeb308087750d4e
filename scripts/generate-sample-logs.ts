/**
 * Seeded generator of Lambda CloudWatch log files for `serverless-guard optimize`: REPORT lines in the
 * plain-text or JSON log format, mixed with the noise a real log group holds (START/END lines,
 * application output, malformed and truncated REPORT records). The same seed gives the same bytes.
 *
 *   npx ts-node scripts/generate-sample-logs.ts samples  [DIR]   # samples/logs (README run)
 *   npx ts-node scripts/generate-sample-logs.ts fixtures [DIR]   # tests/fixtures/optimize
 *
 * Each profile (in log-profiles.json) pins what tests hand-compute against: the exact peak of Max Memory
 * Used, the billed durations (a repeating cycle, so their mean is exact) and the first/last timestamps
 * (start and start + (n - 1) x interval). Everything else is random.
 */
import * as fs from "fs";
import * as path from "path";
// The profiles are data (one object per log, all of the same shape), so they live in a data file.
import PROFILES from "./log-profiles.json";

export interface LogProfile {
  /** What the log stands for. */
  about?: string;
  file: string;
  format: "plain" | "json";
  memoryMb: number;
  invocations: number;
  intervalSeconds: number;
  /** Max Memory Used is drawn from [low, peak - 1] (triangular); the middle invocation uses exactly `peak`. */
  memoryUsedMb: { low: number; peak: number };
  /**
   * Billed Duration cycles through these values (ms). A cold start's init is part of its value when it
   * fits; otherwise that invocation bills Duration + init (the mean is then no longer the cycle's).
   */
  billedCycleMs: number[];
  /** Every Nth invocation (from the first) is a cold start; 0 = none. */
  coldStartEvery: number;
  initMs?: { low: number; high: number };
  /** Roughly one noise line per this many REPORT lines (0 = none). */
  noiseEvery: number;
  start: string;
  /** Only REPORT lines, no START/END (the benchmark's million lines). */
  reportOnly?: boolean;
}

/** mulberry32: a tiny, well-known seeded PRNG; Math.random cannot be seeded. */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function requestId(rand: () => number): string {
  const hex = Array.from({ length: 4 }, () =>
    Math.floor(rand() * 2 ** 32)
      .toString(16)
      .padStart(8, "0"),
  ).join("");
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

const STREAM = "2026/11/01/[$LATEST]7f3c2a9e4b1d4c8f9a0e6d5b3c2a1f0e";

/** Yields the file's lines (without newlines); `counts` reports how many of each kind. */
export function* generateLog(p: LogProfile, seed: number, counts = { reports: 0, noise: 0 }): Generator<string> {
  const rand = prng(seed);
  const start = Date.parse(p.start);
  const peakAt = Math.floor(p.invocations / 2);
  const range = (lo: number, hi: number) => lo + rand() * (hi - lo);
  for (let i = 0; i < p.invocations; i++) {
    // First and last land exactly on the grid so the observed rate is exact; the rest jitter.
    const jitter = i === 0 || i === p.invocations - 1 ? 0 : Math.floor(rand() * p.intervalSeconds * 500);
    const t = start + i * p.intervalSeconds * 1000 + jitter;
    const iso = new Date(t).toISOString();
    const id = requestId(rand);
    // Mean of two uniforms: a triangular spread, closer to real memory use than a flat one.
    const spread = (rand() + rand()) / 2;
    const used =
      i === peakAt
        ? p.memoryUsedMb.peak
        : Math.floor(p.memoryUsedMb.low + spread * (p.memoryUsedMb.peak - p.memoryUsedMb.low));
    let billed = p.billedCycleMs[i % p.billedCycleMs.length];
    const cold = p.coldStartEvery > 0 && i % p.coldStartEvery === 0;
    const init = cold && p.initMs ? Number(range(p.initMs.low, p.initMs.high).toFixed(2)) : undefined;
    // Billed Duration includes INIT (billed since Aug 2025) and rounds up to the next ms. An init that
    // fits in the cycle's billed value leaves the rest as Duration (so the billed mean stays exact);
    // a longer one (a fast handler in a slow runtime) is billed on top of a warm-length Duration.
    const warm = billed - range(0.01, 0.99);
    const initOnTop = init !== undefined && init + 1 > billed;
    const duration = Number((initOnTop ? warm : warm - (init ?? 0)).toFixed(2));
    if (initOnTop) billed = Math.ceil(duration + init);
    if (p.format === "plain") {
      if (!p.reportOnly) yield `${iso} ${STREAM} START RequestId: ${id} Version: $LATEST`;
      if (p.noiseEvery && rand() * p.noiseEvery < 1) {
        yield noiseLine(rand, iso, id, p.format);
        counts.noise++;
      }
      if (!p.reportOnly) yield `${iso} ${STREAM} END RequestId: ${id}`;
      yield (
        `${iso} ${STREAM} REPORT RequestId: ${id}\tDuration: ${duration.toFixed(2)} ms\tBilled Duration: ${billed} ms\t` +
        `Memory Size: ${p.memoryMb} MB\tMax Memory Used: ${used} MB${init !== undefined ? `\tInit Duration: ${init.toFixed(2)} ms` : ""}\t`
      );
      if (!p.reportOnly) counts.noise += 2;
    } else {
      yield JSON.stringify({ time: iso, type: "platform.start", record: { requestId: id, version: "$LATEST" } });
      if (p.noiseEvery && rand() * p.noiseEvery < 1) {
        yield noiseLine(rand, iso, id, p.format);
        counts.noise++;
      }
      const metrics: Record<string, number> = {
        durationMs: duration,
        billedDurationMs: billed,
        memorySizeMB: p.memoryMb,
        maxMemoryUsedMB: used,
      };
      if (init !== undefined) metrics.initDurationMs = init;
      yield JSON.stringify({
        time: iso,
        type: "platform.report",
        record: { requestId: id, metrics, status: "success" },
      });
      counts.noise++;
    }
    counts.reports++;
  }
}

function noiseLine(rand: () => number, iso: string, id: string, format: "plain" | "json"): string {
  const kinds = [
    () => `${iso}\t${id}\tINFO\tprocessed order ${Math.floor(rand() * 1e6)} in ${Math.floor(rand() * 300)} ms`,
    () =>
      JSON.stringify({
        timestamp: iso,
        level: "WARN",
        requestId: id,
        message: "retrying DynamoDB PutItem",
        attempt: 2,
      }),
    // A truncated REPORT line (log line cut off by the export): must be skipped, not half-parsed.
    () => `${iso} ${STREAM} REPORT RequestId: ${id}\tDuration: 12.00 ms\tBilled Dur`,
    // A truncated JSON record.
    () => `{"time":"${iso}","type":"platform.report","record":{"requestId":"${id}","metrics":{"durationMs":12.5,`,
    () =>
      format === "json"
        ? JSON.stringify({ time: iso, type: "platform.runtimeDone", record: { requestId: id, status: "success" } })
        : `${iso}\t${id}\tERROR\tInvoke Error {"errorType":"ValidationError"}`,
  ];
  return kinds[Math.floor(rand() * kinds.length)]();
}

/** Writes a profile's log to `file` through a stream (the benchmark writes a million lines). */
export async function writeLog(file: string, p: LogProfile, seed: number): Promise<{ reports: number; noise: number }> {
  const counts = { reports: 0, noise: 0 };
  const out = fs.createWriteStream(file);
  let chunk: string[] = [];
  for (const line of generateLog(p, seed, counts)) {
    chunk.push(line);
    if (chunk.length === 5000) {
      if (!out.write(chunk.join("\n") + "\n")) await new Promise<void>((resolve) => out.once("drain", () => resolve()));
      chunk = [];
    }
  }
  if (chunk.length) out.write(chunk.join("\n") + "\n");
  await new Promise<void>((resolve, reject) => out.end((err?: Error | null) => (err ? reject(err) : resolve())));
  return counts;
}

/** Test fixtures: one profile per behaviour the tests assert (values are hand-computed there). */
export const FIXTURE_PROFILES: Record<string, LogProfile> = PROFILES.fixtures as Record<string, LogProfile>;

/** The bundled sample logs behind the README run. */
export const SAMPLE_PROFILES: Record<string, LogProfile> = PROFILES.samples as Record<string, LogProfile>;

export async function writeProfiles(dir: string, profiles: Record<string, LogProfile>, seed: number): Promise<void> {
  fs.mkdirSync(dir, { recursive: true });
  let i = 0;
  for (const [name, p] of Object.entries(profiles)) {
    const counts = await writeLog(path.join(dir, p.file), p, seed + i++);
    console.log(`${path.join(dir, p.file)}: ${name}, ${counts.reports} REPORT + ${counts.noise} other lines`);
  }
}

if (require.main === module) {
  const [set, dir] = process.argv.slice(2);
  const root = path.join(__dirname, "..");
  const jobs: Record<string, () => Promise<void>> = {
    samples: () => writeProfiles(dir ?? path.join(root, "samples", "logs"), SAMPLE_PROFILES, 7),
    fixtures: () => {
      const out = dir ?? path.join(root, "tests", "fixtures", "optimize");
      fs.mkdirSync(out, { recursive: true });
      // A log with no REPORT line at all (bad input for optimize).
      fs.writeFileSync(
        path.join(out, "no-reports.log"),
        "2026-11-01T00:00:00.000Z\tINFO\tstarted\nSTART RequestId: 1 Version: $LATEST\nEND RequestId: 1\n",
      );
      return writeProfiles(out, FIXTURE_PROFILES, 42);
    },
  };
  if (!jobs[set]) {
    console.error("usage: generate-sample-logs.ts samples|fixtures [DIR]");
    process.exit(2);
  }
  jobs[set]().catch((err) => {
    console.error(err);
    process.exit(1);
  });
}
