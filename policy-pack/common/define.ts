import {
  EnforcementLevel,
  PolicyConfigSchema,
  PolicyResource,
  ReportViolation,
  ResourceValidationArgs,
  ResourceValidationPolicy,
  Severity,
  StackValidationArgs,
  StackValidationPolicy,
} from "@pulumi/policy";
import { withWireAssets } from "./remediation-assets";
import { isUnknownValueError } from "./unknowns";
import { CommonConfig, configWithDefaults, excludeSchema } from "./config";
import { EXEMPT_REASON_TAG, EXEMPT_TAG, Exemption, exemptionOf, Subject } from "./exemptions";
import { policyDocUrl } from "./docs";

/**
 * Metadata every serverless-guard policy carries besides the SDK's fields, for its generated page under
 * docs/policies/ (scripts/generate-policy-docs.ts). Modelled on pulumi/compliance-policies.
 */
export interface PolicyMetadata {
  /** Equivalent rules in Checkov, AWS Config and other scanners; empty where none exists. */
  equivalents: { checkov?: string[]; awsConfig?: string[]; other?: string[] };
  /** One finding message exactly as the policy reports it (a spec runs the policy to check). */
  example: string;
  /** Markdown: how the policy decides, beyond its description; links are relative to docs/policies/. */
  details: string;
}

/**
 * One config key's JSON schema. Its `default` is written only here: the SDK applies no schema defaults, so
 * {@link defaultsOf} derives the values the policy falls back to from these.
 */
export type ConfigProperty<T> = { type: string; description: string; default: T; [schema: string]: unknown };

interface PolicyBase<C extends object> {
  name: string;
  description: string;
  severity: Severity;
  remediationSteps: string;
  /** Short topics, e.g. ["cost", "lambda"]: the SDK's `tags`, which reach the engine and Pulumi Cloud. */
  tags: string[];
  metadata: PolicyMetadata;
  /** The policy's own config properties (JSON schema), without `exclude`, which every policy gets. */
  configProperties?: { [K in keyof C]: ConfigProperty<C[K]> };
  enforcementLevel?: EnforcementLevel;
}

/**
 * Reports a finding: at the policy's level, or advisory with the reason when the resource is exempt. A policy passes
 * `{ advisory: true }` for what it could not verify (e.g. parts unknown during preview): never a mandatory failure.
 */
export type Report = (message: string, options?: { advisory?: boolean }) => void;

/** `subjectTypes`: the resource types the policy judges (undefined: every resource), for reports that count them. */
export type ServerlessGuardResourcePolicy = ResourceValidationPolicy & {
  tags: string[];
  metadata: PolicyMetadata;
  subjectTypes?: readonly string[];
};
export type ServerlessGuardStackPolicy = StackValidationPolicy & {
  tags: string[];
  metadata: PolicyMetadata;
  subjectTypes: readonly string[];
};
export type ServerlessGuardPolicy = ServerlessGuardResourcePolicy | ServerlessGuardStackPolicy;

export interface ResourcePolicySpec<C extends object> extends PolicyBase<C> {
  /** Resource type tokens the policy looks at; omit for every resource. */
  types?: readonly string[];
  validate(resource: ResourceValidationArgs, config: C & CommonConfig, report: Report): void;
  /** Returns the whole new property bag, or undefined for no change. Not called for exempt resources. */
  remediate?(resource: ResourceValidationArgs, config: C & CommonConfig): Record<string, any> | undefined;
}

/**
 * Reports a stack policy's finding about `resource` (its URN, its exemptions), or about the stack as a whole when
 * `resource` is undefined (e.g. a bad config value). `{ advisory: true }` as for {@link Report}.
 */
export type StackReport = (
  resource: PolicyResource | undefined,
  message: string,
  options?: { advisory?: boolean },
) => void;

export interface StackPolicySpec<C extends object> extends PolicyBase<C> {
  /**
   * Types of the resources the policy reports on. An exemption tag without a reason on one of them is a violation
   * even when the policy finds nothing else there, as for resource policies.
   */
  subjectTypes: readonly string[];
  validate(args: StackValidationArgs, config: C & CommonConfig, report: StackReport): void;
}

/** Prefix of every finding a policy reports because preview left values unknown: unverified, which is not a pass. */
export const UNVERIFIED_PREFIX = "could not verify during preview: ";

const STACK_TYPE = "pulumi:pulumi:Stack";

function configSchema(spec: PolicyBase<object>): PolicyConfigSchema {
  return { properties: { ...(spec.configProperties ?? {}), ...excludeSchema } as PolicyConfigSchema["properties"] };
}

/** The values a policy falls back to for keys its config leaves out: each config property's schema `default`. */
export function defaultsOf<C extends object>(spec: { configProperties?: { [K in keyof C]: ConfigProperty<C[K]> } }): C {
  const props = (spec.configProperties ?? {}) as Record<string, ConfigProperty<unknown>>;
  return Object.fromEntries(Object.entries(props).map(([key, schema]) => [key, schema.default])) as C;
}

/** The SDK fields and metadata resource and stack policies share. */
function sharedFields(spec: PolicyBase<object>) {
  return {
    name: spec.name,
    description: spec.description,
    severity: spec.severity,
    remediationSteps: spec.remediationSteps,
    url: policyDocUrl(spec.name),
    tags: spec.tags,
    enforcementLevel: spec.enforcementLevel,
    configSchema: configSchema(spec),
    metadata: spec.metadata,
  };
}

/**
 * Wraps SDK's reportViolation with exemptions. Exempt findings are still reported, at advisory level, with the
 * reason (nothing is hidden). The object form of reportViolation is what the SDK itself uses to carry a
 * per-finding enforcement level (server.js makeReportViolationFun).
 */
function reporterFor(reportViolation: ReportViolation, exemption: Exemption, urn: string | undefined): Report {
  const why =
    exemption.kind === "tag"
      ? `exempt by tag: ${exemption.reason}`
      : exemption.kind === "exclude"
        ? `excluded by config pattern "${exemption.pattern}"`
        : undefined;
  return (message: string, options?: { advisory?: boolean }) => {
    if (why === undefined && !options?.advisory) {
      reportViolation(message, urn);
      return;
    }
    (reportViolation as unknown as (v: object) => void)({
      message: why === undefined ? message : `[${why}] ${message}`,
      enforcementLevel: "advisory",
      urn,
    });
  };
}

function missingReasonMessage(policyName: string): string {
  return (
    `tag ${EXEMPT_TAG} names ${policyName} but ${EXEMPT_REASON_TAG} is empty or missing; ` +
    "an exemption needs a reason, so the policy still applies"
  );
}

/** A policy must never crash the analysis on odd input: anything but an unknown value becomes a finding saying why. */
function undecided(policyName: string, e: unknown, subject: "resource" | "stack"): string {
  const detail = e instanceof Error ? e.message : String(e);
  return subject === "resource"
    ? `could not evaluate ${policyName} on this resource (${detail}); check the resource's properties`
    : `could not evaluate ${policyName} on this stack (${detail}); check the properties of the resources it names`;
}

export function resourcePolicy<C extends object>(spec: ResourcePolicySpec<C>): ServerlessGuardResourcePolicy {
  const applies = (type: string) => !spec.types || spec.types.includes(type);
  const defaults = defaultsOf(spec);
  const policy: ServerlessGuardResourcePolicy = {
    ...sharedFields(spec),
    subjectTypes: spec.types,
    validateResource: (args, reportViolation) => {
      if (!applies(args.type)) return;
      const config = configWithDefaults(() => args.getConfig<object>(), defaults);
      const exemption = exemptionOf(spec.name, args as Subject, config.exclude);
      if (exemption.kind === "missing-reason") reportViolation(missingReasonMessage(spec.name));
      const report = reporterFor(reportViolation, exemption, undefined);
      try {
        spec.validate(args, config, report);
      } catch (e) {
        if (isUnknownValueError(e)) throw e; // the SDK turns it into an advisory "can't run during preview"
        report(undecided(spec.name, e, "resource"));
      }
    },
  };
  if (spec.remediate) {
    const remediate = spec.remediate;
    policy.remediateResource = (args) => {
      if (!applies(args.type)) return undefined;
      const config = configWithDefaults(() => args.getConfig<object>(), defaults);
      const exemption = exemptionOf(spec.name, args as Subject, config.exclude);
      if (exemption.kind === "tag" || exemption.kind === "exclude") return undefined;
      let result: Record<string, any> | undefined;
      try {
        result = remediate(args, config);
      } catch {
        return undefined; // unknown or odd input: leave the resource alone; validation reports why
      }
      return result && withWireAssets(result).catch(() => undefined);
    };
  }
  return policy;
}

export function stackPolicy<C extends object>(spec: StackPolicySpec<C>): ServerlessGuardStackPolicy {
  const defaults = defaultsOf(spec);
  return {
    ...sharedFields(spec),
    subjectTypes: spec.subjectTypes,
    validateStack: (args, reportViolation) => {
      const config = configWithDefaults(() => args.getConfig<object>(), defaults);
      // Findings about the stack as a whole go on the stack resource, so they still point somewhere in the engine's
      // output.
      const stackUrn = args.resources.find((r) => r.type === STACK_TYPE)?.urn;
      const seen = new Set<string>();
      const report: StackReport = (resource, message, options) => {
        if (!resource) {
          reporterFor(reportViolation, { kind: "none" }, stackUrn)(message, options);
          return;
        }
        const exemption = exemptionOf(spec.name, resource, config.exclude);
        if (exemption.kind === "missing-reason" && !seen.has(resource.urn)) {
          seen.add(resource.urn);
          reportViolation(missingReasonMessage(spec.name), resource.urn);
        }
        reporterFor(reportViolation, exemption, resource.urn)(message, options);
      };
      for (const resource of args.resources) {
        if (!spec.subjectTypes.includes(resource.type) || seen.has(resource.urn)) continue;
        if (exemptionOf(spec.name, resource, config.exclude).kind !== "missing-reason") continue;
        seen.add(resource.urn);
        reportViolation(missingReasonMessage(spec.name), resource.urn);
      }
      try {
        spec.validate(args, config, report);
      } catch (e) {
        if (isUnknownValueError(e)) throw e;
        report(undefined, undecided(spec.name, e, "stack"));
      }
    },
  };
}
