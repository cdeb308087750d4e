import { PolicyResource } from "@pulumi/policy";
import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { TYPES } from "./common/types";
import { deadLetterQueues, kindOf } from "./common/dead-letter-queues";
import { DLQ_ALARM_METRIC, DLQ_ALARM_NAMESPACE, QueueAlarms } from "./common/queue-alarms";
import { labelOf, listed, stackIndex } from "./stack-graph";
import { probeString } from "./common/unknowns";

export { DLQ_ALARM_METRIC, DLQ_ALARM_NAMESPACE };

function dimensionOf(queue: PolicyResource): string {
  const name = probeString(() => queue.props.name);
  return name.known && name.value ? `dimensions.QueueName "${name.value}"` : "this queue's QueueName";
}

const WATCHES = `${DLQ_ALARM_NAMESPACE} ${DLQ_ALARM_METRIC}`;

export const dlqAlarm = stackPolicy({
  name: "dlq-alarm",
  description:
    "Every SQS queue used as a failure target (a Lambda function's deadLetterConfig, another queue's redrivePolicy, or the onFailure destination of a FunctionEventInvokeConfig or an event source mapping) has a CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible for that queue, so failed messages do not pile up unnoticed.",
  severity: "high",
  remediationSteps:
    'Add new aws.cloudwatch.MetricAlarm(name, { namespace: "AWS/SQS", metricName: "ApproximateNumberOfMessagesVisible", dimensions: { QueueName: dlq.name }, statistic: "Maximum", period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: "GreaterThanThreshold", alarmActions: [topic.arn] }).',
  tags: ["sqs", "lambda", "reliability", "monitoring"],
  metadata: {
    equivalents: {},
    example:
      'queue "jobs-dlq" (name jobs-dlq-1) is the dead-letter queue of queue "jobs", but no aws.cloudwatch.MetricAlarm watches AWS/SQS ApproximateNumberOfMessagesVisible with dimensions.QueueName "jobs-dlq-1", so failed messages pile up unnoticed; add a MetricAlarm on that metric with threshold 0 and comparisonOperator GreaterThanThreshold',
    details: [
      "An SQS queue is a dead-letter queue when a Lambda function's `deadLetterConfig.targetArn`, another",
      "queue's `redrivePolicy` (a JSON string or an object), an `aws.sqs.RedrivePolicy`, or the on-failure",
      "destination of an `aws.lambda.FunctionEventInvokeConfig` or `aws.lambda.EventSourceMapping` names",
      "it: every failure target `lambda-dead-letter-queue` asks for.",
      "",
      'Each such queue needs an `aws.cloudwatch.MetricAlarm` with `namespace: "AWS/SQS"`, `metricName:',
      '"ApproximateNumberOfMessagesVisible"` and `dimensions.QueueName` equal to the queue\'s name (also',
      "inside `metricQueries[].metric`). An alarm whose dimensions were computed from the queue's outputs",
      "counts even while the name is unknown.",
      "",
      "The finding is reported on the **queue**, so exemption tags go on the queue; when several resources",
      "share one dead-letter queue, the message lists them all. SNS topics used as a DLQ (no queue depth)",
      "and queues outside the stack are not judged. Stack policy: it follows references between resources",
      "by value (names and ARNs) and, while a value is unknown during preview, through the engine's",
      "`propertyDependencies`; what preview cannot settle is an advisory `could not verify during preview:",
      "...`, never a failure ([unknown values](../unknown-values.md#stack-policies)).",
    ].join("\n"),
  },
  subjectTypes: [TYPES.sqsQueue],
  validate: (args, _config, report) => {
    const index = stackIndex(args.resources);
    const alarms = new QueueAlarms(index);
    const { queues, unresolved } = deadLetterQueues(index);
    for (const use of unresolved) {
      // Unverified, never a pass: the target may be a queue of this stack that no alarm watches.
      report(
        use.holder,
        `${UNVERIFIED_PREFIX}${kindOf(use.holder)} ${labelOf(use.holder)} has a ${use.field} that is unknown and computed from no queue of this stack, so whether its dead-letter queue has an alarm is unverified`,
        { advisory: true },
      );
    }
    for (const [queue, users] of queues) {
      const { verdict, maybe } = alarms.verdict(queue);
      if (verdict === "yes") continue;
      const usedBy = listed(users.map((u) => `${kindOf(u)} "${u.name}"`));
      if (verdict === "undecided") {
        report(
          queue,
          `${UNVERIFIED_PREFIX}queue ${labelOf(queue)} is the dead-letter queue of ${usedBy}; whether alarm ${listed(maybe.map((a) => `"${a.name}"`))} watches ${WATCHES} with ${dimensionOf(queue)} is unverified because its namespace, metric or dimensions are unknown`,
          { advisory: true },
        );
        continue;
      }
      report(
        queue,
        `queue ${labelOf(queue)} is the dead-letter queue of ${usedBy}, but no aws.cloudwatch.MetricAlarm watches ${WATCHES} with ${dimensionOf(queue)}, so failed messages pile up unnoticed; add a MetricAlarm on that metric with threshold 0 and comparisonOperator GreaterThanThreshold`,
      );
    }
  },
});
