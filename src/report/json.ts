import { EnforceResult } from "../analyzer/enforce";
import { ResourceGraph } from "../analyzer/resource-record";
import { ReportSummary, summarize } from "./summary";

/** The `--format json` document: every finding and remediation, and per-policy counts in `summary.byPolicy`. */
export function toJsonReport(
  result: EnforceResult,
  summary: ReportSummary = summarize(result),
  graph?: ResourceGraph,
): object {
  return {
    policyPack: { name: result.policyPack.name, version: result.policyPack.version },
    // check's mode ("update" or "preview"): which values the verdicts were reached on.
    ...(graph?.mode && graph.mode !== "state" ? { mode: graph.mode } : {}),
    violations: result.violations.map((v) => ({
      policyName: v.policyName,
      policyPackName: v.policyPackName,
      policyPackVersion: v.policyPackVersion,
      resourceUrn: v.resourceUrn ?? null,
      enforcementLevel: v.enforcementLevel,
      severity: v.severity ?? null,
      message: v.message,
    })),
    remediations: result.remediations.map((r) => ({
      policyName: r.policyName,
      resourceUrn: r.resourceUrn,
      description: r.description ?? null,
      properties: r.properties,
    })),
    summary: {
      resources: result.summary.resources,
      mandatory: result.summary.mandatory,
      advisory: result.summary.advisory,
      fakedInvokes: result.summary.fakedInvokes,
      resourcesChecked: summary.resourcesChecked,
      resourcesWithMandatoryFindings: summary.resourcesWithMandatoryFindings,
      byPolicy: summary.byPolicy,
      ...(graph?.unexpandedComponents ? { unexpandedComponents: graph.unexpandedComponents } : {}),
      ...(graph?.stackReferences ? { stackReferences: graph.stackReferences } : {}),
      ...(graph?.undecidedSecrets ? { undecidedSecrets: graph.undecidedSecrets } : {}),
    },
  };
}

export function formatJson(result: EnforceResult, summary?: ReportSummary, graph?: ResourceGraph): string {
  return JSON.stringify(toJsonReport(result, summary, graph), null, 2) + "\n";
}
