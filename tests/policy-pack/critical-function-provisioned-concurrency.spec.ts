import { expect } from "chai";
import { criticalFunctionProvisionedConcurrency as policy } from "../../policy-pack/critical-function-provisioned-concurrency";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeStack, diagnosticsFor, failingNames, FixtureResource, unknown, urnOf } from "../support/policy-harness";

const POLICY = "critical-function-provisioned-concurrency";
const ARN_PREFIX = "arn:aws:lambda:us-east-1:123456789012:function:";

function fn(name: string, props: Record<string, unknown> = {}): FixtureResource {
  const physical = `${name}-1`;
  return {
    name,
    type: TYPES.lambdaFunction,
    props: { name: physical, arn: ARN_PREFIX + physical, publish: true, version: "3", ...props },
  };
}
function alias(
  name: string,
  functionName: unknown,
  functionVersion: unknown = "3",
  more: Partial<FixtureResource> = {},
): FixtureResource {
  return { name, type: TYPES.lambdaAlias, props: { name, functionName, functionVersion }, ...more };
}
function provisioned(
  name: string,
  functionName: unknown,
  qualifier: unknown,
  executions: unknown = 1,
  more: Partial<FixtureResource> = {},
): FixtureResource {
  return {
    name,
    type: TYPES.lambdaProvisionedConcurrency,
    props: { functionName, qualifier, provisionedConcurrentExecutions: executions },
    ...more,
  };
}

const fixture: FixtureResource[] = [
  // alias qualifier, 2 executions: passes
  fn("order-processor"),
  alias("live", "order-processor-1"),
  provisioned("order-processor-pc", "order-processor-1", "live", 2),
  // $LATEST: fails
  fn("payment-processor"),
  provisioned("payment-processor-pc", "payment-processor-1", "$LATEST", 5),
  // no config at all: fails
  fn("image-processor"),
  // function given by ARN, version qualifier: passes
  fn("refund-processor"),
  provisioned("refund-processor-pc", `${ARN_PREFIX}refund-processor-1`, "7", 1),
  // pattern is case-insensitive; zero executions: fails
  fn("stream-PROCESSOR"),
  provisioned("stream-pc", "stream-PROCESSOR-1", "4", 0),
  // critical by physical name only, nothing provisioned: fails
  {
    name: "batch",
    type: TYPES.lambdaFunction,
    props: { name: "batch-processor-x", arn: `${ARN_PREFIX}batch-processor-x` },
  },
  // qualifier names no alias in the stack: fails
  fn("ledger-processor"),
  provisioned("ledger-pc", "ledger-processor-1", "blue", 1),
  // alias pointing at $LATEST: fails
  fn("queue-processor"),
  alias("stale", "queue-processor-1", "$LATEST"),
  provisioned("queue-pc", "queue-processor-1", "stale", 1),
  // the configs above target other functions: fails
  fn("copy-processor"),
  // not critical
  fn("api"),
];

describe("critical-function-provisioned-concurrency", () => {
  it("fails exactly the critical functions without valid provisioned concurrency", async () => {
    const diags = await analyzeStack([policy], fixture);
    expect(failingNames(diags, POLICY)).to.deep.equal([
      "batch",
      "copy-processor",
      "image-processor",
      "ledger-processor",
      "payment-processor",
      "queue-processor",
      "stream-PROCESSOR",
    ]);
    expect(diags.every((d) => d.urn === urnOf(TYPES.lambdaFunction, d.resourceName))).to.equal(true);
  });

  it("says what is wrong with each config it found, and the fix", async () => {
    const diags = await analyzeStack([policy], fixture);
    const message = (name: string) => diagnosticsFor(diags, POLICY, name)[0].message;
    expect(message("payment-processor")).to.equal(
      `${policy.description}\n` +
        'function "payment-processor" (name payment-processor-1) matches criticalFunctionPattern "processor" but has no aws.lambda.ProvisionedConcurrencyConfig with at least 1 provisioned executions on an alias or a published version (ProvisionedConcurrencyConfig "payment-processor-pc": its qualifier is $LATEST, which AWS rejects for provisioned concurrency); publish a version, add an aws.lambda.Alias and a ProvisionedConcurrencyConfig on it, or exempt the function',
    );
    expect(message("image-processor")).to.include("(none targets it)");
    expect(message("stream-PROCESSOR")).to.include("it provisions 0 concurrent executions, below the minimum of 1");
    expect(message("ledger-processor")).to.include(
      'its qualifier "blue" is neither a version number nor an aws.lambda.Alias of this function',
    );
    expect(message("queue-processor")).to.include('its qualifier is alias "stale", which points at $LATEST');
  });

  it("takes criticalFunctionPattern and minProvisionedConcurrency from config", async () => {
    const onlyApi = await analyzeStack([policy], fixture, { [POLICY]: { criticalFunctionPattern: "^API$" } });
    expect(failingNames(onlyApi, POLICY)).to.deep.equal(["api"]);
    expect(onlyApi[0].message).to.include('matches criticalFunctionPattern "^API$"');

    const needsThree = await analyzeStack([policy], fixture, { [POLICY]: { minProvisionedConcurrency: 3 } });
    expect(failingNames(needsThree, POLICY)).to.deep.equal([
      "batch",
      "copy-processor",
      "image-processor",
      "ledger-processor",
      "order-processor",
      "payment-processor",
      "queue-processor",
      "refund-processor",
      "stream-PROCESSOR",
    ]);
    expect(diagnosticsFor(needsThree, POLICY, "order-processor")[0].message).to.include(
      "it provisions 2 concurrent executions, below the minimum of 3",
    );
  });

  it("reports an invalid pattern as one config finding on the stack instead of crashing", async () => {
    const stack: FixtureResource = { name: "proj-dev", type: "pulumi:pulumi:Stack", props: {} };
    const diags = await analyzeStack([policy], [stack, ...fixture], { [POLICY]: { criticalFunctionPattern: "(" } });
    expect(diags.map((d) => [d.resourceName, d.enforcementLevel])).to.deep.equal([["proj-dev", "mandatory"]]);
    expect(diags[0].urn).to.equal(urnOf("pulumi:pulumi:Stack", "proj-dev"));
    expect(diags[0].message).to.match(
      /\nconfig criticalFunctionPattern "\(" is not a valid RE2 regular expression \(error parsing regexp: .*; lookaround and backreferences are not supported\), so no function was checked; fix it in the policy pack config file$/,
    );
    // Lookaround needs a backtracking engine: refused the same way.
    const lookahead = await analyzeStack([policy], [stack, ...fixture], {
      [POLICY]: { criticalFunctionPattern: "(?=proc)" },
    });
    expect(lookahead.map((d) => d.resourceName)).to.deep.equal(["proj-dev"]);
  });

  it("matches in linear time: a pattern that backtracks catastrophically elsewhere still decides", async () => {
    // (a+)+$ against "aaaa...b" takes exponential time in a backtracking engine; RE2 answers at once.
    const long = `${"a".repeat(5000)}b`;
    const diags = await analyzeStack(
      [policy],
      [
        { name: long, type: TYPES.lambdaFunction, props: { name: long } },
        { name: "aaa", type: TYPES.lambdaFunction, props: { name: "aaa" } },
      ],
      {
        [POLICY]: { criticalFunctionPattern: "(a+)+$" },
      },
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["aaa"]);
  });

  it("follows propertyDependencies when names, ARNs or qualifiers are unknown (preview)", async () => {
    const f: FixtureResource = {
      name: "order-processor",
      type: TYPES.lambdaFunction,
      props: { name: unknown.string, arn: unknown.string, version: unknown.string, publish: true },
    };
    const fUrn = urnOf(TYPES.lambdaFunction, "order-processor");
    const a = alias("live", unknown.string, unknown.string, {
      propertyDependencies: { functionName: [fUrn], functionVersion: [fUrn] },
    });
    const aUrn = urnOf(TYPES.lambdaAlias, "live");
    const viaAlias = provisioned("pc", unknown.string, unknown.string, 1, {
      propertyDependencies: { functionName: [fUrn], qualifier: [aUrn] },
    });
    expect(await analyzeStack([policy], [f, a, viaAlias])).to.deep.equal([]);

    const viaVersion = provisioned("pc", unknown.string, unknown.string, 1, {
      propertyDependencies: { functionName: [fUrn], qualifier: [fUrn] },
    });
    expect(await analyzeStack([policy], [f, viaVersion])).to.deep.equal([]);

    // the qualifier comes from an alias known to point at $LATEST
    const staleAlias = alias("stale", unknown.string, "$LATEST", { propertyDependencies: { functionName: [fUrn] } });
    const viaStaleAlias = provisioned("pc", unknown.string, unknown.string, 1, {
      propertyDependencies: { functionName: [fUrn], qualifier: [urnOf(TYPES.lambdaAlias, "stale")] },
    });
    const stale = await analyzeStack([policy], [f, staleAlias, viaStaleAlias]);
    expect(failingNames(stale, POLICY)).to.deep.equal(["order-processor"]);
    expect(stale[0].message).to.include('its qualifier is alias "stale", which points at $LATEST');

    // fn.version of a function that does not publish is $LATEST, through an alias or directly
    const unpublished: FixtureResource = { ...f, props: { ...f.props, publish: false } };
    const viaUnpublishedAlias = await analyzeStack([policy], [unpublished, a, viaAlias]);
    expect(failingNames(viaUnpublishedAlias, POLICY)).to.deep.equal(["order-processor"]);
    expect(viaUnpublishedAlias[0].message).to.include(
      'its qualifier is alias "live", whose functionVersion is the function\'s version, which is $LATEST because the function does not set publish: true',
    );
    const viaUnpublishedVersion = await analyzeStack([policy], [unpublished, viaVersion]);
    expect(failingNames(viaUnpublishedVersion, POLICY)).to.deep.equal(["order-processor"]);
    // whether it publishes is unknown: unverified, not failed
    const publishUnknown: FixtureResource = { ...f, props: { ...f.props, publish: unknown.boolean } };
    const maybe = await analyzeStack([policy], [publishUnknown, viaVersion]);
    expect(maybe.map((d) => d.enforcementLevel)).to.deep.equal(["advisory"]);
    expect(maybe[0].message).to.include(
      "its qualifier comes from the function's version, and whether it is published is unknown",
    );

    // the function is known to be targeted and the qualifier is known to be $LATEST: decided even in preview
    const latest = provisioned("pc", unknown.string, "$LATEST", 1, { propertyDependencies: { functionName: [fUrn] } });
    expect(failingNames(await analyzeStack([policy], [f, latest]), POLICY)).to.deep.equal(["order-processor"]);
  });

  it("reports what preview cannot decide as an advisory that says what is unknown, never as mandatory", async () => {
    const cases: Array<[string, FixtureResource[], string]> = [
      [
        "order-processor",
        [fn("order-processor"), provisioned("pc", "order-processor-1", "2", unknown.number)],
        '(ProvisionedConcurrencyConfig "pc": its provisionedConcurrentExecutions is unknown)',
      ],
      [
        "order-processor",
        [fn("order-processor"), provisioned("pc", unknown.string, "2", 1)],
        '(ProvisionedConcurrencyConfig "pc": its functionName is unknown and comes from no function of the stack)',
      ],
      [
        "order-processor",
        [fn("order-processor"), provisioned("pc", "order-processor-1", unknown.string, 1)],
        '(ProvisionedConcurrencyConfig "pc": its qualifier is unknown and comes from neither an alias nor a version of this function)',
      ],
      [
        "order-processor",
        [
          fn("order-processor"),
          alias("live", "order-processor-1", unknown.string),
          provisioned("pc", "order-processor-1", "live", 1),
        ],
        '(ProvisionedConcurrencyConfig "pc": alias "live"\'s functionVersion is unknown)',
      ],
      // logical name does not match and the physical name is not known yet
      [
        "batch",
        [{ name: "batch", type: TYPES.lambdaFunction, props: { name: unknown.string } }],
        "its physical name is unknown",
      ],
    ];
    for (const [name, resources, why] of cases) {
      const diags = await analyzeStack([policy], resources);
      expect(failingNames(diags, POLICY), why).to.deep.equal([]);
      expect(failingNames(diags, POLICY, "advisory"), why).to.deep.equal([name]);
      expect(diags, why).to.have.length(1);
      expect(diags[0].message).to.match(/^could not verify during preview: function "/);
      expect(diags[0].message).to.include(why);
    }
  });

  it("a config whose unknown functionName comes from another function is that function's", async () => {
    const other: FixtureResource = { name: "api", type: TYPES.lambdaFunction, props: { name: unknown.string } };
    const othersConfig = provisioned("api-pc", unknown.string, "2", 1, {
      propertyDependencies: { functionName: [urnOf(TYPES.lambdaFunction, "api")] },
    });
    const diags = await analyzeStack([policy], [fn("order-processor"), other, othersConfig]);
    expect(diags.map((d) => [d.resourceName, d.enforcementLevel])).to.deep.equal([["order-processor", "mandatory"]]);
    expect(diags[0].message).to.include("(none targets it)");
    // from a resource of another kind (a random suffix both names share): unverified, not failed
    const shared = provisioned("pc", unknown.string, "2", 1, {
      propertyDependencies: { functionName: [urnOf("random:index/randomId:RandomId", "suffix")] },
    });
    const unsure = await analyzeStack([policy], [fn("order-processor"), shared]);
    expect(unsure.map((d) => d.enforcementLevel)).to.deep.equal(["advisory"]);
  });

  it("stays silent in preview when the outcome cannot depend on the unknown part", async () => {
    // one valid config is enough, whatever the other one turns out to be
    const passing = await analyzeStack(
      [policy],
      [
        fn("order-processor"),
        provisioned("pc", "order-processor-1", "2", 1),
        provisioned("maybe", unknown.string, unknown.string, unknown.number),
      ],
    );
    expect(passing).to.deep.equal([]);
    // an unknown physical name does not matter when the function has valid provisioned concurrency anyway
    const covered = await analyzeStack(
      [policy],
      [
        { name: "batch", type: TYPES.lambdaFunction, props: { name: unknown.string, arn: unknown.string } },
        provisioned("pc", unknown.string, "2", 1, {
          propertyDependencies: { functionName: [urnOf(TYPES.lambdaFunction, "batch")] },
        }),
      ],
    );
    expect(covered).to.deep.equal([]);
  });

  it("reports an exempt function at advisory level with the reason", async () => {
    const exempt = fn("image-processor", {
      tags: {
        "serverless-guard:exempt": "critical-function-provisioned-concurrency",
        "serverless-guard:exempt-reason": "cold starts accepted",
      },
    });
    const diags = await analyzeStack([policy], [exempt]);
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["image-processor"]);
    expect(diags[0].message).to.match(/^\[exempt by tag: cold starts accepted\] function "image-processor"/);
  });
});
