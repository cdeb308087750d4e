import { PolicyResource } from "@pulumi/policy";
import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { TYPES } from "./common/types";
import { dependsThrough, fedBy, labelOf, ofType, probeString } from "./stack-graph";

export const LAMBDA_LOG_GROUP_PREFIX = "/aws/lambda/";

type Verdict = { kind: "pass" } | { kind: "undecided"; why: string } | { kind: "fail"; expected?: string };

/**
 * Which log group a function writes to: the one its `loggingConfig.logGroup` names, else `/aws/lambda/<name>`.
 * Unknown (preview) when either value it depends on is unknown.
 */
function expectedLogGroup(fn: PolicyResource): { known: true; value: string } | { known: false } {
  const configured = probeString(() => fn.props.loggingConfig?.logGroup);
  if (!configured.known) return { known: false };
  if (configured.value !== undefined) return { known: true, value: configured.value };
  const name = probeString(() => fn.props.name);
  if (!name.known || name.value === undefined) return { known: false };
  return { known: true, value: LAMBDA_LOG_GROUP_PREFIX + name.value };
}

function verdictFor(fn: PolicyResource, logGroups: readonly PolicyResource[]): Verdict {
  const expected = expectedLogGroup(fn);
  const maybe: string[] = [];
  for (const lg of logGroups) {
    const name = probeString(() => lg.props.name);
    if (expected.known && name.known) {
      if (name.value === expected.value) return { kind: "pass" };
      continue;
    }
    // A name is unknown (preview). A log group named from the function's outputs (`/aws/lambda/${fn.name}`), or
    // one the function's loggingConfig was built from, is taken as the function's; any other might still match.
    if (dependsThrough(lg, "name", fn) || dependsThrough(fn, "loggingConfig", lg)) return { kind: "pass" };
    // Named from another function's outputs: that function's log group.
    if (!name.known && fedBy(lg, "name", fn) === "no") continue;
    maybe.push(`"${lg.name}"`);
  }
  if (maybe.length > 0) {
    const unknownSide = expected.known ? `the name of log group ${maybe.join(", ")} is unknown` : "the function's name or loggingConfig.logGroup is unknown";
    const wanted = expected.known ? `"${expected.value}"` : "its log group";
    return { kind: "undecided", why: `${unknownSide}, so whether the stack declares ${wanted} is unverified` };
  }
  return { kind: "fail", expected: expected.known ? expected.value : undefined };
}

export const lambdaLogGroup = stackPolicy({
  name: "lambda-log-group",
  description:
    "Every Lambda function has its CloudWatch log group in the stack (/aws/lambda/<function name>, or the one its loggingConfig.logGroup names); otherwise Lambda creates one on first invocation that never expires and no policy governs.",
  severity: "medium",
  remediationSteps:
    "Declare the log group next to the function: new aws.cloudwatch.LogGroup(name, { name: pulumi.interpolate`/aws/lambda/${fn.name}`, retentionInDays: 7 }), or point loggingConfig.logGroup at a log group the stack declares.",
  metadata: { equivalents: {}, topics: ["lambda", "logs", "cost"] },
  subjectTypes: [TYPES.lambdaFunction],
  defaults: {},
  validate: (args, _config, report) => {
    const logGroups = ofType(args.resources, TYPES.logGroup);
    for (const fn of ofType(args.resources, TYPES.lambdaFunction)) {
      const verdict = verdictFor(fn, logGroups);
      if (verdict.kind === "pass") continue;
      if (verdict.kind === "undecided") {
        // Only during preview: unverified, never a pass and never a mandatory violation.
        report(fn, `${UNVERIFIED_PREFIX}function ${labelOf(fn)}: ${verdict.why}`, { advisory: true });
        continue;
      }
      const wanted = verdict.expected ? `aws.cloudwatch.LogGroup named "${verdict.expected}"` : "aws.cloudwatch.LogGroup";
      const fix = verdict.expected
        ? `declare a LogGroup with name "${verdict.expected}" and retentionInDays`
        : "declare a LogGroup named /aws/lambda/<function name> with retentionInDays";
      report(
        fn,
        `function ${labelOf(fn)} has no ${wanted} in this stack, so Lambda creates one on first invocation that never expires; ${fix}`,
      );
    }
  },
});
