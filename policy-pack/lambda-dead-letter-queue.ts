import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { TYPES } from "./common/types";
import { invokeConfigsByFunction, invokersByFunction, invokersOf } from "./common/invokers";
import { pathChecks } from "./common/failure-paths";
import { allOf, labelOf, stackIndex } from "./stack-graph";

export const lambdaDeadLetterQueue = stackPolicy({
  name: "lambda-dead-letter-queue",
  description:
    "Every Lambda function has a failure path for the way it is invoked: asynchronously invoked functions (or functions with no invoker in the stack) a deadLetterConfig.targetArn or an on-failure destination; SQS consumers a redrivePolicy on the source queue; stream consumers an on-failure destination on the mapping.",
  severity: "medium",
  remediationSteps:
    "Asynchronous invokers (S3, SNS, EventBridge, CloudWatch Logs, Lambda destinations): set `deadLetterConfig: { targetArn: queue.arn }` on the function or add an " +
    "aws.lambda.FunctionEventInvokeConfig with `destinationConfig.onFailure`. SQS event source mappings: give the source queue a `redrivePolicy`. " +
    "DynamoDB/Kinesis/Kafka mappings: set `destinationConfig.onFailure.destinationArn` on the mapping. Alarm on every such queue (see dlq-alarm).",
  metadata: {
    equivalents: { checkov: ["CKV_AWS_116"], awsConfig: ["lambda-dlq-check"], other: ["KICS", "cfn-guard LAMBDA_DLQ_CHECK"] },
    topics: ["reliability", "lambda"],
  },
  subjectTypes: [TYPES.lambdaFunction],
  defaults: {},
  validate: (args, _config, report) => {
    const index = stackIndex(args.resources);
    const invokers = invokersByFunction(index);
    const configs = invokeConfigsByFunction(index);
    for (const fn of index.ofType(TYPES.lambdaFunction)) {
      const checks = pathChecks(fn, invokersOf(invokers, fn), configs.get(fn.urn) ?? [], index);
      const verdict = allOf(checks.map((c) => c.verdict));
      if (verdict === "yes") continue;
      if (verdict === "undecided") {
        const unknowns = checks.filter((c) => c.verdict === "undecided").map((c) => c.unknown);
        report(fn, `${UNVERIFIED_PREFIX}function ${labelOf(fn)}: whether it has a failure path is unverified (${unknowns.join("; ")})`, { advisory: true });
        continue;
      }
      const problems = checks.filter((c) => c.verdict === "no").map((c) => c.problem);
      report(fn, `function ${labelOf(fn)} ${problems.join("; it also ")}`);
    }
  },
});
