import { expect } from "chai";
import { EnforceResult } from "../../src/analyzer/enforce";
import { ResourceGraph } from "../../src/analyzer/resource-record";
import { formatReport } from "../../src/report";
import { sarifErrors } from "./support/sarif-schema";

const fnUrn = "urn:pulumi:dev::proj::app:Comp$aws:lambda/function:Function::big";
const result = (): EnforceResult => ({
  policyPack: { name: "serverless-guard", version: "1.2.3" },
  violations: [
    {
      policyName: "lambda-memory-limit",
      policyPackName: "serverless-guard",
      policyPackVersion: "1.2.3",
      resourceUrn: fnUrn,
      enforcementLevel: "mandatory",
      severity: "medium",
      message: "Limit memory\nmemorySize 3008 MB exceeds 768 MB",
      phase: "analyze",
    },
    {
      policyName: "lambda-log-group",
      policyPackName: "serverless-guard",
      policyPackVersion: "1.2.3",
      resourceUrn: fnUrn,
      enforcementLevel: "advisory",
      message: "no log group",
      phase: "analyzeStack",
    },
    {
      policyName: "dlq-alarm",
      policyPackName: "serverless-guard",
      policyPackVersion: "1.2.3",
      enforcementLevel: "mandatory",
      severity: "high",
      message: "stack-wide finding",
      phase: "analyzeStack",
    },
  ],
  remediations: [
    {
      policyName: "dynamodb-on-demand",
      resourceUrn: "urn:pulumi:dev::proj::aws:dynamodb/table:Table::t",
      previous: { hashKey: "id", attributes: [{ name: "id", type: "S" }], readCapacity: 5, billingMode: "PROVISIONED" },
      properties: {
        billingMode: "PAY_PER_REQUEST",
        attributes: [{ type: "S", name: "id" }],
        hashKey: "id",
        tags: { Owner: "o" },
      },
    },
  ],
  summary: { resources: 4, mandatory: 2, advisory: 1, fakedInvokes: ["aws:ec2/getAmi:getAmi"] },
  policies: [
    {
      name: "lambda-memory-limit",
      description: "Limit memory",
      enforcementLevel: "mandatory",
      severity: "medium",
      remediationSteps: "Lower memorySize",
      policyType: "resource",
    },
    { name: "lambda-log-group", description: "Log groups", enforcementLevel: "mandatory", policyType: "stack" },
    {
      name: "dlq-alarm",
      description: "DLQ alarms",
      enforcementLevel: "mandatory",
      severity: "high",
      policyType: "stack",
    },
  ],
  config: {
    "lambda-memory-limit": { enforcementLevel: "mandatory", properties: {} },
    "lambda-log-group": { enforcementLevel: "advisory", properties: {} },
    "dlq-alarm": { enforcementLevel: "disabled", properties: {} },
  },
  logs: [],
});
const graph: ResourceGraph = {
  project: "proj",
  stack: "dev",
  fakedInvokes: [],
  sourceFile: "stack/index.ts",
  resources: [
    {
      urn: fnUrn,
      type: "aws:lambda/function:Function",
      name: "big",
      custom: true,
      inputs: {},
      outputs: {},
      dependencies: [],
      propertyDependencies: {},
      options: {},
      sourcePosition: { uri: "stack/lambda.ts", line: 12, column: 3 },
    },
  ],
};

describe("reports", () => {
  it("sarif: remediate counts as an error, a policy's URL becomes helpUri, and odd source positions stay valid", () => {
    const r = result();
    r.config["lambda-memory-limit"].enforcementLevel = "remediate";
    r.policies[0].url = "https://example.com/policies/lambda-memory-limit";
    const g: ResourceGraph = {
      ...graph,
      resources: [
        // Line 0 (no line known) and a URI that already has a scheme.
        { ...graph.resources[0], sourcePosition: { uri: "file:///work/stack/lambda.ts", line: 0, column: 0 } },
      ],
    };
    const log = JSON.parse(formatReport("sarif", r, g));
    expect(sarifErrors(log)).to.deep.equal([]);
    const [rule] = log.runs[0].tool.driver.rules;
    expect(rule.defaultConfiguration).to.include({ level: "error", enabled: true });
    expect(rule.helpUri).to.equal("https://example.com/policies/lambda-memory-limit");
    expect(log.runs[0].results[0].locations[0].physicalLocation).to.deep.equal({
      artifactLocation: { uri: "file:///work/stack/lambda.ts" },
      region: { startLine: 1 },
    });
  });

  it("text: a headline per finding (mandatory first), the description once in the legend, remediations, the table and the totals", () => {
    expect(formatReport("text", result(), graph)).to.equal(
      [
        "Policy pack serverless-guard@v1.2.3",
        "",
        "mandatory  lambda-memory-limit  big (aws:lambda/function:Function)",
        "    memorySize 3008 MB exceeds 768 MB",
        "",
        "mandatory  dlq-alarm  (stack)",
        "    stack-wide finding",
        "",
        "advisory  lambda-log-group  big (aws:lambda/function:Function)",
        "    no log group",
        "",
        "Remediations",
        "    dynamodb-on-demand  t (aws:dynamodb/table:Table)",
        '        ~ billingMode: "PROVISIONED" => "PAY_PER_REQUEST"',
        '        + tags: {"Owner":"o"}',
        "        - readCapacity",
        "",
        "Faked invokes (answered with an empty result): aws:ec2/getAmi:getAmi",
        "",
        "Policies",
        "    lambda-memory-limit (mandatory, medium): Limit memory",
        "    lambda-log-group (advisory): Log groups",
        "    dlq-alarm (disabled, high): DLQ alarms",
        "",
        "policy               checked  passed  failed  exempt",
        "lambda-memory-limit        1       0       1       0",
        "lambda-log-group           1       0       1       0",
        "dlq-alarm            disabled",
        "",
        "2 resources checked (2 with mandatory findings)",
        "",
      ].join("\n"),
    );
  });

  it("text wraps to the width it is given, clips nothing with --verbose, and colours only when asked", () => {
    const r = result();
    const long =
      Array.from({ length: 40 }, (_, i) => `word${i}`).join(" ") + " arn:aws:iam::123456789012:role/" + "x".repeat(90);
    r.violations[0].message = `Limit memory\n${long}`;
    const narrow = formatReport("text", r, graph, { width: 60 });
    expect(narrow.split("\n").filter((l) => l.length > 60)).to.deep.equal([]);
    expect(narrow).to.contain("Some findings were shortened");
    const verbose = formatReport("text", r, graph, { width: 60, verbose: true });
    expect(verbose.split("\n").filter((l) => l.length > 60)).to.deep.equal([]);
    expect(verbose.replace(/\s+/g, " ")).to.contain(long.slice(0, long.indexOf(" arn:")));
    // The long ARN is broken where the line ends, not left to overflow.
    expect(verbose.replace(/\n {4}/g, "")).to.contain("role/" + "x".repeat(90));
    expect(formatReport("text", r, graph)).not.to.contain("\x1b[");
    expect(formatReport("text", r, graph, { color: true })).to.contain("\x1b[31mmandatory\x1b[39m");
  });

  it("counts an exempt finding as exempt, not failed, and folds several findings of one policy on one resource", () => {
    const r = result();
    const exempt = (message: string) => ({ ...r.violations[0], enforcementLevel: "advisory" as const, message });
    r.violations = [
      exempt('[exempt by tag: load test] function "big" memorySize 3008 MB exceeds 768 MB'),
      { ...r.violations[1], enforcementLevel: "mandatory", message: "no log group named /aws/lambda/big" },
      { ...r.violations[1], enforcementLevel: "mandatory", message: "no log group named /aws/lambda/big-alias" },
    ];
    r.config["lambda-log-group"].enforcementLevel = "mandatory";
    const doc = JSON.parse(formatReport("json", r, graph));
    expect(doc.summary.byPolicy["lambda-memory-limit"]).to.deep.equal({
      enforcementLevel: "mandatory",
      checked: 1,
      passed: 0,
      failed: 0,
      exempt: 1,
    });
    expect(doc.summary.byPolicy["lambda-log-group"]).to.deep.equal({
      enforcementLevel: "mandatory",
      checked: 1,
      passed: 0,
      failed: 1,
      exempt: 0,
    });
    expect(doc.violations).to.have.length(3); // JSON keeps every finding
    const text = formatReport("text", r, graph).split("\n");
    const head = text.indexOf("mandatory  lambda-log-group  big (aws:lambda/function:Function): 2 findings");
    expect(text.slice(head, head + 4)).to.deep.equal([
      "mandatory  lambda-log-group  big (aws:lambda/function:Function): 2 findings",
      "    - no log group named /aws/lambda/big",
      "    - no log group named /aws/lambda/big-alias",
      "",
    ]);
  });

  it("counts a resource exempt by tag or excluded by config as exempt even when the policy reports nothing on it", () => {
    const r = result();
    r.violations = [];
    r.config["lambda-log-group"].properties = { exclude: ["b*"] };
    const tagged = {
      ...graph.resources[0],
      inputs: {
        tags: { "serverless-guard:exempt": "lambda-memory-limit", "serverless-guard:exempt-reason": "load test" },
      },
    };
    const other = { ...graph.resources[0], urn: fnUrn.replace("::big", "::small"), name: "small" };
    const doc = JSON.parse(formatReport("json", r, { ...graph, resources: [tagged, other] }));
    expect(doc.summary.byPolicy["lambda-memory-limit"]).to.include({ checked: 2, passed: 1, failed: 0, exempt: 1 });
    expect(doc.summary.byPolicy["lambda-log-group"]).to.include({ checked: 2, passed: 1, failed: 0, exempt: 1 });
    expect(doc.summary).to.include({ resourcesChecked: 2, resourcesWithMandatoryFindings: 0 });
  });

  it("json has exactly the documented keys, with null for a stack-level finding's URN", () => {
    const doc = JSON.parse(formatReport("json", result()));
    expect(doc.violations[2]).to.deep.equal({
      policyName: "dlq-alarm",
      policyPackName: "serverless-guard",
      policyPackVersion: "1.2.3",
      resourceUrn: null,
      enforcementLevel: "mandatory",
      severity: "high",
      message: "stack-wide finding",
    });
    expect(doc.summary).to.deep.equal({
      resources: 4,
      mandatory: 2,
      advisory: 1,
      fakedInvokes: ["aws:ec2/getAmi:getAmi"],
      resourcesChecked: 2, // the function and the stack (its finding has no URN)
      resourcesWithMandatoryFindings: 2,
      byPolicy: {
        "lambda-memory-limit": { enforcementLevel: "mandatory", checked: 1, passed: 0, failed: 1, exempt: 0 },
        "lambda-log-group": { enforcementLevel: "advisory", checked: 1, passed: 0, failed: 1, exempt: 0 },
        "dlq-alarm": { enforcementLevel: "disabled", checked: 0, passed: 0, failed: 0, exempt: 0 },
      },
    });
  });

  it("sarif is schema-valid, maps levels, uses the declaration line when known and the source file otherwise", () => {
    const log = JSON.parse(formatReport("sarif", result(), graph));
    expect(sarifErrors(log)).to.deep.equal([]);
    const [run] = log.runs;
    expect(
      run.tool.driver.rules.map((r: any) => [r.id, r.defaultConfiguration.level, r.defaultConfiguration.enabled]),
    ).to.deep.equal([
      ["lambda-memory-limit", "error", true],
      ["lambda-log-group", "warning", true],
      ["dlq-alarm", "none", false],
    ]);
    expect(run.tool.driver.rules[0].help.text).to.equal("Lower memorySize");
    expect(run.results.map((r: any) => [r.ruleId, r.ruleIndex, r.level])).to.deep.equal([
      ["lambda-memory-limit", 0, "error"],
      ["lambda-log-group", 1, "warning"],
      ["dlq-alarm", 2, "error"],
    ]);
    expect(run.results[0].locations[0]).to.deep.equal({
      physicalLocation: { artifactLocation: { uri: "stack/lambda.ts" }, region: { startLine: 12, startColumn: 3 } },
      logicalLocations: [
        {
          name: "big",
          fullyQualifiedName: fnUrn,
          kind: "resource",
          properties: { type: "aws:lambda/function:Function" },
        },
      ],
    });
    expect(run.results[2].locations[0]).to.deep.equal({
      physicalLocation: { artifactLocation: { uri: "stack/index.ts" }, region: { startLine: 1 } },
    });
  });
});
