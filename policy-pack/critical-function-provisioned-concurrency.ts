import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { re2, RE2 } from "./common/re2";
import { TYPES } from "./common/types";
import { FunctionReferences, isCritical, judgeFunction } from "./common/provisioned-concurrency";
import { labelOf, listed, stackIndex } from "./stack-graph";

export const DEFAULT_CRITICAL_FUNCTION_PATTERN = "processor";
export const DEFAULT_MIN_PROVISIONED_CONCURRENCY = 1;

interface Config {
  criticalFunctionPattern: string;
  minProvisionedConcurrency: number;
}

export const criticalFunctionProvisionedConcurrency = stackPolicy<Config>({
  name: "critical-function-provisioned-concurrency",
  description:
    "Each Lambda function whose logical or physical name matches criticalFunctionPattern has an aws.lambda.ProvisionedConcurrencyConfig with at least minProvisionedConcurrency executions on an alias or a published version (never $LATEST), so it answers without cold starts.",
  severity: "medium",
  remediationSteps:
    "Publish the function (publish: true), add an aws.lambda.Alias pointing at fn.version, and add new aws.lambda.ProvisionedConcurrencyConfig(name, { functionName: fn.name, qualifier: alias.name, provisionedConcurrentExecutions: 1 }). If the function is not critical, narrow criticalFunctionPattern or exempt it by tag.",
  tags: ["lambda", "latency", "reliability"],
  metadata: {
    equivalents: {},
    example:
      'function "payment-processor" (name payment-processor-1) matches criticalFunctionPattern "processor" but has no aws.lambda.ProvisionedConcurrencyConfig with at least 1 provisioned executions on an alias or a published version (ProvisionedConcurrencyConfig "payment-processor-pc": its qualifier is $LATEST, which AWS rejects for provisioned concurrency); publish a version, add an aws.lambda.Alias and a ProvisionedConcurrencyConfig on it, or exempt the function',
    details: [
      "A Lambda function is *critical* when its logical name or its physical `name` matches",
      "`criticalFunctionPattern`, a case-insensitive regular expression in RE2 syntax (matched in linear",
      "time, so no pattern can stall a run; lookaround and backreferences are not supported). A critical",
      "function needs an `aws.lambda.ProvisionedConcurrencyConfig` whose:",
      "",
      "- `functionName` refers to the function: its name, full or partial ARN, with or without a",
      "  `:qualifier`, or an output of the function;",
      '- `qualifier` is a published version number (`"7"`) or an `aws.lambda.Alias` of that function whose',
      "  `functionVersion` is not `$LATEST` (AWS rejects provisioned concurrency on unpublished versions);",
      "- `provisionedConcurrentExecutions` is at least `minProvisionedConcurrency`.",
      "",
      "The finding is reported on the function; the reason in parentheses names each config that targets it",
      'and what is wrong (`its qualifier "blue" is neither a version number nor an aws.lambda.Alias of this',
      "function in the stack`, `it provisions 0 concurrent executions, below the minimum of 1`, ...), or",
      "says `none targets it`. An invalid `criticalFunctionPattern` is reported once, on the stack",
      "resource, and no function is checked.",
      "",
      "Stack policy: it follows references between resources by value (names and ARNs) and, while a value",
      "is unknown during preview, through the engine's `propertyDependencies`; what preview cannot settle",
      "is an advisory `could not verify during preview: ...`, never a failure ([unknown",
      "values](../unknown-values.md#stack-policies)).",
    ].join("\n"),
  },
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
  validate: (args, config, report) => {
    let pattern: RE2;
    try {
      pattern = re2().compile(config.criticalFunctionPattern, re2().CASE_INSENSITIVE);
    } catch (e) {
      // A config mistake, not a resource's: one finding on the stack, at the policy's level, so it cannot pass unseen.
      report(
        undefined,
        `config criticalFunctionPattern "${config.criticalFunctionPattern}" is not a valid RE2 regular expression (${(e as Error).message}; lookaround and backreferences are not supported), so no function was checked; fix it in the policy pack config file`,
      );
      return;
    }
    const minimum = config.minProvisionedConcurrency;
    const index = stackIndex(args.resources);
    const configs = new FunctionReferences(index, TYPES.lambdaProvisionedConcurrency);
    const aliases = new FunctionReferences(index, TYPES.lambdaAlias);
    for (const fn of index.ofType(TYPES.lambdaFunction)) {
      const critical = isCritical(fn, pattern);
      if (critical === "no") continue;
      const { verdict, problems, unknowns } = judgeFunction(fn, configs, aliases, minimum);
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
          `${UNVERIFIED_PREFIX}function ${labelOf(fn)} matches criticalFunctionPattern "${config.criticalFunctionPattern}", but whether it has at least ${minimum} provisioned executions on an alias or a published version is unverified (${listed(unknowns)})`,
          { advisory: true },
        );
        continue;
      }
      const found = problems.length > 0 ? listed(problems) : "none targets it";
      report(
        fn,
        `function ${labelOf(fn)} matches criticalFunctionPattern "${config.criticalFunctionPattern}" but has no aws.lambda.ProvisionedConcurrencyConfig with at least ${minimum} provisioned executions on an alias or a published version (${found}); publish a version, add an aws.lambda.Alias and a ProvisionedConcurrencyConfig on it, or exempt the function`,
      );
    }
  },
});
