import { resourcePolicy } from "./common/define";
import { TYPES } from "./common/types";
import { readKnown } from "./common/unknowns";

export const lambdaDeadLetterQueue = resourcePolicy({
  name: "lambda-dead-letter-queue",
  description: "Lambda functions must send failed asynchronous invocations to a dead-letter queue (deadLetterConfig.targetArn).",
  severity: "medium",
  remediationSteps:
    "Create an SQS queue (or SNS topic) and set `deadLetterConfig: { targetArn: queue.arn }` on the function; give the " +
    "function's role sqs:SendMessage on that queue and alarm on the queue (see dlq-alarm).",
  metadata: {
    equivalents: { checkov: ["CKV_AWS_116"], awsConfig: ["lambda-dlq-check"], other: ["KICS", "cfn-guard LAMBDA_DLQ_CHECK"] },
    topics: ["reliability", "lambda"],
  },
  defaults: {},
  types: [TYPES.lambdaFunction],
  validate(resource, _config, report) {
    // Read through the SDK's proxy: an ARN still unknown in preview (e.g. `queue.arn`) is reported by the SDK as not
    // checkable yet, never as a pass or a failure.
    const target = resource.props.deadLetterConfig?.targetArn;
    if (typeof target === "string" && target.trim() !== "") return;
    const shown = readKnown(() => resource.props.deadLetterConfig) === undefined ? "has no deadLetterConfig" : `has deadLetterConfig.targetArn ${JSON.stringify(target ?? null)}`;
    report(`function "${resource.name}" ${shown}, so failed asynchronous invocations are lost after retries; set deadLetterConfig.targetArn to an SQS queue or SNS topic ARN`);
  },
});
