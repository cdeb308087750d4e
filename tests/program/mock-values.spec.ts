import { expect } from "chai";
import { renderPolicyDocument, answerInvoke } from "../../src/program/invokes";
import { mockState, withAutoName } from "../../src/program/mock-outputs";

// Pure functions (no Pulumi runtime state), so these run in the mocha process itself.
const urn = (type: string, name: string) => `urn:pulumi:dev::p::${type}::${name}`;
const ctx = { region: "eu-west-1", account: "123456789012" };

describe("mock values", () => {
  describe("auto-names", () => {
    it("appends 7 hex characters to the logical name unless a name or namePrefix is given", () => {
      const t = "aws:sqs/queue:Queue";
      expect(withAutoName(t, "jobs", urn(t, "jobs"), {}).name).to.match(/^jobs-[0-9a-f]{7}$/);
      expect(withAutoName(t, "jobs", urn(t, "jobs"), { name: "fixed" }).name).to.equal("fixed");
      expect(withAutoName(t, "jobs", urn(t, "jobs"), { namePrefix: "pre-" }).name).to.match(/^pre-[0-9a-f]{7}$/);
      expect(withAutoName(t, "jobs", urn(t, "jobs"), { fifoQueue: true }).name).to.match(/^jobs-[0-9a-f]{7}\.fifo$/);
      const b = "aws:s3/bucket:Bucket";
      expect(withAutoName(b, "Assets", urn(b, "Assets"), {}).bucket).to.match(/^assets-[0-9a-f]{7}$/);
      // types without a physical name are left alone
      const a = "aws:iam/rolePolicyAttachment:RolePolicyAttachment";
      expect(withAutoName(a, "att", urn(a, "att"), { role: "r" })).to.deep.equal({ role: "r" });
    });
  });

  describe("outputs", () => {
    it("shapes ids and ARNs per service", () => {
      const fn = mockState("aws:lambda/function:Function", "f", "u1", { name: "f-1" }, ctx);
      expect(fn.id).to.equal("f-1");
      expect(fn.computed).to.deep.include({
        arn: "arn:aws:lambda:eu-west-1:123456789012:function:f-1",
        version: "$LATEST",
      });
      const alias = mockState(
        "aws:lambda/alias:Alias",
        "live",
        "u2",
        { name: "live", functionName: "arn:aws:lambda:eu-west-1:123456789012:function:f-1" },
        ctx,
      );
      expect(alias.computed.arn).to.equal("arn:aws:lambda:eu-west-1:123456789012:function:f-1:live");
      const pcc = mockState(
        "aws:lambda/provisionedConcurrencyConfig:ProvisionedConcurrencyConfig",
        "pc",
        "u3",
        { functionName: "f-1", qualifier: "live" },
        ctx,
      );
      expect(pcc.id).to.equal("f-1,live");
      const policy = mockState("aws:iam/policy:Policy", "p", "u4", { name: "p-1", path: "/svc/" }, ctx);
      expect(policy.id).to.equal("arn:aws:iam::123456789012:policy/svc/p-1");
      const topic = mockState("aws:sns/topic:Topic", "t", "u5", { name: "t-1" }, ctx);
      expect(topic.id).to.equal("arn:aws:sns:eu-west-1:123456789012:t-1");
      const key = mockState("aws:kms/key:Key", "k", "u6", {}, ctx);
      expect(key.computed.arn).to.equal(`arn:aws:kms:eu-west-1:123456789012:key/${key.id}`);
      expect(key.id).to.match(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-8[0-9a-f]{3}-[0-9a-f]{12}$/);
      const generic = mockState("aws:apigateway/restApi:RestApi", "api", "u7", { name: "api-1" }, ctx);
      expect(generic.computed.arn).to.equal("arn:aws:apigateway:eu-west-1:123456789012:rest-api/api-1");
      const other = mockState("random:index/randomId:RandomId", "rid", "u8", {}, ctx);
      expect(other.computed).to.deep.equal({});
    });

    it("merges provider defaultTags under the resource's tags into tagsAll", () => {
      const q = mockState(
        "aws:sqs/queue:Queue",
        "q",
        "u",
        { name: "q", tags: { Owner: "me", Project: "x" } },
        { ...ctx, defaultTags: { Owner: "ops", CostCenter: "c" } },
      );
      expect(q.computed.tagsAll).to.deep.equal({ Owner: "me", Project: "x", CostCenter: "c" });
    });
  });

  describe("getPolicyDocument", () => {
    it("renders wildcard principals, notPrincipals and merges source and override documents by Sid", () => {
      const source = JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "A", Effect: "Allow", Action: "s3:GetObject", Resource: "*" },
          { Sid: "B", Effect: "Deny", Action: "*", Resource: "*" },
        ],
      });
      const override = JSON.stringify({
        Statement: { Sid: "B", Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" },
      });
      const out = renderPolicyDocument({
        policyId: "doc-1",
        sourcePolicyDocuments: [source],
        overridePolicyDocuments: [override],
        statements: [
          {
            sid: "A",
            actions: ["s3:PutObject"],
            resources: ["arn:aws:s3:::b/*"],
            principals: [{ type: "*", identifiers: ["*"] }],
          },
          {
            effect: "Deny",
            actions: ["s3:*"],
            notPrincipals: [{ type: "AWS", identifiers: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] }],
          },
        ],
      });
      expect(JSON.parse(out.minifiedJson as string)).to.deep.equal({
        Version: "2012-10-17",
        Id: "doc-1",
        Statement: [
          { Sid: "A", Effect: "Allow", Action: "s3:PutObject", Resource: "arn:aws:s3:::b/*", Principal: "*" },
          { Sid: "B", Effect: "Deny", Action: "s3:DeleteObject", Resource: "*" },
          { Effect: "Deny", Action: "s3:*", NotPrincipal: { AWS: ["arn:aws:iam::1:root", "arn:aws:iam::2:root"] } },
        ],
      });
      expect(out.json).to.equal(JSON.stringify(JSON.parse(out.minifiedJson as string), null, 2));
    });

    it("leaves unknown invokes unanswered so the caller can report them as faked", () => {
      expect(answerInvoke("aws:ec2/getVpc:getVpc", {}, ctx)).to.equal(undefined);
      expect(answerInvoke("aws:index/getRegion:getRegion", {}, ctx)).to.deep.include({ name: "eu-west-1" });
    });
  });
});
