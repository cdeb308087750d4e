/**
 * Runs a program in a child process the CLI owns (program-child.ts), so the program cannot hang or fool `check`:
 * - the timeout kills the child, whatever it does (a synchronous `while (true) {}` included);
 * - the program's `process.exit`, exit code, late throws and open handles stay in the child, which is killed
 *   once it has sent its result;
 * - its stdout and stderr reach the CLI's stderr, each line prefixed, so they never mix with a report on stdout;
 * - a heap cap (`--max-old-space-size`) turns an out-of-memory program into one clear error.
 * The child leads its own process group, so whatever the program started is killed with it.
 */
import { fork } from "child_process";
import { randomBytes } from "crypto";
import * as readline from "readline";
import { Readable } from "stream";
import { ResourceGraph } from "../analyzer/resource-record";
import { killChild, markGroupLeader, trackChild } from "../child-processes";
import { UsageError } from "../errors";
import type { ProgramJob, ProgramOutcome } from "./program-child";

/** program-child.ts's EARLY_EXIT_ZERO (not imported: that module is the child's entry point and runs on import). */
const EARLY_EXIT_ZERO = 213;
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_PROGRAM_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from "./limits";
import type { RunProgramOptions } from "./run-program";

/** Prefix of each line the program writes, on the CLI's stderr. */
export const PROGRAM_OUTPUT_PREFIX = "[program] ";

/** How long to wait for the child's output to drain after it exited, before giving up on it. */
const DRAIN_MS = 2_000;

export interface ChildLimits {
  /** Seconds before the child is killed; default DEFAULT_PROGRAM_TIMEOUT_SECONDS. */
  timeoutSeconds?: number;
  /** Heap limit of the child in MB; default DEFAULT_MAX_MEMORY_MB. */
  maxMemoryMb?: number;
}

// V8's report of an out-of-memory abort starts with one of these lines; it and the native stack after it are not
// the program's output, and are replaced by one error line.
const OOM_START = /^(<--- Last few GCs --->|<--- JS stacktrace --->|FATAL ERROR: .*(heap|memory))/;

/**
 * Forwards the child's output line by line to our stderr. Lines the program's runner prints itself (our own
 * warnings, "serverless-guard check: ...") keep their form; everything else is the program's and is prefixed.
 */
function forward(stream: Readable, state: { outOfMemory: boolean }): Promise<void> {
  const lines = readline.createInterface({ input: stream, crlfDelay: Infinity });
  let blanks = 0; // held back: V8 starts its out-of-memory report with an empty line
  lines.on("line", (line) => {
    if (OOM_START.test(line)) state.outOfMemory = true;
    if (state.outOfMemory) return;
    if (line === "") {
      blanks++;
      return;
    }
    for (; blanks > 0; blanks--) process.stderr.write(`${PROGRAM_OUTPUT_PREFIX}\n`);
    process.stderr.write(line.startsWith("serverless-guard ") ? `${line}\n` : `${PROGRAM_OUTPUT_PREFIX}${line}\n`);
  });
  return new Promise((resolve) => lines.once("close", resolve));
}

/** The module to fork: compiled JavaScript normally, the TypeScript source under ts-node (tests). */
function childEntry(): { file: string; execArgv: string[] } {
  const typescript = __filename.endsWith(".ts");
  return {
    file: require.resolve(typescript ? "./program-child.ts" : "./program-child.js"),
    execArgv: typescript ? ["-r", "ts-node/register/transpile-only"] : [],
  };
}

/**
 * Runs `runProgram(programDir, options)` in a child process and resolves with its graph; rejects with a
 * one-line UsageError when the program fails, exits early, crashes, runs out of memory or out of time.
 * The child is always dead when this settles.
 */
export function runProgramInChild(
  programDir: string,
  options: RunProgramOptions = {},
  limits: ChildLimits = {},
): Promise<ResourceGraph> {
  const label = `program ${programDir}`;
  const timeoutSeconds = Math.min(
    limits.timeoutSeconds ?? options.timeoutSeconds ?? DEFAULT_PROGRAM_TIMEOUT_SECONDS,
    MAX_TIMEOUT_SECONDS,
  );
  const maxMemoryMb = limits.maxMemoryMb ?? DEFAULT_MAX_MEMORY_MB;
  const token = randomBytes(16).toString("hex");
  const entry = childEntry();
  const child = fork(entry.file, [], {
    // The heap cap turns a runaway program into one clear error (run-program.ts also drops the SDK's per-promise
    // leak tracking: stack strings, context strings and closures for every promise).
    execArgv: [...entry.execArgv, `--max-old-space-size=${maxMemoryMb}`],
    // Structured clone: the graph travels whole, whatever fields it has.
    serialization: "advanced",
    stdio: ["ignore", "pipe", "pipe", "ipc"],
    detached: process.platform !== "win32",
  });
  trackChild(child);
  if (process.platform !== "win32") markGroupLeader(child);
  const output = { outOfMemory: false };
  const drained = Promise.all([forward(child.stdout!, output), forward(child.stderr!, output)]);

  return new Promise<ResourceGraph>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      killChild(child);
      fn();
    };
    const timer = setTimeout(
      () =>
        settle(() =>
          reject(
            new UsageError(
              `${label} failed: it did not finish within ${timeoutSeconds} s (awaiting a promise that never settles?); see --timeout`,
            ),
          ),
        ),
      timeoutSeconds * 1000,
    );
    child.on("message", (message: ProgramOutcome) => {
      if (!message || typeof message !== "object" || message.token !== token) return;
      if ("graph" in message) settle(() => resolve(message.graph));
      else {
        const { name, message: text } = message.error;
        settle(() => reject(new UsageError(name === "UsageError" ? text : `${label} failed: ${text.split("\n")[0]}`)));
      }
    });
    child.once("error", (err) =>
      settle(() => reject(new UsageError(`${label}: cannot start a process for it (${err.message})`))),
    );
    child.once("exit", (code, signal) => {
      if (settled) return;
      // Whatever the program started may still hold the output pipes open: end the group, then read what is left.
      killChild(child);
      const drainCap = new Promise((r) => setTimeout(r, DRAIN_MS).unref());
      void Promise.race([drained, drainCap]).then(() => {
        const why = output.outOfMemory
          ? `it ran out of memory (more than ${maxMemoryMb} MB; see --max-memory)`
          : signal
            ? `it was killed by ${signal}`
            : `it exited with code ${code === EARLY_EXIT_ZERO ? 0 : code} before finishing`;
        settle(() => reject(new UsageError(`${label} failed: ${why}`)));
      });
    });
    child.send({ programDir, options, token } satisfies ProgramJob);
  });
}
