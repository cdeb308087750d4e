import { expect } from "chai";
import { dlqAlarm } from "../../policy-pack/dlq-alarm";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeStack, diagnosticsFor, failingNames, FixtureResource, unknown, urnOf } from "../support/policy-harness";

const POLICY = "dlq-alarm";
const ACCOUNT = "arn:aws:sqs:us-east-1:123456789012";

function queue(
  name: string,
  extra: Record<string, unknown> = {},
  more: Partial<FixtureResource> = {},
): FixtureResource {
  const physical = `${name}-1`;
  return {
    name,
    type: TYPES.sqsQueue,
    props: {
      name: physical,
      arn: `${ACCOUNT}:${physical}`,
      url: `https://sqs.us-east-1.amazonaws.com/123456789012/${physical}`,
      ...extra,
    },
    ...more,
  };
}
const arnOf = (q: FixtureResource) => q.props.arn as string;

function fn(name: string, targetArn: unknown, more: Partial<FixtureResource> = {}): FixtureResource {
  return { name, type: TYPES.lambdaFunction, props: { name: `${name}-1`, deadLetterConfig: { targetArn } }, ...more };
}

function depthAlarm(
  name: string,
  queueName: unknown,
  more: Partial<FixtureResource> = {},
  metricName = "ApproximateNumberOfMessagesVisible",
): FixtureResource {
  return {
    name,
    type: TYPES.metricAlarm,
    props: {
      namespace: "AWS/SQS",
      metricName,
      dimensions: { QueueName: queueName },
      threshold: 0,
      comparisonOperator: "GreaterThanThreshold",
    },
    ...more,
  };
}

const ordersDlq = queue("orders-dlq");
const jobsDlq = queue("jobs-dlq");
const eventsDlq = queue("events-dlq");
const auditDlq = queue("audit-dlq");
const wrongDlq = queue("wrong-dlq");
const audit = queue("audit");

const fixture: FixtureResource[] = [
  // function DLQ with the right alarm: passes
  ordersDlq,
  fn("processor", arnOf(ordersDlq)),
  depthAlarm("orders-dlq-depth", "orders-dlq-1"),
  // redrivePolicy as the provider's JSON string, no alarm: fails
  jobsDlq,
  queue("jobs", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(jobsDlq), maxReceiveCount: 3 }) }),
  // redrivePolicy as an object, alarm on the wrong metric: fails
  eventsDlq,
  queue("events", { redrivePolicy: { deadLetterTargetArn: arnOf(eventsDlq), maxReceiveCount: 5 } }),
  depthAlarm("events-dlq-age", "events-dlq-1", {}, "ApproximateAgeOfOldestMessage"),
  // the separate aws.sqs.RedrivePolicy resource, alarm in metricQueries form: passes
  auditDlq,
  audit,
  {
    name: "audit-redrive",
    type: TYPES.sqsRedrivePolicy,
    props: {
      queueUrl: audit.props.url,
      redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(auditDlq), maxReceiveCount: 2 }),
    },
  },
  {
    name: "audit-dlq-depth",
    type: TYPES.metricAlarm,
    props: {
      threshold: 0,
      metricQueries: [
        { id: "e1", expression: "m1", returnData: true },
        {
          id: "m1",
          metric: {
            namespace: "AWS/SQS",
            metricName: "ApproximateNumberOfMessagesVisible",
            dimensions: { QueueName: "audit-dlq-1" },
            period: 60,
            stat: "Maximum",
          },
        },
      ],
    },
  },
  // alarm for another queue's name: fails
  wrongDlq,
  fn("wrong-user", arnOf(wrongDlq)),
  depthAlarm("wrong-dlq-depth", "orders-dlq-1"),
  // not dead-letter queues of anything here: an SNS DLQ, a queue outside the stack, a plain queue
  fn("notifier", "arn:aws:sns:us-east-1:123456789012:failures"),
  fn("external-user", `${ACCOUNT}:someone-elses-dlq`),
  queue("plain"),
  { name: "no-dlq", type: TYPES.lambdaFunction, props: { name: "no-dlq-1" } },
];

describe("dlq-alarm", () => {
  it("fails exactly the dead-letter queues without a depth alarm", async () => {
    const diags = await analyzeStack([dlqAlarm], fixture);
    expect(failingNames(diags, POLICY)).to.deep.equal(["events-dlq", "jobs-dlq", "wrong-dlq"]);
    expect(diags).to.have.length(3);
  });

  it("reports on the queue's URN and names its users, the metric and the fix", async () => {
    const diags = await analyzeStack([dlqAlarm], fixture);
    const [jobs] = diagnosticsFor(diags, POLICY, "jobs-dlq");
    expect(jobs.urn).to.equal(urnOf(TYPES.sqsQueue, "jobs-dlq"));
    expect(jobs.message).to.equal(
      `${dlqAlarm.description}\n` +
        'queue "jobs-dlq" (name jobs-dlq-1) is the dead-letter queue of queue "jobs", but no aws.cloudwatch.MetricAlarm watches AWS/SQS ApproximateNumberOfMessagesVisible with dimensions.QueueName "jobs-dlq-1", so failed messages pile up unnoticed; add a MetricAlarm on that metric with threshold 0 and comparisonOperator GreaterThanThreshold',
    );
    expect(diagnosticsFor(diags, POLICY, "wrong-dlq")[0].message).to.include(
      'dead-letter queue of function "wrong-user"',
    );
  });

  it("covers on-failure destination queues of invoke configs and event source mappings", async () => {
    const asyncFailures = queue("async-failures");
    const streamFailures = queue("stream-failures");
    const watched = queue("watched-failures");
    const diags = await analyzeStack(
      [dlqAlarm],
      [
        asyncFailures,
        streamFailures,
        watched,
        {
          name: "worker-destinations",
          type: TYPES.lambdaEventInvokeConfig,
          props: { functionName: "worker-1", destinationConfig: { onFailure: { destination: arnOf(asyncFailures) } } },
        },
        {
          name: "clicks-mapping",
          type: TYPES.lambdaEventSourceMapping,
          props: {
            functionName: "reader-1",
            eventSourceArn: "arn:aws:kinesis:us-east-1:123456789012:stream/clicks",
            destinationConfig: { onFailure: { destinationArn: arnOf(streamFailures) } },
          },
        },
        {
          name: "other-destinations",
          type: TYPES.lambdaEventInvokeConfig,
          props: { functionName: "other-1", destinationConfig: { onFailure: { destination: arnOf(watched) } } },
        },
        depthAlarm("watched-depth", "watched-failures-1"),
        // an on-success destination is no failure target
        {
          name: "success-only",
          type: TYPES.lambdaEventInvokeConfig,
          props: { functionName: "x-1", destinationConfig: { onSuccess: { destination: arnOf(queue("plain")) } } },
        },
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["async-failures", "stream-failures"]);
    expect(diagnosticsFor(diags, POLICY, "async-failures")[0].message).to.include(
      'dead-letter queue of FunctionEventInvokeConfig "worker-destinations"',
    );
    expect(diagnosticsFor(diags, POLICY, "stream-failures")[0].message).to.include(
      'dead-letter queue of event source mapping "clicks-mapping"',
    );
  });

  it("lists every user of a shared dead-letter queue once", async () => {
    const shared = queue("shared-dlq");
    const diags = await analyzeStack(
      [dlqAlarm],
      [
        shared,
        fn("a", arnOf(shared)),
        queue("b", { redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(shared) }) }),
        {
          name: "b-redrive",
          type: TYPES.sqsRedrivePolicy,
          props: { redrivePolicy: JSON.stringify({ deadLetterTargetArn: arnOf(shared) }) },
        },
      ],
    );
    expect(diags).to.have.length(1);
    expect(diags[0].message).to.include('dead-letter queue of function "a", queue "b", redrive policy "b-redrive"');
  });

  it("finds dead-letter queues and alarms through propertyDependencies when values are unknown (preview)", async () => {
    const dlq = queue("dlq", { name: unknown.string, arn: unknown.string });
    const dlqUrn = urnOf(TYPES.sqsQueue, "dlq");
    const user = fn("user", unknown.string, { propertyDependencies: { deadLetterConfig: [dlqUrn] } });
    const noAlarm = await analyzeStack([dlqAlarm], [dlq, user]);
    expect(failingNames(noAlarm, POLICY)).to.deep.equal(["dlq"]);
    expect(noAlarm[0].message).to.include("with this queue's QueueName");

    const alarmFedByQueue = depthAlarm("alarm", unknown.string, { propertyDependencies: { dimensions: [dlqUrn] } });
    expect(await analyzeStack([dlqAlarm], [dlq, user, alarmFedByQueue])).to.deep.equal([]);

    const fedByRedrive = queue(
      "src",
      { redrivePolicy: unknown.string },
      { propertyDependencies: { redrivePolicy: [dlqUrn] } },
    );
    expect(failingNames(await analyzeStack([dlqAlarm], [dlq, fedByRedrive]), POLICY)).to.deep.equal(["dlq"]);
  });

  it("lets known names decide over dependencies: an alarm computed from the queue but on another name fails", async () => {
    const dlq = queue("dlq");
    const alarm = depthAlarm("alarm", "dlq-1-old", {
      propertyDependencies: { dimensions: [urnOf(TYPES.sqsQueue, "dlq")] },
    });
    const diags = await analyzeStack([dlqAlarm], [dlq, fn("user", arnOf(dlq)), alarm]);
    expect(failingNames(diags, POLICY)).to.deep.equal(["dlq"]);
  });

  it("reports what preview cannot tell (which queue, which alarm) as an advisory, never as mandatory", async () => {
    const dlq = queue("dlq");
    const unresolved = await analyzeStack([dlqAlarm], [dlq, fn("user", unknown.string)]);
    expect(failingNames(unresolved, POLICY)).to.deep.equal([]);
    expect(failingNames(unresolved, POLICY, "advisory")).to.deep.equal(["user"]);
    expect(unresolved[0].message).to.equal(
      'could not verify during preview: function "user" (name user-1) has a deadLetterConfig.targetArn that is unknown and computed from no queue of this stack, so whether its dead-letter queue has an alarm is unverified',
    );
    const redriveUnknown = await analyzeStack([dlqAlarm], [dlq, queue("src", { redrivePolicy: unknown.string })]);
    expect(failingNames(redriveUnknown, POLICY, "advisory")).to.deep.equal(["src"]);
    expect(redriveUnknown[0].message).to.include(
      'queue "src" (name src-1) has a redrivePolicy deadLetterTargetArn that is unknown',
    );

    const alarmUnknown = await analyzeStack(
      [dlqAlarm],
      [dlq, fn("user", arnOf(dlq)), depthAlarm("maybe", unknown.string)],
    );
    expect(failingNames(alarmUnknown, POLICY)).to.deep.equal([]);
    expect(failingNames(alarmUnknown, POLICY, "advisory")).to.deep.equal(["dlq"]);
    expect(alarmUnknown[0].message).to.equal(
      'could not verify during preview: queue "dlq" (name dlq-1) is the dead-letter queue of function "user"; whether alarm "maybe" watches AWS/SQS ApproximateNumberOfMessagesVisible with dimensions.QueueName "dlq-1" is unverified because its namespace, metric or dimensions are unknown',
    );
    const queriesUnknown = await analyzeStack(
      [dlqAlarm],
      [dlq, fn("user", arnOf(dlq)), { name: "q", type: TYPES.metricAlarm, props: { metricQueries: unknown.array } }],
    );
    expect(failingNames(queriesUnknown, POLICY)).to.deep.equal([]);
    expect(failingNames(queriesUnknown, POLICY, "advisory")).to.deep.equal(["dlq"]);
    expect(queriesUnknown[0].message).to.include('whether alarm "q" watches');
  });

  it("stays silent when an unknown target cannot be a queue of this stack", async () => {
    // the only queue is the one whose redrivePolicy is unknown (a queue is not its own DLQ)
    expect(await analyzeStack([dlqAlarm], [queue("src", { redrivePolicy: unknown.string })])).to.deep.equal([]);
    // no queue at all
    expect(await analyzeStack([dlqAlarm], [fn("user", unknown.string)])).to.deep.equal([]);
    // the unknown ARN comes from an SNS topic (a valid Lambda DLQ with no queue depth), not from the stack's queue
    const topic: FixtureResource = { name: "failures", type: "aws:sns/topic:Topic", props: { arn: unknown.string } };
    const viaTopic = fn("user", unknown.string, {
      propertyDependencies: { deadLetterConfig: [urnOf("aws:sns/topic:Topic", "failures")] },
    });
    expect(await analyzeStack([dlqAlarm], [queue("other"), topic, viaTopic])).to.deep.equal([]);
  });

  it("still decides when the unknown part cannot matter", async () => {
    const dlq = queue("dlq");
    // an alarm on another namespace cannot watch the queue, whatever its dimensions turn out to be
    const lambdaAlarm = {
      name: "errors",
      type: TYPES.metricAlarm,
      props: { namespace: "AWS/Lambda", metricName: "Errors", dimensions: unknown.object },
    };
    const diags = await analyzeStack([dlqAlarm], [dlq, fn("user", arnOf(dlq)), lambdaAlarm]);
    expect(failingNames(diags, POLICY)).to.deep.equal(["dlq"]);
  });

  it("reports an exempt queue at advisory level with the reason, and honours exclude", async () => {
    const exemptDlq = queue("jobs-dlq", {
      tags: {
        "serverless-guard:exempt": "dlq-alarm,lambda-log-group",
        "serverless-guard:exempt-reason": "drained hourly by a job",
      },
    });
    const diags = await analyzeStack(
      [dlqAlarm],
      fixture.map((r) => (r.name === "jobs-dlq" ? exemptDlq : r)),
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["events-dlq", "wrong-dlq"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["jobs-dlq"]);
    expect(diagnosticsFor(diags, POLICY, "jobs-dlq")[0].message).to.match(
      /^\[exempt by tag: drained hourly by a job\] queue "jobs-dlq"/,
    );

    const excluded = await analyzeStack([dlqAlarm], fixture, { [POLICY]: { exclude: ["urn:pulumi:*::*-dlq"] } });
    expect(failingNames(excluded, POLICY)).to.deep.equal([]);
    expect(failingNames(excluded, POLICY, "advisory")).to.deep.equal(["events-dlq", "jobs-dlq", "wrong-dlq"]);
  });

  it("an exempt tag without a reason does not exempt and is reported", async () => {
    const noReason = queue("jobs-dlq", { tags: { "serverless-guard:exempt": "dlq-alarm" } });
    const diags = await analyzeStack(
      [dlqAlarm],
      fixture.map((r) => (r.name === "jobs-dlq" ? noReason : r)),
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["events-dlq", "jobs-dlq", "wrong-dlq"]);
    expect(
      diagnosticsFor(diags, POLICY, "jobs-dlq")
        .map((d) => d.message)
        .some((m) => m.includes("an exemption needs a reason")),
    ).to.equal(true);
  });
});
