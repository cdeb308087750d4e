import { readStackExportWithSecrets } from "../analyzer/stack-export";
import { COMMON_OPTIONS_HELP, runEnforceCommand, EnforceCommandSpec } from "./enforce-command";
import { UsageError } from "../errors";

export const AUDIT_USAGE = `Usage: serverless-guard audit STATE.json [options]

Enforces the serverless-guard policy pack on a saved stack: STATE.json is the output of
\`pulumi stack export\` (version 3). It does what \`pulumi policy analyze\` does with the stack's saved
state: each resource's inputs go to Analyze (reads, \`external\`, included), all resources' outputs to
AnalyzeStack; resources pending deletion are skipped. A remediation is reported but not applied: Analyze
still sees the saved inputs, so a policy at remediate whose fix is pending also reports a violation.

Secrets: with the passphrase secrets provider (the export's secrets_providers) and PULUMI_CONFIG_PASSPHRASE
or PULUMI_CONFIG_PASSPHRASE_FILE set, ciphertext secrets are decrypted as the Pulumi CLI does (a wrong
passphrase is exit 2); exports made with --show-secrets pass their values through. Otherwise a secret
reaches the pack as a secret of unknown value, so a policy that needs it reports an advisory. This
differs on purpose from \`pulumi policy analyze\`, which sends the string "[secret]" for a secret it
cannot decrypt, a value a policy could mistake for a real one. Decrypted values never appear in a report.

${COMMON_OPTIONS_HELP}`;

const spec: EnforceCommandSpec = {
  name: "audit",
  usage: AUDIT_USAGE,
  options: {},
  inputs: (positionals) => positionals,
  async load(positionals) {
    if (positionals.length === 0)
      throw new UsageError("missing STATE.json (the output of `pulumi stack export`); see --help");
    if (positionals.length > 1) throw new UsageError(`expected one STATE.json, got ${positionals.length} arguments`);
    return readStackExportWithSecrets(positionals[0]);
  },
};

export async function run(argv: string[]): Promise<number> {
  return runEnforceCommand(spec, argv);
}
