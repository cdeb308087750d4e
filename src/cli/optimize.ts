import { Readable, Writable } from "stream";
import { emitPulumi } from "../optimize/emit-pulumi";
import { analyze, FunctionReport } from "../optimize/recommend";
import { toHtml } from "../optimize/render-html";
import { toJson, toText, totalsOf, usd } from "../optimize/report";
import { readLiveInto, readLogInto } from "../optimize/sources";
import { FunctionStats } from "../optimize/stats";
import { checkOutputFile, reportWritten, writeReport } from "./enforce-command";
import { parseOptimizeArgs, USAGE } from "./optimize-options";

export interface OptimizeIO {
  stdin: Readable;
  stdout: Writable;
  /** Where the "report written" notice goes (default process.stderr). */
  stderr?: Writable;
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
  if (opts.output !== undefined) checkOutputFile(opts.output, opts.readFiles);

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
    writeReport(opts.output, body, opts.readFiles);
    const t = totalsOf(reports);
    const cost = `monthly cost ${usd(t.monthlyCostCurrentUsd)} -> ${usd(t.monthlyCostRecommendedUsd)}`;
    reportWritten(`${t.functions} function(s), ${t.invocations} invocation(s), ${cost}`, opts.output, io.stderr);
  } else io.stdout.write(body);
  return { exitCode: 0, reports };
}

export async function run(argv: string[]): Promise<number> {
  const { exitCode } = await execute(argv, { stdin: process.stdin, stdout: process.stdout, env: process.env });
  return exitCode;
}
