import { resourcePolicy } from "./common/define";
import { TYPES } from "./common/types";
import { probe, rawProps, readKnown } from "./common/unknowns";

export const DEFAULT_MIN_RETENTION_DAYS = 7;
export const DEFAULT_MAX_RETENTION_DAYS = 7;

/**
 * The retention values CloudWatch Logs accepts (PutRetentionPolicy; listed in @pulumi/aws's LogGroup docs, which
 * carry no machine-readable form of them). Remediation must pick one of these, or the update fails.
 */
export const CLOUDWATCH_RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653,
];

/** The longest retention CloudWatch accepts within [min, max]; undefined when none does. */
export function remediationDays(min: number, max: number): number | undefined {
  return [...CLOUDWATCH_RETENTION_DAYS].reverse().find((d) => d >= min && d <= max);
}

function fixFor(min: number, max: number): string {
  return min === max ? `set retentionInDays to ${max}` : `set retentionInDays between ${min} and ${max}`;
}

export const logGroupRetention = resourcePolicy({
  name: "log-group-retention",
  description:
    "CloudWatch log groups must expire their logs: retentionInDays set and within the configured range (default exactly 7 days).",
  severity: "medium",
  remediationSteps:
    "Set `retentionInDays` on the aws.cloudwatch.LogGroup to a value within [minRetentionDays, maxRetentionDays] " +
    "(0 or unset keeps logs forever, billed at $0.03/GB-month). Compliance regimes that need a year or more: raise both limits in the policy config.",
  tags: ["cost", "logging"],
  metadata: {
    example:
      'log group "api-logs" (/aws/lambda/api) retentionInDays is not set, so its logs never expire; set retentionInDays to 7',
    details: [
      "An `aws.cloudwatch.LogGroup` must set `retentionInDays` within `[minRetentionDays,",
      "maxRetentionDays]`; `0` or unset means the logs never expire and fails. A minimum above the maximum",
      "is reported as a config error on each log group.",
      "",
      "Remediation sets `retentionInDays` to the longest value CloudWatch accepts (1, 3, 5, 7, 14, 30, 60,",
      "90, 120, 150, 180, 365, 400, 545, 731, 1096, ...) within the range: `maxRetentionDays` itself when",
      "it is one of them (the default 7), `30` for a range of 7 to 45. When the range holds none (8 to 10),",
      "nothing is remediated and the violation stands.",
      "",
      "The other tools want a year or more by default; this pack's default is deliberately short (cost).",
      "Raise both limits where compliance needs a year.",
    ].join("\n"),
    equivalents: {
      checkov: ["CKV_AWS_66", "CKV_AWS_338 (wants >= 365 days)"],
      awsConfig: ["cw-loggroup-retention-period-check (min 365 days by default)"],
      other: ["cfn_nag W86"],
    },
  },
  configProperties: {
    minRetentionDays: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_MIN_RETENTION_DAYS,
      description: "Shortest allowed retention in days.",
    },
    maxRetentionDays: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_MAX_RETENTION_DAYS,
      description:
        "Longest allowed retention in days; " +
        "remediation sets the longest value CloudWatch accepts within the range.",
    },
  },
  types: [TYPES.logGroup],
  validate(resource, config, report) {
    const { minRetentionDays: min, maxRetentionDays: max } = config;
    if (min > max) {
      report(
        `policy config is inconsistent: minRetentionDays ${min} is greater than maxRetentionDays ${max}; fix the policy config`,
      );
      return;
    }
    const name = readKnown(() => resource.props.name);
    const label = typeof name === "string" ? `log group "${resource.name}" (${name})` : `log group "${resource.name}"`;
    // Read through the SDK's proxy: an unknown retention is reported by the SDK as not checkable during preview.
    const retention = resource.props.retentionInDays;
    if (retention === undefined || retention === null || Number(retention) === 0) {
      const shown = retention === undefined || retention === null ? "is not set" : "is 0";
      report(`${label} retentionInDays ${shown}, so its logs never expire; ${fixFor(min, max)}`);
      return;
    }
    const days = Number(retention);
    if (!Number.isFinite(days)) {
      report(`${label} retentionInDays ${JSON.stringify(retention)} is not a number; ${fixFor(min, max)}`);
    } else if (days < min) {
      report(`${label} retentionInDays ${days} is below the ${min}-day minimum; ${fixFor(min, max)}`);
    } else if (days > max) {
      report(`${label} retentionInDays ${days} exceeds the ${max}-day maximum; ${fixFor(min, max)}`);
    }
  },
  remediate(resource, config) {
    const { minRetentionDays: min, maxRetentionDays: max } = config;
    if (min > max) return undefined;
    const retention = probe(() => resource.props.retentionInDays);
    if (!retention.known) return undefined; // unknown in preview: nothing to decide yet
    const days = Number(retention.value ?? 0);
    if (Number.isFinite(days) && days >= min && days <= max && days !== 0) return undefined;
    const target = remediationDays(min, max);
    return target === undefined ? undefined : { ...rawProps(resource.props), retentionInDays: target };
  },
});
