/** Plain-object views of the Analyzer protocol's enums and `AnalyzerInfo`. */
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";

export type EnforcementLevel = "advisory" | "mandatory" | "remediate" | "disabled";
export const ENFORCEMENT_LEVELS: readonly EnforcementLevel[] = ["advisory", "mandatory", "remediate", "disabled"];

export interface PolicyConfigSchema {
  properties: Record<string, unknown>;
  required: string[];
}

export interface PolicyInfo {
  name: string;
  displayName?: string;
  description: string;
  enforcementLevel: EnforcementLevel;
  severity?: string;
  remediationSteps?: string;
  url?: string;
  policyType: "resource" | "stack" | "unknown";
  configSchema?: PolicyConfigSchema;
}

export interface AnalyzerInfo {
  name: string;
  version: string;
  supportsConfig: boolean;
  policies: PolicyInfo[];
  /** Config the pack itself declares (PolicyPack's `initialConfig`), normalized. */
  initialConfig: Record<string, { enforcementLevel?: EnforcementLevel; properties?: Record<string, unknown> }>;
}

const LEVEL_BY_ENUM: Record<number, EnforcementLevel> = {
  [analyzerpb.EnforcementLevel.ADVISORY]: "advisory",
  [analyzerpb.EnforcementLevel.MANDATORY]: "mandatory",
  [analyzerpb.EnforcementLevel.REMEDIATE]: "remediate",
  [analyzerpb.EnforcementLevel.DISABLED]: "disabled",
};

const SEVERITY_BY_ENUM: Record<number, string | undefined> = {
  [analyzerpb.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED]: undefined,
  [analyzerpb.PolicySeverity.POLICY_SEVERITY_LOW]: "low",
  [analyzerpb.PolicySeverity.POLICY_SEVERITY_MEDIUM]: "medium",
  [analyzerpb.PolicySeverity.POLICY_SEVERITY_HIGH]: "high",
  [analyzerpb.PolicySeverity.POLICY_SEVERITY_CRITICAL]: "critical",
};

export function levelFromProto(level: number): EnforcementLevel {
  return LEVEL_BY_ENUM[level] ?? "advisory";
}

export function levelToProto(level: EnforcementLevel): analyzerpb.EnforcementLevel {
  const entry = Object.entries(LEVEL_BY_ENUM).find(([, name]) => name === level);
  return Number(entry![0]) as analyzerpb.EnforcementLevel;
}

export function severityFromProto(severity: number): string | undefined {
  return SEVERITY_BY_ENUM[severity];
}

export function analyzerInfoFromProto(info: analyzerpb.AnalyzerInfo): AnalyzerInfo {
  const policies = info.getPoliciesList().map((p): PolicyInfo => {
    const schema = p.getConfigschema();
    const type = p.getPolicyType();
    return {
      name: p.getName(),
      displayName: p.getDisplayname() || undefined,
      description: p.getDescription(),
      enforcementLevel: levelFromProto(p.getEnforcementlevel()),
      severity: severityFromProto(p.getSeverity()),
      remediationSteps: p.getRemediationSteps() || undefined,
      url: p.getUrl() || undefined,
      policyType:
        type === analyzerpb.PolicyType.POLICY_TYPE_RESOURCE
          ? "resource"
          : type === analyzerpb.PolicyType.POLICY_TYPE_STACK
            ? "stack"
            : "unknown",
      configSchema: schema
        ? {
            properties: (schema.getProperties()?.toJavaScript() ?? {}) as Record<string, unknown>,
            required: schema.getRequiredList(),
          }
        : undefined,
    };
  });
  const initialConfig: AnalyzerInfo["initialConfig"] = {};
  info.getInitialconfigMap().forEach((cfg, key) => {
    const properties = cfg.getProperties()?.toJavaScript() as Record<string, unknown> | undefined;
    // proto3 cannot tell "advisory" (0) from "unset": an entry with properties and level 0 only carries properties.
    const level = cfg.getEnforcementlevel();
    const enforcementLevel =
      properties && level === analyzerpb.EnforcementLevel.ADVISORY ? undefined : levelFromProto(level);
    initialConfig[key] = { enforcementLevel, properties };
  });
  return {
    name: info.getName(),
    version: info.getVersion(),
    supportsConfig: info.getSupportsconfig(),
    policies,
    initialConfig,
  };
}
