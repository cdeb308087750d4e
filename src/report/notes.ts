/**
 * What a report must say about the reach of its verdicts: components whose resources were not analyzed,
 * stack references and secrets whose values the policies could not see. One sentence each, with what to do;
 * the same words in the text report (warnings) and SARIF (tool notifications).
 */
import { ResourceGraph } from "../analyzer/resource-record";
import { parseUrn } from "./urn";

export function runNotes(graph: ResourceGraph | undefined): string[] {
  const notes: string[] = [];
  if (!graph) return notes;
  const components = graph.unexpandedComponents ?? [];
  if (components.length) {
    const names = components.map((c) => `${c.type} "${parseUrn(c.urn).name}"`).join(", ");
    notes.push(
      `${components.length} multi-language component(s) (remote: true) were not expanded, so the resources they create were not analyzed and their outputs were unknown to the program: ${names}. For full coverage, audit the deployed stack's \`pulumi stack export\`, where their children are recorded.`,
    );
  }
  const unresolved = (graph.stackReferences ?? []).filter((r) => !r.resolved);
  if (unresolved.length) {
    notes.push(
      `stack reference(s) without outputs, unknown to the program: ${unresolved.map((r) => r.name).join(", ")}; give each with --stack-reference NAME=FILE (FILE from \`pulumi stack output --json --show-secrets\`).`,
    );
  }
  const secrets = graph.undecidedSecrets ?? [];
  if (secrets.length) {
    notes.push(
      `secret config left undecided, unknown to the program and the policies: ${secrets.join(", ")}; set PULUMI_CONFIG_PASSPHRASE (passphrase provider) or give the value with --config.`,
    );
  }
  return notes;
}
