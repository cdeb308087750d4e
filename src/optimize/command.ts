import { Readable, Writable } from "stream";
import { fsErrorText, UsageError } from "../cli/errors";
import { missingOutputDirectory, outputProblem, STDOUT_OUTPUT, writeFileAtomically } from "../cli/output-file";
import { emitPulumi } from "./emit-pulumi";
import { parseOptimizeArgs, USAGE } from "./options";
import { analyze, FunctionReport } from "./recommend";
import { toHtml } from "./render-html";
import { toJson, toText } from "./report";
import { readLiveInto, readLogInto } from "./sources";
import { FunctionStats } from "./stats";

export interface OptimizeIO {
  stdin: Readable;
  stdout: Writable;
  env: NodeJS.ProcessEnv;
}

export interface OptimizeResult {
  exitCode: number;
  reports: FunctionReport[];
}

/** Runs `optimize` against injectable streams; throws UsageError on bad input, before any output. */
export async function execute(argv: string[], io: OptimizeIO): Promise<OptimizeResult> {
  const opts = parseOptimizeArgs(argv, io.env);
  if (opts.help) {
    io.stdout.write(USAGE + "\n");
    return { exitCode: 0, reports: [] };
  }
  if (opts.output === STDOUT_OUTPUT) opts.output = undefined;
  const inputs = [...opts.inputs.map((i) => i.file), policyConfigArg(argv)];
  if (opts.output !== undefined) checkOutput(opts.output, inputs);

  const allStats: FunctionStats[] = [];
  if (opts.live) {
    for (const name of opts.liveNames) {
      const stats = new FunctionStats(name);
      await readLiveInto(stats, { region: opts.region, sinceMs: opts.sinceMs, endpoint: opts.endpoint });
      allStats.push(stats);
    }
  } else {
    for (const input of opts.inputs) {
      const stats = new FunctionStats(input.name);
      await readLogInto(stats, input.file, io.stdin);
      allStats.push(stats);
    }
  }
  const reports = allStats.map((s) => analyze(s, opts.settings));

  let body: string;
  if (opts.emit === "pulumi") body = emitPulumi(reports, opts.stack);
  else if (opts.format === "json") body = JSON.stringify(toJson(reports, opts.settings), null, 2) + "\n";
  else if (opts.format === "html") body = toHtml(reports, opts.settings);
  else body = toText(reports, opts.settings);

  if (opts.output !== undefined) {
    checkOutput(opts.output, inputs); // again: the run may have taken minutes
    writeWhole(opts.output, body);
    io.stdout.write(`wrote ${opts.output}\n`);
  } else io.stdout.write(body);
  return { exitCode: 0, reports };
}

export async function run(argv: string[]): Promise<number> {
  const { exitCode } = await execute(argv, { stdin: process.stdin, stdout: process.stdout, env: process.env });
  return exitCode;
}

function checkOutput(file: string, inputs: (string | undefined)[]): void {
  const missing = missingOutputDirectory(file);
  if (missing !== undefined) throw new UsageError(`--output '${file}': directory '${missing}' does not exist`);
  const problem = outputProblem(file, inputs);
  if (problem !== undefined) throw new UsageError(`--output '${file}': ${problem}`);
}

/** The --policy-pack-config file, also an input the report must not replace. */
function policyConfigArg(argv: string[]): string | undefined {
  const i = argv.findIndex((a) => a === "--policy-pack-config" || a.startsWith("--policy-pack-config="));
  return i < 0 ? undefined : argv[i].includes("=") ? argv[i].slice(argv[i].indexOf("=") + 1) : argv[i + 1];
}

function writeWhole(file: string, body: string): void {
  try {
    writeFileAtomically(file, body);
  } catch (err) {
    throw new UsageError(`cannot write --output '${file}': ${fsErrorText(err)}`);
  }
}
