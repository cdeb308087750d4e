import { spawnSync } from "child_process";
import * as path from "path";
import { PassThrough, Readable } from "stream";
import { execute } from "../../src/cli/optimize";

export const FIXTURES = path.join(__dirname, "..", "fixtures", "optimize");
export const fixture = (file: string) => path.join(FIXTURES, file);
export const ROOT = path.join(__dirname, "..", "..");

/** Runs optimize in-process through its real entry (`execute`), capturing stdout and stderr. */
export async function optimize(argv: string[], stdin: Readable = Readable.from([])) {
  const [stdout, stderr] = [new PassThrough(), new PassThrough()];
  const chunks: string[] = [];
  const errChunks: string[] = [];
  stdout.on("data", (c) => chunks.push(String(c)));
  stderr.on("data", (c) => errChunks.push(String(c)));
  const result = await execute(argv, { stdin, stdout, stderr, env: {} });
  return { ...result, stdout: chunks.join(""), stderr: errChunks.join("") };
}

/**
 * Runs the shipped entry point (cli/bin/serverless-guard.js -> dist, built by `npm test`'s pretest) in a child
 * process, as users do: exit codes, stderr, stdin. Not ts-node from source, which costs seconds per spawn.
 */
export function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [path.join(ROOT, "cli", "bin", "serverless-guard.js"), ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
  });
}
