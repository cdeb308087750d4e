import { DEFAULT_PROGRAM_TIMEOUT_SECONDS, runProgram } from "../program/run-program";
import { parseConfigPairs } from "../program/project";
import { COMMON_OPTIONS_HELP, runEnforceCommand, EnforceCommandSpec } from "./enforce-command";
import { UsageError } from "./errors";

export const CHECK_USAGE = `Usage: serverless-guard check [PROGRAM_DIR] [options]

Runs a Pulumi TypeScript/JavaScript program (PROGRAM_DIR, default: stack/; its Pulumi.yaml gives the
project name and main) in-process under a mock engine, with no Pulumi CLI, backend or cloud account,
and enforces the serverless-guard policy pack on the resources it registers: each resource's inputs go
to Analyze (as a preview would), all outputs to AnalyzeStack (as an update would).

Outputs get realistic values (ids, ARNs, auto-names, queue URLs) so references flow as after deployment.
aws.iam.getPolicyDocument, aws.getCallerIdentity, aws.getRegion and aws.getPartition are answered
realistically; any other invoke gets an empty result and the report lists it as faked.
Config comes from Pulumi.yaml, then Pulumi.<stack>.yaml (secure values are left unset), then --config.
The program's own console output goes to stderr.

Options:
  --stack NAME               stack name seen by pulumi.getStack() (default: dev); ORG/NAME and
                             ORG/PROJECT/NAME select NAME, as with the Pulumi CLI
  --config KEY=VALUE         config seen by new pulumi.Config(); repeatable. Keys without ':' get the
                             project's prefix, e.g. --config owner=me --config aws:region=eu-west-1
  --timeout SECONDS          fail (exit 2) when the program has not finished after SECONDS
                             (default: ${DEFAULT_PROGRAM_TIMEOUT_SECONDS})

${COMMON_OPTIONS_HELP}`;

const spec: EnforceCommandSpec = {
  name: "check",
  usage: CHECK_USAGE,
  options: {
    stack: { type: "string" },
    config: { type: "string", multiple: true },
    timeout: { type: "string" },
  },
  async load(positionals, values) {
    if (positionals.length > 1) throw new UsageError(`expected at most one PROGRAM_DIR, got ${positionals.length} arguments`);
    const stackArg = values.stack as string | undefined;
    if (stackArg !== undefined && !/^[A-Za-z0-9_.\-]+(\/[A-Za-z0-9_.\-]+){0,2}$/.test(stackArg)) {
      throw new UsageError(`--stack '${stackArg}' is not a valid stack name (NAME, ORG/NAME or ORG/PROJECT/NAME)`);
    }
    // As with the Pulumi CLI, a fully qualified name selects the stack NAME: getStack(), URNs and Pulumi.NAME.yaml use it.
    const stack = stackArg?.split("/").pop();
    const config = parseConfigPairs((values.config as string[] | undefined) ?? []);
    const timeoutArg = values.timeout as string | undefined;
    const timeoutSeconds = timeoutArg === undefined ? undefined : Number(timeoutArg);
    if (timeoutSeconds !== undefined && !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 && timeoutArg!.trim() !== "")) {
      throw new UsageError(`--timeout '${timeoutArg}' is not a positive number of seconds`);
    }
    return runProgram(positionals[0] ?? "stack/", { stack, config, timeoutSeconds });
  },
};

export async function run(argv: string[]): Promise<number> {
  return runEnforceCommand(spec, argv);
}
