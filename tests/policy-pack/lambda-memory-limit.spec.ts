import { expect } from "chai";
import { lambdaMemoryLimit } from "../../policy-pack/lambda-memory-limit";
import { TYPES } from "../../policy-pack/common/types";
import {
  analyzeResources,
  diagnosticsFor,
  failingNames,
  FixtureResource,
  remediate,
  secret,
  unknown,
} from "../support/policy-harness";

const POLICY = "lambda-memory-limit";
const fn = (name: string, props: Record<string, unknown>): FixtureResource => ({
  name,
  type: TYPES.lambdaFunction,
  props,
});

const fixtures: FixtureResource[] = [
  fn("pass-unset", { runtime: "nodejs20.x" }),
  fn("pass-128", { memorySize: 128 }),
  fn("pass-at-limit", { memorySize: 768 }),
  fn("fail-769", { memorySize: 769 }),
  fn("fail-3008", { memorySize: 3008 }),
  fn("fail-arm", { memorySize: 1792, architectures: ["arm64"] }),
  fn("fail-not-a-number", { memorySize: "lots" }),
  // Not a function: never looked at, whatever its properties.
  { name: "pass-other-type", type: TYPES.dynamodbTable, props: { memorySize: 99999 } },
];

describe(POLICY, () => {
  it("fails exactly the functions above 768 MB by default", async () => {
    const diags = await analyzeResources([lambdaMemoryLimit], fixtures);
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-3008", "fail-769", "fail-arm", "fail-not-a-number"]);
  });

  it("names the value, the limit, the fix and the monthly cost of the excess (x86 and arm64 prices)", async () => {
    const diags = await analyzeResources([lambdaMemoryLimit], fixtures);
    const [x86] = diagnosticsFor(diags, POLICY, "fail-3008");
    // 2240 MB excess: 1e6 x 0.2 s x 2240/1024 GB x $0.0000166667 = $7.29
    expect(x86.message).to.include('function "fail-3008" memorySize 3008 MB exceeds the 768 MB limit');
    expect(x86.message).to.include("set memorySize to 768 or less");
    expect(x86.message).to.include("about $7.29/month per million 200 ms invocations");
    const [arm] = diagnosticsFor(diags, POLICY, "fail-arm");
    // 1024 MB excess on arm64: 1e6 x 0.2 x 1 x $0.0000133334 = $2.67
    expect(arm.message).to.include("about $2.67/month").and.include("arm64");
    expect(diagnosticsFor(diags, POLICY, "fail-not-a-number")[0].message)
      .to.include('"lots"')
      .and.include("not a number");
  });

  it("takes maxMemoryMb from config", async () => {
    const diags = await analyzeResources([lambdaMemoryLimit], fixtures, { [POLICY]: { maxMemoryMb: 2048 } });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-3008", "fail-not-a-number"]);
    expect(diagnosticsFor(diags, POLICY, "fail-3008")[0].message).to.include("exceeds the 2048 MB limit");
  });

  it("ignores a config value of the wrong type and keeps the default", async () => {
    const diags = await analyzeResources([lambdaMemoryLimit], [fn("fail-769", { memorySize: 769 })], {
      [POLICY]: { maxMemoryMb: "big" },
    });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-769"]);
  });

  it("never fails on an unknown memorySize during preview, and still prices a known one when only the architecture is unknown", async () => {
    const diags = await analyzeResources(
      [lambdaMemoryLimit],
      [
        fn("unknown-memory", { memorySize: unknown.number }),
        fn("unknown-arch", { memorySize: 1024, architectures: unknown.array }),
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["unknown-arch"]);
    const [advisory] = diagnosticsFor(diags, POLICY, "unknown-memory");
    expect(advisory.enforcementLevel).to.equal("advisory");
    expect(advisory.message).to.include("during preview");
    expect(diagnosticsFor(diags, POLICY, "unknown-arch")[0].message).to.include("architectures unknown during preview");
  });

  it("reports exempt functions as advisory with the reason, and an exemption without a reason as a violation", async () => {
    const diags = await analyzeResources(
      [lambdaMemoryLimit],
      [
        fn("exempt", {
          memorySize: 3008,
          tags: {
            "serverless-guard:exempt": "lambda-memory-limit,dlq-alarm",
            "serverless-guard:exempt-reason": "ML model needs RAM",
          },
        }),
        fn("exempt-other-policy", {
          memorySize: 3008,
          tags: { "serverless-guard:exempt": "dlq-alarm", "serverless-guard:exempt-reason": "x" },
        }),
        fn("no-reason", { memorySize: 1024, tags: { "serverless-guard:exempt": "lambda-memory-limit" } }),
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["exempt-other-policy", "no-reason"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["exempt"]);
    expect(diagnosticsFor(diags, POLICY, "exempt")[0].message)
      .to.include("exempt by tag: ML model needs RAM")
      .and.include("3008 MB");
    const noReason = diagnosticsFor(diags, POLICY, "no-reason").map((d) => d.message);
    expect(noReason.some((m) => m.includes("serverless-guard:exempt-reason is empty or missing"))).to.equal(true);
  });

  it("exclude (names or URN globs) turns findings into advisories", async () => {
    const diags = await analyzeResources([lambdaMemoryLimit], fixtures, {
      [POLICY]: { exclude: ["fail-769", "*::fail-3*"] },
    });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-arm", "fail-not-a-number"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["fail-3008", "fail-769"]);
  });

  it("remediates by clamping memorySize and returns the whole property bag, secrets and unknowns included", async () => {
    const config = { [POLICY]: "remediate" };
    const out = await remediate(
      [lambdaMemoryLimit],
      fn("big", {
        memorySize: 3008,
        runtime: "nodejs20.x",
        role: unknown.string,
        environment: { variables: { TOKEN: secret("s3cr3t") } },
      }),
      config,
    );
    expect(out).to.have.length(1);
    expect(out[0].properties).to.deep.equal({
      memorySize: 768,
      runtime: "nodejs20.x",
      role: unknown.string,
      environment: { variables: { TOKEN: secret("s3cr3t") } },
    });
    expect(await remediate([lambdaMemoryLimit], fn("small", { memorySize: 512 }), config)).to.deep.equal([]);
    // Exactly at the ceiling passes validation, so there is nothing to remediate either.
    expect(await remediate([lambdaMemoryLimit], fn("at-limit", { memorySize: 768 }), config)).to.deep.equal([]);
    const custom = await remediate([lambdaMemoryLimit], fn("big", { memorySize: 3008 }), {
      [POLICY]: { enforcementLevel: "remediate", maxMemoryMb: 1024 },
    });
    expect(custom[0].properties).to.deep.equal({ memorySize: 1024 });
  });

  it("does not remediate an exempt function", async () => {
    const tags = { "serverless-guard:exempt": POLICY, "serverless-guard:exempt-reason": "needs it" };
    expect(
      await remediate([lambdaMemoryLimit], fn("exempt", { memorySize: 3008, tags }), { [POLICY]: "remediate" }),
    ).to.deep.equal([]);
  });
});
