/**
 * The option handling `check` and `audit` share: both load a ResourceGraph their own way, then
 * enforce the pack, format and write the report the same way, so their verdicts cannot drift apart.
 */
import * as path from "path";
import { parseArgs } from "util";
import { enforce, startAnalyzer } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { readPolicyPackConfigFile } from "../pack-config";
import { formatReport, REPORT_FORMATS, ReportFormat } from "../report";
import { EXIT_OK, EXIT_VIOLATIONS, fsErrorText, UsageError } from "./errors";
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
  --output FILE              write the report to FILE instead of stdout (whole or not at all; never
                             over an input file, a symbolic link, a pipe or a device; - is stdout)
  -h, --help                 show this help

Exit codes: 0 no mandatory violation, 1 at least one mandatory violation, 2 usage, input or configuration error.`;

const COMMON_OPTIONS = {
  "policy-pack-config": { type: "string" },
  format: { type: "string" },
  output: { type: "string" },
  help: { type: "boolean", short: "h" },
} as const;

function checkOutputFile(file: string, inputs: readonly (string | undefined)[]): void {
  const problem = outputProblem(file, inputs);
  if (problem !== undefined) throw new UsageError(`--output ${file}: ${problem}`);
}

/** Writes the whole report or nothing, after checking again (the run may have taken minutes). */
function writeReport(file: string, content: string, inputs: readonly (string | undefined)[]): void {
  checkOutputFile(file, inputs);
  try {
    writeFileAtomically(file, content);
  } catch (err) {
    throw new UsageError(`--output ${file}: cannot write (${fsErrorText(err)})`);
  }
}

export async function runEnforceCommand(spec: EnforceCommandSpec, argv: string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs({ args: argv, options: { ...COMMON_OPTIONS, ...spec.options }, allowPositionals: true, strict: true });
  } catch (err) {
    // parseArgs's messages are one line and name the option; drop its "To specify a positional..." hint.
    throw new UsageError(`${(err as Error).message.split(/\.\s|\n/)[0]}; see 'serverless-guard ${spec.name} --help'`);
  }
  const values = parsed.values as Record<string, unknown>;
  if (values.help) {
    console.log(spec.usage);
    return EXIT_OK;
  }
  const format = (values.format as string | undefined) ?? "text";
  if (!(REPORT_FORMATS as readonly string[]).includes(format)) {
    throw new UsageError(`unknown --format '${format}' (expected one of: ${REPORT_FORMATS.join(", ")})`);
  }
  const outputArg = values.output as string | undefined;
  if (outputArg === "") throw new UsageError("--output needs a file name");
  const output = outputArg === STDOUT_OUTPUT ? undefined : outputArg;
  const configArg = values["policy-pack-config"] as string | undefined;
  // Relative paths name files from where the user ran us: resolve them now, because `check` runs the program
  // from its own directory (as Pulumi does).
  const inputs = [configArg, ...spec.inputs(parsed.positionals, values)].map((f) => (f === undefined || f === STDOUT_OUTPUT ? f : path.resolve(f)));
  if (output) checkOutputFile(output, inputs);
  const outputPath = output ? path.resolve(output) : undefined;
  const policyPackConfig = configArg !== undefined ? readPolicyPackConfigFile(configArg) : undefined;

  // The pack starts first: its start-up (a second or more) overlaps the program run or the export's reading.
  const analyzer = startAnalyzer();
  await analyzer.spawned;
  const loading = spec.load(parsed.positionals, values);
  const result = await enforce(loading, { policyPackConfig }, analyzer);
  const graph = await loading;
  const report = formatReport(format as ReportFormat, result, graph);
  if (output) {
    writeReport(outputPath!, report, inputs);
    const s = result.summary;
    console.error(`${s.mandatory} mandatory, ${s.advisory} advisory violation(s) in ${s.resources} resource(s); report written to ${output}`);
  } else {
    process.stdout.write(report);
  }
  return result.summary.mandatory > 0 ? EXIT_VIOLATIONS : EXIT_OK;
}
