import { PolicyResource } from "@pulumi/policy";
import { TYPES } from "./types";
import { knownString, Probe, probe, probeString } from "./unknowns";
import { Invoker, Invokers } from "./invokers";
import {
  allOf,
  anyOf,
  arnLastSegment,
  labelOf,
  listed,
  resolveReference,
  sourcesOf,
  StackIndex,
  Tri,
} from "../stack-graph";

/** One failure path of a function, judged: why it is missing ("no"), or what preview left unknown ("undecided"). */
export interface PathCheck {
  verdict: Tri;
  problem?: string;
  unknown?: string;
}

/** `redrivePolicy` arrives as a JSON string (the provider's shape) or, from hand-written state, an object. */
export function deadLetterTargetArnOf(holder: PolicyResource): Probe<string | undefined> {
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

/** A target that is known, or unknown but computed from another resource's output (so it is set): "yes". */
function targetSet(target: Probe<string | undefined>, holder: PolicyResource, property: string): Tri {
  if (target.known) return target.value !== undefined && target.value.trim() !== "" ? "yes" : "no";
  return sourcesOf(holder, property).length > 0 ? "yes" : "undecided";
}

export function names(invokers: readonly Invoker[]): string {
  return listed(invokers.map((i) => `${i.what} "${i.resource.name}"`));
}

/** Failed asynchronous invocations: the function's deadLetterConfig, or an on-failure destination. */
export function asyncPathCheck(
  fn: PolicyResource,
  invokers: readonly Invoker[],
  configs: readonly PolicyResource[],
): PathCheck {
  const dlq = targetSet(
    probeString(() => fn.props.deadLetterConfig?.targetArn),
    fn,
    "deadLetterConfig",
  );
  const destinations = configs.map((c) =>
    targetSet(
      probeString(() => c.props.destinationConfig?.onFailure?.destination),
      c,
      "destinationConfig",
    ),
  );
  const verdict = anyOf([dlq, ...destinations]);
  const config = probe(() => fn.props.deadLetterConfig);
  const target = probe(() => fn.props.deadLetterConfig?.targetArn);
  const current =
    config.known && config.value === undefined
      ? "has no deadLetterConfig"
      : `has deadLetterConfig.targetArn ${target.known ? JSON.stringify(target.value ?? null) : "(unknown)"}`;
  const who =
    invokers.length > 0
      ? `is invoked asynchronously by ${names(invokers)}`
      : "has no invoker in this stack, so it may be invoked asynchronously from elsewhere,";
  return {
    verdict,
    problem: `${who} and ${current} and no aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure, so failed asynchronous invocations are lost after retries; set deadLetterConfig.targetArn to an SQS queue or SNS topic ARN, or add a FunctionEventInvokeConfig with destinationConfig.onFailure`,
    unknown: "its deadLetterConfig.targetArn is unknown and computed from no resource",
  };
}

/**
 * Does `queue` send messages that keep failing to a dead-letter queue (its redrivePolicy or an
 * aws.sqs.RedrivePolicy)?
 */
function redriveOf(queue: PolicyResource, index: StackIndex): Tri {
  const url = knownString(() => queue.props.url);
  const policies = [
    ...(url ? index.find(TYPES.sqsRedrivePolicy, "queueUrl", (r) => knownString(() => r.props.queueUrl), url) : []),
    ...index.find(
      TYPES.sqsRedrivePolicy,
      "queueUrl-source",
      (r) => sourcesOf(r, "queueUrl").map((s) => s.urn),
      queue.urn,
    ),
  ];
  const own = targetSet(deadLetterTargetArnOf(queue), queue, "redrivePolicy");
  return anyOf([own, ...[...new Set(policies)].map((p) => targetSet(deadLetterTargetArnOf(p), p, "redrivePolicy"))]);
}

/** An SQS mapping: the source queue's redrive policy is the failure path. A queue outside the stack is its owner's. */
export function sqsPathCheck(mapping: PolicyResource, index: StackIndex): PathCheck {
  const resolution = resolveReference({
    reference: probeString(() => mapping.props.eventSourceArn),
    holder: mapping,
    property: "eventSourceArn",
    index,
    type: TYPES.sqsQueue,
    nameOfReference: arnLastSegment,
  });
  if (resolution.kind === "none") return { verdict: "yes" };
  if (resolution.kind === "undecided") {
    return { verdict: "undecided", unknown: `event source mapping "${mapping.name}" reads a queue that is unknown` };
  }
  const missing = resolution.targets.filter((q) => redriveOf(q, index) === "no");
  const verdict = allOf(resolution.targets.map((q) => redriveOf(q, index)));
  return {
    verdict,
    problem: missing
      .map(
        (q) =>
          `consumes SQS queue ${labelOf(q)} through event source mapping "${mapping.name}", and that queue has no redrivePolicy, so messages that keep failing expire unseen at the end of its retention period; give the queue a redrivePolicy (or an aws.sqs.RedrivePolicy) with a deadLetterTargetArn (a function deadLetterConfig does not apply to event source mappings)`,
      )
      .join("; "),
    unknown: `whether SQS queue of event source mapping "${mapping.name}" has a redrivePolicy is unknown`,
  };
}

/** A stream mapping (DynamoDB, Kinesis, Kafka): its own destinationConfig.onFailure is the failure path. */
export function streamPathCheck(mapping: PolicyResource): PathCheck {
  const source = probeString(() => mapping.props.eventSourceArn);
  const from = source.known && source.value ? ` ${source.value}` : "";
  return {
    verdict: targetSet(
      probeString(() => mapping.props.destinationConfig?.onFailure?.destinationArn),
      mapping,
      "destinationConfig",
    ),
    problem: `reads stream${from} through event source mapping "${mapping.name}", which has no destinationConfig.onFailure, so records that keep failing are dropped after retries (and block the shard until then); set destinationConfig.onFailure.destinationArn on the mapping to an SQS queue or SNS topic`,
    unknown: `event source mapping "${mapping.name}"'s destinationConfig.onFailure is unknown`,
  };
}

/** Every failure path `fn` needs, given its invokers. Synchronous callers and other pollers need none. */
export function pathChecks(
  fn: PolicyResource,
  invokers: Invokers,
  configs: readonly PolicyResource[],
  index: StackIndex,
): PathCheck[] {
  const anyInvoker = Object.values(invokers).some((list) => list.length > 0);
  const checks: PathCheck[] = [];
  if (invokers.async.length > 0 || !anyInvoker) checks.push(asyncPathCheck(fn, invokers.async, configs));
  for (const m of invokers.sqs) checks.push(sqsPathCheck(m.resource, index));
  for (const m of invokers.stream) checks.push(streamPathCheck(m.resource));
  for (const m of invokers["undecided-mapping"]) {
    checks.push({
      verdict: "undecided",
      unknown: `event source mapping "${m.resource.name}" reads a source that is unknown during preview`,
    });
  }
  return checks;
}
