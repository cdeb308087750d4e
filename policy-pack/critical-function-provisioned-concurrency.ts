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
