import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { costAllocationTags, isTaggableType } from "../../policy-pack/cost-allocation-tags";
import { TYPES } from "../../policy-pack/common/types";
import { taggableTypes } from "../../scripts/generate-taggable-types";
import { analyzeResources, diagnosticsFor, failingNames, FixtureResource, unknown } from "../support/policy-harness";

const POLICY = "cost-allocation-tags";
const ALL = { Environment: "prod", Project: "orders", Owner: "team-a", CostCenter: "cc-42" };
const r = (
  name: string,
  type: string,
  props: Record<string, unknown>,
  provider?: FixtureResource["provider"],
): FixtureResource => ({ name, type, props, provider });

const fixtures: FixtureResource[] = [
  r("pass-all-tags", TYPES.lambdaFunction, { tags: ALL }),
  r("fail-no-tags", TYPES.sqsQueue, {}),
  r("fail-two-missing", TYPES.dynamodbTable, { tags: { Environment: "prod", Project: "orders" } }),
  r("fail-empty-owner", TYPES.logGroup, { tags: { ...ALL, Owner: " " } }),
  r(
    "pass-provider-defaults",
    TYPES.sqsQueue,
    { tags: { Owner: "team-b" } },
    {
      name: "aws-tagged",
      props: { region: "us-east-1", defaultTags: { tags: { Environment: "dev", Project: "p", CostCenter: "cc" } } },
    },
  ),
  // State files carry provider config as JSON strings.
  r(
    "pass-provider-json-string",
    TYPES.lambdaFunction,
    {},
    { name: "aws-json", props: { defaultTags: JSON.stringify({ tags: ALL }) } },
  ),
  r(
    "fail-override-empty",
    TYPES.lambdaFunction,
    { tags: { Owner: "" } },
    { name: "aws-defaults", props: { defaultTags: { tags: ALL } } },
  ),
  // Only the AWS provider applies defaultTags; another package's provider config of that name tags nothing.
  r(
    "fail-other-provider",
    TYPES.sqsQueue,
    {},
    { name: "not-aws", type: "pulumi:providers:random", props: { defaultTags: { tags: ALL } } },
  ),
  r(
    "fail-aws-native-provider",
    TYPES.sqsQueue,
    {},
    { name: "native", type: "pulumi:providers:aws-native", props: { defaultTags: { tags: ALL } } },
  ),
  // Stack outputs: the provider's merge of defaultTags and tags, with no provider config at hand.
  r("pass-tags-all", TYPES.sqsQueue, { tags: { Owner: "team-c" }, tagsAll: { ...ALL, Owner: "team-c" } }),
  r("fail-tags-all-incomplete", TYPES.sqsQueue, { tagsAll: { Environment: "prod" } }),
  r("pass-asg-list-tags", "aws:autoscaling/group:Group", {
    tags: Object.entries(ALL).map(([key, value]) => ({ key, value, propagateAtLaunch: true })),
  }),
  // Not taggable in @pulumi/aws: never checked.
  r("pass-role-policy", TYPES.iamRolePolicy, {}),
  r("pass-attachment", TYPES.iamRolePolicyAttachment, {}),
  r("pass-alias", TYPES.lambdaAlias, {}),
  r("pass-provisioned-concurrency", TYPES.lambdaProvisionedConcurrency, {}),
  // Taggable, but object tags are no cost allocation tags: never checked.
  r("pass-bucket-object", "aws:s3/bucketObject:BucketObject", { bucket: "b", key: "k" }),
  r("pass-bucket-object-v2", "aws:s3/bucketObjectv2:BucketObjectv2", { bucket: "b", key: "k", tags: { Owner: "" } }),
  r("fail-bucket", "aws:s3/bucketV2:BucketV2", {}),
];

describe(POLICY, () => {
  it("fails exactly the taggable resources missing a required tag, counting the provider's defaultTags", async () => {
    const diags = await analyzeResources([costAllocationTags], fixtures);
    expect(failingNames(diags, POLICY)).to.deep.equal([
      "fail-aws-native-provider",
      "fail-bucket",
      "fail-empty-owner",
      "fail-no-tags",
      "fail-other-provider",
      "fail-override-empty",
      "fail-tags-all-incomplete",
      "fail-two-missing",
    ]);
    expect(diagnosticsFor(diags, POLICY, "fail-tags-all-incomplete")[0].message).to.include(
      "missing Project, Owner, CostCenter;",
    );
  });

  it("names the resource, the missing and empty tags and the fix", async () => {
    const diags = await analyzeResources([costAllocationTags], fixtures);
    expect(diagnosticsFor(diags, POLICY, "fail-two-missing")[0].message).to.include(
      "aws:dynamodb/table:Table \"fail-two-missing\" lacks cost allocation tags: missing Owner, CostCenter; add them to the resource's tags or to the AWS provider's defaultTags.tags",
    );
    expect(diagnosticsFor(diags, POLICY, "fail-empty-owner")[0].message).to.include("empty Owner");
    expect(diagnosticsFor(diags, POLICY, "fail-no-tags")[0].message).to.include(
      "missing Environment, Project, Owner, CostCenter",
    );
  });

  it("takes requiredTags from config", async () => {
    const diags = await analyzeResources([costAllocationTags], fixtures, {
      [POLICY]: { requiredTags: ["Environment"] },
    });
    expect(failingNames(diags, POLICY)).to.deep.equal([
      "fail-aws-native-provider",
      "fail-bucket",
      "fail-no-tags",
      "fail-other-provider",
    ]);
  });

  it("decides what it can during preview: a known missing tag fails, unknown values alone give the SDK's advisory", async () => {
    const diags = await analyzeResources(
      [costAllocationTags],
      [
        r("fail-missing-with-unknown", TYPES.sqsQueue, { tags: { Environment: unknown.string, Project: "p" } }),
        r("unknown-owner", TYPES.sqsQueue, { tags: { ...ALL, Owner: unknown.string } }),
        r("unknown-tags-object", TYPES.sqsQueue, { tags: unknown.object }),
        r(
          "pass-unknown-tags-covered-by-defaults",
          TYPES.sqsQueue,
          { tags: unknown.object },
          { name: "aws", props: { defaultTags: { tags: ALL } } },
        ),
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-missing-with-unknown"]);
    expect(diagnosticsFor(diags, POLICY, "fail-missing-with-unknown")[0].message).to.include(
      "missing Owner, CostCenter (Environment unknown until deployment)",
    );
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["unknown-owner", "unknown-tags-object"]);
    expect(diagnosticsFor(diags, POLICY, "unknown-owner")[0].message)
      .to.include("during preview")
      .and.include("tags.Owner");
  });

  it("cannot remediate: at level remediate it still reports a (mandatory) violation", async () => {
    const diags = await analyzeResources([costAllocationTags], [r("fail-no-tags", TYPES.sqsQueue, {})], {
      [POLICY]: "remediate",
    });
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-no-tags"]);
  });

  it("exempt resources are advisory with the reason", async () => {
    const tags = { "serverless-guard:exempt": POLICY, "serverless-guard:exempt-reason": "scratch queue" };
    const diags = await analyzeResources([costAllocationTags], [r("scratch", TYPES.sqsQueue, { tags })]);
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(diagnosticsFor(diags, POLICY, "scratch")[0].message).to.include("exempt by tag: scratch queue");
  });

  describe("taggable types (generated from @pulumi/aws's type definitions)", () => {
    it("the committed list matches what the generator derives from the installed @pulumi/aws", () => {
      const committed = JSON.parse(
        fs.readFileSync(path.join(__dirname, "../../policy-pack/generated/taggable-types.json"), "utf8"),
      );
      const fresh = taggableTypes();
      expect(committed.types).to.deep.equal(fresh.taggable);
      expect(committed.excluded).to.deep.equal(fresh.excluded);
    });

    it("excludes S3 objects, whose tags are not billing tags, with the reason", () => {
      const committed = JSON.parse(
        fs.readFileSync(path.join(__dirname, "../../policy-pack/generated/taggable-types.json"), "utf8"),
      );
      const excluded = committed.excluded.map((e: { type: string }) => e.type);
      expect(excluded).to.include.members(["aws:s3/bucketObject:BucketObject", "aws:s3/bucketObjectv2:BucketObjectv2"]);
      for (const e of committed.excluded) expect(e.reason, e.type).to.include("not cost allocation tags");
      for (const t of excluded) expect(isTaggableType(t), t).to.equal(false);
    });

    it("knows tagged and untagged resources apart", () => {
      for (const t of [
        TYPES.lambdaFunction,
        TYPES.sqsQueue,
        TYPES.dynamodbTable,
        TYPES.logGroup,
        TYPES.iamRole,
        TYPES.iamPolicy,
        "aws:s3/bucket:Bucket",
      ]) {
        expect(isTaggableType(t), t).to.equal(true);
      }
      for (const t of [
        TYPES.iamRolePolicy,
        TYPES.lambdaProvisionedConcurrency,
        TYPES.lambdaAlias,
        TYPES.iamRolePolicyAttachment,
        TYPES.awsProvider,
        "aws:devopsguru/resourceCollection:ResourceCollection",
      ]) {
        expect(isTaggableType(t), t).to.equal(false);
      }
    });
  });
});
