// Runs the CLI while watching which processes it starts (Linux /proc), so a spec can check that none outlives it.
import { spawn } from "child_process";
import * as fs from "fs";

export interface TrackedRun {
  status: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  /** Every descendant process seen while the CLI ran. */
  descendants: Set<number>;
}

/** pid -> parent pid of every process now. */
function parents(): Map<number, number> {
  const map = new Map<number, number>();
  for (const entry of fs.readdirSync("/proc")) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      // The command may contain spaces and parentheses: the fields after the last ')' are fixed.
      const stat = fs.readFileSync(`/proc/${entry}/stat`, "utf8");
      const ppid = Number(stat.slice(stat.lastIndexOf(")") + 2).split(" ")[1]);
      map.set(Number(entry), ppid);
    } catch {
      // exited meanwhile
    }
  }
  return map;
}

export function descendantsOf(pid: number): number[] {
  const children = new Map<number, number[]>();
  for (const [p, pp] of parents()) children.set(pp, [...(children.get(pp) ?? []), p]);
  const found: number[] = [];
  const queue = [pid];
  while (queue.length) {
    for (const c of children.get(queue.shift()!) ?? []) {
      found.push(c);
      queue.push(c);
    }
  }
  return found;
}

/** Whether `pid` is a live process (a zombie waiting to be reaped counts as dead). */
export function isAlive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, "utf8");
    return stat.slice(stat.lastIndexOf(")") + 2)[0] !== "Z";
  } catch {
    return false;
  }
}

/** Waits (bounded) until none of `pids` is alive; returns those still alive after `ms`. */
export async function survivors(pids: Iterable<number>, ms = 3000): Promise<number[]> {
  const deadline = Date.now() + ms;
  let alive = [...pids].filter(isAlive);
  while (alive.length && Date.now() < deadline) {
    await new Promise((r) => setTimeout(r, 50));
    alive = alive.filter(isAlive);
  }
  return alive;
}

/**
 * Spawns `node ARGS` and polls its process tree every 50 ms until it exits. `watch` runs on every poll and every
 * piece of stderr, and may act on the running process (send it a signal).
 */
export function runTracked(
  args: string[],
  options: { cwd: string; watch?: (stderr: string, pid: number, descendants: Set<number>) => void },
): Promise<TrackedRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: options.cwd, stdio: ["ignore", "pipe", "pipe"] });
    const descendants = new Set<number>();
    let stdout = "";
    let stderr = "";
    const poll = () => {
      if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
      for (const d of descendantsOf(child.pid)) descendants.add(d);
      options.watch?.(stderr, child.pid, descendants);
    };
    const timer = setInterval(poll, 50);
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr!.setEncoding("utf8").on("data", (c: string) => {
      stderr += c;
      poll();
    });
    child.on("error", (err) => {
      clearInterval(timer);
      reject(err);
    });
    child.on("close", (status, signal) => {
      clearInterval(timer);
      resolve({ status, signal, stdout, stderr, descendants });
    });
  });
}
