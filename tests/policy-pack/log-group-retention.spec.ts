import { expect } from "chai";
import { logGroupRetention } from "../../policy-pack/log-group-retention";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeResources, diagnosticsFor, failingNames, remediate, unknown } from "../support/policy-harness";
import type { FixtureResource } from "../support/policy-harness";

const POLICY = "log-group-retention";
const lg = (name: string, props: Record<string, unknown>): FixtureResource => ({ name, type: TYPES.logGroup, props });

const fixtures: FixtureResource[] = [
  lg("pass-7", { name: "/aws/lambda/api", retentionInDays: 7 }),
  lg("fail-unset", { name: "/aws/lambda/worker" }),
  lg("fail-zero", { retentionInDays: 0 }),
  lg("fail-3", { retentionInDays: 3 }),
  lg("fail-30", { retentionInDays: 30 }),
  lg("fail-365", { retentionInDays: 365 }),
  { name: "pass-other-type", type: TYPES.lambdaFunction, props: { retentionInDays: 0 } },
];

describe(POLICY, () => {
  it("fails exactly the log groups that never expire or are outside 7..7 days by default", async () => {
    const diags = await analyzeResources([logGroupRetention], fixtures);
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-3", "fail-30", "fail-365", "fail-unset", "fail-zero"]);
  });

  it("names the log group, the value and the fix", async () => {
    const diags = await analyzeResources([logGroupRetention], fixtures);
    const msg = (n: string) => diagnosticsFor(diags, POLICY, n)[0].message;
    expect(msg("fail-unset")).to.include(
      'log group "fail-unset" (/aws/lambda/worker) retentionInDays is not set, so its logs never expire; set retentionInDays to 7',
    );
    expect(msg("fail-zero")).to.include("retentionInDays is 0, so its logs never expire");
    expect(msg("fail-3")).to.include("retentionInDays 3 is below the 7-day minimum");
    expect(msg("fail-30")).to.include("retentionInDays 30 exceeds the 7-day maximum; set retentionInDays to 7");
  });

  it("takes minRetentionDays and maxRetentionDays from config", async () => {
    const diags = await analyzeResources([logGroupRetention], fixtures, {
      [POLICY]: { minRetentionDays: 5, maxRetentionDays: 30 },
    });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-3", "fail-365", "fail-unset", "fail-zero"]);
    expect(diagnosticsFor(diags, POLICY, "fail-3")[0].message).to.include("set retentionInDays between 5 and 30");
  });

  it("reports an inconsistent config instead of judging the resource", async () => {
    const diags = await analyzeResources([logGroupRetention], [lg("pass-7", { retentionInDays: 7 })], {
      [POLICY]: { minRetentionDays: 30, maxRetentionDays: 7 },
    });
    expect(diags[0].message).to.include("minRetentionDays 30 is greater than maxRetentionDays 7");
  });

  it("never fails on an unknown retention during preview", async () => {
    const diags = await analyzeResources(
      [logGroupRetention],
      [lg("unknown", { name: unknown.string, retentionInDays: unknown.number })],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["unknown"]);
    expect(diags[0].message).to.include("during preview");
  });

  it("exempt log groups are reported as advisory with the reason", async () => {
    const tags = {
      "serverless-guard:exempt": "log-group-retention",
      "serverless-guard:exempt-reason": "audit log kept 10 years",
    };
    const diags = await analyzeResources([logGroupRetention], [lg("audit", { retentionInDays: 3653, tags })]);
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(diags[0].message).to.include("exempt by tag: audit log kept 10 years");
  });

  it("remediates by setting retention to the maximum, keeping the other properties", async () => {
    const out = await remediate(
      [logGroupRetention],
      lg("fail-unset", { name: "/aws/lambda/worker", tags: { Project: "x" } }),
      { [POLICY]: "remediate" },
    );
    expect(out.map((o) => o.properties)).to.deep.equal([
      { name: "/aws/lambda/worker", tags: { Project: "x" }, retentionInDays: 7 },
    ]);
    const custom = await remediate([logGroupRetention], lg("fail-3", { retentionInDays: 3 }), {
      [POLICY]: { enforcementLevel: "remediate", minRetentionDays: 7, maxRetentionDays: 30 },
    });
    expect(custom[0].properties).to.deep.equal({ retentionInDays: 30 });
    expect(
      await remediate([logGroupRetention], lg("pass-7", { retentionInDays: 7 }), { [POLICY]: "remediate" }),
    ).to.deep.equal([]);
    expect(
      await remediate([logGroupRetention], lg("unknown", { retentionInDays: unknown.number }), {
        [POLICY]: "remediate",
      }),
    ).to.deep.equal([]);
  });

  it("remediates only to a retention CloudWatch accepts: the longest one within the range, or not at all", async () => {
    const within = await remediate([logGroupRetention], lg("fail-0", { retentionInDays: 0 }), {
      [POLICY]: { enforcementLevel: "remediate", minRetentionDays: 7, maxRetentionDays: 45 },
    });
    expect(within.map((o) => o.properties)).to.deep.equal([{ retentionInDays: 30 }]);
    const none = { [POLICY]: { enforcementLevel: "remediate", minRetentionDays: 8, maxRetentionDays: 10 } };
    expect(await remediate([logGroupRetention], lg("fail-0", { retentionInDays: 0 }), none)).to.deep.equal([]);
    // not remediable, so it stays a violation
    expect(
      failingNames(await analyzeResources([logGroupRetention], [lg("fail-0", { retentionInDays: 0 })], none), POLICY),
    ).to.deep.equal(["fail-0"]);
  });
});
