// AnalyzeStack at scale: the built pack (as the engine runs it) analyzes synthetic serverless stacks of 1k, 10k and
// 30k resources, once with every value known (as `audit` sends a state export) and once shaped like a preview (names
// and ARNs unknown, references carried by propertyDependencies). The stack policies follow references between
// resources; they must index the stack once and look references up, not compare every pair.
// Target: 30,000 resources in one AnalyzeStack call in under 10 s (the engine's per-call deadline is 120 s).
// Needs `npm run build` first (it measures package.json#main, i.e. dist/).
import * as path from "path";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import * as grpc from "@grpc/grpc-js";
import { startEngineServer, startPack } from "../src/analyzer/pack-process";
import { ResourceRecord } from "../src/analyzer/resource-record";
import { stackResource, UNKNOWN_VALUE } from "../src/analyzer/wire";
import { builtPackMain, runBenchmark } from "./harness";

const root = path.join(__dirname, "..");
// Sizes may be given on the command line (e.g. `30000`) to profile one.
const SIZES =
  process.argv
    .slice(2)
    .map(Number)
    .filter((n) => n > 0).length > 0
    ? process.argv.slice(2).map(Number)
    : [1_000, 10_000, 30_000];
const TARGET_MS = 10_000;
const TARGET_SIZE = 30_000;
const ACCOUNT = "us-east-1:123456789012";
const TAGS = { Environment: "bench", Project: "bench", Owner: "bench", CostCenter: "bench" };

/** Ten resources per unit: a function consuming a queue that redrives to a watched DLQ, with its log group, role and alias. */
function unit(i: number, preview: boolean): ResourceRecord[] {
  const urn = (type: string, name: string) => `urn:pulumi:bench::bench::${type}::${name}`;
  const records: ResourceRecord[] = [];
  const add = (
    type: string,
    name: string,
    outputs: Record<string, unknown>,
    propertyDependencies: Record<string, string[]> = {},
  ) => {
    const props = { ...outputs, tags: TAGS };
    records.push({
      urn: urn(type, name),
      type,
      name,
      custom: true,
      inputs: props,
      outputs: props,
      dependencies: Object.values(propertyDependencies).flat(),
      propertyDependencies,
      options: {},
    });
    return urn(type, name);
  };
  const known = (value: string) => (preview ? UNKNOWN_VALUE : value);
  const fnName = `worker-${i}`;
  const fnArn = `arn:aws:lambda:${ACCOUNT}:function:${fnName}`;
  const dlqArn = `arn:aws:sqs:${ACCOUNT}:jobs-dlq-${i}`;
  const dlq = add("aws:sqs/queue:Queue", `jobs-dlq-${i}`, { name: known(`jobs-dlq-${i}`), arn: known(dlqArn) });
  const queue = add(
    "aws:sqs/queue:Queue",
    `jobs-${i}`,
    {
      name: known(`jobs-${i}`),
      arn: known(`arn:aws:sqs:${ACCOUNT}:jobs-${i}`),
      redrivePolicy: known(JSON.stringify({ deadLetterTargetArn: dlqArn, maxReceiveCount: 3 })),
    },
    { redrivePolicy: [dlq] },
  );
  add(
    "aws:cloudwatch/metricAlarm:MetricAlarm",
    `jobs-dlq-depth-${i}`,
    {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: known(`jobs-dlq-${i}`) },
      threshold: 0,
    },
    { dimensions: [dlq] },
  );
  const role = add("aws:iam/role:Role", `worker-role-${i}`, {
    name: known(`worker-role-${i}`),
    arn: known(`arn:aws:iam::123456789012:role/worker-role-${i}`),
  });
  add(
    "aws:iam/rolePolicy:RolePolicy",
    `worker-policy-${i}`,
    {
      role: known(`worker-role-${i}`),
      policy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Action: "sqs:SendMessage", Resource: dlqArn }],
      }),
    },
    { role: [role] },
  );
  const fn = add(
    "aws:lambda/function:Function",
    fnName,
    {
      name: known(fnName),
      arn: known(fnArn),
      memorySize: 512,
      publish: true,
      version: known("1"),
      deadLetterConfig: { targetArn: known(dlqArn) },
      role: known(`arn:aws:iam::123456789012:role/worker-role-${i}`),
    },
    { deadLetterConfig: [dlq], role: [role] },
  );
  add(
    "aws:cloudwatch/logGroup:LogGroup",
    `worker-logs-${i}`,
    { name: known(`/aws/lambda/${fnName}`), retentionInDays: 14 },
    { name: [fn] },
  );
  add(
    "aws:lambda/eventSourceMapping:EventSourceMapping",
    `jobs-mapping-${i}`,
    { functionName: known(fnArn), eventSourceArn: known(`arn:aws:sqs:${ACCOUNT}:jobs-${i}`) },
    { functionName: [fn], eventSourceArn: [queue] },
  );
  const alias = add(
    "aws:lambda/alias:Alias",
    `worker-live-${i}`,
    { name: "live", functionName: known(fnName), functionVersion: known("1") },
    { functionName: [fn], functionVersion: [fn] },
  );
  add(
    "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
    `worker-pc-${i}`,
    { functionName: known(fnName), qualifier: known("live"), provisionedConcurrentExecutions: 1 },
    { functionName: [fn], qualifier: [alias] },
  );
  return records;
}

/** The request, serialized up front: the engine (Go) sends it ready-made, so building it is not the pack's time. */
function stack(size: number, preview: boolean): Buffer {
  const records = Array.from({ length: Math.ceil(size / 10) }, (_, i) => unit(i, preview))
    .flat()
    .slice(0, size);
  return Buffer.from(
    new analyzerpb.AnalyzeStackRequest().setResourcesList(records.map(stackResource)).serializeBinary(),
  );
}

/** AnalyzeStack with a serialized request: the time measured is the pack's (decode, policies, answer). */
function analyzeStack(client: grpc.Client, request: Buffer): Promise<analyzerpb.AnalyzeResponse> {
  return new Promise((resolve, reject) => {
    client.makeUnaryRequest(
      "/pulumirpc.Analyzer/AnalyzeStack",
      (b: Buffer) => b,
      (b: Buffer) => analyzerpb.AnalyzeResponse.deserializeBinary(new Uint8Array(b)),
      request,
      { deadline: Date.now() + 300_000 },
      (err, res) => (err ? reject(err) : resolve(res!)),
    );
  });
}

async function main(): Promise<number> {
  if (!builtPackMain(root)) return 1;
  const engine = await startEngineServer();
  const pack = await startPack(root, engine.address);
  let worst = 0;
  try {
    console.log("AnalyzeStack, all nine policies (one call each):");
    for (const preview of [false, true]) {
      for (const size of SIZES) {
        const request = stack(size, preview);
        const t0 = process.hrtime.bigint();
        const response = await analyzeStack(pack.client, request);
        const ms = Number(process.hrtime.bigint() - t0) / 1e6;
        const mandatory = response
          .getDiagnosticsList()
          .filter((d) => d.getEnforcementlevel() === analyzerpb.EnforcementLevel.MANDATORY).length;
        console.log(
          `  ${String(size).padStart(6)} resources, ${preview ? "preview (unknowns)" : "known values     "}: ${ms.toFixed(0).padStart(6)} ms (${mandatory} mandatory findings)`,
        );
        if (size === TARGET_SIZE) worst = Math.max(worst, ms);
      }
    }
    console.log(`  ${TARGET_SIZE} resources: worst ${worst.toFixed(0)} ms (target < ${TARGET_MS} ms)`);
    return worst < TARGET_MS ? 0 : 1;
  } finally {
    await pack.stop();
    await engine.stop();
  }
}

runBenchmark(main);
