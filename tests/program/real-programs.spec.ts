// runProgram on the ways real programs are written: an apply that throws, a multi-language component, stack
// references, passphrase-encrypted config, a stale package.json#main, a missing dependency, resources made inside
// a library, and the preview mode. Each run in a child process (runProgram sets process-global Pulumi state).
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { ResourceGraph, ResourceRecord, SECRET_SIG, SECRET_SIG_VALUE } from "../../src/analyzer/resource-record";
import { UNKNOWN_VALUE } from "../../src/analyzer/wire";
import { encryptValue, newPassphraseState } from "../../src/secrets/passphrase";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";

const root = path.join(__dirname, "..", "..");
const programs = path.join(root, "tests", "fixtures", "programs");
const rel = (p: string) => path.relative(root, path.join(programs, p));
const queued = limitConcurrency();
const { PULUMI_CONFIG_PASSPHRASE: _p, PULUMI_CONFIG_PASSPHRASE_FILE: _f, ...baseEnv } = process.env;

async function runGraph(program: string, args: string[] = [], env: NodeJS.ProcessEnv = {}) {
  const r: NodeRun = await queued(() =>
    runNode(["-r", "ts-node/register/transpile-only", path.join(__dirname, "print-graph.ts"), rel(program), ...args], {
      cwd: root,
      env: { ...baseEnv, ...env },
    }),
  );
  return { ...r, graph: r.status === 0 ? (JSON.parse(r.stdout) as ResourceGraph) : undefined };
}
const byName = (g: ResourceGraph, name: string): ResourceRecord => {
  const r = g.resources.find((x) => x.name === name);
  if (!r) throw new Error(`no resource ${name}`);
  return r;
};
const secret = (value: unknown) => ({ [SECRET_SIG]: SECRET_SIG_VALUE, value });
const lastLine = (s: string) => s.trim().split("\n").pop();

describe("runProgram on real-world programs", function () {
  // Bounds a hang (the default --timeout is 300 s), not a speed target.
  this.timeout(120_000);

  it("stops at an error thrown inside an apply and names the program's line, instead of waiting for a dependent resource", async () => {
    const r = await runGraph("apply-throws");
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(lastLine(r.stderr)).to.equal(
      `UsageError: program ${rel("apply-throws")} failed: error serializing property "body": No AWS region has been configured (at ${rel("apply-throws")}/index.ts:20:22)`,
    );
  });

  it("gives a remote component unknown outputs, runs on, and lists it", async () => {
    const r = await runGraph("remote-component");
    expect(r.status, r.stderr).to.equal(0);
    const g = r.graph!;
    expect(g.unexpandedComponents).to.deep.equal([
      { type: "awsx:ec2:Vpc", urn: "urn:pulumi:dev::remote-component::awsx:ec2:Vpc::main" },
    ]);
    expect(byName(g, "main").custom).to.equal(false);
    expect(byName(g, "main").inputs).to.deep.equal({ cidrBlock: "10.0.0.0/16" });
    expect(byName(g, "worker-sg").inputs.vpcId).to.equal(UNKNOWN_VALUE);
    // The program's `ids.slice(0, 2)` never ran on undefined: the value is unknown, the rest known.
    const vpcConfig = byName(g, "worker").inputs.vpcConfig as { subnetIds: unknown; securityGroupIds: string[] };
    expect(vpcConfig.subnetIds).to.equal(UNKNOWN_VALUE);
    expect(vpcConfig.securityGroupIds).to.have.length(1);
    expect(vpcConfig.securityGroupIds[0]).to.match(/^worker-sg-[0-9a-f]{7}$/);
    expect(g.mode).to.equal("update");
  });

  describe("stack references", () => {
    it("without the referenced stack's outputs: unknown to the program, listed as unresolved", async () => {
      const r = await runGraph("stack-reference");
      expect(r.status, r.stderr).to.equal(0);
      const g = r.graph!;
      expect(g.stackReferences).to.deep.equal([{ name: "acme/network/dev", resolved: false }]);
      const fn = byName(g, "api");
      expect(fn.inputs.deadLetterConfig).to.deep.equal({ targetArn: UNKNOWN_VALUE });
      expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: UNKNOWN_VALUE, securityGroupIds: [UNKNOWN_VALUE] });
    });

    it("with `pulumi stack output --json`: the outputs flow in, a '[secret]' output stays a secret", async () => {
      const r = await runGraph("stack-reference", [
        "--stack-reference",
        `network/dev=${rel("stack-reference")}/network-outputs.json`,
      ]);
      expect(r.status, r.stderr).to.equal(0);
      const g = r.graph!;
      expect(g.stackReferences).to.deep.equal([{ name: "acme/network/dev", resolved: true }]);
      const fn = byName(g, "api");
      expect(fn.inputs.deadLetterConfig).to.deep.equal({ targetArn: "arn:aws:sqs:us-east-1:123456789012:shared-dlq" });
      expect(fn.inputs.vpcConfig).to.deep.equal({
        subnetIds: ["subnet-0aa", "subnet-0bb"],
        securityGroupIds: ["sg-0a1b2c3d4e5f60718"],
      });
      expect(fn.inputs.environment).to.deep.equal({ variables: { DB_PASSWORD: secret("[secret]") } });
    });

    it("with the referenced stack's `pulumi stack export`: secret outputs keep their value and stay secret", async () => {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-ref-"));
      try {
        const file = path.join(dir, "network.json");
        const outputs = {
          deadLetterQueueArn: "arn:aws:sqs:us-east-1:123456789012:dlq",
          lambdaSecurityGroupId: "sg-1",
          privateSubnetIds: ["subnet-1"],
          dbPassword: { [SECRET_SIG]: SECRET_SIG_VALUE, plaintext: JSON.stringify("hunter2") },
        };
        fs.writeFileSync(
          file,
          JSON.stringify({
            version: 3,
            deployment: {
              resources: [
                {
                  urn: "urn:pulumi:dev::network::pulumi:pulumi:Stack::network-dev",
                  type: "pulumi:pulumi:Stack",
                  custom: false,
                  outputs,
                },
              ],
            },
          }),
        );
        const r = await runGraph("stack-reference", ["--stack-reference", `acme/network/dev=${file}`]);
        expect(r.status, r.stderr).to.equal(0);
        const fn = byName(r.graph!, "api");
        expect(fn.inputs.environment).to.deep.equal({ variables: { DB_PASSWORD: secret("hunter2") } });
        expect(fn.inputs.vpcConfig).to.deep.equal({ subnetIds: ["subnet-1"], securityGroupIds: ["sg-1"] });
      } finally {
        fs.rmSync(dir, { recursive: true, force: true });
      }
    });

    it("a missing outputs file is a one-line usage error", async () => {
      const r = await runGraph("stack-reference", ["--stack-reference", "acme/network/dev=nope.json"]);
      expect(r.status).to.equal(2);
      expect(lastLine(r.stderr)).to.equal("UsageError: --stack-reference acme/network/dev: nope.json: no such file");
    });
  });

  describe("passphrase-encrypted config (a stack file made here with Node's crypto)", () => {
    const stack = `gen-${process.pid}`;
    const stackFile = path.join(programs, "passphrase-secrets", `Pulumi.${stack}.yaml`);
    const passFile = path.join(os.tmpdir(), `sg-pass-${process.pid}.txt`);
    before(async function () {
      this.timeout(60_000);
      const { state, key } = await newPassphraseState("generated in the test");
      fs.writeFileSync(
        stackFile,
        [
          `encryptionsalt: ${state}`,
          "config:",
          `  passphrase-secrets:apiKey:`,
          `    secure: ${encryptValue(key, "key-from-the-test")}`,
          `  passphrase-secrets:ingest:`,
          `    memorySize: 2048`,
          `    apiToken:`,
          `      secure: ${encryptValue(key, "token-from-the-test")}`,
          "",
        ].join("\n"),
      );
      fs.writeFileSync(passFile, "generated in the test\n");
    });
    after(() => {
      fs.rmSync(stackFile, { force: true });
      fs.rmSync(passFile, { force: true });
    });

    it("decrypts top-level and nested secure values with PULUMI_CONFIG_PASSPHRASE, as secrets", async () => {
      const r = await runGraph("passphrase-secrets", ["--stack", stack], {
        PULUMI_CONFIG_PASSPHRASE: "generated in the test",
      });
      expect(r.status, r.stderr).to.equal(0);
      const fn = byName(r.graph!, "ingest");
      expect(fn.inputs.memorySize).to.deep.equal(secret(2048));
      expect(fn.inputs.environment).to.deep.equal({
        variables: { API_KEY: secret("key-from-the-test"), API_TOKEN: secret("token-from-the-test") },
      });
      expect(r.graph!.undecidedSecrets).to.equal(undefined);
      expect(r.stderr).to.not.contain("from-the-test");
    });

    it("reads the passphrase from PULUMI_CONFIG_PASSPHRASE_FILE", async () => {
      const r = await runGraph("passphrase-secrets", ["--stack", stack], { PULUMI_CONFIG_PASSPHRASE_FILE: passFile });
      expect(r.status, r.stderr).to.equal(0);
      expect(byName(r.graph!, "ingest").inputs.memorySize).to.deep.equal(secret(2048));
    });

    it("a wrong passphrase is exit 2 in the CLI's own words", async () => {
      const r = await runGraph("passphrase-secrets", ["--stack", stack], { PULUMI_CONFIG_PASSPHRASE: "not it" });
      expect(r.status).to.equal(2);
      expect(lastLine(r.stderr)).to.equal(
        `UsageError: stack file Pulumi.${stack}.yaml: failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase`,
      );
    });

    it("without a passphrase the program runs on unknown secrets, and the keys are listed", async () => {
      const r = await runGraph("passphrase-secrets", ["--stack", stack]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.graph!.undecidedSecrets).to.deep.equal(["passphrase-secrets:apiKey", "passphrase-secrets:ingest"]);
      const fn = byName(r.graph!, "ingest");
      expect(fn.inputs.memorySize).to.equal(UNKNOWN_VALUE);
      expect(fn.inputs.environment).to.deep.equal({ variables: { API_KEY: UNKNOWN_VALUE, API_TOKEN: UNKNOWN_VALUE } });
      expect(r.stderr).to.contain(
        "cannot be decrypted (set PULUMI_CONFIG_PASSPHRASE or PULUMI_CONFIG_PASSPHRASE_FILE to decrypt them)",
      );
    });

    it("--config for a secure key wins, and that key is no longer undecided", async () => {
      const r = await runGraph("passphrase-secrets", ["--stack", stack, "--config", "apiKey=given"]);
      expect(r.status, r.stderr).to.equal(0);
      expect(r.graph!.undecidedSecrets).to.deep.equal(["passphrase-secrets:ingest"]);
      expect((byName(r.graph!, "ingest").inputs.environment as any).variables.API_KEY).to.deep.equal(secret("given"));
    });
  });

  it("falls back to index.ts when package.json#main names a file that was never built, with Pulumi's warning", async () => {
    const r = await runGraph("stale-main");
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.contain(
      "warning: Could not find entry point 'bin/index.js' specified in package.json; using 'index.ts' instead",
    );
    expect(r.graph!.sourceFile).to.equal(path.join(programs, "stale-main", "index.ts"));
    expect(r.graph!.resources.map((x) => x.name)).to.include("jobs");
  });

  it("a dependency that is not installed says to run npm install in the program's directory", async () => {
    const r = await runGraph("missing-dependency");
    expect(r.status).to.equal(2);
    expect(lastLine(r.stderr)).to.equal(
      `UsageError: program ${rel("missing-dependency")} failed: Cannot find module '@pulumi/awsx'; run npm install in ${rel("missing-dependency")}`,
    );
  });

  it("places resources made inside a library (CallbackFunction) at the program's line that made them", async () => {
    const r = await runGraph("callback-function");
    expect(r.status, r.stderr).to.equal(0);
    const at = { uri: path.join(programs, "callback-function", "index.ts"), line: 5, column: 24 };
    expect(byName(r.graph!, "resize").sourcePosition).to.deep.equal(at);
    const role = r.graph!.resources.find((x) => x.type === "aws:iam/role:Role")!;
    expect(role.sourcePosition).to.deep.equal(at);
    // Nothing is placed in serverless-guard's own code (the stack resource is made by the runner).
    expect(byName(r.graph!, "callback-function-dev").sourcePosition).to.equal(undefined);
  });

  it("--preview: what a provider computes on create is unknown; inputs the program gave and auto-names are known", async () => {
    const [update, preview] = await Promise.all([
      runGraph("role-policy-modes"),
      runGraph("role-policy-modes", ["--preview"]),
    ]);
    expect(update.status, update.stderr).to.equal(0);
    expect(preview.status, preview.stderr).to.equal(0);
    expect(update.graph!.mode).to.equal("update");
    expect(preview.graph!.mode).to.equal("preview");
    const table = byName(preview.graph!, "orders");
    expect(table.outputs.arn).to.equal(UNKNOWN_VALUE);
    expect(table.outputs.name).to.match(/^orders-[0-9a-f]{7}$/);
    expect(table.outputs.tagsAll).to.deep.equal(table.inputs.tags);
    expect(byName(preview.graph!, "orders-access").inputs.policy).to.equal(UNKNOWN_VALUE);
    expect(JSON.parse(byName(update.graph!, "orders-access").inputs.policy as string).Statement[0]).to.deep.equal({
      Effect: "Allow",
      Action: "dynamodb:*",
      Resource: byName(update.graph!, "orders").outputs.arn,
    });
  });
});
