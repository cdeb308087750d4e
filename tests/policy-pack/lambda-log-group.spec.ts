import { expect } from "chai";
import { lambdaLogGroup } from "../../policy-pack/lambda-log-group";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeStack, diagnosticsFor, failingNames, FixtureResource, unknown, urnOf } from "../support/policy-harness";

const POLICY = "lambda-log-group";

function fn(name: string, props: Record<string, unknown>, extra: Partial<FixtureResource> = {}): FixtureResource {
  return { name, type: TYPES.lambdaFunction, props: { runtime: "nodejs20.x", ...props }, ...extra };
}
function logGroup(name: string, props: Record<string, unknown>, extra: Partial<FixtureResource> = {}): FixtureResource {
  return { name, type: TYPES.logGroup, props: { retentionInDays: 7, ...props }, ...extra };
}

// Checkov-style fixture: named passing and failing resources, stack outputs as after an update.
const fixture: FixtureResource[] = [
  fn("api", { name: "api-1234" }),
  logGroup("api-logs", { name: "/aws/lambda/api-1234" }),
  fn("worker", { name: "worker-5678" }),
  fn("custom", { name: "custom-1", loggingConfig: { logFormat: "JSON", logGroup: "/shared/app" } }),
  logGroup("shared", { name: "/shared/app" }),
  // its own /aws/lambda group exists, but the function logs to the configured one, which is missing
  fn("custom-missing", { name: "custom-missing-1", loggingConfig: { logFormat: "Text", logGroup: "/shared/missing" } }),
  logGroup("custom-missing-default", { name: "/aws/lambda/custom-missing-1" }),
  // the provider reports the default group in loggingConfig: that is the /aws/lambda one
  fn("defaulted", { name: "defaulted-9", loggingConfig: { logFormat: "Text", logGroup: "/aws/lambda/defaulted-9" } }),
  logGroup("defaulted-logs", { name: "/aws/lambda/defaulted-9" }),
];

describe("lambda-log-group", () => {
  it("fails exactly the functions without their log group in the stack", async () => {
    const diags = await analyzeStack([lambdaLogGroup], fixture);
    expect(failingNames(diags, POLICY)).to.deep.equal(["custom-missing", "worker"]);
    expect(diags.map((d) => d.enforcementLevel)).to.deep.equal(["mandatory", "mandatory"]);
  });

  it("names the function, the log group it needs and the fix, on the function's URN", async () => {
    const diags = await analyzeStack([lambdaLogGroup], fixture);
    const [worker] = diagnosticsFor(diags, POLICY, "worker");
    expect(worker.urn).to.equal(urnOf(TYPES.lambdaFunction, "worker"));
    // the SDK puts the policy's description on the first line, the finding after it
    expect(worker.message).to.equal(
      `${lambdaLogGroup.description}\n` +
        'function "worker" (name worker-5678) has no aws.cloudwatch.LogGroup named "/aws/lambda/worker-5678" in this stack, so Lambda creates one on first invocation that never expires; declare a LogGroup with name "/aws/lambda/worker-5678" and retentionInDays',
    );
    const [custom] = diagnosticsFor(diags, POLICY, "custom-missing");
    expect(custom.message).to.include('named "/shared/missing"');
  });

  it("follows the dependency graph when names are unknown during preview", async () => {
    const fnUrn = urnOf(TYPES.lambdaFunction, "fn");
    const lgUrn = urnOf(TYPES.logGroup, "lg");
    const viaName = await analyzeStack(
      [lambdaLogGroup],
      [
        fn("fn", { name: unknown.string }),
        logGroup("lg", { name: unknown.string }, { propertyDependencies: { name: [fnUrn] }, dependencies: [fnUrn] }),
      ],
    );
    expect(viaName).to.deep.equal([]);

    const viaLoggingConfig = await analyzeStack(
      [lambdaLogGroup],
      [
        fn("fn", { name: "fn-1", loggingConfig: unknown.object }, { propertyDependencies: { loggingConfig: [lgUrn] } }),
        logGroup("lg", { name: unknown.string }),
      ],
    );
    expect(viaLoggingConfig).to.deep.equal([]);
  });

  it("lets known names decide over dependencies: a group named from the function but not its log group fails", async () => {
    const fnUrn = urnOf(TYPES.lambdaFunction, "fn");
    const diags = await analyzeStack(
      [lambdaLogGroup],
      [
        fn("fn", { name: "fn-1" }),
        logGroup("audit", { name: "/custom/fn-1" }, { propertyDependencies: { name: [fnUrn] } }),
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["fn"]);
  });

  it("reports what preview cannot tell as an advisory that says what is unknown, never as mandatory", async () => {
    const nameUnknown = await analyzeStack(
      [lambdaLogGroup],
      [fn("a", { name: unknown.string }), logGroup("other", { name: "/aws/lambda/other" })],
    );
    expect(failingNames(nameUnknown, POLICY)).to.deep.equal([]);
    expect(failingNames(nameUnknown, POLICY, "advisory")).to.deep.equal(["a"]);
    expect(nameUnknown[0].message).to.equal(
      'could not verify during preview: function "a": the function\'s name or loggingConfig.logGroup is unknown, so whether the stack declares its log group is unverified',
    );
    const groupUnknown = await analyzeStack(
      [lambdaLogGroup],
      [fn("b", { name: "b-1" }), logGroup("g", { name: unknown.string }), logGroup("h", { name: "/other" })],
    );
    expect(failingNames(groupUnknown, POLICY)).to.deep.equal([]);
    expect(failingNames(groupUnknown, POLICY, "advisory")).to.deep.equal(["b"]);
    expect(groupUnknown[0].message).to.equal(
      'could not verify during preview: function "b" (name b-1): the name of log group "g" is unknown, so whether the stack declares "/aws/lambda/b-1" is unverified',
    );
  });

  it("a log group named from another function's outputs is that function's, even in preview", async () => {
    const apiLogs = logGroup(
      "api-logs",
      { name: unknown.string },
      { propertyDependencies: { name: [urnOf(TYPES.lambdaFunction, "api")] } },
    );
    const diags = await analyzeStack(
      [lambdaLogGroup],
      [fn("api", { name: unknown.string }), fn("worker", { name: "worker-1" }), apiLogs],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["worker"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal([]);
  });

  it("stays silent in preview when a known log group already matches", async () => {
    const diags = await analyzeStack(
      [lambdaLogGroup],
      [
        fn("b", { name: "b-1" }),
        logGroup("g", { name: unknown.string }),
        logGroup("b-logs", { name: "/aws/lambda/b-1" }),
      ],
    );
    expect(diags).to.deep.equal([]);
  });

  it("still fails an unknown-named function when the stack has no log group at all", async () => {
    const diags = await analyzeStack([lambdaLogGroup], [fn("lonely", { name: unknown.string })]);
    expect(failingNames(diags, POLICY)).to.deep.equal(["lonely"]);
    expect(diags[0].message).to.include("named /aws/lambda/<function name>");
  });

  it("reports exempt and excluded functions at advisory level with the reason", async () => {
    const tagged = fn("worker", {
      name: "worker-5678",
      tags: { "serverless-guard:exempt": "lambda-log-group", "serverless-guard:exempt-reason": "logs go to Firehose" },
    });
    const exempt = await analyzeStack([lambdaLogGroup], [tagged]);
    expect(failingNames(exempt, POLICY)).to.deep.equal([]);
    expect(failingNames(exempt, POLICY, "advisory")).to.deep.equal(["worker"]);
    expect(exempt[0].message).to.match(/^\[exempt by tag: logs go to Firehose\] function "worker"/);

    const excluded = await analyzeStack([lambdaLogGroup], fixture, { [POLICY]: { exclude: ["worker"] } });
    expect(failingNames(excluded, POLICY)).to.deep.equal(["custom-missing"]);
    expect(failingNames(excluded, POLICY, "advisory")).to.deep.equal(["worker"]);
  });

  it("treats an exemption without a reason as a violation of its own", async () => {
    const noReason = fn("worker", { name: "worker-5678", tags: { "serverless-guard:exempt": "lambda-log-group" } });
    const diags = await analyzeStack([lambdaLogGroup], [noReason]);
    expect(diags.filter((d) => d.enforcementLevel === "mandatory").map((d) => d.message)).to.have.length(2);
    expect(diags.some((d) => d.message.includes("an exemption needs a reason"))).to.equal(true);
  });

  it("honours the enforcement level from config", async () => {
    const diags = await analyzeStack([lambdaLogGroup], fixture, { [POLICY]: { enforcementLevel: "advisory" } });
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["custom-missing", "worker"]);
  });
});
