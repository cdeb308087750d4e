/** The part of a `--format json` report of check or audit that the verdicts are read from. */
export interface JsonViolations {
  violations: { policyName: string; resourceUrn?: string; enforcementLevel: string }[];
}

/** One "policy resource level" line per violation, sorted; a stack policy's resource is "(stack)". */
export function verdicts(report: JsonViolations): string[] {
  return report.violations
    .map((v) => {
      const resource = v.resourceUrn ? v.resourceUrn.split("::").slice(3).join("::") : "(stack)";
      return `${v.policyName} ${resource} ${v.enforcementLevel}`;
    })
    .sort();
}
