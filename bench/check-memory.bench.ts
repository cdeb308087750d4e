// Memory of `check` per resource: peak RSS (VmHWM, sampled every SAMPLE_MS) of each of check's processes (the CLI,
// the program's child, the policy pack) on generated programs of SMALL and LARGE functions (each with a role and a
// log group, 3 resources per function), median of ROUNDS runs each, alternating, and the slope between the two sizes
// in MB per added resource. Target: the largest process's slope at most MAX_MB_PER_RESOURCE (half of the 0.37 MB the
// CLI grew when it ran the program itself). Sampling every 20 ms rather than 100 ms: the program's process reaches its
// peak in its last few hundred milliseconds, which a coarser sampling can miss. BENCH_ROOT=/path/to/another/checkout
// measures that checkout's CLI instead (for before/after figures); CHECK_MEMORY_FUNCTIONS=200,1000 sets the two sizes.
import { spawn } from "child_process";
import * as fs from "fs";
import { writeProgram } from "./generated-program";
import { alternating, benchRoot, builtCliBin, runBenchmark } from "./harness";
import { median } from "./median";

const MAX_MB_PER_RESOURCE = 0.185;
const SAMPLE_MS = Number(process.env.SAMPLE_MS ?? 20);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const [SMALL, LARGE] = (process.env.CHECK_MEMORY_FUNCTIONS ?? "200,1000").split(",").map(Number);
const root = benchRoot;

type Role = "cli" | "program" | "pack";
const ROLES: Role[] = ["cli", "program", "pack"];

function readProc(pid: number, file: string): string | undefined {
  try {
    return fs.readFileSync(`/proc/${pid}/${file}`, "utf8");
  } catch {
    return undefined; // gone meanwhile
  }
}

/** Peak RSS so far (VmHWM) in MB, or undefined once the process is gone. */
function peakMb(pid: number): number | undefined {
  const m = /VmHWM:\s+(\d+) kB/.exec(readProc(pid, "status") ?? "");
  return m ? Number(m[1]) / 1024 : undefined;
}

/** Every live descendant of `pid` (the CLI starts the program's child and the pack; either may start others). */
function descendants(pid: number): number[] {
  const parentOf = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readProc(Number(entry), "stat");
    // The parent pid is the second field after the parenthesised command name.
    if (stat) parentOf.set(Number(entry), Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]));
  }
  const found: number[] = [];
  const walk = (p: number) => {
    for (const [child, parent] of parentOf) {
      if (parent !== p) continue;
      found.push(child);
      walk(child);
    }
  };
  walk(pid);
  return found;
}

function roleOf(pid: number): Role | undefined {
  const cmdline = readProc(pid, "cmdline") ?? "";
  if (cmdline.includes("program-child")) return "program";
  if (cmdline.includes("run-policy-pack")) return "pack";
  return undefined;
}

interface Measured {
  resources: number;
  peaks: Record<Role, number>;
}

/** One `check --format json` with every process's peak RSS (the largest per role, should a role have several). */
function measureCheck(bin: string, dir: string): Promise<Measured> {
  return new Promise((resolve, reject) => {
    const cli = spawn(process.execPath, [bin, "check", dir, "--format", "json"], { stdio: ["ignore", "pipe", "pipe"] });
    const peaks: Record<Role, number> = { cli: 0, program: 0, pack: 0 };
    const last = new Map<number, { role: Role; mb: number }>();
    const sample = () => {
      const cliMb = peakMb(cli.pid!);
      if (cliMb !== undefined) peaks.cli = Math.max(peaks.cli, cliMb);
      for (const pid of descendants(cli.pid!)) {
        const role = last.get(pid)?.role ?? roleOf(pid);
        const mb = role && peakMb(pid);
        if (role && mb !== undefined) last.set(pid, { role, mb: Math.max(mb, last.get(pid)?.mb ?? 0) });
      }
      for (const { role, mb } of last.values()) peaks[role] = Math.max(peaks[role], mb);
    };
    const timer = setInterval(sample, SAMPLE_MS);
    let stdout = "";
    let stderr = "";
    cli.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    cli.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    cli.on("error", reject);
    cli.on("close", (code) => {
      clearInterval(timer);
      if (code !== 0 && code !== 1) return reject(new Error(`check ${dir}: exit ${code}: ${stderr.trim()}`));
      resolve({ resources: JSON.parse(stdout).summary.resources, peaks });
    });
  });
}

async function main(): Promise<number> {
  const bin = builtCliBin(root);
  if (!bin) return 1;
  const small = writeProgram(SMALL, root);
  const large = writeProgram(LARGE, root);
  try {
    const [smallRuns, largeRuns] = await alternating(
      ROUNDS,
      () => measureCheck(bin, small),
      () => measureCheck(bin, large),
    );
    const summary = (ms: Measured[]): Measured => ({
      resources: ms[0].resources,
      peaks: {
        cli: median(ms.map((m) => m.peaks.cli)),
        program: median(ms.map((m) => m.peaks.program)),
        pack: median(ms.map((m) => m.peaks.pack)),
      },
    });
    const s = summary(smallRuns);
    const l = summary(largeRuns);
    const added = l.resources - s.resources;
    console.log(`check (${root}), peak RSS per process, sampled every ${SAMPLE_MS} ms, median of ${ROUNDS}:`);
    console.log(`| process | ${s.resources} resources | ${l.resources} resources | MB per added resource |`);
    for (const role of ROLES) {
      const slope = (l.peaks[role] - s.peaks[role]) / added;
      console.log(
        `| ${role} | ${s.peaks[role].toFixed(0)} MB | ${l.peaks[role].toFixed(0)} MB | ${slope.toFixed(3)} MB |`,
      );
    }
    const worst = ROLES.reduce((a, b) => (l.peaks[b] > l.peaks[a] ? b : a));
    const slope = (l.peaks[worst] - s.peaks[worst]) / added;
    const met = slope <= MAX_MB_PER_RESOURCE;
    console.log(
      `largest process (${worst}): ${slope.toFixed(3)} MB per resource (target <= ${MAX_MB_PER_RESOURCE}) ${met ? "OK" : "MISSED"}`,
    );
    return met ? 0 : 1;
  } finally {
    fs.rmSync(small, { recursive: true, force: true });
    fs.rmSync(large, { recursive: true, force: true });
  }
}

runBenchmark(main);
