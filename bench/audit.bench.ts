// `audit` of a 10,000-resource export through this pack against the same export through an empty pack, side by
// side in one run (each a fresh process: start the pack, read the export, Analyze every resource, AnalyzeStack, and
// format the JSON report). Target: within 1.3x. Median of 3, alternating.
// BENCH_ROOT=/path/to/another/checkout measures that checkout's dist/ instead (for before/after figures).
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { writeEmptyPack } from "../scripts/policy-packs";
import { benchRoot } from "./harness";
import { median } from "./median";

const TARGET_RATIO = 1.3;
const ROUNDS = 3;
/** AUDIT_RESOURCES=N measures another size. */
const RESOURCES = Number(process.env.AUDIT_RESOURCES ?? 10_000);
const root = benchRoot;

/** A deployed serverless stack: groups of a function, its role, log group, dead-letter queue and that queue's alarm. */
function writeExport(file: string): void {
  const stack = "urn:pulumi:bench::bench::pulumi:pulumi:Stack::bench-bench";
  const tags = { Environment: "bench", Project: "bench", Owner: "perf", CostCenter: "cc-1" };
  const resources: object[] = [{ urn: stack, type: "pulumi:pulumi:Stack", custom: false }];
  const arn = (service: string, rest: string) => `arn:aws:${service}:us-east-1:123456789012:${rest}`;
  for (let i = 0; resources.length < RESOURCES; i++) {
    const urn = (type: string, name: string) => `urn:pulumi:bench::bench::${type}::${name}`;
    const fn = `fn-${i}`;
    const add = (type: string, name: string, props: Record<string, unknown>) =>
      resources.push({ urn: urn(type, name), type, custom: true, parent: stack, inputs: props, outputs: props });
    add("aws:sqs/queue:Queue", `${fn}-dlq`, {
      name: `${fn}-dlq`,
      arn: arn("sqs", `${fn}-dlq`),
      url: `https://sqs.us-east-1.amazonaws.com/123456789012/${fn}-dlq`,
      tags,
    });
    add("aws:cloudwatch/metricAlarm:MetricAlarm", `${fn}-dlq-alarm`, {
      namespace: "AWS/SQS",
      metricName: "ApproximateNumberOfMessagesVisible",
      dimensions: { QueueName: `${fn}-dlq` },
      comparisonOperator: "GreaterThanThreshold",
      threshold: 0,
      evaluationPeriods: 1,
      period: 300,
      statistic: "Maximum",
      tags,
    });
    add("aws:iam/role:Role", `${fn}-role`, {
      name: `${fn}-role`,
      arn: arn("iam", `role/${fn}-role`).replace("us-east-1", ""),
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [{ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }],
      }),
      tags,
    });
    add("aws:cloudwatch/logGroup:LogGroup", `${fn}-logs`, {
      name: `/aws/lambda/${fn}`,
      arn: arn("logs", `log-group:/aws/lambda/${fn}`),
      retentionInDays: 7,
      tags,
    });
    add("aws:lambda/function:Function", fn, {
      name: fn,
      arn: arn("lambda", `function:${fn}`),
      memorySize: 512,
      runtime: "nodejs22.x",
      handler: "index.handler",
      role: arn("iam", `role/${fn}-role`).replace("us-east-1", ""),
      deadLetterConfig: { targetArn: arn("sqs", `${fn}-dlq`) },
      loggingConfig: { logGroup: `/aws/lambda/${fn}`, logFormat: "JSON" },
      tags,
    });
  }
  resources.length = RESOURCES; // the last group may be cut short
  fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { manifest: {}, resources } }));
}

/** Milliseconds for one audit-equivalent run of `file` through the pack in `packDir`, in a fresh process. */
function auditMs(file: string, packDir: string): number {
  const dist = (m: string) => JSON.stringify(path.join(root, "dist", "src", m));
  // The same steps as `serverless-guard audit FILE --format json`, with the pack chosen (started first where the
  // checkout can, as audit does).
  const script = `
    const { readStackExport } = require(${dist("analyzer/stack-export")});
    const enforcer = require(${dist("analyzer/enforce")});
    const { formatReport } = require(${dist("report")});
    const packDir = ${JSON.stringify(packDir)};
    const t0 = process.hrtime.bigint();
    const session = enforcer.startAnalyzer ? enforcer.startAnalyzer(packDir) : undefined;
    (async () => {
      if (session) await session.spawned;
      const graph = readStackExport(${JSON.stringify(file)});
      const result = await enforcer.enforce(graph, { packDir }, session);
      const report = formatReport("json", result, graph);
      process.stdout.write(JSON.stringify({ ms: Number(process.hrtime.bigint() - t0) / 1e6, resources: result.summary.resources, bytes: report.length }));
    })().catch((e) => { console.error(e); process.exit(1); });`;
  const r = spawnSync(process.execPath, ["-e", script], { cwd: root, encoding: "utf8", maxBuffer: 1 << 26 });
  // e.g. AnalyzeStack past the engine's 120 s deadline: reported on one line, as a missed target.
  if (r.status !== 0) throw new Error(`audit through ${packDir} failed: ${r.stderr.trim().split("\n")[0]}`);
  const out = JSON.parse(r.stdout);
  if (out.resources !== RESOURCES) throw new Error(`expected ${RESOURCES} resources, got ${out.resources}`);
  return out.ms;
}

function main(): number {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-audit-bench-"));
  const emptyPack = writeEmptyPack();
  try {
    const file = path.join(dir, "export.json");
    writeExport(file);
    const ours: number[] = [];
    const empty: number[] = [];
    for (let i = 0; i < ROUNDS; i++) {
      ours.push(auditMs(file, root));
      empty.push(auditMs(file, emptyPack));
    }
    const ratio = median(ours) / median(empty);
    console.log(
      `audit of ${RESOURCES} resources (${(fs.statSync(file).size / 1e6).toFixed(1)} MB export), median of ${ROUNDS}:`,
    );
    console.log(`  serverless-guard pack: ${median(ours).toFixed(0)} ms`);
    console.log(`  empty pack:            ${median(empty).toFixed(0)} ms`);
    console.log(`  ratio ${ratio.toFixed(2)} (target <= ${TARGET_RATIO}) ${ratio <= TARGET_RATIO ? "OK" : "MISSED"}`);
    return ratio <= TARGET_RATIO ? 0 : 1;
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
    fs.rmSync(emptyPack, { recursive: true, force: true });
  }
}

try {
  process.exit(main());
} catch (err) {
  console.error(`MISSED: ${(err as Error).message}`);
  process.exit(1);
}
