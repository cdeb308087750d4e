import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";
import { ResourceGraph, ResourceRecord } from "../../src/analyzer/resource-record";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";

// runProgram sets process-global Pulumi state, so every run happens in a child process of its own.
const root = path.join(__dirname, "..", "..");
const programs = path.join(root, "tests", "fixtures", "programs");
const printGraphArgs = (program: string, args: string[]) => [
  "-r",
  "ts-node/register/transpile-only",
  path.join(__dirname, "print-graph.ts"),
  path.join(programs, program),
  ...args,
];
function runGraph(program: string, ...args: string[]) {
  const r = spawnSync(process.execPath, printGraphArgs(program, args), { cwd: root, encoding: "utf8" });
  return {
    status: r.status,
    stderr: r.stderr,
    graph: r.status === 0 ? (JSON.parse(r.stdout) as ResourceGraph) : undefined,
  };
}
const queued = limitConcurrency();
const byName = (g: ResourceGraph, name: string): ResourceRecord => {
  const r = g.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};
const ACCOUNT = "123456789012";

describe("runProgram", () => {
  describe("on the compliant program", () => {
    let g: ResourceGraph;
    before(() => {
      const r = runGraph("compliant");
      expect(r.status, r.stderr).to.equal(0);
      g = r.graph!;
    });

    it("records every resource with engine-style URNs, the stack as root and the default provider", () => {
      expect(g.project).to.equal("compliant");
      expect(g.stack).to.equal("dev");
      expect(g.resources.map((r) => `${r.type}::${r.name}`).sort()).to.deep.equal(
        [
          "pulumi:pulumi:Stack::compliant-dev",
          "aws:sqs/queue:Queue::orders-dlq",
          "aws:cloudwatch/metricAlarm:MetricAlarm::orders-dlq-alarm",
          "aws:dynamodb/table:Table::orders",
          "aws:iam/role:Role::processor-role",
          "aws:lambda/function:Function::processor",
          "aws:cloudwatch/logGroup:LogGroup::processor-logs",
          "aws:iam/rolePolicy:RolePolicy::processor-policy",
          "aws:lambda/alias:Alias::processor-live",
          "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig::processor-warm",
          // The engine's default provider for the resources that name none, as in state.
          "pulumi:providers:aws::default_7_48_0",
        ].sort(),
      );
      const stackUrn = "urn:pulumi:dev::compliant::pulumi:pulumi:Stack::compliant-dev";
      expect(byName(g, "compliant-dev").custom).to.equal(false);
      expect(byName(g, "processor").urn).to.equal("urn:pulumi:dev::compliant::aws:lambda/function:Function::processor");
      expect(byName(g, "processor").parent).to.equal(stackUrn);
      expect(g.fakedInvokes).to.deep.equal([]);
    });

    it("names the program's main as the graph's source file (SARIF's fallback location)", () => {
      expect(g.sourceFile).to.equal(path.join(programs, "compliant", "index.ts"));
    });

    it("auto-names like Pulumi and gives ARNs in each service's real shape", () => {
      const fn = byName(g, "processor");
      const fnName = fn.outputs.name as string;
      expect(fnName).to.match(/^processor-[0-9a-f]{7}$/);
      expect(fn.inputs.name).to.equal(fnName); // as the provider's Check returns it
      expect(fn.outputs.arn).to.equal(`arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fnName}`);
      expect(fn.outputs.invokeArn).to.equal(
        `arn:aws:apigateway:us-east-1:lambda:path/2015-03-31/functions/${fn.outputs.arn}/invocations`,
      );
      expect(fn.outputs.version).to.equal("1"); // publish: true

      const q = byName(g, "orders-dlq");
      expect(q.outputs.arn).to.equal(`arn:aws:sqs:us-east-1:${ACCOUNT}:${q.outputs.name}`);
      expect(q.outputs.url).to.equal(`https://sqs.us-east-1.amazonaws.com/${ACCOUNT}/${q.outputs.name}`);
      const t = byName(g, "orders");
      expect(t.outputs.arn).to.equal(`arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/${t.outputs.name}`);
      expect(byName(g, "processor-role").outputs.arn).to.match(
        new RegExp(`^arn:aws:iam::${ACCOUNT}:role/processor-role-[0-9a-f]{7}$`),
      );
      expect(byName(g, "processor-logs").outputs.arn).to.equal(
        `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/${fnName}`,
      );
      expect(byName(g, "orders-dlq-alarm").outputs.arn).to.match(
        new RegExp(`^arn:aws:cloudwatch:us-east-1:${ACCOUNT}:alarm:orders-dlq-alarm-[0-9a-f]{7}$`),
      );
      const alias = byName(g, "processor-live");
      expect(alias.outputs.arn).to.equal(
        `arn:aws:lambda:us-east-1:${ACCOUNT}:function:${fnName}:${alias.outputs.name}`,
      );
    });

    it("lets outputs flow into other resources' inputs as after deployment", () => {
      const fn = byName(g, "processor");
      const q = byName(g, "orders-dlq");
      expect((fn.inputs.deadLetterConfig as { targetArn: string }).targetArn).to.equal(q.outputs.arn);
      expect(fn.inputs.role).to.equal(byName(g, "processor-role").outputs.arn);
      expect(byName(g, "processor-logs").inputs.name).to.equal(`/aws/lambda/${fn.outputs.name}`);
      expect(byName(g, "orders-dlq-alarm").inputs.dimensions).to.deep.equal({ QueueName: q.outputs.name });
      expect(byName(g, "processor-warm").inputs.qualifier).to.equal(byName(g, "processor-live").outputs.name);
      // getPolicyDocument really rendered, with the table's ARN in it
      const doc = JSON.parse(byName(g, "processor-policy").inputs.policy as string);
      expect(doc.Statement[0]).to.deep.equal({
        Sid: "Table",
        Effect: "Allow",
        Action: ["dynamodb:GetItem", "dynamodb:PutItem"],
        Resource: byName(g, "orders").outputs.arn,
      });
      // object policy documents are stored as JSON strings, as in state
      expect(
        JSON.parse(byName(g, "processor-role").inputs.assumeRolePolicy as string).Statement[0].Principal,
      ).to.deep.equal({ Service: "lambda.amazonaws.com" });
    });

    it("records dependencies, property dependencies, the default provider and source positions", () => {
      const fn = byName(g, "processor");
      const roleUrn = byName(g, "processor-role").urn;
      const queueUrn = byName(g, "orders-dlq").urn;
      expect(fn.dependencies).to.include.members([roleUrn, queueUrn]);
      expect(fn.propertyDependencies.role).to.deep.equal([roleUrn]);
      expect(fn.propertyDependencies.deadLetterConfig).to.deep.equal([queueUrn]);
      expect(fn.provider).to.deep.equal({
        urn: "urn:pulumi:dev::compliant::pulumi:providers:aws::default_7_48_0",
        name: "default_7_48_0",
        type: "pulumi:providers:aws",
        properties: { version: "7.48.0" },
      });
      expect(byName(g, "compliant-dev").provider).to.equal(undefined);
      expect(fn.sourcePosition?.uri).to.equal(path.join(programs, "compliant", "index.ts"));
      expect(fn.sourcePosition?.line).to.equal(37);
      expect(byName(g, "compliant-dev").outputs).to.deep.equal({
        functionArn: fn.outputs.arn,
        queueUrl: byName(g, "orders-dlq").outputs.url,
      });
    });
  });

  describe("providers and config", () => {
    it("synthesizes the default provider from stack config and resolves explicit providers with decoded defaultTags", () => {
      const r = runGraph("default-tags");
      expect(r.status, r.stderr).to.equal(0);
      const g = r.graph!;
      // No encryptionsalt: the Pulumi Cloud service encrypted it, so the program sees an unknown secret.
      expect(r.stderr).to.contain(
        "secure config 'default-tags:apiKey' in Pulumi.dev.yaml cannot be decrypted (they are encrypted by the Pulumi Cloud service, which only the Pulumi CLI can reach); the program sees unknown secrets",
      );
      expect(g.undecidedSecrets).to.deep.equal(["default-tags:apiKey"]);
      const covered = byName(g, "untagged-but-covered");
      expect(covered.provider?.urn).to.equal("urn:pulumi:dev::default-tags::pulumi:providers:aws::default_7_48_0");
      expect(covered.provider?.properties).to.deep.equal({
        region: "eu-west-1", // Pulumi.yaml project config
        defaultTags: {
          tags: { Environment: "dev", Project: "default-tags", Owner: "platform-team", CostCenter: "cc-42" },
        },
        version: "7.48.0",
      });
      expect(covered.outputs.arn).to.match(/^arn:aws:sqs:eu-west-1:/);
      const explicit = byName(g, "covered-by-explicit");
      expect(explicit.provider?.urn).to.equal("urn:pulumi:dev::default-tags::pulumi:providers:aws::tagged-provider");
      expect(explicit.provider?.properties.defaultTags).to.deep.equal({
        tags: { Environment: "prod", Project: "default-tags", Owner: "ops", CostCenter: "cc-7" },
      });
      expect(explicit.outputs.arn).to.match(/^arn:aws:sqs:us-west-2:/);
      // the provider resource itself keeps the JSON string the SDK sends
      expect(byName(g, "tagged-provider").inputs.defaultTags).to.be.a("string");
      expect(byName(g, "missing-owner").provider?.properties.defaultTags).to.deep.equal({
        tags: { Environment: "dev", Project: "default-tags" },
      });
      expect(byName(g, "default-tags-dev").outputs).to.deep.equal({ stack: "dev", apiKeySet: true });
    });

    it("sets the stack and config the program reads from --stack and --config, over Pulumi.<stack>.yaml", () => {
      const r = runGraph(
        "default-tags",
        "--stack",
        "prod",
        "--config",
        "owner=alice",
        "--config",
        "aws:region=ap-south-1",
        "--config",
        "apiKey=k",
      );
      expect(r.status, r.stderr).to.equal(0);
      const g = r.graph!;
      expect(g.stack).to.equal("prod");
      expect(byName(g, "default-tags-prod").outputs).to.deep.equal({ stack: "prod", apiKeySet: true });
      expect(byName(g, "covered-by-explicit").provider?.properties.defaultTags).to.deep.include({
        tags: { Environment: "prod", Project: "default-tags", Owner: "alice", CostCenter: "cc-7" },
      });
      const covered = byName(g, "untagged-but-covered");
      expect(covered.urn).to.equal("urn:pulumi:prod::default-tags::aws:sqs/queue:Queue::untagged-but-covered");
      // no Pulumi.prod.yaml: no default tags, region from --config
      expect(covered.provider?.properties).to.deep.equal({ region: "ap-south-1", version: "7.48.0" });
      expect(covered.outputs.arn).to.match(/^arn:aws:sqs:ap-south-1:/);
    });
  });

  it("answers the common invokes realistically and reports the others as faked", () => {
    const r = runGraph("invokes");
    expect(r.status, r.stderr).to.equal(0);
    const out = r.graph!.resources[0].outputs as Record<string, Record<string, unknown>>;
    expect(out.identity.accountId).to.equal(ACCOUNT);
    expect(out.region.name).to.equal("us-east-1");
    expect(out.partition.partition).to.equal("aws");
    expect(out.zones).to.deep.equal({});
    expect(r.graph!.fakedInvokes).to.deep.equal(["aws:index/getAvailabilityZones:getAvailabilityZones"]);
    expect(JSON.parse(out.doc.json as string)).to.deep.equal(JSON.parse(out.doc.minifiedJson as string));
    expect(JSON.parse(out.doc.minifiedJson as string).Statement).to.deep.equal([
      {
        Sid: "ReadOne",
        Effect: "Allow",
        Action: "s3:GetObject",
        Resource: "arn:aws:s3:::bucket/*",
        Condition: { StringEquals: { "aws:PrincipalTag/team": ["a", "b"] } },
      },
      { Effect: "Deny", NotAction: "iam:*", NotResource: "arn:aws:iam::123456789012:role/x" },
      { Effect: "Allow", Action: "sts:AssumeRole", Principal: { Service: "lambda.amazonaws.com" } },
    ]);
  });

  describe("bad programs are one-line usage errors naming the program", () => {
    const cases: [string, string, RegExp][] = [
      [
        "a syntax error",
        "bad-syntax",
        /^UsageError: program .*bad-syntax failed: Unexpected token ';' at .*bad-syntax\/index\.js:3$/,
      ],
      [
        "a program that throws",
        "throws",
        /^UsageError: program .*throws failed: table name is required \(at .*throws\/index\.ts:\d+:\d+\)$/,
      ],
      [
        "a failure inside an apply",
        "throws-async",
        /^UsageError: program .*throws-async failed: .*cannot derive a name from source-[0-9a-f]{7} \(at .*throws-async\/index\.ts:7:11\)$/,
      ],
      [
        "a missing main",
        "missing-main",
        /^UsageError: program .*missing-main: main .*does-not-exist\.ts does not exist$/,
      ],
      ["a directory without Pulumi.yaml", ".", /^UsageError: program .*programs has no Pulumi\.yaml$/],
      [
        "a directory that does not exist",
        "no-such-program",
        /^UsageError: program directory .*no-such-program does not exist$/,
      ],
    ];
    // Started together, a core each; every case still asserts its own run.
    const runs = new Map<string, Promise<NodeRun>>();
    before(() => {
      for (const [, program] of cases)
        runs.set(
          program,
          queued(() => runNode(printGraphArgs(program, []), { cwd: root })),
        );
    });
    for (const [what, program, message] of cases) {
      it(`reports ${what}`, async () => {
        const r = await runs.get(program)!;
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stdout).to.equal("");
        const lines = r.stderr.trim().split("\n");
        expect(lines[lines.length - 1]).to.match(message);
        // The program's own console.log goes to stderr (stdout is reserved for the report).
        if (program === "throws") expect(lines[0]).to.equal("this line goes to stderr, never to stdout");
      });
    }
  });

  describe("component trees (the reference stack)", () => {
    it("qualifies a nested resource's URN type with its parents' whole type chain, as the engine does", () => {
      const r = spawnSync(
        process.execPath,
        ["-r", "ts-node/register/transpile-only", path.join(__dirname, "print-graph.ts"), path.join(root, "stack")],
        {
          cwd: root,
          encoding: "utf8",
        },
      );
      expect(r.status, r.stderr).to.equal(0);
      const g = JSON.parse(r.stdout) as ResourceGraph;
      const fn = g.resources.find((x) => x.type === "aws:lambda/function:Function" && x.name.includes("processor"));
      expect(fn, "processor function").to.not.equal(undefined);
      const component = g.resources.find((x) => x.urn === fn!.parent)!;
      const stack = g.resources.find((x) => x.urn === component.parent)!;
      // Function inside LambdaComponent inside TapStack inside the root stack.
      expect(fn!.urn).to.equal(
        `urn:pulumi:dev::tap::${stack.type}$${component.type}$aws:lambda/function:Function::${fn!.name}`,
      );
      expect(stack.urn).to.equal(`urn:pulumi:dev::tap::${stack.type}::${stack.name}`);
    });
  });
});
