// Issue 2's end-to-end spec: the BUILT pack (package.json main -> dist/) started by Pulumi's own
// launcher, driven over real gRPC like the engine does, with an Engine service serving its Log calls.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { Struct } from "google-protobuf/google/protobuf/struct_pb";
import * as analyzerpb from "@pulumi/pulumi/proto/analyzer_pb";
import { call, startEngineServer, startPack, PackProcess } from "../../src/analyzer/pack-process";
import { analyzeRequest, stackResource, UNKNOWN_VALUE } from "../../src/analyzer/wire";
import { analyzerInfoFromProto, levelFromProto, levelToProto } from "../../src/analyzer/policy-info";
import { policies as packPolicies } from "../../policy-pack/policies";
import { policyDocUrl } from "../../policy-pack/common/docs";
import { ResourceRecord } from "../../src/analyzer/resource-record";
import { PACK_POLICY_NAMES } from "../support/policy-harness";
import { customResource, devUrn } from "../support/resource-records";

const root = path.join(__dirname, "..", "..");
const NINE = [...PACK_POLICY_NAMES];
const TAGS = { Environment: "test", Project: "e2e", Owner: "team", CostCenter: "42" };
const urn = (type: string, name: string) => devUrn("e2e", type, name);
const provider = {
  urn: urn("pulumi:providers:aws", "default_7_48_0"),
  name: "default_7_48_0",
  type: "pulumi:providers:aws",
  properties: { region: "us-east-1" },
};

const resource = (
  type: string,
  name: string,
  inputs: Record<string, unknown>,
  outputs: Record<string, unknown> = inputs,
): ResourceRecord => customResource("e2e", type, name, inputs, outputs, provider);

async function configure(
  pack: PackProcess,
  config: Record<string, { level: "advisory" | "mandatory" | "remediate" | "disabled"; props?: object }>,
) {
  const req = new analyzerpb.ConfigureAnalyzerRequest();
  for (const [name, c] of Object.entries(config)) {
    const pc = new analyzerpb.PolicyConfig().setEnforcementlevel(levelToProto(c.level));
    pc.setProperties(Struct.fromJavaScript((c.props ?? {}) as any));
    req.getPolicyconfigMap().set(name, pc);
  }
  await call(pack.client, "configure", req);
}

const allMandatory = () => Object.fromEntries(NINE.map((n) => [n, { level: "mandatory" as const }]));

async function analyze(pack: PackProcess, r: ResourceRecord) {
  const res: analyzerpb.AnalyzeResponse = await call(pack.client, "analyze", analyzeRequest(r));
  return res.getDiagnosticsList().map((d) => ({
    policy: d.getPolicyname(),
    level: levelFromProto(d.getEnforcementlevel()),
    message: d.getMessage(),
    urn: d.getUrn(),
  }));
}

describe("policy pack over gRPC (run-policy-pack, built pack)", function () {
  this.timeout(120_000);
  let engine: Awaited<ReturnType<typeof startEngineServer>>;
  let pack: PackProcess;

  before(async function () {
    if (!fs.existsSync(path.join(root, require(path.join(root, "package.json")).main))) {
      throw new Error("the pack is not built: run `npm run build` first");
    }
    engine = await startEngineServer();
    pack = await startPack(root, engine.address);
  });

  after(async () => {
    await pack?.stop();
    await engine?.stop();
  });

  it("GetPluginInfo answers with the policy SDK's version", async () => {
    const info = await call<Empty, any>(pack.client, "getPluginInfo", new Empty());
    expect(info.getVersion()).to.match(/^\d+\.\d+\.\d+/);
  });

  it("GetAnalyzerInfo lists the nine policies with description, severity and remediation steps", async () => {
    const info: analyzerpb.AnalyzerInfo = await call(pack.client, "getAnalyzerInfo", new Empty());
    expect(info.getName()).to.equal("serverless-guard");
    expect(info.getVersion()).to.equal(require(path.join(root, "package.json")).version);
    expect(info.getSupportsconfig()).to.equal(true);
    const policies = info.getPoliciesList();
    expect(policies.map((p) => p.getName()).sort()).to.deep.equal(NINE);
    for (const p of policies) {
      expect(p.getDescription(), p.getName()).to.have.length.greaterThan(10);
      expect(p.getSeverity(), p.getName()).to.not.equal(analyzerpb.PolicySeverity.POLICY_SEVERITY_UNSPECIFIED);
      expect(p.getRemediationSteps(), p.getName()).to.have.length.greaterThan(10);
      expect(levelFromProto(p.getEnforcementlevel()), p.getName()).to.equal("mandatory");
      // The SDK's own url and tags reach the engine; the CLI turns the url into SARIF's helpUri.
      const policy = packPolicies.find((q) => q.name === p.getName())!;
      expect(p.getUrl(), p.getName()).to.equal(policyDocUrl(p.getName()));
      expect(p.getTagsList(), p.getName()).to.deep.equal(policy.tags);
    }
    const urls = (list: { name: string; url?: string }[]) => Object.fromEntries(list.map((p) => [p.name, p.url]));
    expect(urls(analyzerInfoFromProto(info).policies)).to.deep.equal(urls(packPolicies));
  });

  it("serves the Engine Log RPC the pack calls back", () => {
    // run-policy-pack logs the program it runs through the engine as it starts.
    expect(engine.logs.map((l) => l.message).join("\n")).to.contain("Running program");
  });

  // lambda-dead-letter-queue is a stack policy (it follows the function's invokers), so Analyze does not run it.
  it("Analyze reports an oversized function as mandatory, and a right-sized one not at all", async () => {
    await configure(pack, allMandatory());
    const big = await analyze(
      pack,
      resource("aws:lambda/function:Function", "big", { memorySize: 3008, runtime: "nodejs20.x", tags: TAGS }),
    );
    expect(big.map((d) => d.policy).sort()).to.deep.equal(["lambda-memory-limit"]);
    const memory = big.find((d) => d.policy === "lambda-memory-limit")!;
    expect(memory.level).to.equal("mandatory");
    expect(memory.message).to.contain("3008").and.contain("768");
    const fine = await analyze(
      pack,
      resource("aws:lambda/function:Function", "fine", {
        memorySize: 512,
        deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:123456789012:dlq" },
        tags: TAGS,
      }),
    );
    expect(fine).to.deep.equal([]);
  });

  it("Analyze on a provisioned DynamoDB table and a never-expiring log group names the offending values", async () => {
    const table = await analyze(
      pack,
      resource("aws:dynamodb/table:Table", "orders", { hashKey: "id", readCapacity: 5, writeCapacity: 5, tags: TAGS }),
    );
    expect(table.map((d) => d.policy)).to.deep.equal(["dynamodb-on-demand"]);
    const logs = await analyze(
      pack,
      resource("aws:cloudwatch/logGroup:LogGroup", "lg", { name: "/aws/lambda/x", retentionInDays: 0, tags: TAGS }),
    );
    expect(logs.map((d) => d.policy)).to.deep.equal(["log-group-retention"]);
    expect(table[0].message).to.contain("readCapacity 5, writeCapacity 5");
    expect(logs[0].message).to.contain("retentionInDays is 0");
  });

  it("Analyze never gives a mandatory verdict on a value unknown during preview", async () => {
    const d = await analyze(
      pack,
      resource("aws:lambda/function:Function", "unknown", {
        memorySize: UNKNOWN_VALUE,
        deadLetterConfig: { targetArn: "arn:aws:sqs:us-east-1:1:d" },
        tags: TAGS,
      }),
    );
    expect(d.filter((x) => x.policy === "lambda-memory-limit" && x.level === "mandatory")).to.deep.equal([]);
    // Not a silent pass either: the SDK reports the policy as unverifiable, advisory, naming the property.
    const unverified = d.filter((x) => x.policy === "lambda-memory-limit");
    expect(unverified.map((x) => x.level)).to.deep.equal(["advisory"]);
    expect(unverified[0].message).to.contain("can't be known during preview").and.contain("memorySize");
  });

  it("Configure changes an enforcement level and a threshold", async () => {
    await configure(pack, {
      ...allMandatory(),
      "lambda-memory-limit": { level: "advisory", props: { maxMemoryMb: 1024 } },
    });
    const d = await analyze(pack, resource("aws:lambda/function:Function", "big", { memorySize: 3008, tags: TAGS }));
    const memory = d.find((x) => x.policy === "lambda-memory-limit")!;
    expect(memory.level).to.equal("advisory");
    expect(memory.message).to.contain("1024");
    const under = await analyze(
      pack,
      resource("aws:lambda/function:Function", "mid", { memorySize: 1000, tags: TAGS }),
    );
    expect(under.map((x) => x.policy)).to.not.include("lambda-memory-limit");
  });

  it("Remediate returns the whole property bag with memory clamped and the table switched to on-demand", async () => {
    await configure(pack, {
      ...allMandatory(),
      "lambda-memory-limit": { level: "remediate" },
      "dynamodb-on-demand": { level: "remediate" },
    });
    const fn: analyzerpb.RemediateResponse = await call(
      pack.client,
      "remediate",
      analyzeRequest(
        resource("aws:lambda/function:Function", "big", { memorySize: 3008, runtime: "nodejs20.x", tags: TAGS }),
      ),
    );
    const fnRem = fn
      .getRemediationsList()
      .map((r) => ({ policy: r.getPolicyname(), props: r.getProperties()?.toJavaScript() }));
    expect(fnRem).to.deep.equal([
      { policy: "lambda-memory-limit", props: { memorySize: 768, runtime: "nodejs20.x", tags: TAGS } },
    ]);
    const table: analyzerpb.RemediateResponse = await call(
      pack.client,
      "remediate",
      analyzeRequest(
        resource("aws:dynamodb/table:Table", "orders", {
          hashKey: "id",
          billingMode: "PROVISIONED",
          readCapacity: 5,
          writeCapacity: 5,
          tags: TAGS,
        }),
      ),
    );
    const tableRem = table
      .getRemediationsList()
      .map((r) => ({ policy: r.getPolicyname(), props: r.getProperties()?.toJavaScript() }));
    expect(tableRem).to.deep.equal([
      { policy: "dynamodb-on-demand", props: { hashKey: "id", billingMode: "PAY_PER_REQUEST", tags: TAGS } },
    ]);
  });

  it("AnalyzeStack finds the critical function without provisioned concurrency, the DLQ without an alarm and the missing log group", async () => {
    await configure(pack, allMandatory());
    const dlq = resource(
      "aws:sqs/queue:Queue",
      "orders-dlq",
      { tags: TAGS },
      { arn: "arn:aws:sqs:us-east-1:123456789012:orders-dlq-1a2b3c", name: "orders-dlq-1a2b3c", tags: TAGS },
    );
    const fn = resource(
      "aws:lambda/function:Function",
      "order-processor",
      {},
      {
        name: "order-processor-9f8e7d",
        arn: "arn:aws:lambda:us-east-1:123456789012:function:order-processor-9f8e7d",
        memorySize: 512,
        deadLetterConfig: { targetArn: dlq.outputs.arn },
        tags: TAGS,
      },
    );
    fn.dependencies = [dlq.urn];
    fn.propertyDependencies = { deadLetterConfig: [dlq.urn] };
    const req = new analyzerpb.AnalyzeStackRequest().setResourcesList([dlq, fn].map(stackResource));
    const res: analyzerpb.AnalyzeResponse = await call(pack.client, "analyzeStack", req);
    const found = res
      .getDiagnosticsList()
      .map((d) => `${d.getPolicyname()} ${d.getUrn()}`)
      .sort();
    expect(found).to.deep.equal([
      `critical-function-provisioned-concurrency ${fn.urn}`,
      `dlq-alarm ${dlq.urn}`,
      `lambda-log-group ${fn.urn}`,
    ]);
  });
});
