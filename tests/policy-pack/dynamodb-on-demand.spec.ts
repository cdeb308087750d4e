import { expect } from "chai";
import { dynamodbOnDemand } from "../../policy-pack/dynamodb-on-demand";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeResources, diagnosticsFor, failingNames, remediate, unknown } from "../support/policy-harness";
import type { FixtureResource } from "../support/policy-harness";

const POLICY = "dynamodb-on-demand";
const table = (name: string, props: Record<string, unknown>): FixtureResource => ({
  name,
  type: TYPES.dynamodbTable,
  props,
});
const keys = { hashKey: "pk", attributes: [{ name: "pk", type: "S" }] };

const fixtures: FixtureResource[] = [
  table("pass-on-demand", { ...keys, billingMode: "PAY_PER_REQUEST" }),
  table("fail-unset", { ...keys }),
  table("fail-provisioned", { ...keys, billingMode: "PROVISIONED", readCapacity: 20, writeCapacity: 5 }),
  { name: "pass-function", type: TYPES.lambdaFunction, props: {} },
];

describe(POLICY, () => {
  it("fails exactly the tables that are not on demand", async () => {
    const diags = await analyzeResources([dynamodbOnDemand], fixtures);
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-provisioned", "fail-unset"]);
  });

  it("names the table, its mode and capacity, and the fix", async () => {
    const diags = await analyzeResources([dynamodbOnDemand], fixtures);
    expect(diagnosticsFor(diags, POLICY, "fail-unset")[0].message).to.include(
      'table "fail-unset" billingMode is not set, which means PROVISIONED; set billingMode to "PAY_PER_REQUEST"',
    );
    expect(diagnosticsFor(diags, POLICY, "fail-provisioned")[0].message).to.include(
      'billingMode is "PROVISIONED" (readCapacity 20, writeCapacity 5)',
    );
  });

  it("never fails on an unknown billingMode during preview", async () => {
    const diags = await analyzeResources([dynamodbOnDemand], [table("unknown", { billingMode: unknown.string })]);
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["unknown"]);
  });

  it("remediates to PAY_PER_REQUEST and drops read/write capacity, also on global secondary indexes", async () => {
    const out = await remediate(
      [dynamodbOnDemand],
      table("fail-provisioned", {
        ...keys,
        billingMode: "PROVISIONED",
        readCapacity: 20,
        writeCapacity: 5,
        globalSecondaryIndexes: [
          { name: "byDate", hashKey: "date", projectionType: "ALL", readCapacity: 5, writeCapacity: 5 },
        ],
      }),
      { [POLICY]: "remediate" },
    );
    expect(out.map((o) => o.properties)).to.deep.equal([
      {
        ...keys,
        billingMode: "PAY_PER_REQUEST",
        globalSecondaryIndexes: [{ name: "byDate", hashKey: "date", projectionType: "ALL" }],
      },
    ]);
    // Entries that are not objects (odd state) are passed through untouched rather than rebuilt.
    const odd = await remediate(
      [dynamodbOnDemand],
      table("odd-gsi", { ...keys, billingMode: "PROVISIONED", globalSecondaryIndexes: ["legacy", null] }),
      { [POLICY]: "remediate" },
    );
    expect(odd.map((o) => o.properties?.globalSecondaryIndexes)).to.deep.equal([["legacy", null]]);
    expect(await remediate([dynamodbOnDemand], fixtures[0], { [POLICY]: "remediate" })).to.deep.equal([]);
    expect(
      await remediate([dynamodbOnDemand], table("unknown", { billingMode: unknown.string }), { [POLICY]: "remediate" }),
    ).to.deep.equal([]);
  });

  it("an exempt table is neither failed nor remediated", async () => {
    const tags = {
      "serverless-guard:exempt": POLICY,
      "serverless-guard:exempt-reason": "steady load, reserved capacity",
    };
    const t = table("steady", { ...keys, billingMode: "PROVISIONED", readCapacity: 100, writeCapacity: 100, tags });
    const diags = await analyzeResources([dynamodbOnDemand], [t]);
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["steady"]);
    expect(await remediate([dynamodbOnDemand], t, { [POLICY]: "remediate" })).to.deep.equal([]);
  });
});
