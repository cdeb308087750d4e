// `serverless-guard check` spawned as a user runs it on the programs real stacks are: the two modes, an apply
// that throws, remote components, stack references, encrypted config, library-made resources in SARIF.
import { expect } from "chai";
import * as path from "path";
import { sarifErrors } from "../analyzer/support/sarif-schema";
import { verdicts } from "../support/json-report";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const program = (name: string) => path.join("tests", "fixtures", "programs", name);
const queued = limitConcurrency();
/** The text report wraps its lines: compare with every run of white space folded to one space. */
const unwrapped = (text: string) => text.replace(/\s+/g, " ");
const { PULUMI_CONFIG_PASSPHRASE: _p, PULUMI_CONFIG_PASSPHRASE_FILE: _f, ...baseEnv } = process.env;
const check = (args: string[], env: NodeJS.ProcessEnv = {}, cwd = root): Promise<NodeRun> =>
  queued(() => runNode([bin, "check", ...args], { cwd, env: { ...baseEnv, ...env } }));

describe("serverless-guard check on real-world programs (spawned CLI)", function () {
  this.timeout(180_000);

  describe("the two modes on one program: a RolePolicy whose document holds the table's ARN", () => {
    let update: NodeRun;
    let preview: NodeRun;
    before(async () => {
      [update, preview] = await Promise.all([
        check([program("role-policy-modes"), "--format", "json"]),
        check([program("role-policy-modes"), "--preview", "--format", "json"]),
      ]);
    });

    it("default (values as after `pulumi up`): `dynamodb:*` is decided, a mandatory violation, exit 1", () => {
      expect(update.status, update.stderr).to.equal(1);
      const report = JSON.parse(update.stdout);
      expect(report.mode).to.equal("update");
      expect(verdicts(report)).to.deep.equal(["iam-scoped-permissions orders-access mandatory"]);
    });

    it("--preview (a new stack): the whole document is unknown, so the same policy can only advise, exit 0", () => {
      expect(preview.status, preview.stderr).to.equal(0);
      const report = JSON.parse(preview.stdout);
      expect(report.mode).to.equal("preview");
      expect(verdicts(report)).to.deep.equal(["iam-scoped-permissions orders-access advisory"]);
      expect(report.violations[0].message).to.contain("the policy document is unknown during preview");
    });

    it("the text report names the preview mode; the default report has no such line", async () => {
      const text = await check([program("role-policy-modes"), "--preview"]);
      expect(text.stdout).to.contain("Mode: preview of a new stack");
      const plain = await check([program("role-policy-modes")]);
      expect(plain.stdout).to.not.contain("Mode:");
    });
  });

  it("an error thrown inside an apply: exit 2 at once, one line with the error and the program's line", async () => {
    const r = await check([program("apply-throws"), "--format", "json"]);
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr.trim()).to.equal(
      `serverless-guard check: program ${program("apply-throws")} failed: error serializing property "body": No AWS region has been configured (at ${program("apply-throws")}/index.ts:20:22)`,
    );
  });

  describe("a remote (multi-language) component whose outputs the program uses", () => {
    let json: NodeRun;
    let text: NodeRun;
    let sarif: NodeRun;
    before(async () => {
      [json, text, sarif] = await Promise.all(
        ["json", "text", "sarif"].map((format) => check([program("remote-component"), "--format", format])),
      );
    });

    it("runs, judges the program's own resources, and lists the component in the JSON summary", () => {
      expect(json.status, json.stderr).to.equal(1);
      const report = JSON.parse(json.stdout);
      expect(report.summary.unexpandedComponents).to.deep.equal([
        { type: "awsx:ec2:Vpc", urn: "urn:pulumi:dev::remote-component::awsx:ec2:Vpc::main" },
      ]);
      expect(verdicts(report)).to.include("lambda-memory-limit worker mandatory");
    });

    it("warns in the text report, saying how to get full coverage", () => {
      expect(unwrapped(text.stdout)).to.contain(
        'Warning: 1 multi-language component(s) (remote: true) were not expanded, so the resources they create were not analyzed and their outputs were unknown to the program: awsx:ec2:Vpc "main". For full coverage, audit the deployed stack\'s `pulumi stack export`, where their children are recorded.',
      );
    });

    it("carries the same warning as a SARIF tool notification, and the log stays valid SARIF", () => {
      const log = JSON.parse(sarif.stdout);
      expect(sarifErrors(log)).to.deep.equal([]);
      const notes = log.runs[0].invocations[0].toolExecutionNotifications;
      expect(notes).to.have.length(1);
      expect(notes[0].level).to.equal("warning");
      expect(notes[0].message.text).to.contain('awsx:ec2:Vpc "main"');
    });
  });

  describe("a stack reference", () => {
    it("without --stack-reference: unresolved in the summary, warned, and what depends on it is advisory", async () => {
      const [json, text] = await Promise.all([
        check([program("stack-reference"), "--format", "json"]),
        check([program("stack-reference")]),
      ]);
      const report = JSON.parse(json.stdout);
      expect(report.summary.stackReferences).to.deep.equal([{ name: "acme/network/dev", resolved: false }]);
      expect(verdicts(report)).to.include("lambda-dead-letter-queue api advisory");
      expect(unwrapped(text.stdout)).to.contain(
        "Warning: stack reference(s) without outputs, unknown to the program: acme/network/dev; give each with --stack-reference NAME=FILE",
      );
    });

    it("with its outputs file: resolved, no warning, and the dead-letter queue from the other stack counts", async () => {
      const args = [
        program("stack-reference"),
        "--stack-reference",
        `acme/network/dev=${program("stack-reference")}/network-outputs.json`,
      ];
      const [json, text] = await Promise.all([check([...args, "--format", "json"]), check(args)]);
      const report = JSON.parse(json.stdout);
      expect(report.summary.stackReferences).to.deep.equal([{ name: "acme/network/dev", resolved: true }]);
      expect(verdicts(report).filter((v) => v.startsWith("lambda-dead-letter-queue"))).to.deep.equal([]);
      expect(unwrapped(text.stdout)).to.not.contain("Warning: stack reference");
    });
  });

  describe("passphrase-encrypted config (the committed fixture's passphrase is 'fixture passphrase')", () => {
    it("decrypted: the secret structured config decides the memory verdict, and no decrypted value is printed", async () => {
      const env = { PULUMI_CONFIG_PASSPHRASE: "fixture passphrase" };
      const runs = await Promise.all(
        ["json", "text", "sarif"].map((format) => check([program("passphrase-secrets"), "--format", format], env)),
      );
      const report = JSON.parse(runs[0].stdout);
      expect(verdicts(report)).to.include("lambda-memory-limit ingest mandatory");
      expect(report.summary.undecidedSecrets).to.equal(undefined);
      for (const r of runs) expect(r.stdout + r.stderr).to.not.match(/sk-live-fixture-4242|tok-fixture-9999/);
    });

    it("no passphrase: the program runs, the memory policy advises, the keys are listed and warned", async () => {
      const [json, text] = await Promise.all([
        check([program("passphrase-secrets"), "--format", "json"]),
        check([program("passphrase-secrets")]),
      ]);
      const report = JSON.parse(json.stdout);
      expect(report.summary.undecidedSecrets).to.deep.equal(["passphrase-secrets:apiKey", "passphrase-secrets:ingest"]);
      expect(verdicts(report)).to.include("lambda-memory-limit ingest advisory");
      expect(unwrapped(text.stdout)).to.contain(
        "Warning: secret config left undecided, unknown to the program and the policies: passphrase-secrets:apiKey, passphrase-secrets:ingest",
      );
    });

    it("a wrong passphrase: exit 2, the CLI's own message", async () => {
      const r = await check([program("passphrase-secrets")], { PULUMI_CONFIG_PASSPHRASE: "nope" });
      expect(r.status).to.equal(2);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trim()).to.equal(
        "serverless-guard check: stack file Pulumi.dev.yaml: failed to decrypt: incorrect passphrase, please set PULUMI_CONFIG_PASSPHRASE to the correct passphrase or set PULUMI_CONFIG_PASSPHRASE_FILE to a file containing the passphrase",
      );
    });
  });

  it("SARIF points a CallbackFunction's findings at the program's line, relative to the repository root from any cwd", async () => {
    const line = "tests/fixtures/programs/callback-function/index.ts";
    for (const cwd of [root, path.join(root, "tests")]) {
      const r = await check([path.join(root, program("callback-function")), "--format", "sarif"], {}, cwd);
      const log = JSON.parse(r.stdout);
      const memory = log.runs[0].results.find((x: any) => x.ruleId === "lambda-memory-limit");
      expect(memory.locations[0].physicalLocation, cwd).to.deep.equal({
        artifactLocation: { uri: line },
        region: { startLine: 5, startColumn: 24 },
      });
    }
  });

  it("a stale package.json#main: Pulumi's warning on stderr, and the program is checked", async () => {
    const r = await check([program("stale-main"), "--format", "json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(r.stderr).to.contain(
      "Could not find entry point 'bin/index.js' specified in package.json; using 'index.ts' instead",
    );
    expect(JSON.parse(r.stdout).summary.resources).to.equal(3);
  });

  it("a dependency not installed: exit 2, run npm install in the program's directory", async () => {
    const r = await check([program("missing-dependency")]);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim()).to.equal(
      `serverless-guard check: program ${program("missing-dependency")} failed: Cannot find module '@pulumi/awsx'; run npm install in ${program("missing-dependency")}`,
    );
  });

  it("--stack-reference without '=FILE' is a usage error", async () => {
    const r = await check([program("stack-reference"), "--stack-reference", "acme/network/dev"]);
    expect(r.status).to.equal(2);
    expect(r.stderr.trim()).to.equal(
      "serverless-guard check: --stack-reference expects NAME=FILE, got 'acme/network/dev'",
    );
  });
});
