import { spawnSync } from "child_process";
import * as path from "path";
import { PassThrough, Readable } from "stream";
import { execute } from "../../src/optimize/command";

export const FIXTURES = path.join(__dirname, "..", "fixtures", "optimize");
export const fixture = (file: string) => path.join(FIXTURES, file);
export const ROOT = path.join(__dirname, "..", "..");

/** Runs optimize in-process through its real entry (`execute`), capturing stdout. */
export async function optimize(argv: string[], stdin: Readable = Readable.from([])) {
  const stdout = new PassThrough();
  const chunks: string[] = [];
  stdout.on("data", (c) => chunks.push(String(c)));
  const result = await execute(argv, { stdin, stdout, env: {} });
  return { ...result, stdout: chunks.join("") };
}

/** Runs the CLI dispatcher from source in a child process (exit codes, stderr, stdin). */
export function cli(args: string[], input?: string) {
  const script = 'require("./src/cli/main").run(process.argv.slice(1)).then((c) => { process.exitCode = c; })';
  return spawnSync(process.execPath, ["-r", "ts-node/register/transpile-only", "-e", script, ...args], {
    cwd: ROOT,
    input,
    encoding: "utf8",
  });
}
