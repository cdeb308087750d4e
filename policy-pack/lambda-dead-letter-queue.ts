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
  tags: ["reliability", "lambda"],
  metadata: {
    example:
      'function "thumbnailer" (name thumbnailer-1) is invoked asynchronously by S3 bucket notification "uploads-notify" and has no deadLetterConfig and no aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure, so failed asynchronous invocations are lost after retries; set deadLetterConfig.targetArn to an SQS queue or SNS topic ARN, or add a FunctionEventInvokeConfig with destinationConfig.onFailure',
    details: [
      "Each `aws.lambda.Function` needs the failure path that matches how it is invoked. The invokers are",
      "other resources, so this policy looks at the whole stack; the finding is reported on the function.",
      "",
      "- **Invoked asynchronously** by something in the stack (an S3 `BucketNotification`, an SNS",
      "  `TopicSubscription` with protocol `lambda`, an EventBridge `EventTarget`, a CloudWatch Logs",
      "  `LogSubscriptionFilter`, another function's `FunctionEventInvokeConfig` destination, or an",
      "  `aws.lambda.Permission` for an asynchronous or unknown service principal): a non-empty",
      "  `deadLetterConfig.targetArn` **or** an `aws.lambda.FunctionEventInvokeConfig` of the function with",
      "  `destinationConfig.onFailure`.",
      "- **SQS event source mappings** only: no function DLQ is needed; each source queue in the stack",
      "  needs a `redrivePolicy` with a `deadLetterTargetArn`, on the queue or through an",
      "  `aws.sqs.RedrivePolicy`. A queue outside the stack is its owner's to configure.",
      "- **Stream mappings** (DynamoDB, Kinesis, Kafka) only: the mapping needs",
      "  `destinationConfig.onFailure`.",
      "- **Synchronous invokers** only (API Gateway, load balancer, `FunctionUrl`, or a `Permission` for",
      "  such a principal): passes; the caller gets the error.",
      "- **No invoker in the stack:** it may be invoked asynchronously from elsewhere, so it needs a DLQ or",
      "  an on-failure destination.",
      "- Several kinds at once: each path is checked, and the missing ones are joined in one finding.",
      "",
      "References are followed by name or ARN (also partial ARNs, qualifiers and API Gateway invoke URIs).",
      "Stack policy: it follows references between resources by value (names and ARNs) and, while a value",
      "is unknown during preview, through the engine's `propertyDependencies`; what preview cannot settle",
      "is an advisory `could not verify during preview: ...`, never a failure ([unknown",
      "values](../unknown-values.md#stack-policies)).",
      "",
      "No remediation: the pack cannot choose a queue. Checkov, AWS Config and the others require a DLQ on",
      "every function, whatever invokes it.",
    ].join("\n"),
    equivalents: {
      checkov: ["CKV_AWS_116"],
      awsConfig: ["lambda-dlq-check"],
      other: ["KICS", "cfn-guard LAMBDA_DLQ_CHECK"],
    },
  },
  subjectTypes: [TYPES.lambdaFunction],
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
        report(
          fn,
          `${UNVERIFIED_PREFIX}function ${labelOf(fn)}: whether it has a failure path is unverified (${unknowns.join("; ")})`,
          { advisory: true },
        );
        continue;
      }
      const problems = checks.filter((c) => c.verdict === "no").map((c) => c.problem);
      report(fn, `function ${labelOf(fn)} ${problems.join("; it also ")}`);
    }
  },
});
