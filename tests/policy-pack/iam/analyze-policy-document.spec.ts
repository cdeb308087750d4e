import { expect } from "chai";
import * as fc from "fast-check";
import { analyzePolicyDocument, IamFindingKind } from "../../../policy-pack/iam/analyze-policy-document";

// The SDK's own sentinels and unknown-checking proxy (internal to @pulumi/policy, hence require).

const sdkProxy = require("@pulumi/policy/proxy") as {
  unknownStringValue: string;
  unknownArrayValue: string;
  unknownObjectValue: string;
  unknownCheckingProxy<T>(value: T): T;
};

const ACCOUNT = "123456789012";

function allow(Action: unknown, Resource: unknown, extra: Record<string, unknown> = {}): Record<string, unknown> {
  return { Effect: "Allow", Action, Resource, ...extra };
}
function doc(...Statement: unknown[]): Record<string, unknown> {
  return { Version: "2012-10-17", Statement };
}

// Checkov-style fixtures: named documents that must pass, and named documents that must fail with
// exactly these finding kinds.
const passing: Record<string, unknown> = {
  "xray-actions-without-resource-types-on-star": doc(allow(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*")),
  "logs-describe-log-groups-on-star": doc(allow("logs:DescribeLogGroups", "*")),
  "log-stream-suffix": doc(
    allow(
      ["logs:CreateLogStream", "logs:PutLogEvents"],
      `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn:*`,
    ),
  ),
  "log-group-by-name": doc(allow("logs:CreateLogGroup", `arn:aws:logs:us-east-1:${ACCOUNT}:log-group:/aws/lambda/fn`)),
  "objects-of-one-bucket": doc(allow(["s3:GetObject", "s3:PutObject"], "arn:aws:s3:::one-bucket/*")),
  "objects-under-a-policy-variable": doc(allow("s3:GetObject", "arn:aws:s3:::home/${aws:username}/*")),
  "named-table-and-its-indexes": doc(
    allow(
      ["dynamodb:GetItem", "dynamodb:PutItem", "dynamodb:Query"],
      [
        `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`,
        `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders/index/*`,
      ],
    ),
  ),
  "table-name-prefix": doc(allow("dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/app-*`)),
  "named-queue-any-region": doc(allow(["sqs:SendMessage"], `arn:aws:sqs:*:${ACCOUNT}:orders-dlq`)),
  "passrole-named-role": doc(allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/app-fn-role`)),
  "put-metric-data-optional-resource-only": doc(allow("cloudwatch:PutMetricData", "*")),
  "deny-with-wildcards": doc(
    { Effect: "Deny", Action: "*", Resource: "*" },
    { Effect: "Deny", NotAction: "s3:GetObject", NotResource: "arn:aws:s3:::b/*" },
  ),
  "trust-policy": doc(
    { Effect: "Allow", Principal: { Service: "lambda.amazonaws.com" }, Action: "sts:AssumeRole" },
    {
      Effect: "Allow",
      Principal: { Federated: `arn:aws:iam::${ACCOUNT}:oidc-provider/token.actions.githubusercontent.com` },
      Action: ["sts:AssumeRoleWithWebIdentity", "sts:TagSession"],
      Condition: { StringEquals: { "token.actions.githubusercontent.com:aud": "sts.amazonaws.com" } },
    },
  ),
  "empty-statement-list": doc(),
};

const failing: Record<string, { document: unknown; kinds: IamFindingKind[]; messages: string[] }> = {
  "admin-star": {
    document: doc(allow("*", "*")),
    kinds: ["action-wildcard", "passrole-wildcard", "resource-wildcard"],
    messages: ['statement 0: Action wildcard "*" (every action of every service)'],
  },
  "service-wildcard-on-named-bucket": {
    document: doc(allow("s3:*", ["arn:aws:s3:::b", "arn:aws:s3:::b/*"])),
    kinds: ["action-wildcard"],
    messages: ['Action wildcard "s3:*"'],
  },
  "partial-wildcard-on-named-table": {
    document: doc(allow("dynamodb:Get*", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:table/orders`)),
    kinds: ["action-wildcard"],
    messages: ['"dynamodb:Get*" ('],
  },
  "question-mark-wildcard": {
    document: doc(allow("s3:GetObjec?", "arn:aws:s3:::b/*")),
    kinds: ["action-wildcard"],
    messages: ['"s3:GetObjec?" (1 action today'],
  },
  "not-action-allow": {
    document: doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }),
    kinds: ["not-action-allow"],
    messages: ['statement 0: Allow with NotAction "iam:*" grants every other action'],
  },
  "not-resource-allow": {
    document: doc({ Effect: "Allow", Action: "s3:GetObject", NotResource: "arn:aws:s3:::secret/*" }),
    kinds: ["not-resource-allow"],
    messages: ['Allow with NotResource "arn:aws:s3:::secret/*" grants the actions on every other resource'],
  },
  "dynamodb-on-star": {
    document: doc(allow("dynamodb:PutItem", "*", { Sid: "Db" })),
    kinds: ["resource-wildcard"],
    messages: [
      'statement 0 (Sid "Db"): Resource "*" for dynamodb:PutItem (table), which supports resource-level permissions; name the table ARN',
    ],
  },
  "dynamodb-every-table": {
    document: doc(allow("dynamodb:GetItem", "arn:aws:dynamodb:*:*:table/*")),
    kinds: ["resource-wildcard"],
    messages: [
      'Resource "arn:aws:dynamodb:*:*:table/*" (an ARN that covers every dynamodb table) for dynamodb:GetItem (table)',
    ],
  },
  "dynamodb-account-star": {
    document: doc(allow("dynamodb:GetItem", `arn:aws:dynamodb:us-east-1:${ACCOUNT}:*`)),
    kinds: ["resource-wildcard"],
    messages: [`"arn:aws:dynamodb:us-east-1:${ACCOUNT}:*" (an ARN whose resource part is "*")`],
  },
  "arn-star": {
    document: doc(allow("sqs:SendMessage", "arn:*:*")),
    kinds: ["resource-wildcard"],
    messages: ['"arn:*:*" (an ARN that ends in "*" before naming a resource) for sqs:SendMessage (queue)'],
  },
  "every-log-group": {
    document: doc(allow("logs:PutLogEvents", "arn:aws:logs:*:*:log-group:*")),
    kinds: ["resource-wildcard"],
    messages: ["for logs:PutLogEvents (log-stream)"],
  },
  "basic-execution-role-shape": {
    document: doc(allow(["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents"], "*")),
    kinds: ["resource-wildcard"],
    messages: ["logs:CreateLogGroup (log-group), logs:CreateLogStream (log-stream), logs:PutLogEvents (log-stream)"],
  },
  "mixed-scoped-and-unscoped-actions": {
    document: doc(allow(["xray:PutTraceSegments", "dynamodb:GetItem"], "*")),
    kinds: ["resource-wildcard"],
    messages: ['Resource "*" for dynamodb:GetItem (table), which supports'],
  },
  "passrole-on-star": {
    document: doc(allow("iam:PassRole", "*")),
    kinds: ["passrole-wildcard"],
    messages: ['"iam:PassRole" on Resource "*" lets the holder pass any role'],
  },
  "passrole-on-every-role": {
    document: doc(allow("iam:PassRole", `arn:aws:iam::${ACCOUNT}:role/*`)),
    kinds: ["passrole-wildcard"],
    messages: ["(an ARN that covers every iam role)"],
  },
  "passrole-by-pattern": {
    document: doc(allow("iam:Pass*", "*")),
    kinds: ["action-wildcard", "passrole-wildcard", "resource-wildcard"],
    messages: ['"iam:Pass*" on Resource "*"'],
  },
  "unknown-action-on-star": {
    document: doc(allow("foo:DoThing", "*")),
    kinds: ["resource-wildcard"],
    messages: ["foo:DoThing (not in the AWS action catalog, so assumed to support them)"],
  },
  "assume-role-in-identity-policy": {
    document: doc(allow("sts:AssumeRole", "*")),
    kinds: ["resource-wildcard"],
    messages: ["sts:AssumeRole (role)"],
  },
  "second-statement-fails": {
    document: doc(allow("xray:PutTraceSegments", "*"), allow(["sqs:SendMessage"], "*", { Sid: "Queue" })),
    kinds: ["resource-wildcard"],
    messages: ['statement 1 (Sid "Queue"): Resource "*" for sqs:SendMessage (queue)'],
  },
};

function kindsOf(document: unknown, options = {}): IamFindingKind[] {
  return analyzePolicyDocument(document, options)
    .findings.map((f) => f.kind)
    .sort();
}

describe("analyzePolicyDocument", () => {
  describe("fixtures", () => {
    const all: Record<string, unknown> = { ...passing };
    for (const [name, fixture] of Object.entries(failing)) all[name] = fixture.document;

    it("fails exactly the failing fixtures", () => {
      const failed = Object.entries(all)
        .filter(([, document]) => analyzePolicyDocument(document).findings.length > 0)
        .map(([name]) => name)
        .sort();
      expect(failed).to.deep.equal(Object.keys(failing).sort());
    });

    it("decides every fixture (nothing undecided)", () => {
      for (const [name, document] of Object.entries(all)) {
        expect(analyzePolicyDocument(document).undecided, name).to.deep.equal([]);
      }
    });

    for (const [name, fixture] of Object.entries(failing)) {
      it(`${name}: ${fixture.kinds.join(", ")}`, () => {
        const analysis = analyzePolicyDocument(fixture.document);
        expect(analysis.findings.map((f) => f.kind).sort()).to.deep.equal([...fixture.kinds].sort());
        const text = analysis.findings.map((f) => f.message).join("\n");
        for (const expected of fixture.messages) expect(text).to.include(expected);
        for (const finding of analysis.findings) {
          expect(finding.message).to.match(/^statement \d+/);
          expect(finding.message).not.to.include("\n");
        }
      });
    }
  });

  it("reports the offending actions and resources as written, with the statement index and Sid", () => {
    const analysis = analyzePolicyDocument(
      doc(
        allow("s3:GetObject", "arn:aws:s3:::b/*"),
        allow(["xray:PutTraceSegments", "DynamoDB:PutItem", "iam:PassRole"], ["*"], { Sid: "Wide" }),
      ),
    );
    const byKind = Object.fromEntries(analysis.findings.map((f) => [f.kind, f]));
    expect(Object.keys(byKind).sort()).to.deep.equal(["passrole-wildcard", "resource-wildcard"]);
    expect(byKind["resource-wildcard"]).to.include({ statementIndex: 1, sid: "Wide" });
    expect(byKind["resource-wildcard"].actions).to.deep.equal(["DynamoDB:PutItem"]);
    expect(byKind["resource-wildcard"].resources).to.deep.equal(["*"]);
    expect(byKind["passrole-wildcard"].actions).to.deep.equal(["iam:PassRole"]);
  });

  describe("input shapes", () => {
    const every = [...Object.values(passing), ...Object.values(failing).map((f) => f.document)];

    it("gives the same analysis for a JSON string and the object", () => {
      for (const document of every) {
        expect(analyzePolicyDocument(JSON.stringify(document))).to.deep.equal(analyzePolicyDocument(document));
      }
    });

    it("accepts Statement as a single object", () => {
      const single = { Version: "2012-10-17", Statement: allow("dynamodb:PutItem", "*") };
      expect(analyzePolicyDocument(single)).to.deep.equal(analyzePolicyDocument(doc(allow("dynamodb:PutItem", "*"))));
    });

    it("accepts Action and Resource as strings or arrays", () => {
      expect(kindsOf(doc(allow("dynamodb:PutItem", "*")))).to.deep.equal(
        kindsOf(doc(allow(["dynamodb:PutItem"], ["*"]))),
      );
      expect(kindsOf(doc(allow(["xray:PutTraceSegments"], ["*"])))).to.deep.equal([]);
    });

    it("matches action names and Effect case-insensitively", () => {
      expect(kindsOf(doc(allow("DYNAMODB:putitem", "*")))).to.deep.equal(["resource-wildcard"]);
      expect(kindsOf(doc(allow("XRay:puttracesegments", "*")))).to.deep.equal([]);
      expect(kindsOf(doc({ Effect: "allow", Action: "IAM:passrole", Resource: "*" }))).to.deep.equal([
        "passrole-wildcard",
      ]);
      expect(kindsOf(doc({ Effect: "DENY", Action: "*", Resource: "*" }))).to.deep.equal([]);
    });
  });

  describe("allowedWildcardActions", () => {
    it("exempts the named actions and patterns, case-insensitively, and nothing else", () => {
      const document = doc(allow(["s3:Get*", "logs:PutLogEvents", "dynamodb:PutItem"], "*"));
      expect(kindsOf(document)).to.deep.equal(["action-wildcard", "resource-wildcard"]);
      const analysis = analyzePolicyDocument(document, { allowedWildcardActions: ["S3:GET*", "logs:*"] });
      expect(analysis.findings.map((f) => [f.kind, f.actions])).to.deep.equal([
        ["resource-wildcard", ["dynamodb:PutItem"]],
      ]);
    });

    it("does not let a single-character ? cover a written *", () => {
      expect(kindsOf(doc(allow("s3:Get*", "arn:aws:s3:::b/*")), { allowedWildcardActions: ["s3:Get?"] })).to.deep.equal(
        ["action-wildcard"],
      );
      expect(kindsOf(doc(allow("s3:GetX", "arn:aws:s3:::b/*")), { allowedWildcardActions: ["s3:Get?"] })).to.deep.equal(
        [],
      );
    });

    it("exempts iam:PassRole on * only when named", () => {
      expect(kindsOf(doc(allow("iam:PassRole", "*")), { allowedWildcardActions: ["iam:passrole"] })).to.deep.equal([]);
    });

    it("never exempts NotAction", () => {
      expect(
        kindsOf(doc({ Effect: "Allow", NotAction: "iam:*", Resource: "*" }), { allowedWildcardActions: ["*"] }),
      ).to.deep.equal(["not-action-allow"]);
    });
  });

  describe("unknown values during preview", () => {
    it("leaves a wholly unknown document undecided", () => {
      for (const unknown of [sdkProxy.unknownStringValue, sdkProxy.unknownObjectValue]) {
        const analysis = analyzePolicyDocument(unknown);
        expect(analysis.findings).to.deep.equal([]);
        expect(analysis.undecided).to.deep.equal(["the policy document is unknown during preview"]);
      }
    });

    it("still finds Action * when the Resource is unknown", () => {
      const analysis = analyzePolicyDocument(doc(allow("*", sdkProxy.unknownStringValue)));
      expect(analysis.findings.map((f) => f.kind)).to.deep.equal(["action-wildcard"]);
      expect(analysis.undecided).to.deep.equal([
        "statement 0: Resource is unknown during preview (in whole or in part)",
      ]);
    });

    it("decides with the known entries of a partly unknown Action or Resource", () => {
      const analysis = analyzePolicyDocument(
        doc(allow(["dynamodb:PutItem", sdkProxy.unknownStringValue], [sdkProxy.unknownStringValue, "*"])),
      );
      expect(analysis.findings.map((f) => [f.kind, f.actions, f.resources])).to.deep.equal([
        ["resource-wildcard", ["dynamodb:PutItem"], ["*"]],
      ]);
      expect(analysis.undecided).to.have.length(2);
    });

    it("leaves a statement with an unknown Effect undecided", () => {
      const analysis = analyzePolicyDocument(doc({ Effect: sdkProxy.unknownStringValue, Action: "*", Resource: "*" }));
      expect(analysis.findings).to.deep.equal([]);
      expect(analysis.undecided).to.deep.equal(["statement 0: Effect is unknown during preview"]);
    });

    it("handles unknown Statement lists and statements", () => {
      expect(analyzePolicyDocument({ Statement: sdkProxy.unknownArrayValue }).undecided).to.deep.equal([
        "Statement is unknown during preview",
      ]);
      const analysis = analyzePolicyDocument(doc(sdkProxy.unknownObjectValue, allow("s3:*", "arn:aws:s3:::b")));
      expect(analysis.findings.map((f) => f.statementIndex)).to.deep.equal([1]);
      expect(analysis.undecided).to.deep.equal(["statement 0 is unknown during preview"]);
    });

    it("works through the SDK's unknown-checking proxy, which throws on unknown reads", () => {
      const proxied = sdkProxy.unknownCheckingProxy(doc(allow("*", sdkProxy.unknownStringValue)));
      const analysis = analyzePolicyDocument(proxied);
      expect(analysis.findings.map((f) => f.kind)).to.deep.equal(["action-wildcard"]);
      expect(analysis.undecided).to.deep.equal([
        "statement 0: Resource is unknown during preview (in whole or in part)",
      ]);
    });
  });

  describe("odd input", () => {
    const garbage: unknown[] = [
      undefined,
      null,
      42,
      true,
      [],
      "",
      "   ",
      "{",
      "null",
      "[1,2]",
      '"text"',
      {},
      { Statement: 5 },
      { Statement: [null, "x", 3, []] },
      doc({ Effect: "Allow" }),
      doc({ Effect: "Maybe", Action: "*", Resource: "*" }),
      doc({ Effect: "Allow", Action: [1, {}], Resource: "*" }),
    ];

    it("never throws, reports nothing and says why", () => {
      for (const input of garbage) {
        const analysis = analyzePolicyDocument(input);
        expect(analysis.findings, JSON.stringify(input)).to.deep.equal([]);
        expect(analysis.undecided, JSON.stringify(input)).not.to.be.empty;
      }
    });

    it("names the JSON problem", () => {
      expect(analyzePolicyDocument("{").undecided[0]).to.match(/^the policy document is not valid JSON \(/);
    });

    it("never throws on arbitrary JSON (property)", () => {
      fc.assert(
        fc.property(fc.oneof(fc.jsonValue(), fc.json(), fc.anything()), (input) => {
          const analysis = analyzePolicyDocument(input);
          return Array.isArray(analysis.findings) && Array.isArray(analysis.undecided);
        }),
        { numRuns: 500 },
      );
    });

    it("never throws on arbitrary statements, and an added Allow Action * always yields action-wildcard (property)", () => {
      fc.assert(
        fc.property(
          fc.array(
            fc.oneof(
              fc.jsonValue(),
              fc.record({
                Effect: fc.constantFrom("Allow", "Deny", "allow"),
                Action: fc.jsonValue(),
                Resource: fc.jsonValue(),
              }),
            ),
          ),
          fc.jsonValue(),
          fc.boolean(),
          (statements, resource, asString) => {
            const document = doc(...statements, { Effect: "Allow", Action: "*", Resource: resource });
            const analysis = analyzePolicyDocument(asString ? JSON.stringify(document) : document);
            return analysis.findings.some(
              (f) => f.kind === "action-wildcard" && f.statementIndex === statements.length,
            );
          },
        ),
        { numRuns: 300 },
      );
    });
  });
});
