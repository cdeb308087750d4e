import { PolicyResource } from "@pulumi/policy";
import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { TYPES } from "./common/types";
import { labelOf, listed, sourcesOf, StackIndex, stackIndex } from "./stack-graph";
import { knownString, probeString } from "./common/unknowns";

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

/** The stack's log groups, indexed once: by known name, by the resources their name was computed from. */
class LogGroups {
  /** Log groups whose name is unknown and computed from no function: they may be any function's. */
  readonly unclaimed: PolicyResource[];
  /** Those, and the log groups whose name is known: any of them may be a function's whose own name is unknown. */
  readonly anyName: PolicyResource[];

  constructor(private readonly index: StackIndex) {
    const all = index.ofType(TYPES.logGroup);
    this.unclaimed = all.filter(
      (lg) =>
        !probeString(() => lg.props.name).known && !sourcesOf(lg, "name").some((r) => r.type === TYPES.lambdaFunction),
    );
    const unclaimed = new Set(this.unclaimed);
    this.anyName = all.filter((lg) => probeString(() => lg.props.name).known || unclaimed.has(lg));
  }

  named(name: string): PolicyResource[] {
    return this.index.find(TYPES.logGroup, "name", (lg) => knownString(() => lg.props.name), name);
  }

  namedFrom(fn: PolicyResource): PolicyResource[] {
    return this.index.find(TYPES.logGroup, "name-source", (lg) => sourcesOf(lg, "name").map((r) => r.urn), fn.urn);
  }
}

function verdictFor(fn: PolicyResource, logGroups: LogGroups): Verdict {
  const expected = expectedLogGroup(fn);
  if (expected.known && logGroups.named(expected.value).length > 0) return { kind: "pass" };
  // A name is unknown (preview). A log group named from the function's outputs (`/aws/lambda/${fn.name}`), or
  // one the function's loggingConfig was built from, is taken as the function's; any other might still match.
  // When both names are known, they alone decide.
  const undecidable = (lg: PolicyResource) => !expected.known || !probeString(() => lg.props.name).known;
  const fromConfig = sourcesOf(fn, "loggingConfig").filter((r) => r.type === TYPES.logGroup);
  if ([...fromConfig, ...logGroups.namedFrom(fn)].some(undecidable)) return { kind: "pass" };
  // Log groups named from another function's outputs are that function's.
  const maybe = expected.known ? logGroups.unclaimed : logGroups.anyName;
  if (maybe.length > 0) {
    const names = listed(maybe.map((lg) => `"${lg.name}"`));
    const unknownSide = expected.known
      ? `the name of log group ${names} is unknown`
      : "the function's name or loggingConfig.logGroup is unknown";
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
  tags: ["lambda", "logs", "cost"],
  metadata: {
    equivalents: {},
    example:
      'function "worker" (name worker-5678) has no aws.cloudwatch.LogGroup named "/aws/lambda/worker-5678" in this stack, so Lambda creates one on first invocation that never expires; declare a LogGroup with name "/aws/lambda/worker-5678" and retentionInDays',
    details: [
      "Every Lambda function needs an `aws.cloudwatch.LogGroup` in the stack named as the function's",
      "`loggingConfig.logGroup`, or else `/aws/lambda/<function name>`. Without one, Lambda creates the",
      "group on the first invocation; it never expires, and no policy (such as `log-group-retention`)",
      "governs it.",
      "",
      "Known names decide. While a name is unknown during preview, a log group whose `name` was computed",
      "from the function's outputs, or one that fed the function's `loggingConfig`, counts as the",
      "function's. The finding is reported on the function. Stack policy: it follows references between",
      "resources by value (names and ARNs) and, while a value is unknown during preview, through the",
      "engine's `propertyDependencies`; what preview cannot settle is an advisory `could not verify during",
      "preview: ...`, never a failure ([unknown values](../unknown-values.md#stack-policies)).",
    ].join("\n"),
  },
  subjectTypes: [TYPES.lambdaFunction],
  validate: (args, _config, report) => {
    const index = stackIndex(args.resources);
    const logGroups = new LogGroups(index);
    for (const fn of index.ofType(TYPES.lambdaFunction)) {
      const verdict = verdictFor(fn, logGroups);
      if (verdict.kind === "pass") continue;
      if (verdict.kind === "undecided") {
        // Only during preview: unverified, never a pass and never a mandatory violation.
        report(fn, `${UNVERIFIED_PREFIX}function ${labelOf(fn)}: ${verdict.why}`, { advisory: true });
        continue;
      }
      const wanted = verdict.expected
        ? `aws.cloudwatch.LogGroup named "${verdict.expected}"`
        : "aws.cloudwatch.LogGroup";
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
