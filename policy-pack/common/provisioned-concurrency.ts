import { PolicyResource } from "@pulumi/policy";
import { RE2 } from "./re2";
import { TYPES } from "./types";
import { probe, probeString } from "./unknowns";
import {
  allOf,
  anyOf,
  dependsThrough,
  fedBy,
  identity,
  lambdaFunctionNameOf,
  sourcesOf,
  StackIndex,
  Tri,
} from "../stack-graph";

// What critical-function-provisioned-concurrency checks about one function: which ProvisionedConcurrencyConfigs and
// aliases refer to it, and whether one of them provisions enough executions on a published version or an alias.

const LATEST = "$LATEST";

/** Is the function critical? Its logical name decides when it matches; otherwise its physical name, once known. */
export function isCritical(fn: PolicyResource, pattern: RE2): Tri {
  if (pattern.test(fn.name)) return "yes";
  const name = probeString(() => fn.props.name);
  if (!name.known) return "undecided";
  return name.value !== undefined && pattern.test(name.value) ? "yes" : "no";
}

/**
 * Does `holder`'s `functionName` (a name, full ARN or partial ARN) refer to `fn`? Lambda's ProvisionedConcurrencyConfig
 * and Alias both take such a reference.
 */
export function refersTo(holder: PolicyResource, fn: PolicyResource): Tri {
  const reference = probeString(() => holder.props.functionName);
  const { name, arn } = identity(fn);
  if (reference.known && name !== undefined) {
    if (reference.value === undefined) return "no";
    return reference.value === arn || lambdaFunctionNameOf(reference.value) === name ? "yes" : "no";
  }
  // Unknown during preview: the engine's record of which resource's outputs functionName came from decides.
  return fedBy(holder, "functionName", fn);
}

export interface Check {
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
  if (!publish.known) {
    return {
      verdict: "undecided",
      unknown: `${what} comes from the function's version, and whether it is published is unknown`,
    };
  }
  return publish.value === true
    ? { verdict: "yes" }
    : {
        verdict: "no",
        problem: `${what} is the function's version, which is ${LATEST} because the function does not set publish: true`,
      };
}

/** The qualifier must be a published version number or an alias of the function that does not point at $LATEST. */
export function checkQualifier(pcc: PolicyResource, fn: PolicyResource, aliases: FunctionReferences): Check {
  const ownAliases = aliases.candidates(fn).filter((a) => refersTo(a, fn) !== "no");
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
      : {
          verdict: "undecided",
          unknown: "its qualifier is unknown and comes from neither an alias nor a version of this function",
        };
  }
  const value = qualifier.value;
  if (value === undefined) return { verdict: "no", problem: "it has no qualifier" };
  if (value === LATEST) {
    return { verdict: "no", problem: `its qualifier is ${LATEST}, which AWS rejects for provisioned concurrency` };
  }
  if (/^\d+$/.test(value)) return { verdict: "yes" };
  const named = ownAliases.filter((a) => {
    const aliasName = probeString(() => a.props.name);
    return !aliasName.known || aliasName.value === value;
  });
  const checks = named.map((a): Check =>
    probeString(() => a.props.name).known
      ? aliasProblem(a)
      : { verdict: "undecided", unknown: `alias "${a.name}"'s name is unknown` },
  );
  const best = anyOf(checks.map((c) => c.verdict));
  if (best === "yes") return { verdict: best };
  if (best === "undecided") return checks.find((c) => c.verdict === "undecided")!;
  return (
    checks.find((c) => c.problem) ?? {
      verdict: "no",
      problem: `its qualifier "${value}" is neither a version number nor an aws.lambda.Alias of this function in the stack`,
    }
  );
}

export function checkExecutions(pcc: PolicyResource, minimum: number): Check {
  const executions = probe(() => pcc.props.provisionedConcurrentExecutions);
  if (!executions.known) return { verdict: "undecided", unknown: "its provisionedConcurrentExecutions is unknown" };
  const count = typeof executions.value === "number" ? executions.value : 0;
  return count >= minimum
    ? { verdict: "yes" }
    : { verdict: "no", problem: `it provisions ${count} concurrent executions, below the minimum of ${minimum}` };
}

/**
 * The holders of one type (ProvisionedConcurrencyConfig, Alias) whose `functionName` may refer to each function, found
 * by lookups: by name or ARN when known, by the function that fed it during preview, plus the few whose target preview
 * cannot tell. `refersTo` then decides exactly on these candidates only.
 */
export class FunctionReferences {
  private readonly byFunction = new Map<string, PolicyResource[]>();
  /** functionName unknown and computed from no function: may refer to any function. */
  private readonly anyFunction: PolicyResource[] = [];
  /** functionName known, computed from no function: may refer to a function whose own name is unknown. */
  private readonly unnamedFunction: PolicyResource[] = [];

  constructor(index: StackIndex, type: string) {
    for (const holder of index.ofType(type)) {
      const reference = probeString(() => holder.props.functionName);
      const fed = sourcesOf(holder, "functionName").filter((r) => r.type === TYPES.lambdaFunction);
      const targets = new Set(fed);
      if (reference.known && reference.value !== undefined) {
        const value = reference.value;
        const named = index.find(TYPES.lambdaFunction, "name", (r) => identity(r).name, lambdaFunctionNameOf(value));
        for (const fn of named) targets.add(fn);
        for (const fn of index.find(TYPES.lambdaFunction, "arn", (r) => identity(r).arn, value)) targets.add(fn);
      }
      for (const fn of targets) this.byFunction.set(fn.urn, [...(this.byFunction.get(fn.urn) ?? []), holder]);
      if (fed.length === 0) (reference.known ? this.unnamedFunction : this.anyFunction).push(holder);
    }
  }

  candidates(fn: PolicyResource): PolicyResource[] {
    const unnamed = identity(fn).name === undefined ? this.unnamedFunction : [];
    return [...new Set([...(this.byFunction.get(fn.urn) ?? []), ...this.anyFunction, ...unnamed])];
  }
}

/**
 * Whether some ProvisionedConcurrencyConfig gives `fn` enough executions on a version or alias; what is wrong or
 * unknown.
 */
export function judgeFunction(
  fn: PolicyResource,
  configs: FunctionReferences,
  aliases: FunctionReferences,
  minimum: number,
): { verdict: Tri; problems: string[]; unknowns: string[] } {
  const problems: string[] = [];
  const unknowns: string[] = [];
  const verdicts = configs.candidates(fn).map((pcc) => {
    const targets = refersTo(pcc, fn);
    if (targets === "no") return "no" as Tri;
    const checks: Check[] = [
      targets === "undecided"
        ? { verdict: "undecided", unknown: "its functionName is unknown and comes from no function of the stack" }
        : { verdict: "yes" },
      checkQualifier(pcc, fn, aliases),
      checkExecutions(pcc, minimum),
    ];
    const verdict = allOf(checks.map((c) => c.verdict));
    const why = (key: "problem" | "unknown") => checks.map((c) => c[key]).filter((p): p is string => p !== undefined);
    if (verdict === "no" && targets === "yes") {
      problems.push(`ProvisionedConcurrencyConfig "${pcc.name}": ${why("problem").join(" and ")}`);
    }
    if (verdict === "undecided") {
      unknowns.push(`ProvisionedConcurrencyConfig "${pcc.name}": ${why("unknown").join(" and ")}`);
    }
    return verdict;
  });
  return { verdict: anyOf(verdicts), problems, unknowns };
}
