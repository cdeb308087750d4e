import { PolicyResource } from "@pulumi/policy";
import { stackPolicy, UNVERIFIED_PREFIX } from "./common/define";
import { TYPES } from "./common/types";
import { probe, Probe } from "./common/unknowns";
import {
  allOf,
  anyOf,
  arnLastSegment,
  dependsThrough,
  labelOf,
  equalsProbe,
  isSqsArn,
  ofType,
  probeString,
  resolveReference,
  sourcesOf,
  Tri,
} from "./stack-graph";

export const DLQ_ALARM_NAMESPACE = "AWS/SQS";
export const DLQ_ALARM_METRIC = "ApproximateNumberOfMessagesVisible";

const USER_KINDS: Record<string, string> = {
  [TYPES.lambdaFunction]: "function",
  [TYPES.sqsQueue]: "queue",
  [TYPES.sqsRedrivePolicy]: "redrive policy",
};

function kindOf(resource: PolicyResource): string {
  return USER_KINDS[resource.type] ?? resource.type;
}

/** `redrivePolicy` arrives as a JSON string (the provider's shape) or, from hand-written state, an object. */
function deadLetterTargetArnOf(holder: PolicyResource): Probe<string | undefined> {
  const policy = probe(() => holder.props.redrivePolicy);
  if (!policy.known) return policy;
  let parsed: unknown = policy.value;
  if (typeof parsed === "string") {
    try {
      parsed = JSON.parse(parsed);
    } catch {
      return { known: true, value: undefined }; // not JSON: the provider would reject it; nothing to follow
    }
  }
  if (parsed === null || typeof parsed !== "object") return { known: true, value: undefined };
  return probeString(() => (parsed as Record<string, unknown>).deadLetterTargetArn);
}

/** Where a resource sends failed messages: the reference, and the property the engine records its source under. */
interface DeadLetterUse {
  holder: PolicyResource;
  property: string;
  reference: Probe<string | undefined>;
}

function deadLetterUses(resources: readonly PolicyResource[]): DeadLetterUse[] {
  const uses: DeadLetterUse[] = [];
  for (const fn of ofType(resources, TYPES.lambdaFunction)) {
    uses.push({ holder: fn, property: "deadLetterConfig", reference: probeString(() => fn.props.deadLetterConfig?.targetArn) });
  }
  for (const holder of [...ofType(resources, TYPES.sqsQueue), ...ofType(resources, TYPES.sqsRedrivePolicy)]) {
    uses.push({ holder, property: "redrivePolicy", reference: deadLetterTargetArnOf(holder) });
  }
  return uses;
}

interface DeadLetterQueues {
  /** Queues in the stack used as a dead-letter queue, each with the resources that use it. */
  queues: Map<PolicyResource, PolicyResource[]>;
  /** Users whose dead-letter target is unknown during preview, with no dependency saying which queue it is. */
  unresolved: DeadLetterUse[];
}

function deadLetterQueues(resources: readonly PolicyResource[]): DeadLetterQueues {
  const candidates = ofType(resources, TYPES.sqsQueue);
  const queues = new Map<PolicyResource, PolicyResource[]>();
  const unresolved: DeadLetterUse[] = [];
  for (const use of deadLetterUses(resources)) {
    // SNS topics are valid Lambda DLQs but have no queue depth to alarm on.
    if (use.reference.known && use.reference.value !== undefined && !isSqsArn(use.reference.value)) continue;
    const others = candidates.filter((q) => q !== use.holder);
    // With no other queue in the stack, even an unknown target cannot be a queue this stack must alarm on.
    if (others.length === 0) continue;
    const resolution = resolveReference({ ...use, candidates: others, nameOfReference: arnLastSegment });
    // "none": no reference, or a queue outside this stack (its alarm belongs with the stack that owns it).
    // Unknown, and fed by none of the stack's queues: computed from an SNS topic (a valid Lambda DLQ), it is no queue.
    if (resolution.kind === "undecided" && !sourcesOf(use.holder, use.property).some((r) => r.type === TYPES.snsTopic)) {
      unresolved.push(use);
    }
    if (resolution.kind !== "found") continue;
    for (const queue of resolution.targets) {
      const users = queues.get(queue) ?? [];
      if (!users.includes(use.holder)) users.push(use.holder);
      queues.set(queue, users);
    }
  }
  return { queues, unresolved };
}

/** Does one metric (the alarm's own fields, or one entry of metricQueries) watch the queue's depth? */
function metricWatches(
  metric: { namespace: Probe<string | undefined>; metricName: Probe<string | undefined>; queueName: Probe<string | undefined> },
  queueName: Probe<string | undefined>,
  fedByQueue: boolean,
): Tri {
  let sameQueue: Tri;
  // Known names decide; only when one is unknown (preview) does "the dimension was computed from the queue" count.
  if (metric.queueName.known && queueName.known) {
    sameQueue = metric.queueName.value !== undefined && metric.queueName.value === queueName.value ? "yes" : "no";
  } else sameQueue = fedByQueue ? "yes" : "undecided";
  return allOf([equalsProbe(metric.namespace, DLQ_ALARM_NAMESPACE), equalsProbe(metric.metricName, DLQ_ALARM_METRIC), sameQueue]);
}

function alarmWatches(alarm: PolicyResource, queue: PolicyResource): Tri {
  const queueName = probeString(() => queue.props.name);
  const direct = metricWatches(
    {
      namespace: probeString(() => alarm.props.namespace),
      metricName: probeString(() => alarm.props.metricName),
      queueName: probeString(() => alarm.props.dimensions?.QueueName),
    },
    queueName,
    dependsThrough(alarm, "dimensions", queue),
  );
  const queries = probe(() => alarm.props.metricQueries);
  if (!queries.known) return anyOf([direct, "undecided"]);
  const list: unknown[] = Array.isArray(queries.value) ? queries.value : [];
  const fedByQueue = dependsThrough(alarm, "metricQueries", queue);
  const fromQueries = list.map((_, i) =>
    metricWatches(
      {
        namespace: probeString(() => (queries.value as any[])[i]?.metric?.namespace),
        metricName: probeString(() => (queries.value as any[])[i]?.metric?.metricName),
        queueName: probeString(() => (queries.value as any[])[i]?.metric?.dimensions?.QueueName),
      },
      queueName,
      fedByQueue,
    ),
  );
  return anyOf([direct, ...fromQueries]);
}

export const dlqAlarm = stackPolicy({
  name: "dlq-alarm",
  description:
    "Every SQS queue used as a dead-letter queue (by a Lambda function's deadLetterConfig or another queue's redrivePolicy) has a CloudWatch alarm on AWS/SQS ApproximateNumberOfMessagesVisible for that queue, so failed messages do not pile up unnoticed.",
  severity: "high",
  remediationSteps:
    "Add new aws.cloudwatch.MetricAlarm(name, { namespace: \"AWS/SQS\", metricName: \"ApproximateNumberOfMessagesVisible\", dimensions: { QueueName: dlq.name }, statistic: \"Maximum\", period: 300, evaluationPeriods: 1, threshold: 0, comparisonOperator: \"GreaterThanThreshold\", alarmActions: [topic.arn] }).",
  metadata: { equivalents: {}, topics: ["sqs", "lambda", "reliability", "monitoring"] },
  subjectTypes: [TYPES.sqsQueue],
  defaults: {},
  validate: (args, _config, report) => {
    const alarms = ofType(args.resources, TYPES.metricAlarm);
    const { queues, unresolved } = deadLetterQueues(args.resources);
    for (const use of unresolved) {
      // Unverified, never a pass: the target may be a queue of this stack that no alarm watches.
      report(
        use.holder,
        `${UNVERIFIED_PREFIX}${kindOf(use.holder)} ${labelOf(use.holder)} has a ${use.property === "redrivePolicy" ? "redrivePolicy deadLetterTargetArn" : "deadLetterConfig.targetArn"} that is unknown and computed from no queue of this stack, so whether its dead-letter queue has an alarm is unverified`,
        { advisory: true },
      );
    }
    for (const [queue, users] of queues) {
      const verdicts = alarms.map((alarm) => alarmWatches(alarm, queue));
      const verdict = anyOf(verdicts);
      if (verdict === "yes") continue;
      const name = probeString(() => queue.props.name);
      const dimension = name.known && name.value ? `dimensions.QueueName "${name.value}"` : "this queue's QueueName";
      const usedBy = users.map((u) => `${kindOf(u)} "${u.name}"`).join(", ");
      if (verdict === "undecided") {
        const maybe = alarms.filter((_, i) => verdicts[i] === "undecided").map((a) => `"${a.name}"`);
        report(
          queue,
          `${UNVERIFIED_PREFIX}queue ${labelOf(queue)} is the dead-letter queue of ${usedBy}; whether alarm ${maybe.join(", ")} watches ${DLQ_ALARM_NAMESPACE} ${DLQ_ALARM_METRIC} with ${dimension} is unverified because its namespace, metric or dimensions are unknown`,
          { advisory: true },
        );
        continue;
      }
      report(
        queue,
        `queue ${labelOf(queue)} is the dead-letter queue of ${usedBy}, but no aws.cloudwatch.MetricAlarm watches ${DLQ_ALARM_NAMESPACE} ${DLQ_ALARM_METRIC} with ${dimension}, so failed messages pile up unnoticed; add a MetricAlarm on that metric with threshold 0 and comparisonOperator GreaterThanThreshold`,
      );
    }
  },
});
