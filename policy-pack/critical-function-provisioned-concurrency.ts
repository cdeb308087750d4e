import { PolicyResource } from "@pulumi/policy";
import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { TYPES } from "./common/types";
import { probe } from "./common/unknowns";
import { allOf, anyOf, dependsThrough, fedBy, labelOf, identity, lambdaFunctionNameOf, ofType, probeString, Tri } from "./stack-graph";

export const DEFAULT_CRITICAL_FUNCTION_PATTERN = "processor";
export const DEFAULT_MIN_PROVISIONED_CONCURRENCY = 1;

const LATEST = "$LATEST";

interface Config {
  criticalFunctionPattern: string;
  minProvisionedConcurrency: number;
}

/** Is the function critical? Its logical name decides when it matches; otherwise its physical name, once known. */
function isCritical(fn: PolicyResource, pattern: RegExp): Tri {
  if (pattern.test(fn.name)) return "yes";
  const name = probeString(() => fn.props.name);
  if (!name.known) return "undecided";
  return name.value !== undefined && pattern.test(name.value) ? "yes" : "no";
}

/**
 * Does `holder`'s `functionName` (a name, full ARN or partial ARN) refer to `fn`? Lambda's ProvisionedConcurrencyConfig
 * and Alias both take such a reference.
 */
function refersTo(holder: PolicyResource, fn: PolicyResource): Tri {
  const reference = probeString(() => holder.props.functionName);
  const { name, arn } = identity(fn);
  if (reference.known && name !== undefined) {
    if (reference.value === undefined) return "no";
    return reference.value === arn || lambdaFunctionNameOf(reference.value) === name ? "yes" : "no";
  }
  // Unknown during preview: the engine's record of which resource's outputs functionName came from decides.
  return fedBy(holder, "functionName", fn);
}

interface Check {
  verdict: Tri;
  /** Why the verdict is "no", for the violation. */
  problem?: string;
  /** What preview left unknown when the verdict is "undecided", for the advisory. */
  unknown?: string;
}

/**
 * A version taken from the function's `version` output (unknown in preview until the update publishes one) is a
 * published version only when the function sets `publish: true`; otherwise `version` is $LATEST.
 */
function functionVersionCheck(fn: PolicyResource, what: string): Check {
  const publish = probe(() => fn.props.publish);
  if (!publish.known) return { verdict: "undecided", unknown: `${what} comes from the function's version, and whether it is published is unknown` };
  return publish.value === true
    ? { verdict: "yes" }
    : { verdict: "no", problem: `${what} is the function's version, which is ${LATEST} because the function does not set publish: true` };
}

/** The qualifier must be a published version number or an alias of the function that does not point at $LATEST. */
function checkQualifier(pcc: PolicyResource, fn: PolicyResource, aliases: readonly PolicyResource[]): Check {
  const ownAliases = aliases.filter((a) => refersTo(a, fn) !== "no");
  const aliasProblem = (alias: PolicyResource): Check => {
    const version = probeString(() => alias.props.functionVersion);
    if (!version.known) {
      return dependsThrough(alias, "functionVersion", fn)
        ? functionVersionCheck(fn, `its qualifier is alias "${alias.name}", whose functionVersion`)
        : { verdict: "undecided", unknown: `alias "${alias.name}"'s functionVersion is unknown` };
    }
    return version.value === LATEST
      ? { verdict: "no", problem: `its qualifier is alias "${alias.name}", which points at ${LATEST}` }
      : { verdict: "yes" };
  };
  const qualifier = probeString(() => pcc.props.qualifier);
  if (!qualifier.known) {
    // qualifier: alias.name or fn.version, resolved only after deployment.
    const feedingAlias = ownAliases.find((a) => dependsThrough(pcc, "qualifier", a));
    if (feedingAlias) return aliasProblem(feedingAlias);
    return dependsThrough(pcc, "qualifier", fn)
      ? functionVersionCheck(fn, "its qualifier")
      : { verdict: "undecided", unknown: "its qualifier is unknown and comes from neither an alias nor a version of this function" };
  }
  const value = qualifier.value;
  if (value === undefined) return { verdict: "no", problem: "it has no qualifier" };
  if (value === LATEST) return { verdict: "no", problem: `its qualifier is ${LATEST}, which AWS rejects for provisioned concurrency` };
  if (/^\d+$/.test(value)) return { verdict: "yes" };
  const named = ownAliases.filter((a) => {
    const aliasName = probeString(() => a.props.name);
    return !aliasName.known || aliasName.value === value;
  });
  const checks = named.map((a): Check =>
    probeString(() => a.props.name).known ? aliasProblem(a) : { verdict: "undecided", unknown: `alias "${a.name}"'s name is unknown` },
  );
  const best = anyOf(checks.map((c) => c.verdict));
  if (best === "yes") return { verdict: best };
  if (best === "undecided") return checks.find((c) => c.verdict === "undecided")!;
  return checks.find((c) => c.problem) ?? { verdict: "no", problem: `its qualifier "${value}" is neither a version number nor an aws.lambda.Alias of this function in the stack` };
}

function checkExecutions(pcc: PolicyResource, minimum: number): Check {
  const executions = probe(() => pcc.props.provisionedConcurrentExecutions);
  if (!executions.known) return { verdict: "undecided", unknown: "its provisionedConcurrentExecutions is unknown" };
  const count = typeof executions.value === "number" ? executions.value : 0;
  return count >= minimum
    ? { verdict: "yes" }
    : { verdict: "no", problem: `it provisions ${count} concurrent executions, below the minimum of ${minimum}` };
}

export const criticalFunctionProvisionedConcurrency = stackPolicy<Config>({
  name: "critical-function-provisioned-concurrency",
  description:
    "Each Lambda function whose logical or physical name matches criticalFunctionPattern has an aws.lambda.ProvisionedConcurrencyConfig with at least minProvisionedConcurrency executions on an alias or a published version (never $LATEST), so it answers without cold starts.",
  severity: "medium",
  remediationSteps:
    "Publish the function (publish: true), add an aws.lambda.Alias pointing at fn.version, and add new aws.lambda.ProvisionedConcurrencyConfig(name, { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: 1 }). If the function is not critical, narrow criticalFunctionPattern or exempt it by tag.",
  metadata: { equivalents: {}, topics: ["lambda", "latency", "reliability"] },
  configProperties: {
    criticalFunctionPattern: {
      type: "string",
      default: DEFAULT_CRITICAL_FUNCTION_PATTERN,
      description: "Case-insensitive regular expression matched against each function's logical and physical name.",
    },
    minProvisionedConcurrency: {
      type: "integer",
      minimum: 1,
      default: DEFAULT_MIN_PROVISIONED_CONCURRENCY,
      description: "Fewest provisioned concurrent executions a critical function needs.",
    },
  },
  subjectTypes: [TYPES.lambdaFunction],
  defaults: {
    criticalFunctionPattern: DEFAULT_CRITICAL_FUNCTION_PATTERN,
    minProvisionedConcurrency: DEFAULT_MIN_PROVISIONED_CONCURRENCY,
  },
  validate: (args, config, report) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(config.criticalFunctionPattern, "i");
    } catch (e) {
      // A config mistake, not a resource's: one finding on the stack, at the policy's level, so it cannot pass unseen.
      report(
        undefined,
        `config criticalFunctionPattern "${config.criticalFunctionPattern}" is not a valid regular expression (${(e as Error).message}), so no function was checked; fix it in the policy pack config file`,
      );
      return;
    }
    const minimum = config.minProvisionedConcurrency;
    const configs = ofType(args.resources, TYPES.lambdaProvisionedConcurrency);
    const aliases = ofType(args.resources, TYPES.lambdaAlias);
    for (const fn of ofType(args.resources, TYPES.lambdaFunction)) {
      const critical = isCritical(fn, pattern);
      if (critical === "no") continue;
      const problems: string[] = [];
      const unknowns: string[] = [];
      const verdicts = configs.map((pcc) => {
        const targets = refersTo(pcc, fn);
        if (targets === "no") return "no" as Tri;
        const qualifier = checkQualifier(pcc, fn, aliases);
        const executions = checkExecutions(pcc, minimum);
        const checks: Check[] = [
          targets === "undecided" ? { verdict: "undecided", unknown: "its functionName is unknown and comes from no function of the stack" } : { verdict: "yes" },
          qualifier,
          executions,
        ];
        const verdict = allOf(checks.map((c) => c.verdict));
        const why = (key: "problem" | "unknown") => checks.map((c) => c[key]).filter((p): p is string => p !== undefined);
        if (verdict === "no" && targets === "yes") problems.push(`ProvisionedConcurrencyConfig "${pcc.name}": ${why("problem").join(" and ")}`);
        if (verdict === "undecided") unknowns.push(`ProvisionedConcurrencyConfig "${pcc.name}": ${why("unknown").join(" and ")}`);
        return verdict;
      });
      const verdict = anyOf(verdicts);
      if (verdict === "yes") continue;
      if (critical === "undecided") {
        // Only worth saying when it would matter: a function with valid provisioned concurrency passes either way.
        report(
          fn,
          `${UNVERIFIED_PREFIX}function ${labelOf(fn)} does not match criticalFunctionPattern "${config.criticalFunctionPattern}" by its logical name and its physical name is unknown, so whether it needs provisioned concurrency is unverified`,
          { advisory: true },
        );
        continue;
      }
      if (verdict === "undecided") {
        report(
          fn,
          `${UNVERIFIED_PREFIX}function ${labelOf(fn)} matches criticalFunctionPattern "${config.criticalFunctionPattern}", but whether it has at least ${minimum} provisioned executions on an alias or a published version is unverified (${unknowns.join("; ")})`,
          { advisory: true },
        );
        continue;
      }
      const found = problems.length > 0 ? problems.join("; ") : "none targets it";
      report(
        fn,
        `function ${labelOf(fn)} matches criticalFunctionPattern "${config.criticalFunctionPattern}" but has no aws.lambda.ProvisionedConcurrencyConfig with at least ${minimum} provisioned executions on an alias or a published version (${found}); publish a version, add an aws.lambda.Alias and a ProvisionedConcurrencyConfig on it, or exempt the function`,
      );
    }
  },
});
