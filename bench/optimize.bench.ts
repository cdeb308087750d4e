/**
 * optimize's speed and memory on a million REPORT lines, measured side by side in one run:
 *  - time: `optimize` on 1M plain-text REPORT lines vs a byte scan of the same file that finds the largest
 *    Max Memory Used (1 MB reads, `Buffer.indexOf` of the label, digits read from the bytes): the floor of
 *    any reader that has to look at every line. Target: at most 2x. A bare `readline` line count is printed
 *    alongside for reference;
 *  - memory: peak RSS of `optimize` on 1M lines vs on 100k lines (target: under 1.5x, i.e. flat).
 * Each measurement runs in its own child process so peak RSS is its own; best of three, interleaved.
 * Exits 1 when a target is missed.
 */
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import * as readline from "readline";
import { Writable } from "stream";
import { LogProfile, writeLog } from "../scripts/generate-sample-logs";

const TIME_RATIO_TARGET = 2;
const RSS_RATIO_TARGET = 1.5;
const LINES = 1_000_000;

const profile = (invocations: number): LogProfile => ({
  file: "",
  format: "plain",
  memoryMb: 1024,
  invocations,
  intervalSeconds: 1,
  memoryUsedMb: { low: 90, peak: 400 },
  billedCycleMs: [120, 250, 380, 910, 77, 1450, 333],
  coldStartEvery: 50,
  initMs: { low: 10, high: 70 },
  noiseEvery: 0,
  reportOnly: true,
  start: "2026-11-01T00:00:00.000Z",
});

interface Measurement {
  ms: number;
  maxRssMb: number;
  /** Lines seen (optimize, readline) or the largest Max Memory Used found (byte scan). */
  result: number;
}

const LABEL = Buffer.from("Max Memory Used: ");

/** The largest "Max Memory Used: N" in the file, reading 1 MB at a time (a label or number cut by a read is carried over). */
function byteScanMaxMemory(file: string): number {
  const CHUNK = 1 << 20;
  const fd = fs.openSync(file, "r");
  const buf = Buffer.allocUnsafe(2 * CHUNK);
  let carried = 0;
  let max = -1;
  try {
    for (;;) {
      const n = fs.readSync(fd, buf, carried, CHUNK, null);
      const eof = n === 0;
      const view = buf.subarray(0, carried + n);
      // A tail shorter than the label cannot hold a whole one: keep it for the next read.
      let keepFrom = eof ? view.length : Math.max(0, view.length - (LABEL.length - 1));
      for (let at = view.indexOf(LABEL); at >= 0; at = view.indexOf(LABEL, at + LABEL.length)) {
        let i = at + LABEL.length;
        let v = 0;
        for (; i < view.length && view[i] >= 48 && view[i] <= 57; i++) v = v * 10 + (view[i] - 48);
        if (i === view.length && !eof) {
          keepFrom = at; // the number may go on in the next read
          break;
        }
        if (v > max) max = v;
      }
      if (eof) break;
      carried = view.length - keepFrom;
      buf.copy(buf, 0, keepFrom, view.length);
    }
  } finally {
    fs.closeSync(fd);
  }
  return max;
}

async function child(mode: string, file: string): Promise<Measurement> {
  // Module loading (ts-node compiling src/) is start-up cost, not parsing: load before the clock starts.
  const { execute } = await import("../src/cli/optimize");
  const started = process.hrtime.bigint();
  let result = 0;
  if (mode === "bytescan") result = byteScanMaxMemory(file);
  else if (mode === "readline") {
    const rl = readline.createInterface({
      input: fs.createReadStream(file, { encoding: "utf8", highWaterMark: 1 << 20 }),
      crlfDelay: Infinity,
    });
    for await (const _line of rl) result++;
  } else {
    const sink = new Writable({ write: (_c, _e, cb) => cb() });
    const { reports } = await execute([`bench-fn=${file}`, "--format", "json"], {
      stdin: process.stdin,
      stdout: sink,
      env: {},
    });
    result = mode === "optimize-max" ? reports[0].maxMemoryUsedMb : reports[0].invocations + reports[0].skippedLines;
  }
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  return { ms, maxRssMb: process.resourceUsage().maxRSS / 1024, result };
}

function measure(mode: string, file: string): Measurement {
  const r = spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", __filename, "--child", mode, file], {
    encoding: "utf8",
  });
  if (r.status !== 0) throw new Error(`${mode} child failed: ${r.stderr}`);
  return JSON.parse(r.stdout.trim().split("\n").pop()!);
}

async function main() {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "optimize-bench-"));
  try {
    const big = path.join(dir, "1m.log");
    const small = path.join(dir, "100k.log");
    const t = Date.now();
    await writeLog(big, profile(LINES), 1);
    await writeLog(small, profile(LINES / 10), 1);
    console.log(
      `generated 1,000,000 + 100,000 REPORT lines (${(fs.statSync(big).size / 1e6).toFixed(0)} MB) in ${((Date.now() - t) / 1000).toFixed(1)} s`,
    );

    // The file was just written, so it is in the page cache for every side; interleave the timed runs.
    const scan: Measurement[] = [];
    const lines: Measurement[] = [];
    const opt: Measurement[] = [];
    // Best of three each: the machine may be shared, and noise only ever adds time.
    for (let i = 0; i < 3; i++) {
      scan.push(measure("bytescan", big));
      lines.push(measure("readline", big));
      opt.push(measure("optimize", big));
    }
    const optSmall = measure("optimize", small);
    const best = (ms: Measurement[]) => ms.reduce((a, b) => (b.ms < a.ms ? b : a));
    const s = best(scan);
    const l = best(lines);
    const o = best(opt);
    if (o.result !== LINES || l.result !== LINES)
      throw new Error(`line counts differ: optimize ${o.result}, readline ${l.result}`);
    const optMax = measure("optimize-max", small).result;
    if (s.result !== 400 || optMax !== 400)
      throw new Error(`largest Max Memory Used differs: byte scan ${s.result}, optimize ${optMax}, expected 400`);
    const timeRatio = o.ms / s.ms;
    const rssRatio = Math.max(...opt.map((m) => m.maxRssMb)) / optSmall.maxRssMb;

    console.log(
      `byte scan (max Max Memory Used), 1M lines: ${s.ms.toFixed(0)} ms, peak RSS ${s.maxRssMb.toFixed(0)} MB`,
    );
    console.log(`readline line count, 1M lines          : ${l.ms.toFixed(0)} ms (reference)`);
    console.log(
      `optimize, 1M lines                     : ${o.ms.toFixed(0)} ms (${((LINES / o.ms) * 1000).toFixed(0)} lines/s), peak RSS ${o.maxRssMb.toFixed(0)} MB`,
    );
    console.log(
      `optimize, 100k lines                   : ${optSmall.ms.toFixed(0)} ms, peak RSS ${optSmall.maxRssMb.toFixed(0)} MB`,
    );
    const timeOk = timeRatio <= TIME_RATIO_TARGET;
    const rssOk = rssRatio < RSS_RATIO_TARGET;
    console.log(
      `time  optimize / byte scan  = ${timeRatio.toFixed(2)}x (target <= ${TIME_RATIO_TARGET}x) ${timeOk ? "OK" : "MISSED"}`,
    );
    console.log(`time  optimize / readline   = ${(o.ms / l.ms).toFixed(2)}x (reference)`);
    console.log(
      `peak RSS 1M / 100k lines    = ${rssRatio.toFixed(2)}x (target < ${RSS_RATIO_TARGET}x) ${rssOk ? "OK" : "MISSED"}`,
    );
    process.exitCode = timeOk && rssOk ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

if (process.argv[2] === "--child") {
  child(process.argv[3], process.argv[4]).then((m) => console.log(JSON.stringify(m)));
} else {
  main().catch((err) => {
    console.error(err);
    process.exitCode = 1;
  });
}
