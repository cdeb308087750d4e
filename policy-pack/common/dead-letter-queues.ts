import { PolicyResource } from "@pulumi/policy";
import { TYPES } from "./types";
import { Probe, probeString } from "./unknowns";
import { deadLetterTargetArnOf } from "./failure-paths";
import { arnLastSegment, isSqsArn, resolveReference, sourcesOf, StackIndex } from "../stack-graph";

const USER_KINDS: Record<string, string> = {
  [TYPES.lambdaFunction]: "function",
  [TYPES.sqsQueue]: "queue",
  [TYPES.sqsRedrivePolicy]: "redrive policy",
  [TYPES.lambdaEventInvokeConfig]: "FunctionEventInvokeConfig",
  [TYPES.lambdaEventSourceMapping]: "event source mapping",
};

export function kindOf(resource: PolicyResource): string {
  return USER_KINDS[resource.type] ?? resource.type;
}

/**
 * Where a resource sends failed messages: the reference, the property the engine records its source under, and its
 * name.
 */
export interface DeadLetterUse {
  holder: PolicyResource;
  property: string;
  reference: Probe<string | undefined>;
  /** The field, for messages: "deadLetterConfig.targetArn". */
  field: string;
}

/** Every failure target of the stack: function DLQs, queue redrive policies, on-failure destinations. */
function deadLetterUses(index: StackIndex): DeadLetterUse[] {
  const uses: DeadLetterUse[] = [];
  const add = (type: string, property: string, field: string, read: (r: PolicyResource) => unknown) => {
    for (const holder of index.ofType(type)) {
      uses.push({ holder, property, field, reference: probeString(() => read(holder)) });
    }
  };
  add(
    TYPES.lambdaFunction,
    "deadLetterConfig",
    "deadLetterConfig.targetArn",
    (r) => r.props.deadLetterConfig?.targetArn,
  );
  for (const type of [TYPES.sqsQueue, TYPES.sqsRedrivePolicy]) {
    for (const holder of index.ofType(type)) {
      uses.push({
        holder,
        property: "redrivePolicy",
        field: "redrivePolicy deadLetterTargetArn",
        reference: deadLetterTargetArnOf(holder),
      });
    }
  }
  add(
    TYPES.lambdaEventInvokeConfig,
    "destinationConfig",
    "destinationConfig.onFailure.destination",
    (r) => r.props.destinationConfig?.onFailure?.destination,
  );
  add(
    TYPES.lambdaEventSourceMapping,
    "destinationConfig",
    "destinationConfig.onFailure.destinationArn",
    (r) => r.props.destinationConfig?.onFailure?.destinationArn,
  );
  return uses;
}

/** Failure targets that are no queue: a value computed from one of these is not a queue to alarm on. */
const NOT_QUEUES: readonly string[] = [
  TYPES.snsTopic,
  TYPES.lambdaFunction,
  TYPES.lambdaAlias,
  "aws:cloudwatch/eventBus:EventBus",
  "aws:s3/bucket:Bucket",
  "aws:s3/bucketV2:BucketV2",
];

export interface DeadLetterQueues {
  /** Queues in the stack used as a dead-letter queue, each with the resources that use it. */
  queues: Map<PolicyResource, PolicyResource[]>;
  /** Users whose dead-letter target is unknown during preview, with no dependency saying which queue it is. */
  unresolved: DeadLetterUse[];
}

export function deadLetterQueues(index: StackIndex): DeadLetterQueues {
  const queueCount = index.ofType(TYPES.sqsQueue).length;
  const queues = new Map<PolicyResource, PolicyResource[]>();
  const unresolved: DeadLetterUse[] = [];
  for (const use of deadLetterUses(index)) {
    // SNS topics are valid Lambda DLQs but have no queue depth to alarm on.
    if (use.reference.known && use.reference.value !== undefined && !isSqsArn(use.reference.value)) continue;
    // With no other queue in the stack, even an unknown target cannot be a queue this stack must alarm on.
    if (queueCount - (use.holder.type === TYPES.sqsQueue ? 1 : 0) === 0) continue;
    const resolution = resolveReference({ ...use, index, type: TYPES.sqsQueue, nameOfReference: arnLastSegment });
    // "none": no reference, or a queue outside this stack (its alarm belongs with the stack that owns it).
    // Unknown, and computed from a topic, function or bus rather than a queue of the stack: it is no queue.
    const fromNoQueue = sourcesOf(use.holder, use.property).some((r) => NOT_QUEUES.includes(r.type));
    if (resolution.kind === "undecided" && !fromNoQueue) {
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
