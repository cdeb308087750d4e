import { expect } from "chai";
import { lambdaDeadLetterQueue } from "../../policy-pack/lambda-dead-letter-queue";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeStack, diagnosticsFor, failingNames, FixtureResource, unknown, urnOf } from "../support/policy-harness";

const POLICY = "lambda-dead-letter-queue";
const ACCOUNT = "us-east-1:123456789012";
const QUEUE_DLQ_ARN = `arn:aws:sqs:${ACCOUNT}:orders-dlq`;

const fnArn = (name: string) => `arn:aws:lambda:${ACCOUNT}:function:${name}-fn`;
function fn(name: string, props: Record<string, unknown> = {}, more: Partial<FixtureResource> = {}): FixtureResource {
  return { name, type: TYPES.lambdaFunction, props: { name: `${name}-fn`, arn: fnArn(name), ...props }, ...more };
}
const withDlq = { deadLetterConfig: { targetArn: QUEUE_DLQ_ARN } };
function queue(name: string, props: Record<string, unknown> = {}): FixtureResource {
  return {
    name,
    type: TYPES.sqsQueue,
    props: {
      name,
      arn: `arn:aws:sqs:${ACCOUNT}:${name}`,
      url: `https://sqs.us-east-1.amazonaws.com/123456789012/${name}`,
      ...props,
    },
  };
}
const redrive = { redrivePolicy: JSON.stringify({ deadLetterTargetArn: QUEUE_DLQ_ARN, maxReceiveCount: 5 }) };
const mapping = (name: string, target: string, props: Record<string, unknown>): FixtureResource => ({
  name,
  type: TYPES.lambdaEventSourceMapping,
  props: { functionName: fnArn(target), ...props },
});
const onFailure = (name: string, target: string, destination?: string): FixtureResource => ({
  name,
  type: TYPES.lambdaEventInvokeConfig,
  props: {
    functionName: `${target}-fn`,
    destinationConfig: destination ? { onFailure: { destination } } : { onSuccess: { destination: QUEUE_DLQ_ARN } },
  },
});
const permission = (name: string, target: string, principal: string): FixtureResource => ({
  name,
  type: TYPES.lambdaPermission,
  props: { action: "lambda:InvokeFunction", functionName: `${target}-fn`, principal },
});
const KINESIS = `arn:aws:kinesis:${ACCOUNT}:stream/clicks`;
const DYNAMODB_STREAM = `arn:aws:dynamodb:${ACCOUNT}:table/orders/stream/2026-01-01T00:00:00.000`;

/** Every invocation shape: named passing and failing functions, with their queues and mappings. */
const fixtures: FixtureResource[] = [
  // Asynchronous invokers: a function DLQ or an on-failure destination is the failure path.
  fn("pass-s3-dlq", withDlq),
  {
    name: "uploads-notify",
    type: TYPES.s3BucketNotification,
    props: {
      bucket: "uploads",
      lambdaFunctions: [{ lambdaFunctionArn: fnArn("pass-s3-dlq") }, { lambdaFunctionArn: fnArn("fail-s3") }],
    },
  },
  fn("fail-s3"),
  fn("pass-sns-destination"),
  {
    name: "alerts-sub",
    type: TYPES.snsTopicSubscription,
    props: { protocol: "lambda", endpoint: fnArn("pass-sns-destination") },
  },
  onFailure("pass-sns-destination-config", "pass-sns-destination", `arn:aws:sqs:${ACCOUNT}:sns-failures`),
  fn("fail-sns-onsuccess-only"),
  {
    name: "audit-sub",
    type: TYPES.snsTopicSubscription,
    props: { protocol: "lambda", endpoint: fnArn("fail-sns-onsuccess-only") },
  },
  onFailure("only-on-success", "fail-sns-onsuccess-only"),
  fn("fail-eventbridge"),
  { name: "nightly-target", type: TYPES.eventTarget, props: { rule: "nightly", arn: fnArn("fail-eventbridge") } },
  fn("fail-logs"),
  {
    name: "errors-filter",
    type: TYPES.logSubscriptionFilter,
    props: { logGroup: "/app", destinationArn: fnArn("fail-logs") },
  },
  fn("fail-destination-target"),
  {
    name: "chain",
    type: TYPES.lambdaEventInvokeConfig,
    props: {
      functionName: "pass-s3-dlq-fn",
      destinationConfig: { onSuccess: { destination: `${fnArn("fail-destination-target")}:live` } },
    },
  },
  fn("fail-s3-permission"),
  permission("s3-invoke", "fail-s3-permission", "s3.amazonaws.com"),
  // SQS consumers: the source queue's redrive policy is the failure path; a function DLQ is not needed.
  queue("orders", redrive),
  fn("pass-sqs-redrive"),
  mapping("orders-mapping", "pass-sqs-redrive", { eventSourceArn: `arn:aws:sqs:${ACCOUNT}:orders` }),
  queue("jobs"),
  {
    name: "jobs-redrive",
    type: TYPES.sqsRedrivePolicy,
    props: { queueUrl: "https://sqs.us-east-1.amazonaws.com/123456789012/jobs", redrivePolicy: redrive.redrivePolicy },
  },
  fn("pass-sqs-redrive-resource"),
  mapping("jobs-mapping", "pass-sqs-redrive-resource", { eventSourceArn: `arn:aws:sqs:${ACCOUNT}:jobs` }),
  queue("emails"),
  fn("fail-sqs-no-redrive", withDlq),
  mapping("emails-mapping", "fail-sqs-no-redrive", { eventSourceArn: `arn:aws:sqs:${ACCOUNT}:emails` }),
  fn("pass-sqs-external-queue"),
  mapping("external-mapping", "pass-sqs-external-queue", {
    eventSourceArn: `arn:aws:sqs:${ACCOUNT}:someone-elses-queue`,
  }),
  // Stream consumers: the mapping's on-failure destination is the failure path.
  fn("pass-stream"),
  mapping("orders-stream", "pass-stream", {
    eventSourceArn: DYNAMODB_STREAM,
    destinationConfig: { onFailure: { destinationArn: QUEUE_DLQ_ARN } },
  }),
  fn("fail-stream", withDlq),
  mapping("clicks-stream", "fail-stream", { eventSourceArn: KINESIS }),
  // Synchronous invokers only: the caller gets the error.
  fn("pass-http-api"),
  {
    name: "http-integration",
    type: TYPES.apiGatewayV2Integration,
    props: { integrationType: "AWS_PROXY", integrationUri: fnArn("pass-http-api") },
  },
  fn("pass-rest-api"),
  {
    name: "rest-integration",
    type: TYPES.apiGatewayIntegration,
    props: {
      type: "AWS_PROXY",
      uri: `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fnArn("pass-rest-api")}/invocations`,
    },
  },
  permission("rest-invoke", "pass-rest-api", "apigateway.amazonaws.com"),
  fn("pass-alb"),
  {
    name: "alb-attachment",
    type: TYPES.lbTargetGroupAttachment,
    props: { targetGroupArn: "arn:aws:elasticloadbalancing:tg", targetId: fnArn("pass-alb") },
  },
  fn("pass-function-url"),
  {
    name: "url",
    type: TYPES.lambdaFunctionUrl,
    props: { functionName: "pass-function-url-fn", authorizationType: "NONE" },
  },
  // A synchronous and an asynchronous invoker: the asynchronous one still needs a failure path.
  fn("fail-api-and-s3"),
  {
    name: "api-and-s3-integration",
    type: TYPES.apiGatewayV2Integration,
    props: { integrationUri: fnArn("fail-api-and-s3") },
  },
  permission("api-and-s3-s3", "fail-api-and-s3", "s3.amazonaws.com"),
  // No invoker in the stack: it may be invoked asynchronously from elsewhere.
  fn("fail-no-invoker"),
  fn("fail-no-invoker-empty-arn", { deadLetterConfig: { targetArn: "  " } }),
  fn("pass-no-invoker-dlq", withDlq),
  fn("pass-no-invoker-destination"),
  onFailure("orphan-destination", "pass-no-invoker-destination", `arn:aws:sns:${ACCOUNT}:failures`),
];

describe(POLICY, () => {
  it("fails exactly the functions whose real failure path is missing", async () => {
    const diags = await analyzeStack([lambdaDeadLetterQueue], fixtures);
    const fnNames = fixtures.filter((r) => r.type === TYPES.lambdaFunction).map((r) => r.name);
    expect(failingNames(diags, POLICY)).to.deep.equal(fnNames.filter((n) => n.startsWith("fail-")).sort());
    expect(diags.every((d) => d.enforcementLevel === "mandatory")).to.equal(true);
  });

  it("names the invokers found and the failure path expected", async () => {
    const diags = await analyzeStack([lambdaDeadLetterQueue], fixtures);
    const message = (name: string) => {
      const found = diagnosticsFor(diags, POLICY, name);
      expect(found, name).to.have.length(1);
      expect(found[0].urn).to.equal(urnOf(TYPES.lambdaFunction, name));
      return found[0].message.slice(lambdaDeadLetterQueue.description.length + 1);
    };
    const asyncFix =
      "and no aws.lambda.FunctionEventInvokeConfig with destinationConfig.onFailure, so failed asynchronous invocations are lost after retries; " +
      "set deadLetterConfig.targetArn to an SQS queue or SNS topic ARN, or add a FunctionEventInvokeConfig with destinationConfig.onFailure";
    expect(message("fail-s3")).to.equal(
      `function "fail-s3" (name fail-s3-fn) is invoked asynchronously by S3 bucket notification "uploads-notify" and has no deadLetterConfig ${asyncFix}`,
    );
    expect(message("fail-sns-onsuccess-only")).to.include('is invoked asynchronously by SNS subscription "audit-sub"');
    expect(message("fail-eventbridge")).to.include('EventBridge target "nightly-target"');
    expect(message("fail-logs")).to.include('CloudWatch Logs subscription "errors-filter"');
    expect(message("fail-destination-target")).to.include('Lambda destination of FunctionEventInvokeConfig "chain"');
    expect(message("fail-s3-permission")).to.include('permission for s3.amazonaws.com "s3-invoke"');
    expect(message("fail-api-and-s3"))
      .to.include('is invoked asynchronously by permission for s3.amazonaws.com "api-and-s3-s3"')
      .and.not.include("integration");
    expect(message("fail-sqs-no-redrive")).to.equal(
      'function "fail-sqs-no-redrive" (name fail-sqs-no-redrive-fn) consumes SQS queue "emails" through event source mapping "emails-mapping", and that queue has no redrivePolicy, ' +
        "so messages that keep failing expire unseen at the end of its retention period; give the queue a redrivePolicy (or an aws.sqs.RedrivePolicy) with a deadLetterTargetArn " +
        "(a function deadLetterConfig does not apply to event source mappings)",
    );
    expect(message("fail-stream")).to.equal(
      `function "fail-stream" (name fail-stream-fn) reads stream ${KINESIS} through event source mapping "clicks-stream", which has no destinationConfig.onFailure, ` +
        "so records that keep failing are dropped after retries (and block the shard until then); set destinationConfig.onFailure.destinationArn on the mapping to an SQS queue or SNS topic",
    );
    expect(message("fail-no-invoker")).to.equal(
      `function "fail-no-invoker" (name fail-no-invoker-fn) has no invoker in this stack, so it may be invoked asynchronously from elsewhere, and has no deadLetterConfig ${asyncFix}`,
    );
    expect(message("fail-no-invoker-empty-arn")).to.include('has deadLetterConfig.targetArn "  "');
  });

  it("joins several missing paths of one function into one finding", async () => {
    const diags = await analyzeStack(
      [lambdaDeadLetterQueue],
      [
        fn("both"),
        queue("plain"),
        mapping("plain-mapping", "both", { eventSourceArn: `arn:aws:sqs:${ACCOUNT}:plain` }),
        permission("events", "both", "events.amazonaws.com"),
      ],
    );
    expect(diags).to.have.length(1);
    expect(diags[0].message)
      .to.include('permission for events.amazonaws.com "events"')
      .and.include('; it also consumes SQS queue "plain"');
  });

  it("follows references unknown during preview through propertyDependencies", async () => {
    const unknownFn = (name: string) => fn(name, { name: unknown.string, arn: unknown.string });
    const consumer = unknownFn("consumer");
    const consumerUrn = urnOf(TYPES.lambdaFunction, "consumer");
    const source = {
      ...queue("source"),
      props: { name: unknown.string, arn: unknown.string, url: unknown.string, redrivePolicy: unknown.string },
    };
    const sourceUrn = urnOf(TYPES.sqsQueue, "source");
    const sourceMapping: FixtureResource = {
      name: "source-mapping",
      type: TYPES.lambdaEventSourceMapping,
      props: { functionName: unknown.string, eventSourceArn: unknown.string },
      propertyDependencies: { functionName: [consumerUrn], eventSourceArn: [sourceUrn] },
    };
    // redrivePolicy computed from the DLQ's ARN: set.
    const fedRedrive = await analyzeStack(
      [lambdaDeadLetterQueue],
      [
        consumer,
        { ...source, propertyDependencies: { redrivePolicy: [urnOf(TYPES.sqsQueue, "source-dlq")] } },
        queue("source-dlq"),
        sourceMapping,
      ],
    );
    expect(diagnosticsFor(fedRedrive, POLICY, "consumer")).to.deep.equal([]);
    // redrivePolicy unknown and computed from nothing: unverified, advisory.
    const unknownRedrive = await analyzeStack([lambdaDeadLetterQueue], [consumer, source, sourceMapping]);
    expect(failingNames(unknownRedrive, POLICY)).to.deep.equal([]);
    expect(failingNames(unknownRedrive, POLICY, "advisory")).to.deep.equal(["consumer"]);
    expect(unknownRedrive[0].message).to.match(
      /could not verify during preview: function "consumer": whether it has a failure path is unverified/,
    );
    // A subscription whose endpoint is computed from the function: an asynchronous invoker.
    const sub: FixtureResource = {
      name: "sub",
      type: TYPES.snsTopicSubscription,
      props: { protocol: "lambda", endpoint: unknown.string },
      propertyDependencies: { endpoint: [consumerUrn] },
    };
    const viaSub = await analyzeStack([lambdaDeadLetterQueue], [consumer, sub]);
    expect(failingNames(viaSub, POLICY)).to.deep.equal(["consumer"]);
    expect(viaSub[0].message).to.include('SNS subscription "sub"');
  });

  it("never fails on a dead-letter target that is unknown during preview", async () => {
    const diags = await analyzeStack(
      [lambdaDeadLetterQueue],
      [
        fn("unknown-arn", { deadLetterConfig: { targetArn: unknown.string } }),
        fn("unknown-config", { deadLetterConfig: unknown.object }),
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["unknown-arn", "unknown-config"]);
  });

  it("honours exclude and exemptions", async () => {
    const tags = {
      "serverless-guard:exempt": "lambda-dead-letter-queue",
      "serverless-guard:exempt-reason": "drained by hand",
    };
    const diags = await analyzeStack([lambdaDeadLetterQueue], [fn("api", { tags }), fn("excluded"), fn("fail")], {
      [POLICY]: { exclude: ["excluded"] },
    });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["api", "excluded"]);
  });

  it("can be set to advisory or disabled by config", async () => {
    expect(
      failingNames(await analyzeStack([lambdaDeadLetterQueue], fixtures, { [POLICY]: "advisory" }), POLICY, "advisory"),
    ).to.have.length(11);
    expect(await analyzeStack([lambdaDeadLetterQueue], fixtures, { all: "disabled" })).to.deep.equal([]);
  });
});
