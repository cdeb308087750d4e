// No report format prints a secret's value: a secret planted in a program (pulumi.secret) and in a `--show-secrets`
// export must appear as "[secret]" in findings, remediations and messages, whatever the format.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { EnforceResult } from "../../src/analyzer/enforce";
import { ResourceGraph, SECRET_SIG, SECRET_SIG_VALUE } from "../../src/analyzer/resource-record";
import { formatReport, REPORT_FORMATS } from "../../src/report";
import { devUrn } from "../support/resource-records";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";
import { useTempDirs } from "../support/temp";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const program = path.join(root, "tests", "fixtures", "programs", "secrets");
// The value tests/fixtures/programs/secrets plants.
const PLANTED = "PLANTED-s3cr3t-value-9f2c";
const queued = limitConcurrency();
const run = (args: string[]) => queued(() => runNode([bin, ...args], { cwd: root }));

/** A `pulumi stack export --show-secrets`: secrets carry `plaintext` (JSON-encoded) instead of ciphertext. */
function showSecretsExport(): object {
  const plaintext = (value: unknown) => ({ [SECRET_SIG]: SECRET_SIG_VALUE, plaintext: JSON.stringify(value) });
  const tags = { Environment: "dev", Project: "secrets", Owner: "nobody", CostCenter: "cc-0000" };
  const stack = "urn:pulumi:dev::secrets::pulumi:pulumi:Stack::secrets-dev";
  const provider = "urn:pulumi:dev::secrets::pulumi:providers:aws::default";
  const fnArn = "arn:aws:lambda:us-east-1:123456789012:function:leaky-1234567";
  const logGroupArn = "arn:aws:logs:us-east-1:123456789012:log-group:secret";
  const fnInputs = {
    name: "leaky-1234567",
    runtime: "nodejs20.x",
    handler: "index.handler",
    role: "arn:aws:iam::123456789012:role/r",
    memorySize: 3008,
    environment: plaintext({ variables: { API_KEY: PLANTED } }),
    tags,
  };
  const logInputs = { name: plaintext(`/app/${PLANTED}`), retentionInDays: 0, tags };
  // A resource of the stack, created through the default provider.
  const custom = (type: string, name: string, id: string, inputs: object, arn: string) => ({
    urn: devUrn("secrets", type, name),
    custom: true,
    id,
    type,
    inputs,
    outputs: { ...inputs, arn },
    parent: stack,
    provider: `${provider}::prov-id`,
  });
  return {
    version: 3,
    deployment: {
      manifest: { time: "2026-11-20T10:00:00Z", magic: "", version: "v3.200.0" },
      resources: [
        { urn: stack, custom: false, type: "pulumi:pulumi:Stack" },
        {
          urn: provider,
          custom: true,
          id: "prov-id",
          type: "pulumi:providers:aws",
          inputs: { region: "us-east-1" },
          outputs: { region: "us-east-1" },
          parent: stack,
        },
        custom("aws:lambda/function:Function", "leaky", "leaky-1234567", fnInputs, fnArn),
        custom("aws:cloudwatch/logGroup:LogGroup", "secret-logs", "secret-logs-id", logInputs, logGroupArn),
      ],
    },
  };
}

function expectNoSecret(r: NodeRun, what: string, masked: boolean): void {
  expect(r.status, `${what}: ${r.stderr}`).to.equal(1);
  if (masked) expect(r.stdout, what).to.contain("[secret]");
  expect(r.stdout, what).not.to.contain(PLANTED);
  expect(r.stderr, what).not.to.contain(PLANTED);
}

describe("secrets never reach a report", () => {
  const tempDir = useTempDirs("sg-secrets-");

  for (const command of ["check", "audit"] as const) {
    it(`${command}: every format, with and without remediation, prints [secret] and never the planted value`, async function () {
      this.timeout(180_000);
      const dir = tempDir();
      const remediate = path.join(dir, "remediate.json");
      fs.writeFileSync(
        remediate,
        JSON.stringify({ "lambda-memory-limit": "remediate", "log-group-retention": "remediate" }),
      );
      let input = program;
      if (command === "audit") {
        input = path.join(dir, "show-secrets.json");
        fs.writeFileSync(input, JSON.stringify(showSecretsExport()));
      }
      const cases = REPORT_FORMATS.flatMap((format) =>
        [[], ["--policy-pack-config", remediate]].map((extra) => ({ format, extra })),
      );
      const runs = await Promise.all(
        cases.map(({ format, extra }) => run([command, input, "--format", format, ...extra])),
      );
      // With remediation the log group's finding is fixed: only JSON (whole property bags) still shows where the secret was.
      cases.forEach(({ format, extra }, i) =>
        expectNoSecret(
          runs[i],
          `${command} --format ${format} ${extra.join(" ")}`,
          format === "json" || extra.length === 0,
        ),
      );

      // Where the secret was: the log group's name in log-group-retention's message ...
      const plain = JSON.parse(runs[cases.findIndex((c) => c.format === "json" && c.extra.length === 0)].stdout);
      const retention = plain.violations.find((v: { policyName: string }) => v.policyName === "log-group-retention");
      expect(retention.message).to.match(/log group "secret-logs" \(\[secret\]\) retentionInDays is 0/);
      // ... and the whole property bags of the remediations.
      const remediated = JSON.parse(runs[cases.findIndex((c) => c.format === "json" && c.extra.length > 0)].stdout);
      const memory = remediated.remediations.find(
        (r: { policyName: string }) => r.policyName === "lambda-memory-limit",
      );
      expect(memory.properties.memorySize).to.equal(768);
      const env = memory.properties.environment;
      // A program's secret is per value (the variable), an export's covers the whole property.
      expect(command === "check" ? env.variables.API_KEY : env).to.equal("[secret]");
      const logGroup = remediated.remediations.find(
        (r: { policyName: string }) => r.policyName === "log-group-retention",
      );
      expect(logGroup.properties).to.include({ name: "[secret]", retentionInDays: 7 });
    });
  }

  it("text shows a changed secret property as [secret], not as the secret's envelope", () => {
    const urn = "urn:pulumi:dev::p::aws:rds/instance:Instance::db";
    const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_SIG_VALUE, value });
    const graph: ResourceGraph = {
      project: "p",
      stack: "dev",
      fakedInvokes: [],
      resources: [
        {
          urn,
          type: "aws:rds/instance:Instance",
          name: "db",
          custom: true,
          inputs: { password: secret(PLANTED) },
          outputs: {},
          dependencies: [],
          propertyDependencies: {},
          options: {},
        },
      ],
    };
    const result: EnforceResult = {
      policyPack: { name: "other-pack", version: "1.0.0" },
      violations: [
        {
          policyName: "p",
          policyPackName: "other-pack",
          policyPackVersion: "1.0.0",
          resourceUrn: urn,
          enforcementLevel: "advisory",
          message: `password ${PLANTED} is weak`,
          phase: "analyze",
        },
      ],
      remediations: [
        {
          policyName: "p",
          resourceUrn: urn,
          previous: { password: secret(PLANTED) },
          properties: { password: secret(`${PLANTED}-rotated`) },
        },
      ],
      summary: { resources: 1, mandatory: 0, advisory: 1, fakedInvokes: [] },
      policies: [{ name: "p", description: "Strong passwords.", enforcementLevel: "advisory", policyType: "resource" }],
      config: { p: { enforcementLevel: "remediate", properties: {} } },
      logs: [],
    };
    const text = formatReport("text", result, graph);
    expect(text).to.contain('        ~ password: "[secret]" => "[secret]"');
    expect(text).to.contain("    password [secret] is weak");
    for (const format of REPORT_FORMATS) {
      const out = formatReport(format, result, graph);
      expect(out, format).not.to.contain(PLANTED);
      expect(out, format).not.to.contain(SECRET_SIG);
    }
  });
});
