import { PolicyResource } from "@pulumi/policy";
import { TYPES } from "./types";
import { Probe, probe, probeString } from "./unknowns";
import { identity, sourcesOf, StackIndex } from "../stack-graph";

/**
 * Who invokes each Lambda function of the stack, and how: that decides where its failures go (AWS documentation,
 * "Lambda invocation methods"). A function DLQ only receives failed asynchronous invocations; SQS mappings fail back to
 * the source queue; stream mappings use the mapping's on-failure destination; synchronous callers get the error.
 */
export type InvokeKind = "async" | "sync" | "sqs" | "stream" | "other-mapping" | "undecided-mapping";

export interface Invoker {
  resource: PolicyResource;
  kind: InvokeKind;
  /** What the resource is, for messages: "S3 bucket notification". */
  what: string;
}

export type Invokers = Record<InvokeKind, Invoker[]>;

function noInvokers(): Invokers {
  return { async: [], sync: [], sqs: [], stream: [], "other-mapping": [], "undecided-mapping": [] };
}

/** Service principals that invoke synchronously (they wait for the answer) or asynchronously (Event invokes). */
const SYNC_PRINCIPALS =
  /^(apigateway|elasticloadbalancing|cognito-idp|lex|alexa-appkit|secretsmanager|firehose)\.amazonaws\.com$/;
const ASYNC_PRINCIPALS =
  /^(s3|sns|events|ses|iot|config|codecommit|lambda\.alarms\.cloudwatch|scheduler)\.amazonaws\.com$|^logs(\.[a-z0-9-]+)?\.amazonaws\.com$/;

function permissionKind(permission: PolicyResource): { kind: InvokeKind; what: string } {
  const urlAuth = probeString(() => permission.props.functionUrlAuthType);
  if (urlAuth.known && urlAuth.value !== undefined) return { kind: "sync", what: "function URL permission" };
  const principal = probeString(() => permission.props.principal);
  const name = principal.known ? (principal.value ?? "") : "";
  if (SYNC_PRINCIPALS.test(name)) return { kind: "sync", what: `permission for ${name}` };
  if (ASYNC_PRINCIPALS.test(name)) return { kind: "async", what: `permission for ${name}` };
  // An account, "*" or a service not listed may invoke with InvocationType Event: counted as asynchronous.
  return {
    kind: "async",
    what: principal.known ? `permission for ${name || "no principal"}` : "permission for an unknown principal",
  };
}

/**
 * SQS, streams (DynamoDB, Kinesis, Kafka: they support an on-failure destination), or another poller (MQ,
 * DocumentDB).
 */
function mappingKind(mapping: PolicyResource): InvokeKind {
  const source = probeString(() => mapping.props.eventSourceArn);
  if (!source.known) {
    const fed = sourcesOf(mapping, "eventSourceArn").map((r) => r.type);
    if (fed.includes(TYPES.sqsQueue)) return "sqs";
    if (fed.some((t) => /^aws:(dynamodb|kinesis|msk)\//.test(t))) return "stream";
    return "undecided-mapping";
  }
  if (source.value === undefined) {
    return probe(() => mapping.props.selfManagedEventSource).known ? "stream" : "other-mapping";
  }
  const service = source.value.split(":")[2] ?? "";
  if (service === "sqs") return "sqs";
  return ["dynamodb", "kinesis", "kafka"].includes(service) ? "stream" : "other-mapping";
}

function listOf(read: () => unknown, field: string): Probe<string | undefined>[] {
  const list = probe(read);
  if (!list.known) return [{ known: false }];
  const value = list.value;
  return Array.isArray(value) ? value.map((_, i) => probeString(() => (value as any[])[i]?.[field])) : [];
}

/** Each resource type that invokes a function: the property naming the function, and how it invokes. */
interface EdgeSpec {
  property: string;
  /** The references to follow, where `property` is not itself one reference (default: its value). */
  references?(r: PolicyResource): Probe<string | undefined>[];
  kind(r: PolicyResource): { kind: InvokeKind; what: string } | undefined;
}

const fixed = (kind: InvokeKind, what: string) => () => ({ kind, what });

const EDGES: Record<string, EdgeSpec> = {
  [TYPES.s3BucketNotification]: {
    property: "lambdaFunctions",
    references: (r) => listOf(() => r.props.lambdaFunctions, "lambdaFunctionArn"),
    kind: fixed("async", "S3 bucket notification"),
  },
  [TYPES.snsTopicSubscription]: {
    property: "endpoint",
    kind: (r) => {
      const protocol = probeString(() => r.props.protocol);
      return protocol.known && protocol.value !== "lambda" ? undefined : { kind: "async", what: "SNS subscription" };
    },
  },
  [TYPES.eventTarget]: { property: "arn", kind: fixed("async", "EventBridge target") },
  [TYPES.logSubscriptionFilter]: { property: "destinationArn", kind: fixed("async", "CloudWatch Logs subscription") },
  [TYPES.lambdaEventInvokeConfig]: {
    property: "destinationConfig",
    references: (r) => [
      probeString(() => r.props.destinationConfig?.onSuccess?.destination),
      probeString(() => r.props.destinationConfig?.onFailure?.destination),
    ],
    kind: fixed("async", "Lambda destination of FunctionEventInvokeConfig"),
  },
  [TYPES.lambdaPermission]: { property: "functionName", kind: permissionKind },
  [TYPES.lambdaEventSourceMapping]: {
    property: "functionName",
    kind: (r) => ({ kind: mappingKind(r), what: "event source mapping" }),
  },
  [TYPES.lambdaFunctionUrl]: { property: "functionName", kind: fixed("sync", "function URL") },
  [TYPES.apiGatewayIntegration]: { property: "uri", kind: fixed("sync", "API Gateway integration") },
  [TYPES.apiGatewayV2Integration]: { property: "integrationUri", kind: fixed("sync", "API Gateway integration") },
  [TYPES.lbTargetGroupAttachment]: { property: "targetId", kind: fixed("sync", "load balancer target") },
  [TYPES.albTargetGroupAttachment]: { property: "targetId", kind: fixed("sync", "load balancer target") },
};

/**
 * The function a reference names: a name, a full or partial ARN with an optional qualifier, or an API Gateway invoke
 * URI (`arn:aws:apigateway:REGION:lambda:path/2015-03-31/functions/FUNCTION_ARN/invocations`). Function names contain
 * neither `:` nor `/`.
 */
export function functionNameIn(reference: string): string {
  const at = reference.lastIndexOf("function:");
  return at < 0 ? reference : reference.slice(at + "function:".length).split(/[:/]/)[0];
}

/**
 * The functions of the stack that `holder`'s `property` refers to: by name when the reference is known, else through
 * the engine's propertyDependencies (a function, or an alias of one). A reference to a function outside the stack, or
 * unknown and fed by no function, refers to none.
 */
export function functionsReferenced(
  index: StackIndex,
  holder: PolicyResource,
  property: string,
  reference: Probe<string | undefined>,
): PolicyResource[] {
  if (reference.known) {
    if (reference.value === undefined) return [];
    return index.find(TYPES.lambdaFunction, "name", (r) => identity(r).name, functionNameIn(reference.value));
  }
  return sourcesOf(holder, property).flatMap((source) => {
    if (source.type === TYPES.lambdaFunction) return [source];
    if (source.type !== TYPES.lambdaAlias) return [];
    const target = probeString(() => source.props.functionName);
    // One level only: an alias names its function directly.
    return target.known
      ? functionsReferenced(index, source, "functionName", target)
      : sourcesOf(source, "functionName").filter((r) => r.type === TYPES.lambdaFunction);
  });
}

/** Every function's invokers in the stack, by function URN. */
export function invokersByFunction(index: StackIndex): Map<string, Invokers> {
  const result = new Map<string, Invokers>();
  for (const [type, spec] of Object.entries(EDGES)) {
    for (const resource of index.ofType(type)) {
      const how = spec.kind(resource);
      if (!how) continue;
      const references = spec.references?.(resource) ?? [probeString(() => resource.props[spec.property])];
      const targets = new Set(references.flatMap((ref) => functionsReferenced(index, resource, spec.property, ref)));
      for (const fn of targets) {
        const invokers = result.get(fn.urn) ?? noInvokers();
        invokers[how.kind].push({ resource, ...how });
        result.set(fn.urn, invokers);
      }
    }
  }
  return result;
}

export function invokersOf(map: Map<string, Invokers>, fn: PolicyResource): Invokers {
  return map.get(fn.urn) ?? noInvokers();
}

/** The FunctionEventInvokeConfigs of each function, by function URN. */
export function invokeConfigsByFunction(index: StackIndex): Map<string, PolicyResource[]> {
  const result = new Map<string, PolicyResource[]>();
  for (const config of index.ofType(TYPES.lambdaEventInvokeConfig)) {
    for (const fn of functionsReferenced(
      index,
      config,
      "functionName",
      probeString(() => config.props.functionName),
    )) {
      result.set(fn.urn, [...(result.get(fn.urn) ?? []), config]);
    }
  }
  return result;
}
