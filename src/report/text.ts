import { isDeepStrictEqual } from "util";
import { EnforceResult, Violation } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { redactSecrets, runNotes } from "./notes";
import { parseUrn } from "./urn";

const indent = (text: string, pad: string) => text.split("\n").map((l) => pad + l).join("\n");

/**
 * What a remediation changed, per top-level property, as `pulumi policy analyze` shows it
 * (`~ key: old => new`, `+ key: new`, `- key`): the whole bag would bury the change among the rest.
 */
function propertyChanges(before: Record<string, unknown>, after: Record<string, unknown>): string[] {
  const show = (v: unknown) => JSON.stringify(redactSecrets(v)) ?? "undefined";
  const lines: string[] = [];
  for (const [key, value] of Object.entries(after)) {
    if (!(key in before)) lines.push(`+ ${key}: ${show(value)}`);
    else if (!isDeepStrictEqual(before[key], value)) lines.push(`~ ${key}: ${show(before[key])} => ${show(value)}`);
  }
  for (const key of Object.keys(before)) if (!(key in after)) lines.push(`- ${key}`);
  return lines;
}

/**
 * Human report, grouped by resource like `pulumi preview`'s policy section, ending with one summary line:
 * `N mandatory, N advisory violation(s) in N resources (N remediations)`.
 */
export function formatText(result: EnforceResult, graph?: ResourceGraph): string {
  const out: string[] = [];
  out.push(`Policy pack ${result.policyPack.name}@v${result.policyPack.version}`);
  const groups = new Map<string, Violation[]>();
  for (const v of result.violations) {
    const key = v.resourceUrn ?? "";
    if (!groups.has(key)) groups.set(key, []);
    groups.get(key)!.push(v);
  }
  for (const [urn, violations] of groups) {
    out.push("");
    if (urn) {
      const { type, name } = parseUrn(urn);
      out.push(`${type}  ${name}`);
    } else {
      out.push("(stack)");
    }
    for (const v of violations) {
      out.push(`    [${v.enforcementLevel}]  ${v.policyName}${v.severity ? ` (${v.severity})` : ""}`);
      out.push(indent(v.message.trim(), "        "));
    }
  }
  if (result.remediations.length) {
    out.push("", "Remediations:");
    for (const r of result.remediations) {
      const { type, name } = parseUrn(r.resourceUrn);
      out.push(`    ${r.policyName}  ${type}  ${name}`);
      out.push(...propertyChanges(r.previous, r.properties).map((line) => `        ${line}`));
    }
  }
  if (result.summary.fakedInvokes.length) {
    out.push("", `Faked invokes (answered with an empty result): ${result.summary.fakedInvokes.join(", ")}`);
  }
  for (const note of runNotes(graph)) out.push("", `Warning: ${note}`);
  if (graph?.mode === "preview") out.push("", "Mode: preview of a new stack (outputs of created resources unknown, as `pulumi preview` sees them).");
  const { mandatory, advisory, resources } = result.summary;
  const remediations = result.remediations.length ? `, ${result.remediations.length} remediation(s)` : "";
  out.push("", `${mandatory} mandatory, ${advisory} advisory violation(s) in ${resources} resource(s)${remediations}`);
  return out.join("\n") + "\n";
}
