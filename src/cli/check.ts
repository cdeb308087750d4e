import * as fs from "fs";
import * as path from "path";
import { DEFAULT_MAX_MEMORY_MB, DEFAULT_PROGRAM_TIMEOUT_SECONDS, MAX_TIMEOUT_SECONDS } from "../program/limits";
import { runProgramInChild } from "../program/run-in-child";
import { parseConfigPairs } from "../program/project";
import { parseStackReferences } from "../program/stack-references";
import { COMMON_OPTIONS_HELP, runEnforceCommand, EnforceCommandSpec } from "./enforce-command";
import { UsageError } from "../errors";

export const CHECK_USAGE = `Usage: serverless-guard check [PROGRAM_DIR] [options]

Runs a Pulumi TypeScript/JavaScript program (PROGRAM_DIR, default: stack/; its Pulumi.yaml gives the
project name and main) in a child process under a mock engine, with no Pulumi CLI, backend or cloud account,
and enforces the serverless-guard policy pack on the resources it registers: each resource's inputs go
to Analyze, all resources' outputs to AnalyzeStack.

Two modes, because a value can be known at one time and not at another:
  (default)   outputs get realistic values (ids, ARNs, auto-names, queue URLs), so references flow as
              after deployment: the verdicts \`pulumi up\` enforces once the resources exist.
  --preview   a preview of a new stack: every output a provider computes on create is unknown, as
              \`pulumi preview\` sends it, so a policy that needs such a value reports an advisory
              (e.g. a RolePolicy whose document holds table.arn) where the default mode decides.

aws.iam.getPolicyDocument, aws.getCallerIdentity, aws.getRegion and aws.getPartition are answered
realistically; any other invoke gets an empty result and the report lists it as faked.
Config comes from Pulumi.yaml, then Pulumi.<stack>.yaml, then --config. secure: values are decrypted
when the stack uses the passphrase provider and PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE
is set (a wrong passphrase is exit 2); otherwise the program sees them as unknown secrets and the report
lists them. Components registered with remote: true (awsx, aws-apigateway) get unknown outputs and are
listed: their children are not analyzed (audit the deployed stack's export for those).
A program that throws (also inside an apply) stops the run at once: exit 2 with its error and line.
The program's own output (stdout and stderr) goes to stderr, each line prefixed with "[program] ".
TypeScript is transpiled, not type-checked: type errors are the program's own build's job (Pulumi's
runtime checks the values it receives); syntax errors are reported with their file and line.

Options:
  --stack NAME               stack name seen by pulumi.getStack() (default: dev); ORG/NAME and
                             ORG/PROJECT/NAME select NAME, as with the Pulumi CLI
  --config KEY=VALUE         config seen by new pulumi.Config(); repeatable. Keys without ':' get the
                             project's prefix, e.g. --config owner=me --config aws:region=eu-west-1
  --preview                  judge the program as \`pulumi preview\` of a new stack (see above)
  --stack-reference NAME=FILE
                             outputs of the stack a pulumi.StackReference(NAME) reads: FILE is that stack's
                             \`pulumi stack output --json [--show-secrets]\` (or \`pulumi stack export\`);
                             repeatable. A reference without one gets unknown outputs.
  --timeout SECONDS          fail (exit 2) when the program has not finished after SECONDS
                             (default: ${DEFAULT_PROGRAM_TIMEOUT_SECONDS}; the program's process is killed)
  --max-memory MB            heap limit of the program's process; a program that needs more fails
                             with exit 2 (default: ${DEFAULT_MAX_MEMORY_MB}, half of this machine's memory)

${COMMON_OPTIONS_HELP}`;

/** The files at the top of the program's directory that the run reads: project and stack files, sources, manifests. */
function programInputFiles(programDir: string): string[] {
  let names: string[];
  try {
    names = fs.readdirSync(programDir);
  } catch {
    return []; // the run itself reports a missing directory
  }
  return names
    .filter((n) => /^(Pulumi(\..+)?\.ya?ml|package\.json|tsconfig\.json|.+\.[cm]?[jt]sx?)$/.test(n))
    .map((n) => path.join(programDir, n));
}

/** Below this, Node cannot even load @pulumi/pulumi. */
const MIN_MEMORY_MB = 64;

const spec: EnforceCommandSpec = {
  name: "check",
  usage: CHECK_USAGE,
  options: {
    stack: { type: "string" },
    config: { type: "string", multiple: true },
    timeout: { type: "string" },
    preview: { type: "boolean" },
    "stack-reference": { type: "string", multiple: true },
    "max-memory": { type: "string" },
  },
  inputs: (positionals) => programInputFiles(positionals[0] ?? "stack/"),
  async load(positionals, values) {
    if (positionals.length > 1)
      throw new UsageError(`expected at most one PROGRAM_DIR, got ${positionals.length} arguments`);
    const stackArg = values.stack as string | undefined;
    if (stackArg !== undefined && !/^[A-Za-z0-9_.-]+(\/[A-Za-z0-9_.-]+){0,2}$/.test(stackArg)) {
      throw new UsageError(`--stack '${stackArg}' is not a valid stack name (NAME, ORG/NAME or ORG/PROJECT/NAME)`);
    }
    // As with the Pulumi CLI, a fully qualified name selects the stack NAME: getStack(), URNs and Pulumi.NAME.yaml use it.
    const stack = stackArg?.split("/").pop();
    const config = parseConfigPairs((values.config as string[] | undefined) ?? []);
    const timeoutArg = values.timeout as string | undefined;
    const timeoutSeconds = timeoutArg === undefined ? undefined : Number(timeoutArg);
    if (
      timeoutSeconds !== undefined &&
      !(Number.isFinite(timeoutSeconds) && timeoutSeconds > 0 && timeoutArg!.trim() !== "")
    ) {
      throw new UsageError(`--timeout '${timeoutArg}' is not a positive number of seconds`);
    }
    if (timeoutSeconds !== undefined && timeoutSeconds > MAX_TIMEOUT_SECONDS) {
      throw new UsageError(`--timeout '${timeoutArg}' is too long (at most ${MAX_TIMEOUT_SECONDS} seconds)`);
    }
    const memoryArg = values["max-memory"] as string | undefined;
    const maxMemoryMb = memoryArg === undefined ? undefined : Number(memoryArg);
    if (
      maxMemoryMb !== undefined &&
      !(Number.isInteger(maxMemoryMb) && maxMemoryMb >= MIN_MEMORY_MB && memoryArg!.trim() !== "")
    ) {
      throw new UsageError(`--max-memory '${memoryArg}' is not a whole number of MB (at least ${MIN_MEMORY_MB})`);
    }
    const stackReferences = parseStackReferences((values["stack-reference"] as string[] | undefined) ?? []);
    const options = { stack, config, timeoutSeconds, preview: values.preview === true, stackReferences };
    return runProgramInChild(positionals[0] ?? "stack/", options, { timeoutSeconds, maxMemoryMb });
  },
};

export async function run(argv: string[]): Promise<number> {
  return runEnforceCommand(spec, argv);
}
