/**
 * Noticing, and saying in one line, that a program has failed. Pulumi's Node.js runtime ends a program on its
 * first unhandled error; under the mock monitor an error thrown inside an `apply` only rejects a promise nobody
 * awaits, and a resource that waits on the failed output would wait for good. So the first such error ends the
 * run at once, reported with the program's own stack frame.
 */
import * as path from "path";
import { originalPosition } from "./transpile";

/** `at fn (FILE:LINE:COL)` or `at FILE:LINE:COL` in a V8 stack. */
const FRAME = /^\s*at (?:.*?\()?((?:file:\/\/)?\/[^():]+):(\d+):(\d+)\)?$/;

/** The first frame of `err` in the program's own files (not its dependencies), e.g. `index.ts:20:22`. */
export function programFrame(err: unknown, programDir: string, relativeTo = process.cwd()): string | undefined {
  const stack = err instanceof Error ? (err.stack ?? "") : "";
  const dir = path.resolve(programDir) + path.sep;
  for (const line of stack.split("\n")) {
    const m = FRAME.exec(line);
    if (!m) continue;
    const file = m[1].replace(/^file:\/\//, "");
    if (!file.startsWith(dir) || file.includes(`${path.sep}node_modules${path.sep}`)) continue;
    // The stack is of the transpiled code: map the frame back to the program's source.
    const pos = originalPosition({ uri: file, line: Number(m[2]), column: Number(m[3]) });
    return `${path.relative(relativeTo, file) || file}:${pos.line}:${pos.column}`;
  }
  return undefined;
}

/** A missing package of the program's (not a missing file of its own) gets the way out. */
function missingModuleHint(err: unknown, programDir: string): string | undefined {
  const e = err as NodeJS.ErrnoException & { requireStack?: string[] };
  if (e?.code !== "MODULE_NOT_FOUND") return undefined;
  const m = /Cannot find module '([^']+)'/.exec(e.message ?? "");
  if (!m || m[1].startsWith(".") || path.isAbsolute(m[1])) return undefined;
  return `Cannot find module '${m[1]}'; run npm install in ${programDir}`;
}

/** One line: the error's first line and where in the program it was thrown (or the npm install hint). */
export function programErrorLine(err: unknown, programDir: string, relativeTo = process.cwd()): string {
  const hint = missingModuleHint(err, path.relative(relativeTo, programDir) || ".");
  if (hint) return hint;
  const text = err instanceof Error ? err.message : String(err);
  const first =
    text
      .split("\n")
      .map((l) => l.trim())
      .filter(Boolean)[0] ?? "unknown error";
  // Node puts a syntax error's location on the first line of the stack, not in the message.
  if (err instanceof SyntaxError) {
    const where = /^(\/[^\n]*:\d+)\n/.exec(err.stack ?? "")?.[1];
    return where ? `${first} at ${where}` : first;
  }
  const frame = programFrame(err, programDir, relativeTo);
  return frame ? `${first} (at ${frame})` : first;
}

export interface FailureWatch {
  /** Rejects with the program's first unhandled error. */
  failed: Promise<never>;
  /** Every unhandled error seen (the first is the one to report; the rest are its echoes). */
  errors: unknown[];
  /** Stops listening, unless the program failed: then its pending promises keep rejecting, and must not crash the CLI. */
  dispose(programFailed: boolean): void;
}

export function watchForFailure(): FailureWatch {
  const errors: unknown[] = [];
  let fail: (err: unknown) => void = () => undefined;
  const failed = new Promise<never>((_, reject) => {
    fail = reject;
  });
  failed.catch(() => undefined);
  const onError = (err: unknown) => {
    errors.push(err);
    if (errors.length === 1) fail(err);
  };
  process.on("unhandledRejection", onError);
  process.on("uncaughtException", onError);
  return {
    failed,
    errors,
    dispose(programFailed: boolean) {
      if (programFailed || errors.length) return;
      process.off("unhandledRejection", onError);
      process.off("uncaughtException", onError);
    },
  };
}
