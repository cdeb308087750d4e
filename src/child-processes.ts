/**
 * Every process the CLI starts (the policy pack, the program's child) is registered here, so that a signal or
 * any error path can stop them all: none may outlive the CLI.
 */
import { ChildProcess } from "child_process";

const live = new Set<ChildProcess>();
const groupLeaders = new WeakSet<ChildProcess>();

/** Registers `child` until it exits. A `detached` child leads its own process group, which is killed as a whole. */
export function trackChild(child: ChildProcess): void {
  if (child.exitCode !== null || child.signalCode !== null) return;
  live.add(child);
  child.once("exit", () => live.delete(child));
}

/**
 * Kills `child` (and its process group when it leads one, so whatever the program started goes too) with `signal`.
 * Synchronous, so it also works from a signal handler that exits right after.
 */
export function killChild(child: ChildProcess, signal: NodeJS.Signals = "SIGKILL"): void {
  if (child.pid === undefined) return;
  // A group outlives its leader while a member runs (something the program started), so it is killed even then.
  if (groupLeaders.has(child) && process.platform !== "win32") {
    try {
      process.kill(-child.pid, signal);
      return;
    } catch {
      // The group is gone already (or never formed): fall back to the process itself.
    }
  }
  if (child.exitCode !== null || child.signalCode !== null) return;
  try {
    child.kill(signal);
  } catch {
    // Already exited.
  }
}

/** Marks a child spawned with `detached: true` as the leader of its own process group. */
export function markGroupLeader(child: ChildProcess): void {
  groupLeaders.add(child);
}

/** Kills every child still running; the last resort of every exit path. */
export function killAllChildren(): void {
  for (const child of live) killChild(child);
  live.clear();
}
