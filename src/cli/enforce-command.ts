/**
 * The option handling `check` and `audit` share: both load a ResourceGraph their own way, then
 * enforce the pack, format and write the report the same way, so their verdicts cannot drift apart.
 * `optimize` parses its options and writes its report with the same helpers (exported below).
 */
import * as path from "path";
import { parseArgs } from "util";
import { enforce, startAnalyzer } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { readPolicyPackConfigFile } from "../pack-config";
import { formatReport, ownPackHelpers, REPORT_FORMATS, ReportFormat, summarize, summaryLine } from "../report";
import { EXIT_OK, EXIT_VIOLATIONS, fsErrorText, UsageError } from "../errors";
import { outputProblem, STDOUT_OUTPUT, writeFileAtomically } from "./output-file";

export interface EnforceCommandSpec {
  name: "check" | "audit";
  /** Full --help text. */
  usage: string;
  /** Command-specific options, for util.parseArgs. */
  options: Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;
  /** Throws UsageError on bad input. */
  load(positionals: string[], values: Record<string, unknown>): Promise<ResourceGraph>;
  /** The files the command will read (besides the policy config), which --output must never replace. */
  inputs(positionals: string[], values: Record<string, unknown>): string[];
}

/** The common options' help, for each command's usage text. */
export const COMMON_OPTIONS_HELP = `Common options:
  --policy-pack-config FILE  policy config in the Pulumi CLI's format, e.g.
                             {"all": "mandatory", "lambda-memory-limit": {"enforcementLevel": "advisory", "maxMemoryMb": 1024}}
  --format text|json|sarif   report format (default: text)
  -o, --output FILE          write the report to FILE instead of stdout (whole or not at all; never
                             over an input file, a symbolic link, a pipe or a device; - is stdout)
  --verbose                  text report: every finding and message whole (default: long ones shortened)
  --no-color                 text report: no colour (also when NO_COLOR is set; never in files and pipes)
  -h, --help                 show this help

Exit codes: 0 no mandatory violation, 1 at least one mandatory violation, 2 usage, input or configuration error.`;

export const COMMON_OPTIONS = {
  "policy-pack-config": { type: "string" },
  format: { type: "string" },
  output: { type: "string", short: "o" },
  help: { type: "boolean", short: "h" },
} as const;

/** check and audit's text report options (optimize's reports have no such settings). */
const TEXT_REPORT_OPTIONS = {
  verbose: { type: "boolean" },
  "no-color": { type: "boolean" },
} as const;

/** --output must name a file that can be written and is none of the command's inputs. */
export function checkOutputFile(file: string, inputs: readonly (string | undefined)[]): void {
  const problem = outputProblem(file, inputs);
  if (problem !== undefined) throw new UsageError(`--output ${file}: ${problem}`);
}

/** Writes the whole report or nothing, after checking again (the run may have taken minutes). */
export function writeReport(file: string, content: string, inputs: readonly (string | undefined)[]): void {
  checkOutputFile(file, inputs);
  try {
    writeFileAtomically(file, content);
  } catch (err) {
    throw new UsageError(`--output ${file}: cannot write (${fsErrorText(err)})`);
  }
}

type OptionSpecs = Record<string, { type: "string" | "boolean"; multiple?: boolean; short?: string }>;

/** A command's argv, with the common options; bad flags are a UsageError that points at the command's --help. */
export function parseCommandArgs(
  command: string,
  options: OptionSpecs,
  argv: string[],
): { values: Record<string, unknown>; positionals: string[] } {
  try {
    const parsed = parseArgs({
      args: argv,
      options: { ...COMMON_OPTIONS, ...options },
      allowPositionals: true,
      strict: true,
    });
    return { values: parsed.values as Record<string, unknown>, positionals: parsed.positionals };
  } catch (err) {
    // parseArgs's messages are one line and name the option; drop its "To specify a positional..." hint.
    throw new UsageError(`${(err as Error).message.split(/\.\s|\n/)[0]}; see 'serverless-guard ${command} --help'`);
  }
}

/** --format, one of the command's formats (default text). */
export function reportFormat<T extends string>(value: unknown, formats: readonly T[]): T {
  const format = (value as string | undefined) ?? "text";
  if (!(formats as readonly string[]).includes(format))
    throw new UsageError(`unknown --format '${format}' (expected one of: ${formats.join(", ")})`);
  return format as T;
}

/** --output: undefined for stdout (no option, or `-`). Checked against the inputs by checkOutputFile. */
export function outputOption(value: unknown): string | undefined {
  const output = value as string | undefined;
  if (output === "") throw new UsageError("--output needs a file name");
  return output === STDOUT_OUTPUT ? undefined : output;
}

/** The one line on stderr that says where the report went (stdout stays empty). */
export function reportWritten(summary: string, output: string, stderr: NodeJS.WritableStream = process.stderr): void {
  stderr.write(`${summary}; report written to ${output}\n`);
}

export async function runEnforceCommand(spec: EnforceCommandSpec, argv: string[]): Promise<number> {
  const parsed = parseCommandArgs(spec.name, { ...TEXT_REPORT_OPTIONS, ...spec.options }, argv);
  const values = parsed.values;
  if (values.help) {
    console.log(spec.usage);
    return EXIT_OK;
  }
  const format = reportFormat<ReportFormat>(values.format, REPORT_FORMATS);
  const output = outputOption(values.output);
  const configArg = values["policy-pack-config"] as string | undefined;
  // Relative paths name files from where the user ran us: resolve them now, because `check` runs the program
  // from its own directory (as Pulumi does).
  const inputs = [configArg, ...spec.inputs(parsed.positionals, values)].map((f) =>
    f === undefined || f === STDOUT_OUTPUT ? f : path.resolve(f),
  );
  if (output) checkOutputFile(output, inputs);
  const outputPath = output ? path.resolve(output) : undefined;
  const policyPackConfig = configArg !== undefined ? readPolicyPackConfigFile(configArg) : undefined;

  // The pack starts first: its start-up (a second or more) overlaps the program run or the export's reading.
  const analyzer = startAnalyzer();
  await analyzer.spawned;
  const loading = spec.load(parsed.positionals, values);
  // The report reads the policy list: load it once the graph is in, while the pack is usually still starting and
  // the program's core is free, instead of after the pack has answered (when it would be serial work either way).
  loading.then(() => ownPackHelpers()).catch(() => undefined); // a failure here shows again where the report is built
  const result = await enforce(loading, { policyPackConfig }, analyzer);
  const graph = await loading;
  // A terminal gets its width and colour; files and pipes get 80 columns and plain text.
  const tty = !output && process.stdout.isTTY === true;
  const color = tty && !values["no-color"] && !process.env.NO_COLOR && process.stdout.hasColors();
  const report = formatReport(format, result, graph, {
    width: tty ? process.stdout.columns : undefined,
    color,
    verbose: !!values.verbose,
  });
  if (output) {
    writeReport(outputPath!, report, inputs);
    reportWritten(summaryLine(summarize(result, graph)), output);
  } else {
    process.stdout.write(report);
  }
  return result.summary.mandatory > 0 ? EXIT_VIOLATIONS : EXIT_OK;
}
