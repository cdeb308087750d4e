import { expect } from "chai";
import { iamScopedPermissions } from "../../policy-pack/iam-scoped-permissions";
import { TYPES } from "../../policy-pack/common/types";
import { analyzeResources, diagnosticsFor, failingNames, FixtureResource, unknown } from "../support/policy-harness";

const POLICY = "iam-scoped-permissions";
const doc = (...Statement: object[]) => ({ Version: "2012-10-17", Statement });
const allow = (Action: unknown, Resource: unknown, Sid?: string) => ({ Sid, Effect: "Allow", Action, Resource });
const TABLE = "arn:aws:dynamodb:us-east-1:123456789012:table/orders";
const LOG_GROUP = "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api:*";
const r = (name: string, type: string, props: Record<string, unknown>): FixtureResource => ({ name, type, props });
const rolePolicy = (name: string, policy: unknown) => r(name, TYPES.iamRolePolicy, { role: "r", policy });
const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";
const XRAY = "arn:aws:iam::aws:policy/AWSXRayDaemonWriteAccess";
/** The fixtures named to fail, sorted: what the policy must fail, no more and no less. */
const namedToFail = (resources: FixtureResource[]) =>
  resources
    .map((f) => f.name)
    .filter((n) => n.startsWith("fail-"))
    .sort();

const fixtures: FixtureResource[] = [
  // Documents on policy resources, as JSON strings or objects.
  r("pass-scoped-policy", TYPES.iamPolicy, {
    policy: JSON.stringify(
      doc(allow(["dynamodb:GetItem", "dynamodb:PutItem"], TABLE), allow("xray:PutTraceSegments", "*")),
    ),
  }),
  r("fail-star-action", TYPES.iamPolicy, { policy: doc(allow("*", "*", "Admin")) }),
  rolePolicy("fail-partial-wildcard", JSON.stringify(doc(allow("dynamodb:Get*", TABLE, "ReadAll")))),
  r("fail-star-resource", TYPES.iamUserPolicy, { user: "u", policy: doc(allow("dynamodb:GetItem", "*")) }),
  r("fail-passrole", TYPES.iamGroupPolicy, { group: "g", policy: doc(allow("iam:PassRole", "*")) }),
  r("pass-deny-wildcard", TYPES.iamPolicy, { policy: doc({ Effect: "Deny", Action: "*", Resource: "*" }) }),
  rolePolicy("pass-log-stream-suffix", doc(allow(["logs:CreateLogStream", "logs:PutLogEvents"], LOG_GROUP))),
  // Roles: inline policies are judged, the trust policy is not.
  r("pass-role-trust-only", TYPES.iamRole, {
    assumeRolePolicy: JSON.stringify(
      doc({ Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" }),
    ),
  }),
  r("fail-role-inline", TYPES.iamRole, {
    assumeRolePolicy: "{}",
    inlinePolicies: [
      { name: "ok", policy: JSON.stringify(doc(allow("sqs:SendMessage", "arn:aws:sqs:us-east-1:1:q"))) },
      { name: "broad", policy: JSON.stringify(doc(allow("sqs:*", "*"))) },
    ],
  }),
  // Attachments: AWS managed policies are judged by their real documents; customer-managed ones on their own resource.
  r("fail-admin-attached", TYPES.iamRolePolicyAttachment, { role: "r", policyArn: ADMIN }),
  r("fail-basic-execution-attached", TYPES.iamRolePolicyAttachment, { role: "r", policyArn: BASIC_EXECUTION }),
  r("fail-user-admin", TYPES.iamUserPolicyAttachment, { user: "u", policyArn: ADMIN }),
  r("fail-group-admin", TYPES.iamGroupPolicyAttachment, { group: "g", policyArn: ADMIN }),
  r("fail-policy-attachment", TYPES.iamPolicyAttachment, { roles: ["r"], policyArn: ADMIN }),
  r("pass-xray-managed", TYPES.iamRolePolicyAttachment, { role: "r", policyArn: XRAY }),
  r("pass-customer-managed", TYPES.iamRolePolicyAttachment, {
    role: "r",
    policyArn: "arn:aws:iam::123456789012:policy/app",
  }),
  r("pass-not-iam", TYPES.sqsQueue, { policy: doc(allow("*", "*")) }),
  // Managed policies attached by ARN list: a role's (deprecated) managedPolicyArns and the *PolicyAttachmentsExclusive resources.
  r("fail-role-managed-admin", TYPES.iamRole, {
    assumeRolePolicy: "{}",
    managedPolicyArns: ["arn:aws:iam::123456789012:policy/app", ADMIN],
  }),
  r("pass-role-managed-customer", TYPES.iamRole, {
    assumeRolePolicy: "{}",
    managedPolicyArns: ["arn:aws:iam::123456789012:policy/app"],
  }),
  r("fail-exclusive-basic-execution", TYPES.iamRolePolicyAttachmentsExclusive, {
    roleName: "r",
    policyArns: [BASIC_EXECUTION],
  }),
  r("pass-exclusive-xray", TYPES.iamUserPolicyAttachmentsExclusive, {
    userName: "u",
    policyArns: [XRAY],
  }),
  // s3:GetObject lists two optional resource types (object or access point object): alternatives, so "*" fails.
  rolePolicy("fail-object-read-anywhere", doc(allow(["s3:GetObject", "cloudwatch:PutMetricData"], "*"))),
];

describe(POLICY, () => {
  it("fails exactly the documents, inline policies and AWS managed attachments that grant wildcards", async () => {
    const diags = await analyzeResources([iamScopedPermissions], fixtures);
    expect(failingNames(diags, POLICY)).to.deep.equal(namedToFail(fixtures)).and.to.have.length(13);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal([]);
  });

  it("names the resource, the document, each offending statement and action", async () => {
    const diags = await analyzeResources([iamScopedPermissions], fixtures);
    const msg = (n: string) =>
      diagnosticsFor(diags, POLICY, n)
        .map((d) => d.message)
        .join("\n");
    expect(msg("fail-star-action"))
      .to.include('aws:iam/policy:Policy "fail-star-action" grants wildcard permissions: policy document:')
      .and.include("Admin");
    expect(msg("fail-partial-wildcard")).to.include("dynamodb:Get*").and.include("ReadAll");
    expect(msg("fail-role-inline"))
      .to.include('inline policy "broad"')
      .and.include("sqs:*")
      .and.not.include('inline policy "ok"');
    expect(msg("fail-admin-attached")).to.include(
      "AWS managed policy AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess)",
    );
    expect(msg("fail-basic-execution-attached"))
      .to.include("AWSLambdaBasicExecutionRole")
      .and.include("logs:CreateLogGroup");
    expect(msg("fail-role-managed-admin"))
      .to.include("AWS managed policy AdministratorAccess (arn:aws:iam::aws:policy/AdministratorAccess)")
      .and.not.include("policy/app");
  });

  it("allowedWildcardActions from config adds exceptions", async () => {
    const diags = await analyzeResources(
      [iamScopedPermissions],
      [r("star-resource", TYPES.iamUserPolicy, { user: "u", policy: doc(allow("dynamodb:GetItem", "*")) })],
      {
        [POLICY]: { allowedWildcardActions: ["dynamodb:GetItem"] },
      },
    );
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
  });

  it("decides what preview knows: Action '*' fails even with an unknown ARN; a fully unknown document is only advisory", async () => {
    const diags = await analyzeResources(
      [iamScopedPermissions],
      [
        r("fail-star-with-unknown-arn", TYPES.iamPolicy, { policy: doc(allow("*", unknown.string)) }),
        r("unknown-document", TYPES.iamRolePolicy, { role: "r", policy: unknown.string }),
        r("unknown-inline", TYPES.iamRole, { inlinePolicies: unknown.array }),
        r("unknown-arn", TYPES.iamRolePolicyAttachment, { role: "r", policyArn: unknown.string }),
        r("unknown-managed-list", TYPES.iamRole, { managedPolicyArns: unknown.array }),
        r("fail-admin-next-to-unknown-arn", TYPES.iamRole, {
          managedPolicyArns: [unknown.string, "arn:aws:iam::aws:policy/AdministratorAccess"],
        }),
      ],
    );
    expect(failingNames(diags, POLICY)).to.deep.equal(["fail-admin-next-to-unknown-arn", "fail-star-with-unknown-arn"]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal([
      "unknown-arn",
      "unknown-document",
      "unknown-inline",
      "unknown-managed-list",
    ]);
    expect(diagnosticsFor(diags, POLICY, "unknown-managed-list")[0].message).to.include(
      "managedPolicyArns: it is unknown during preview",
    );
    expect(diagnosticsFor(diags, POLICY, "fail-admin-next-to-unknown-arn")[0].message).to.include(
      "(not yet decidable: managedPolicyArns[0]: it is unknown during preview)",
    );
    expect(diagnosticsFor(diags, POLICY, "unknown-document")[0].message).to.include("unknown during preview");
  });

  it("reports an unparsable document as advisory, never a crash", async () => {
    const diags = await analyzeResources(
      [iamScopedPermissions],
      [r("garbage", TYPES.iamPolicy, { policy: "{not json" })],
    );
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["garbage"]);
    expect(diags[0].message).to.include("not valid JSON");
  });

  it("exempt and excluded resources are advisory", async () => {
    const tags = { "serverless-guard:exempt": POLICY, "serverless-guard:exempt-reason": "break-glass admin role" };
    const diags = await analyzeResources(
      [iamScopedPermissions],
      [r("admin", TYPES.iamPolicy, { policy: doc(allow("*", "*")), tags }), fixtures[9]],
      { [POLICY]: { exclude: ["*::fail-admin-*"] } },
    );
    expect(failingNames(diags, POLICY)).to.deep.equal([]);
    expect(failingNames(diags, POLICY, "advisory")).to.deep.equal(["admin", "fail-admin-attached"]);
  });
});

describe(`${POLICY}: functions in a VPC`, () => {
  const ENI = "arn:aws:ec2:us-east-1:123456789012:network-interface/*";
  const SUBNET = "arn:aws:ec2:us-east-1:123456789012:subnet/subnet-0abc";
  const SG = "arn:aws:ec2:us-east-1:123456789012:security-group/sg-0abc";
  const DELETE_ENI = "ec2:DeleteNetworkInterface";
  const ENI_ACTIONS = [
    "ec2:CreateNetworkInterface",
    "ec2:DeleteNetworkInterface",
    "ec2:AssignPrivateIpAddresses",
    "ec2:UnassignPrivateIpAddresses",
  ];
  const vpc: FixtureResource[] = [
    // The ENI actions on the account's network interfaces, subnets and security groups named: as narrow as they can be.
    rolePolicy(
      "pass-vpc-eni",
      doc(allow(ENI_ACTIONS, [ENI, SUBNET, SG], "Eni"), allow("ec2:DescribeNetworkInterfaces", "*")),
    ),
    rolePolicy(
      "pass-vpc-eni-partition",
      doc(allow(DELETE_ENI, "arn:aws-us-gov:ec2:us-gov-west-1:123456789012:network-interface/*")),
    ),
    // The same actions on "*", or on network interfaces of any account or region: still too broad.
    rolePolicy("fail-vpc-eni-star", doc(allow(ENI_ACTIONS, "*", "EniAnywhere"))),
    rolePolicy("fail-vpc-eni-any-account", doc(allow(DELETE_ENI, "arn:aws:ec2:us-east-1:*:network-interface/*"))),
    rolePolicy("fail-vpc-eni-any-region", doc(allow(DELETE_ENI, "arn:aws:ec2:*:123456789012:network-interface/*"))),
    // Another action on an effectively-star ARN, beside the ENI statement: fails, and only that statement is named.
    rolePolicy(
      "fail-vpc-terminate-instances",
      doc(
        allow(ENI_ACTIONS, [ENI, SUBNET, SG], "Eni"),
        allow("ec2:TerminateInstances", "arn:aws:ec2:us-east-1:123456789012:instance/*", "Terminate"),
      ),
    ),
    // A non-ENI action on the network-interface ARN: not covered by the exception.
    rolePolicy(
      "fail-vpc-other-action-on-eni",
      doc(allow(["ec2:CreateNetworkInterface", "ec2:DetachNetworkInterface"], ENI, "Mixed")),
    ),
    // AWS's own AWSLambdaVPCAccessExecutionRole grants them on "*": it fails.
    r("fail-vpc-managed", TYPES.iamRolePolicyAttachment, {
      role: "r",
      policyArn: "arn:aws:iam::aws:policy/service-role/AWSLambdaVPCAccessExecutionRole",
    }),
  ];

  it("accepts the network-interface actions on one account's network-interface/* and nothing wider", async () => {
    const diags = await analyzeResources([iamScopedPermissions], vpc);
    expect(failingNames(diags, POLICY)).to.deep.equal(namedToFail(vpc)).and.to.have.length(6);
    expect(diags.filter((d) => d.policyName === POLICY && d.enforcementLevel === "advisory")).to.deep.equal([]);
  });

  it("names only what is too broad", async () => {
    const diags = await analyzeResources([iamScopedPermissions], vpc);
    const terminate = diagnosticsFor(diags, POLICY, "fail-vpc-terminate-instances")[0].message;
    expect(terminate)
      .to.include('statement 1 (Sid "Terminate"): Resource "arn:aws:ec2:us-east-1:123456789012:instance/*"')
      .and.include("ec2:TerminateInstances");
    expect(terminate).to.not.include("statement 0");
    const mixed = diagnosticsFor(diags, POLICY, "fail-vpc-other-action-on-eni")[0].message;
    expect(mixed).to.include("ec2:DetachNetworkInterface").and.not.include("ec2:CreateNetworkInterface (");
    expect(diagnosticsFor(diags, POLICY, "fail-vpc-eni-star")[0].message).to.include(
      'Resource "*" for ec2:CreateNetworkInterface',
    );
  });
});
