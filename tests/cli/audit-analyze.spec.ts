// `audit` against what `pulumi policy analyze` does with saved state (pulumi/pulumi
// pkg/resource/deploy/analyze_snapshot.go): reads analyzed, remediations reported but not applied, and
// passphrase secrets decrypted as the CLI does, never printed.
import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { SECRET_SIG, SECRET_SIG_VALUE } from "../../src/analyzer/resource-record";
import { encryptValue, newPassphraseState } from "../../src/secrets/passphrase";
import { verdicts } from "../support/json-report";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";
import { useTempDirs } from "../support/temp";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const queued = limitConcurrency();
const { PULUMI_CONFIG_PASSPHRASE: _p, PULUMI_CONFIG_PASSPHRASE_FILE: _f, ...baseEnv } = process.env;
const audit = (args: string[], env: NodeJS.ProcessEnv = {}): Promise<NodeRun> =>
  queued(() => runNode([bin, "audit", ...args], { cwd: root, env: { ...baseEnv, ...env } }));

const STACK = "urn:pulumi:prod::shop::pulumi:pulumi:Stack::shop-prod";
const PROVIDER = "urn:pulumi:prod::shop::pulumi:providers:aws::default_7_48_0";
const tags = { Environment: "prod", Project: "shop", Owner: "team", CostCenter: "cc-1" };

describe("serverless-guard audit as `pulumi policy analyze` (spawned CLI)", function () {
  this.timeout(180_000);
  const tempDir = useTempDirs("sg-audit-analyze-");

  it("analyzes a read (external) resource like any other, as the engine's analyze command does", async () => {
    const file = path.join(tempDir(), "reads.json");
    const role = (name: string, external: boolean) => ({
      urn: `urn:pulumi:prod::shop::aws:iam/role:Role::${name}`,
      type: "aws:iam/role:Role",
      custom: true,
      id: name,
      ...(external ? { external: true } : {}),
      provider: `${PROVIDER}::p1`,
      inputs: { name, assumeRolePolicy: "{}", ...(external ? {} : { tags }) },
      outputs: { name, arn: `arn:aws:iam::123456789012:role/${name}`, ...(external ? {} : { tags, tagsAll: tags }) },
    });
    const resources = [
      { urn: STACK, type: "pulumi:pulumi:Stack", custom: false },
      { urn: PROVIDER, type: "pulumi:providers:aws", custom: true, id: "p1", inputs: {}, outputs: {} },
      role("owned", false),
      role("looked-up", true),
    ];
    fs.writeFileSync(file, JSON.stringify({ version: 3, deployment: { resources } }));
    const r = await audit([file, "--format", "json"]);
    expect(r.status, r.stderr).to.equal(1);
    expect(verdicts(JSON.parse(r.stdout))).to.deep.equal(["cost-allocation-tags looked-up mandatory"]);
  });

  describe("an export whose secrets provider is the passphrase provider", () => {
    let file: string;
    const fnUrn = "urn:pulumi:prod::shop::aws:lambda/function:Function::api";
    before(async function () {
      this.timeout(60_000);
      const { state, key } = await newPassphraseState("state passphrase");
      const secret = (value: unknown) => ({
        [SECRET_SIG]: SECRET_SIG_VALUE,
        ciphertext: encryptValue(key, JSON.stringify(value)),
      });
      const dlqArn = "arn:aws:sqs:us-east-1:123456789012:api-dlq-private";
      const fnInputs = {
        name: "api",
        memorySize: 3008,
        role: "arn:aws:iam::123456789012:role/api",
        deadLetterConfig: { targetArn: secret(dlqArn) },
        environment: secret({ variables: { API_KEY: "audit-secret-value" } }),
        tags,
      };
      const resources = [
        { urn: STACK, type: "pulumi:pulumi:Stack", custom: false },
        { urn: PROVIDER, type: "pulumi:providers:aws", custom: true, id: "p1", inputs: {}, outputs: {} },
        {
          urn: fnUrn,
          type: "aws:lambda/function:Function",
          custom: true,
          id: "api",
          provider: `${PROVIDER}::p1`,
          inputs: fnInputs,
          outputs: { ...fnInputs, arn: "arn:aws:lambda:us-east-1:123456789012:function:api", tagsAll: tags },
        },
        {
          urn: "urn:pulumi:prod::shop::aws:cloudwatch/logGroup:LogGroup::api-logs",
          type: "aws:cloudwatch/logGroup:LogGroup",
          custom: true,
          id: "/aws/lambda/api",
          provider: `${PROVIDER}::p1`,
          inputs: { name: "/aws/lambda/api", retentionInDays: 7, tags },
          outputs: {
            name: "/aws/lambda/api",
            retentionInDays: 7,
            tags,
            tagsAll: tags,
            arn: "arn:aws:logs:us-east-1:123456789012:log-group:/aws/lambda/api",
          },
        },
      ];
      file = path.join(tempDir(), "passphrase-state.json");
      fs.writeFileSync(
        file,
        JSON.stringify({
          version: 3,
          deployment: { secrets_providers: { type: "passphrase", state: { salt: state } }, resources },
        }),
      );
    });

    it("with the passphrase: the secret dead-letter queue ARN decides (no finding), and no decrypted value is printed", async () => {
      const config = path.join(tempDir(), "remediate.json");
      fs.writeFileSync(config, JSON.stringify({ "lambda-memory-limit": "remediate" }));
      const [json, text] = await Promise.all([
        audit([file, "--format", "json", "--policy-pack-config", config], {
          PULUMI_CONFIG_PASSPHRASE: "state passphrase",
        }),
        audit([file, "--policy-pack-config", config], { PULUMI_CONFIG_PASSPHRASE: "state passphrase" }),
      ]);
      const report = JSON.parse(json.stdout);
      expect(verdicts(report)).to.deep.equal(["lambda-memory-limit api mandatory"]); // remediation pending, not applied
      expect(report.remediations).to.have.length(1);
      // Every report shows a secret as "[secret]", whether state held its ciphertext or its value.
      expect(report.remediations[0].properties.environment).to.equal("[secret]");
      for (const r of [json, text]) expect(r.stdout + r.stderr).to.not.match(/audit-secret-value|api-dlq-private/);
    });

    it("without it: the same secrets are unknown, so the dead-letter queue policy can only advise", async () => {
      const r = await audit([file, "--format", "json"]);
      expect(verdicts(JSON.parse(r.stdout))).to.deep.equal([
        "lambda-dead-letter-queue api advisory",
        "lambda-memory-limit api mandatory",
      ]);
    });

    it("a wrong passphrase: exit 2 with the Pulumi CLI's message", async () => {
      const r = await audit([file], { PULUMI_CONFIG_PASSPHRASE: "wrong" });
      expect(r.status).to.equal(2);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trim()).to.equal(
        `serverless-guard audit: ${file}: failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase`,
      );
    });
  });
});
