import { EnforceResult } from "../analyzer/enforce";

/** The `--format json` document (issue 3's exact shape). */
export function toJsonReport(result: EnforceResult): object {
  return {
    policyPack: { name: result.policyPack.name, version: result.policyPack.version },
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
    },
  };
}

export function formatJson(result: EnforceResult): string {
  return JSON.stringify(toJsonReport(result), null, 2) + "\n";
}
