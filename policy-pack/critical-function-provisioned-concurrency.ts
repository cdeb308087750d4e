import { PolicyResource } from "@pulumi/policy";
import { stackPolicy } from "./common/define";
import { TYPES } from "./common/types";
import { probe } from "./common/unknowns";
import { allOf, anyOf, dependsThrough, labelOf, identity, lambdaFunctionNameOf, ofType, probeString, Tri } from "./stack-graph";

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
  // Unknown during preview: the engine's record that functionName came from this function's outputs decides.
  return dependsThrough(holder, "functionName", fn) ? "yes" : "undecided";
}

interface Check {
  verdict: Tri;
  problem?: string;
}

/** The qualifier must be a published version number or an alias of the function that does not point at $LATEST. */
function checkQualifier(pcc: PolicyResource, fn: PolicyResource, aliases: readonly PolicyResource[]): Check {
  const ownAliases = aliases.filter((a) => refersTo(a, fn) !== "no");
  const aliasProblem = (alias: PolicyResource): Check => {
    const version = probeString(() => alias.props.functionVersion);
    if (!version.known) return { verdict: "undecided" };
    return version.value === LATEST
      ? { verdict: "no", problem: `its qualifier is alias "${alias.name}", which points at ${LATEST}` }
      : { verdict: "yes" };
  };
  const qualifier = probeString(() => pcc.props.qualifier);
  if (!qualifier.known) {
    // qualifier: alias.name or fn.version, resolved only after deployment.
    const feedingAlias = ownAliases.find((a) => dependsThrough(pcc, "qualifier", a));
    if (feedingAlias) return aliasProblem(feedingAlias);
    return { verdict: dependsThrough(pcc, "qualifier", fn) ? "yes" : "undecided" };
  }
  const value = qualifier.value;
  if (value === undefined) return { verdict: "no", problem: "it has no qualifier" };
  if (value === LATEST) return { verdict: "no", problem: `its qualifier is ${LATEST}, which AWS rejects for provisioned concurrency` };
  if (/^\d+$/.test(value)) return { verdict: "yes" };
  const named = ownAliases.filter((a) => {
    const aliasName = probeString(() => a.props.name);
    return !aliasName.known || aliasName.value === value;
  });
  const checks = named.map((a) => (probeString(() => a.props.name).known ? aliasProblem(a) : { verdict: "undecided" as Tri }));
  const best = anyOf(checks.map((c) => c.verdict));
  if (best === "yes" || best === "undecided") return { verdict: best };
  return checks.find((c) => c.problem) ?? { verdict: "no", problem: `its qualifier "${value}" is neither a version number nor an aws.lambda.Alias of this function in the stack` };
}

function checkExecutions(pcc: PolicyResource, minimum: number): Check {
  const executions = probe(() => pcc.props.provisionedConcurrentExecutions);
  if (!executions.known) return { verdict: "undecided" };
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
  defaults: {
    criticalFunctionPattern: DEFAULT_CRITICAL_FUNCTION_PATTERN,
    minProvisionedConcurrency: DEFAULT_MIN_PROVISIONED_CONCURRENCY,
  },
  validate: (args, config, report) => {
    let pattern: RegExp;
    try {
      pattern = new RegExp(config.criticalFunctionPattern, "i");
    } catch {
      // The stack wrapper turns this into a finding that names the bad setting.
      throw new Error(`criticalFunctionPattern "${config.criticalFunctionPattern}" is not a valid regular expression`);
    }
    const minimum = config.minProvisionedConcurrency;
    const configs = ofType(args.resources, TYPES.lambdaProvisionedConcurrency);
    const aliases = ofType(args.resources, TYPES.lambdaAlias);
    for (const fn of ofType(args.resources, TYPES.lambdaFunction)) {
      // "undecided" (a name unknown during preview) is never a mandatory violation.
      if (isCritical(fn, pattern) !== "yes") continue;
      const problems: string[] = [];
      const verdicts = configs.map((pcc) => {
        const targets = refersTo(pcc, fn);
        if (targets === "no") return "no" as Tri;
        const qualifier = checkQualifier(pcc, fn, aliases);
        const executions = checkExecutions(pcc, minimum);
        if (targets === "yes") {
          const why = [qualifier.problem, executions.problem].filter((p): p is string => p !== undefined);
          if (why.length > 0) problems.push(`ProvisionedConcurrencyConfig "${pcc.name}": ${why.join(" and ")}`);
        }
        return allOf([targets, qualifier.verdict, executions.verdict]);
      });
      if (anyOf(verdicts) !== "no") continue;
      const found = problems.length > 0 ? problems.join("; ") : "none targets it";
      report(
        fn,
        `function ${labelOf(fn)} matches criticalFunctionPattern "${config.criticalFunctionPattern}" but has no aws.lambda.ProvisionedConcurrencyConfig with at least ${minimum} provisioned executions on an alias or a published version (${found}); publish a version, add an aws.lambda.Alias and a ProvisionedConcurrencyConfig on it, or exempt the function`,
      );
    }
  },
});
