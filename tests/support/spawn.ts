import { spawn, SpawnOptions } from "child_process";
import * as os from "os";

export interface NodeRun {
  status: number | null;
  stdout: string;
  stderr: string;
}

/** Runs `node ARGS...` without blocking the event loop, so independent CLI runs can overlap. */
export function runNode(args: string[], options: SpawnOptions & { input?: string } = {}): Promise<NodeRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, args, { ...options, stdio: ["pipe", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.setEncoding("utf8").on("data", (c: string) => (stdout += c));
    child.stderr!.setEncoding("utf8").on("data", (c: string) => (stderr += c));
    child.on("error", reject);
    child.on("close", (status) => resolve({ status, stdout, stderr }));
    child.stdin!.end(options.input ?? "");
  });
}

/**
 * (Hand-written: p-limit is only a transitive dependency of this project, not one to rely on.)
 * At most one job per CPU core (two at least) at a time: the CLI runs are CPU-bound, and more at once
 * would only stretch each one on a small machine.
 */
export function limitConcurrency(limit = Math.max(2, os.cpus().length)) {
  let running = 0;
  const waiting: Array<() => void> = [];
  return async <T>(job: () => Promise<T>): Promise<T> => {
    if (running >= limit) await new Promise<void>((resume) => waiting.push(resume));
    running++;
    try {
      return await job();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
