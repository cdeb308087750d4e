import { readStackExport } from "../analyzer/stack-export";
import { COMMON_OPTIONS_HELP, runEnforceCommand, EnforceCommandSpec } from "./enforce-command";
import { UsageError } from "./errors";

export const AUDIT_USAGE = `Usage: serverless-guard audit STATE.json [options]

Enforces the serverless-guard policy pack on a saved stack: STATE.json is the output of
\`pulumi stack export\` (version 3). Each resource's inputs go to Analyze (as a preview would),
all outputs to AnalyzeStack (as an update would). Resources pending deletion are skipped, and reads
(\`external\`) are not analyzed per resource, as under the engine. Secrets stay encrypted: a policy
that needs a secret value reports it as unverifiable (advisory) instead of guessing.

${COMMON_OPTIONS_HELP}`;

const spec: EnforceCommandSpec = {
  name: "audit",
  usage: AUDIT_USAGE,
  options: {},
  inputs: (positionals) => positionals,
  async load(positionals) {
    if (positionals.length === 0) throw new UsageError("missing STATE.json (the output of `pulumi stack export`); see --help");
    if (positionals.length > 1) throw new UsageError(`expected one STATE.json, got ${positionals.length} arguments`);
    return readStackExport(positionals[0]);
  },
};

export async function run(argv: string[]): Promise<number> {
  return runEnforceCommand(spec, argv);
}
