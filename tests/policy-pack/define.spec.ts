import { expect } from "chai";
import fc from "fast-check";
import { resourcePolicy, stackPolicy } from "../../policy-pack/common/define";
import { policies } from "../../policy-pack/policies";
import { TYPES } from "../../policy-pack/common/types";
import {
  analyzeResources,
  analyzeStack,
  failingNames,
  FixtureResource,
  remediate,
  unknown,
  urnOf,
} from "../support/policy-harness";

// The wrappers every policy is built with: config defaults, exemptions, exclude, and never crashing the analysis.
const base = {
  description: "test policy for the wrappers",
  severity: "low" as const,
  remediationSteps: "none",
  tags: ["test"],
  metadata: { equivalents: {}, example: "none", details: "none" },
};

const throwsOnOddInput = resourcePolicy({
  ...base,
  name: "throws-on-odd-input",
  configProperties: { limit: { type: "integer", default: 3, description: "limit" } },
  validate(resource, config, report) {
    const items = resource.props.items as unknown[];
    if (items.length > config.limit) report(`"${resource.name}" has ${items.length} items, more than ${config.limit}`);
  },
});

const reportsEveryQueue = stackPolicy({
  ...base,
  name: "reports-every-queue",
  subjectTypes: [TYPES.sqsQueue],
  validate(args, _config, report) {
    for (const r of args.resources) if (r.type === TYPES.sqsQueue) report(r, `queue "${r.name}" found`);
  },
});

/** Reports queues named "unsure-*" as unverified, and crashes on a queue named "boom". */
const judgesQueues = stackPolicy({
  ...base,
  name: "judges-queues",
  subjectTypes: [TYPES.sqsQueue],
  validate(args, _config, report) {
    for (const r of args.resources) {
      if (r.name.startsWith("unsure-")) report(r, `queue "${r.name}" unverified`, { advisory: true });
      if (r.name === "boom") (null as unknown as { crash(): void }).crash();
    }
  },
});

const exemptTags = (names: string, reason?: string) => ({
  tags: {
    "serverless-guard:exempt": names,
    ...(reason !== undefined ? { "serverless-guard:exempt-reason": reason } : {}),
  },
});

/** Every property any policy of the pack reads. */
const READ_PROPERTIES = [
  "memorySize",
  "architectures",
  "deadLetterConfig",
  "retentionInDays",
  "billingMode",
  "readCapacity",
  "writeCapacity",
  "tags",
  "tagsAll",
  "policy",
  "inlinePolicies",
  "policyArn",
  "name",
  "arn",
  "publish",
  "version",
  "functionName",
  "functionVersion",
  "qualifier",
  "provisionedConcurrentExecutions",
  "loggingConfig",
  "redrivePolicy",
  "namespace",
  "metricName",
  "dimensions",
  "metricQueries",
];

describe("policy wrappers (common/define)", () => {
  it("applies config defaults and overrides", async () => {
    const res = [{ name: "four", type: "t:m:T", props: { items: [1, 2, 3, 4] } }];
    expect(failingNames(await analyzeResources([throwsOnOddInput], res), "throws-on-odd-input")).to.deep.equal([
      "four",
    ]);
    expect(await analyzeResources([throwsOnOddInput], res, { "throws-on-odd-input": { limit: 10 } })).to.deep.equal([]);
  });

  it("turns an exception into a finding that says why, instead of failing the whole analysis", async () => {
    const diags = await analyzeResources([throwsOnOddInput], [{ name: "odd", type: "t:m:T", props: { items: null } }]);
    expect(failingNames(diags, "throws-on-odd-input")).to.deep.equal(["odd"]);
    expect(diags[0].message).to.include("could not evaluate throws-on-odd-input on this resource");
  });

  it("lets unknown values through to the SDK's preview advisory", async () => {
    const diags = await analyzeResources(
      [throwsOnOddInput],
      [{ name: "u", type: "t:m:T", props: { items: unknown.array } }],
    );
    expect(failingNames(diags, "throws-on-odd-input", "advisory")).to.deep.equal(["u"]);
    expect(diags[0].message).to.include("during preview");
  });

  it("the exempt tag accepts a list of names or *, and needs a reason", async () => {
    const items = { items: [1, 2, 3, 4] };
    const diags = await analyzeResources(
      [throwsOnOddInput],
      [
        { name: "listed", type: "t:m:T", props: { ...items, ...exemptTags("other, throws-on-odd-input", "known") } },
        { name: "star", type: "t:m:T", props: { ...items, ...exemptTags("*", "all of them") } },
        { name: "blank-reason", type: "t:m:T", props: { ...items, ...exemptTags("throws-on-odd-input", "  ") } },
      ],
    );
    expect(failingNames(diags, "throws-on-odd-input", "advisory")).to.deep.equal(["listed", "star"]);
    expect(failingNames(diags, "throws-on-odd-input")).to.deep.equal(["blank-reason"]);
    expect(diags.filter((d) => d.resourceName === "blank-reason")).to.have.length(2);
  });

  it("exclude matches logical names exactly or by glob, and whole URNs by glob", async () => {
    const items = { items: [1, 2, 3, 4] };
    const names = ["legacy-a", "legacy-b", "api", "api-v2", "worker"];
    const diags = await analyzeResources(
      [throwsOnOddInput],
      names.map((name) => ({ name, type: "t:m:T", props: items })),
      { "throws-on-odd-input": { exclude: ["legacy-*", "api", "urn:pulumi:dev::proj::t:m:T::work?r"] } },
    );
    expect(failingNames(diags, "throws-on-odd-input")).to.deep.equal(["api-v2"]);
    expect(failingNames(diags, "throws-on-odd-input", "advisory")).to.deep.equal([
      "api",
      "legacy-a",
      "legacy-b",
      "worker",
    ]);
    expect(diags.find((d) => d.resourceName === "legacy-a")!.message).to.include(
      '[excluded by config pattern "legacy-*"]',
    );
  });

  it("exclude globs match in linear time: a pattern that backtracks catastrophically elsewhere still decides", async () => {
    // `*a*a*...*b` against a long run of "a"s takes polynomial time of high degree in a backtracking engine.
    const long = "a".repeat(3000);
    const glob = `${"*a".repeat(12)}*b`;
    const diags = await analyzeResources(
      [throwsOnOddInput],
      [long, `${long}b`].map((name) => ({ name, type: "t:m:T", props: { items: [1, 2, 3, 4] } })),
      { "throws-on-odd-input": { exclude: [glob] } },
    );
    expect(failingNames(diags, "throws-on-odd-input")).to.deep.equal([long]);
    expect(failingNames(diags, "throws-on-odd-input", "advisory")).to.deep.equal([`${long}b`]);
  });

  it("stack policies: findings are attributed to the resource, with its exemption applied", async () => {
    const diags = await analyzeStack(
      [reportsEveryQueue],
      [
        { name: "plain", type: TYPES.sqsQueue, props: {} },
        { name: "exempt", type: TYPES.sqsQueue, props: exemptTags("reports-every-queue", "scratch") },
        { name: "no-reason", type: TYPES.sqsQueue, props: exemptTags("reports-every-queue") },
        { name: "excluded", type: TYPES.sqsQueue, props: {} },
      ],
      { "reports-every-queue": { exclude: [urnOf(TYPES.sqsQueue, "excl*")] } },
    );
    expect(failingNames(diags, "reports-every-queue")).to.deep.equal(["no-reason", "plain"]);
    expect(failingNames(diags, "reports-every-queue", "advisory")).to.deep.equal(["excluded", "exempt"]);
    expect(diags.find((d) => d.resourceName === "exempt")!.message).to.include("[exempt by tag: scratch]");
    expect(diags.find((d) => d.resourceName === "excluded")!.message).to.include("[excluded by config pattern");
  });

  it("stack policies: an exemption without a reason on a subject is a violation even where the policy finds nothing", async () => {
    const diags = await analyzeStack(
      [judgesQueues],
      [
        { name: "fine-queue", type: TYPES.sqsQueue, props: exemptTags("judges-queues") },
        { name: "other-policy", type: TYPES.sqsQueue, props: exemptTags("dlq-alarm") },
        // not a subject of this policy: its exemption tag is none of this policy's business
        { name: "fn", type: TYPES.lambdaFunction, props: exemptTags("judges-queues") },
      ],
    );
    expect(diags.map((d) => [d.resourceName, d.enforcementLevel])).to.deep.equal([["fine-queue", "mandatory"]]);
    expect(diags[0].message).to.include("an exemption needs a reason");
  });

  it("stack policies: advisory findings stay advisory, and a crash becomes one finding on the stack resource", async () => {
    const stack: FixtureResource = { name: "proj-dev", type: "pulumi:pulumi:Stack", props: {} };
    const unsure = await analyzeStack([judgesQueues], [stack, { name: "unsure-q", type: TYPES.sqsQueue, props: {} }]);
    expect(unsure.map((d) => [d.resourceName, d.enforcementLevel, d.message])).to.deep.equal([
      ["unsure-q", "advisory", 'queue "unsure-q" unverified'],
    ]);

    const exemptUnsure = await analyzeStack(
      [judgesQueues],
      [{ name: "unsure-x", type: TYPES.sqsQueue, props: exemptTags("judges-queues", "scratch") }],
    );
    expect(exemptUnsure.map((d) => [d.enforcementLevel, d.message])).to.deep.equal([
      ["advisory", '[exempt by tag: scratch] queue "unsure-x" unverified'],
    ]);

    const crashed = await analyzeStack([judgesQueues], [stack, { name: "boom", type: TYPES.sqsQueue, props: {} }]);
    expect(crashed.map((d) => [d.resourceName, d.urn, d.enforcementLevel])).to.deep.equal([
      ["proj-dev", urnOf("pulumi:pulumi:Stack", "proj-dev"), "mandatory"],
    ]);
    expect(crashed[0].message).to.include("could not evaluate judges-queues on this stack (");
  });

  it("no policy of the pack crashes or gives up on arbitrary property values (property test)", async () => {
    const types = [
      TYPES.lambdaFunction,
      TYPES.logGroup,
      TYPES.dynamodbTable,
      TYPES.iamPolicy,
      TYPES.iamRole,
      TYPES.iamRolePolicyAttachment,
      TYPES.sqsQueue,
    ];
    const sentinel = fc.constantFrom(...Object.values(unknown));
    const value = fc.oneof(fc.jsonValue({ maxDepth: 3 }), sentinel);
    const resource = fc.record({
      type: fc.constantFrom(...types),
      props: fc.dictionary(fc.constantFrom(...READ_PROPERTIES), value, { maxKeys: 5 }),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(resource, { minLength: 1, maxLength: 4 }), async (drawn) => {
        const fixtures: FixtureResource[] = drawn.map((r, i) => ({ name: `r${i}`, ...r }));
        const diags = await analyzeResources(policies, fixtures);
        const stack = await analyzeStack(policies, fixtures);
        for (const f of fixtures) await remediate(policies, f, { all: "remediate" });
        for (const d of [...diags, ...stack]) expect(d.message).to.not.include("could not evaluate");
      }),
      { numRuns: 40 },
    );
  });

  it("values unknown during preview never give a mandatory finding, in any policy of the pack (property test)", async () => {
    const types = Object.values(TYPES).filter((t) => t !== TYPES.awsProvider);
    // Every property any policy reads, all unknown: an absent property would be known (absent), and may rightly decide.
    const sentinel = fc.constantFrom(...Object.values(unknown));
    const resource = fc.record({
      type: fc.constantFrom(...types),
      props: fc.record(Object.fromEntries(READ_PROPERTIES.map((k) => [k, sentinel]))),
    });
    await fc.assert(
      fc.asyncProperty(fc.array(resource, { minLength: 1, maxLength: 5 }), async (drawn) => {
        // A stack with no log group at all rightly fails lambda-log-group whatever the names: one is always present.
        const logs: FixtureResource = {
          name: "logs",
          type: TYPES.logGroup,
          props: Object.fromEntries(READ_PROPERTIES.map((k) => [k, unknown.string])),
        };
        const fixtures: FixtureResource[] = [logs, ...drawn.map((r, i) => ({ name: `r${i}`, ...r }))];
        const diags = [...(await analyzeResources(policies, fixtures)), ...(await analyzeStack(policies, fixtures))];
        const mandatory = diags
          .filter((d) => d.enforcementLevel === "mandatory")
          .map((d) => `${d.policyName} ${d.resourceName}: ${d.message}`);
        expect(mandatory).to.deep.equal([]);
      }),
      { numRuns: 40 },
    );
  });
});
