/**
 * Per-policy counts for the reports: which resources each policy judged, and how they fared. The Analyzer protocol
 * only returns findings, so "judged" comes from the policies' declared resource types (for serverless-guard's own
 * pack) or, for another pack, every resource the policy was sent.
 */
import { EnforceResult, Violation } from "../analyzer/enforce";
import { EnforcementLevel, PolicyInfo } from "../analyzer/policy-info";
import { ResourceGraph, ResourceRecord } from "../analyzer/resource-record";

export interface PolicyCounts {
  enforcementLevel: EnforcementLevel;
  /** Resources the policy judged. */
  checked: number;
  /** Judged, with no finding and no exemption. */
  passed: number;
  /** With at least one finding that no exemption waives (at the policy's level, or advisory when unverified). */
  failed: number;
  /** Exempt by tag or excluded by config, and no other finding. */
  exempt: number;
}

export interface ReportSummary {
  byPolicy: Record<string, PolicyCounts>;
  /** Resources at least one enabled policy judged, and any resource with a finding. */
  resourcesChecked: number;
  /** Resources (or the stack as a whole) with at least one mandatory finding. */
  resourcesWithMandatoryFindings: number;
}

const OWN_PACK = "serverless-guard";
const STACK_FINDING = "(stack)";

/** Prefixes define.ts puts on a finding an exemption waived (reported at advisory, with the reason). */
const EXEMPT_PREFIX = /^\[(exempt by tag: |excluded by config pattern )/;

/** The finding's own text: the SDK puts the policy's description in front of it, on a line of its own. */
export function findingText(v: Violation, policy: PolicyInfo | undefined): string {
  const description = policy?.description;
  const message = v.message.trim();
  if (description && message.startsWith(description + "\n")) return message.slice(description.length + 1).trim();
  return message;
}

export function isExemptFinding(v: Violation, policy: PolicyInfo | undefined): boolean {
  return EXEMPT_PREFIX.test(findingText(v, policy));
}

interface OwnPackHelpers {
  subjects: Map<string, (type: string) => boolean>;
  exemptionOf: typeof import("../../policy-pack/common/exemptions").exemptionOf;
}

let ownPack: OwnPackHelpers | undefined;

/**
 * Loaded on first use, as pack-config does: only reports need the policies' own modules in the CLI. Exported so
 * that a command can load them early, while it waits anyway.
 */
export function ownPackHelpers(): OwnPackHelpers {
  if (!ownPack) {
    const { policySubjects } = require("../../policy-pack/subjects") as typeof import("../../policy-pack/subjects");
    const { exemptionOf } =
      require("../../policy-pack/common/exemptions") as typeof import("../../policy-pack/common/exemptions");
    ownPack = { subjects: policySubjects(), exemptionOf };
  }
  return ownPack;
}

function levelOf(result: EnforceResult, policy: PolicyInfo): EnforcementLevel {
  return result.config[policy.name]?.enforcementLevel ?? policy.enforcementLevel;
}

export function summarize(result: EnforceResult, graph?: ResourceGraph): ReportSummary {
  const own = result.policyPack.name === OWN_PACK ? ownPackHelpers() : undefined;
  const resources = graph?.resources ?? [];
  const byPolicy: Record<string, PolicyCounts> = {};
  const allChecked = new Set<string>();
  const byName = new Map(result.policies.map((p) => [p.name, p]));

  for (const policy of result.policies) {
    const enforcementLevel = levelOf(result, policy);
    if (enforcementLevel === "disabled") {
      byPolicy[policy.name] = { enforcementLevel, checked: 0, passed: 0, failed: 0, exempt: 0 };
      continue;
    }
    const judges = own?.subjects.get(policy.name) ?? (() => true);
    // The engine sends reads (external) to stack policies only.
    const sentTo = (r: ResourceRecord) => policy.policyType === "stack" || !r.external;
    const judged = resources.filter((r) => sentTo(r) && judges(r.type));
    const checked = new Set(judged.map((r) => r.urn));
    const exempt = new Set<string>();
    const failed = new Set<string>();
    if (own) {
      const exclude = result.config[policy.name]?.properties?.exclude;
      const patterns = Array.isArray(exclude) ? (exclude as string[]) : [];
      for (const r of judged) {
        const kind = own.exemptionOf(
          policy.name,
          { urn: r.urn, name: r.name, props: { ...r.outputs, ...r.inputs } },
          patterns,
        ).kind;
        if (kind === "tag" || kind === "exclude") exempt.add(r.urn);
      }
    }
    for (const v of result.violations) {
      if (v.policyName !== policy.name) continue;
      const urn = v.resourceUrn ?? STACK_FINDING;
      checked.add(urn);
      if (isExemptFinding(v, byName.get(v.policyName))) exempt.add(urn);
      else failed.add(urn);
    }
    for (const urn of failed) exempt.delete(urn);
    for (const urn of checked) allChecked.add(urn);
    byPolicy[policy.name] = {
      enforcementLevel,
      checked: checked.size,
      passed: checked.size - failed.size - exempt.size,
      failed: failed.size,
      exempt: exempt.size,
    };
  }
  // A finding is proof its resource was judged, whatever the counts above could tell.
  for (const v of result.violations) allChecked.add(v.resourceUrn ?? STACK_FINDING);
  const withMandatory = new Set(
    result.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.resourceUrn ?? STACK_FINDING),
  );
  return { byPolicy, resourcesChecked: allChecked.size, resourcesWithMandatoryFindings: withMandatory.size };
}

/** The last line of the text report (and of the note on stderr when the report goes to a file). */
export function summaryLine(summary: ReportSummary): string {
  const n = summary.resourcesChecked;
  return `${n} resource${n === 1 ? "" : "s"} checked (${summary.resourcesWithMandatoryFindings} with mandatory findings)`;
}
