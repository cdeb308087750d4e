import { expect } from "chai";
import { lambdaDeadLetterQueue } from "../../policy-pack/lambda-dead-letter-queue";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeResources, diagnosticsFor, failingNames, FixtureResource, unknown } from "../support/policy-harness";

const POLICY = "lambda-dead-letter-queue";
const fn = (name: string, props: Record<string, unknown>): FixtureResource => ({ name, type: TYPES.lambdaFunction, props });
const QUEUE_ARN = "arn:aws:sqs:us-east-1:123456789012:orders-dlq";

const fixtures: FixtureResource[] = [
  fn("pass-sqs", { deadLetterConfig: { targetArn: QUEUE_ARN } }),
  fn("pass-sns", { deadLetterConfig: { targetArn: "arn:aws:sns:us-east-1:123456789012:failures" } }),
  fn("fail-missing", { runtime: "nodejs20.x" }),
  fn("fail-empty-config", { deadLetterConfig: {} }),
  fn("fail-empty-arn", { deadLetterConfig: { targetArn: "  " } }),
  { name: "pass-queue", type: TYPES.sqsQueue, props: {} },
];

describe(POLICY, () => {
  it("fails exactly the functions without a dead-letter target", async () => {
    const diags = await analyzeResources([lambdaDeadLetterQueue], fixtures);
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-empty-arn", "fail-empty-config", "fail-missing"]);
  });

  it("names the function, what is wrong and the fix", async () => {
    const diags = await analyzeResources([lambdaDeadLetterQueue], fixtures);
    expect(diagnosticsFor(diags, POLICY, "fail-missing")[0].message).to.include('function "fail-missing" has no deadLetterConfig').and.include("set deadLetterConfig.targetArn");
    expect(diagnosticsFor(diags, POLICY, "fail-empty-arn")[0].message).to.include('deadLetterConfig.targetArn "  "');
    expect(diagnosticsFor(diags, POLICY, "fail-empty-config")[0].message).to.include("deadLetterConfig.targetArn null");
  });

  it("never fails on a target ARN that is unknown during preview", async () => {
    const diags = await analyzeResources([lambdaDeadLetterQueue], [fn("unknown-arn", { deadLetterConfig: { targetArn: unknown.string } }), fn("unknown-config", { deadLetterConfig: unknown.object })]);
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["unknown-arn", "unknown-config"]);
  });

  it("honours exclude and exemptions", async () => {
    const tags = { "serverless-guard:exempt": "lambda-dead-letter-queue", "serverless-guard:exempt-reason": "synchronous API only" };
    const diags = await analyzeResources([lambdaDeadLetterQueue], [fn("api", { tags }), fn("excluded", {}), fn("fail", {})], { [POLICY]: { exclude: ["excluded"] } });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["api", "excluded"]);
  });

  it("can be set to advisory or disabled by config", async () => {
    expect(failingNames(await analyzeResources([lambdaDeadLetterQueue], fixtures, { [POLICY]: "advisory" }), POLICY, "advisory")).to.have.length(3);
    expect(await analyzeResources([lambdaDeadLetterQueue], fixtures, { all: "disabled" })).to.deep.equal([]);
  });
});
