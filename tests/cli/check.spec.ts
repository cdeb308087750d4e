import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { limitConcurrency, runNode } from "../support/spawn";
import { useTempDirs } from "../support/temp";

// Every case goes through the real entry point (cli/bin/serverless-guard.js -> dist), spawned, as users run it.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const programs = path.join(root, "tests", "fixtures", "programs");
const check = (args: string[], cwd = root) =>
  spawnSync(process.execPath, [bin, "check", ...args], { cwd, encoding: "utf8" });
// Independent runs overlap (each takes seconds, mostly compiling the program), a core each.
const queued = limitConcurrency();
const checkAsync = (args: string[]) => queued(() => runNode([bin, "check", ...args], { cwd: root }));

interface JsonReport {
  policyPack: { name: string; version: string };
  violations: { policyName: string; resourceUrn?: string; enforcementLevel: string; message: string }[];
  summary: { resources: number; mandatory: number; advisory: number; fakedInvokes: string[] };
}
const nameOf = (urn?: string) => (urn ? urn.split("::").slice(3).join("::") : "(stack)");
const pairs = (report: JsonReport) => report.violations.map((v) => `${v.policyName} ${nameOf(v.resourceUrn)}`).sort();

function expectOneLineUsageError(r: { status: number | null; stdout: string; stderr: string }, pattern: RegExp) {
  expect(r.status, r.stderr).to.equal(2);
  expect(r.stdout).to.equal("");
  const lines = r.stderr.trim().split("\n");
  expect(lines[lines.length - 1]).to.match(pattern);
  expect(r.stderr).not.to.match(/^\s+at /m); // no stack trace
}

describe("serverless-guard check", () => {
  const tempDir = useTempDirs("sg-check-");
  it("makes every one of the nine policies fire on the unoptimized program, exit 1", () => {
    const r = check([path.join(programs, "unoptimized"), "--format", "json"]);
    expect(r.status, r.stderr).to.equal(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(report.policyPack.name).to.equal("serverless-guard");
    expect(pairs(report)).to.deep.equal(
      [
        "cost-allocation-tags reporter",
        "critical-function-provisioned-concurrency processor",
        "dlq-alarm processor-dlq",
        "dynamodb-on-demand events",
        "iam-scoped-permissions worker-admin",
        "lambda-dead-letter-queue reporter",
        "lambda-log-group reporter",
        "lambda-memory-limit processor",
        "log-group-retention forever-logs",
        "log-group-retention unset-logs",
      ].sort(),
    );
    expect(new Set(report.violations.map((v) => v.enforcementLevel))).to.deep.equal(new Set(["mandatory"]));
    expect(report.summary).to.deep.include({ resources: 11, mandatory: 10, advisory: 0, fakedInvokes: [] }); // 10 declared + the default aws provider
    const memory = report.violations.find((v) => v.policyName === "lambda-memory-limit")!;
    expect(memory.message).to.contain("3008");
  });

  it("passes the compliant program with exit 0 and a text summary", () => {
    const r = check([path.join(programs, "compliant")]);
    expect(r.status, r.stderr).to.equal(0);
    // 11 recorded; the alias, the provisioned concurrency, the stack and the provider are judged by no policy.
    expect(r.stdout.trimEnd().split("\n").pop()).to.equal("7 resources checked (0 with mandatory findings)");
  });

  it("counts the default provider's aws:defaultTags from stack config and explicit providers' defaultTags", async () => {
    const program = path.join(programs, "default-tags");
    const tags = JSON.stringify({ tags: { Environment: "prod", Project: "p", Owner: "o", CostCenter: "c" } });
    const [dev, prod, qualified, configured] = await Promise.all([
      checkAsync([program, "--format", "json"]),
      checkAsync([program, "--format", "json", "--stack", "prod"]),
      checkAsync([program, "--format", "json", "--stack", "acme/default-tags/dev"]),
      checkAsync([program, "--format", "json", "--stack", "prod", "--config", `aws:defaultTags=${tags}`]),
    ]);
    expect(dev.status, dev.stderr).to.equal(1);
    expect(pairs(JSON.parse(dev.stdout))).to.deep.equal(["cost-allocation-tags missing-owner"]);
    expect(dev.stderr).to.contain("secure config 'default-tags:apiKey' in Pulumi.dev.yaml cannot be decrypted");
    // Stack "prod" has no Pulumi.prod.yaml, so the default provider has no defaultTags there.
    expect(prod.status, prod.stderr).to.equal(1);
    expect(pairs(JSON.parse(prod.stdout))).to.deep.equal([
      "cost-allocation-tags missing-owner",
      "cost-allocation-tags untagged-but-covered",
    ]);
    // A fully qualified stack name selects the stack by its last part, as the Pulumi CLI does.
    expect(qualified.status, qualified.stderr).to.equal(1);
    const qualifiedReport = JSON.parse(qualified.stdout) as JsonReport;
    expect(pairs(qualifiedReport)).to.deep.equal(["cost-allocation-tags missing-owner"]);
    expect(qualifiedReport.violations[0].resourceUrn).to.match(/^urn:pulumi:dev::default-tags::/);
    // --config supplies them again.
    expect(configured.status, configured.stderr).to.equal(1);
    expect(pairs(JSON.parse(configured.stdout))).to.deep.equal(["cost-allocation-tags missing-owner"]);
  });

  it('checks an ES module program ("type": "module")', () => {
    const r = check([path.join(programs, "esm"), "--format", "json"]);
    expect(r.status, r.stderr).to.equal(1);
    const report = JSON.parse(r.stdout) as JsonReport;
    expect(pairs(report)).to.deep.equal(["cost-allocation-tags untagged-queue"]);
    expect(report.summary.resources).to.equal(3); // the stack, the queue and the default aws provider
  });

  it("lists the invokes it faked in the JSON summary", () => {
    const r = check([path.join(programs, "invokes"), "--format", "json"]);
    expect(r.status, r.stderr).to.equal(0);
    expect(JSON.parse(r.stdout).summary.fakedInvokes).to.deep.equal([
      "aws:index/getAvailabilityZones:getAvailabilityZones",
    ]);
  });

  it("defaults PROGRAM_DIR to stack/ under the cwd and keeps the program's console output off stdout", () => {
    const r = check(["--format", "json"], path.join(programs, "default-dir"));
    expect(r.status, r.stderr).to.equal(0);
    const report = JSON.parse(r.stdout) as JsonReport; // parses: nothing else reached stdout
    expect(report.summary.resources).to.equal(3); // the stack, one resource and the default aws provider
    expect(r.stderr).to.contain("hello from the program");
  });

  it("points SARIF results at the program's source line", () => {
    const out = path.join(tempDir(), "report.sarif");
    const r = check([path.join(programs, "unoptimized"), "--format", "sarif", "--output", out]);
    expect(r.status, r.stderr).to.equal(1);
    const log = JSON.parse(fs.readFileSync(out, "utf8"));
    const memory = log.runs[0].results.find((x: { ruleId: string }) => x.ruleId === "lambda-memory-limit");
    const physical = memory.locations[0].physicalLocation;
    expect(physical.artifactLocation.uri).to.equal("tests/fixtures/programs/unoptimized/index.ts");
    const line =
      fs
        .readFileSync(path.join(programs, "unoptimized", "index.ts"), "utf8")
        .split("\n")
        .findIndex((l) => l.includes('new aws.lambda.Function("processor"')) + 1;
    expect(physical.region.startLine).to.equal(line);
  });

  it("prints its help with --help and exits 0", () => {
    const r = check(["--help"]);
    expect(r.status).to.equal(0);
    expect(r.stdout).to.match(/^Usage: serverless-guard check \[PROGRAM_DIR\]/);
    for (const text of [
      "--stack NAME",
      "--config KEY=VALUE",
      "--timeout SECONDS",
      "--policy-pack-config FILE",
      "--format",
      "--output FILE",
      // The two modes and what real programs need: stack references, encrypted config, remote components.
      "--preview",
      "--stack-reference NAME=FILE",
      "pulumi stack output --json",
      "PULUMI_CONFIG_PASSPHRASE",
      "remote: true",
    ])
      expect(r.stdout).to.contain(text);
  });

  describe("bad input is a one-line error with exit 2", () => {
    const cases: [string, string[], RegExp][] = [
      [
        "a program with a syntax error",
        [path.join(programs, "bad-syntax")],
        /^serverless-guard check: program .*bad-syntax failed: Unexpected token ';' at .*index\.js:3$/,
      ],
      [
        "a program that throws",
        [path.join(programs, "throws"), "--format", "json"],
        /^serverless-guard check: program .*throws failed: table name is required \(at .*throws\/index\.ts:\d+:\d+\)$/,
      ],
      [
        "a missing program directory",
        [path.join(programs, "nope")],
        /^serverless-guard check: program directory .*nope does not exist$/,
      ],
      ["a directory without Pulumi.yaml", [programs], /^serverless-guard check: program .* has no Pulumi\.yaml$/],
      [
        "a missing main",
        [path.join(programs, "missing-main")],
        /^serverless-guard check: program .*missing-main: main .* does not exist$/,
      ],
      [
        "--config without '='",
        [path.join(programs, "compliant"), "--config", "owner"],
        /^serverless-guard check: --config expects key=value, got 'owner'$/,
      ],
      [
        "--config key with two colons",
        [path.join(programs, "compliant"), "--config", "aws:region:x=1"],
        /^serverless-guard check: --config key 'aws:region:x' is not of the form name or namespace:name$/,
      ],
      [
        "two program directories",
        [path.join(programs, "compliant"), path.join(programs, "throws")],
        /^serverless-guard check: expected at most one PROGRAM_DIR, got 2 arguments$/,
      ],
      ["an unknown option", ["--frobnicate"], /^serverless-guard check: .*frobnicate.*$/],
      [
        "a bad stack name",
        [path.join(programs, "compliant"), "--stack", "a b"],
        /^serverless-guard check: --stack 'a b' is not a valid stack name \(NAME, ORG\/NAME or ORG\/PROJECT\/NAME\)$/,
      ],
      [
        "a stack name with too many parts",
        [path.join(programs, "compliant"), "--stack", "a/b/c/d"],
        /^serverless-guard check: --stack 'a\/b\/c\/d' is not a valid stack name/,
      ],
      [
        "a program that never finishes",
        [path.join(programs, "never-settles"), "--timeout", "3"],
        /^serverless-guard check: program .*never-settles failed: it did not finish within 3 s \(awaiting a promise that never settles\?\); see --timeout$/,
      ],
      [
        "a --timeout that is not a positive number",
        [path.join(programs, "compliant"), "--timeout", "0"],
        /^serverless-guard check: --timeout '0' is not a positive number of seconds$/,
      ],
      [
        "a file as PROGRAM_DIR",
        [path.join(programs, "compliant", "index.ts")],
        /^serverless-guard check: program directory .*index\.ts is a file; give the directory holding Pulumi\.yaml$/,
      ],
    ];
    // Started together, a core each; every case still asserts its own run.
    const runs = new Map<string, ReturnType<typeof checkAsync>>();
    before(() => {
      for (const [what, args] of cases) runs.set(what, checkAsync(args));
    });
    for (const [what, , pattern] of cases) {
      it(`rejects ${what}`, async () => expectOneLineUsageError(await runs.get(what)!, pattern));
    }
  });
});
