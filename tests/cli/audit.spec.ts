// `serverless-guard audit` through the real entry point (spawned), on stack exports written for the tests.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { sarifErrors } from "../analyzer/support/sarif-schema";
import { policyDocUrl } from "../../policy-pack/common/docs";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const fixtures = path.join(root, "tests", "fixtures", "exports");
const unoptimized = path.join(fixtures, "unoptimized.json");
const clean = path.join(fixtures, "clean.json");

function cli(...args: string[]) {
  const r = spawnSync(process.execPath, [bin, "audit", ...args], { encoding: "utf8", cwd: root, timeout: 120_000 });
  return { status: r.status, stdout: r.stdout, stderr: r.stderr };
}
const auditJson = (...args: string[]) => {
  const r = cli(...args, "--format", "json");
  return { ...r, report: r.stdout ? JSON.parse(r.stdout) : undefined };
};
const nameOf = (urn: string) => urn.split("::").slice(3).join("::");
const found = (report: any) =>
  report.violations.map((v: any) => `${v.policyName} ${v.resourceUrn ? nameOf(v.resourceUrn) : "(stack)"}`).sort();

let tmp: string;
const writeTmp = (name: string, content: unknown) => {
  const file = path.join(tmp, name);
  fs.writeFileSync(file, typeof content === "string" ? content : JSON.stringify(content));
  return file;
};

// Each of the nine policies fires on the unoptimized export, once per offending resource.
const UNOPTIMIZED_VIOLATIONS = [
  "cost-allocation-tags scratch",
  "critical-function-provisioned-concurrency payment-processor",
  "dlq-alarm jobs-dlq",
  "dlq-alarm payments-dlq",
  "dynamodb-on-demand sessions",
  "iam-scoped-permissions basic-exec",
  "lambda-dead-letter-queue big-fn",
  "lambda-log-group big-fn",
  "lambda-memory-limit big-fn",
  "log-group-retention payment-processor-logs",
];

describe("serverless-guard audit (spawned CLI)", function () {
  this.timeout(180_000);
  before(() => {
    tmp = fs.mkdtempSync(path.join(os.tmpdir(), "sg-audit-"));
  });
  after(() => fs.rmSync(tmp, { recursive: true, force: true }));

  describe("verdicts", () => {
    let unopt: ReturnType<typeof auditJson>;
    before(() => {
      unopt = auditJson(unoptimized);
    });

    it("reports exactly the expected violations on the unoptimized export, all mandatory, and exits 1", () => {
      expect(unopt.stderr).to.equal("");
      expect(unopt.status).to.equal(1);
      expect(found(unopt.report)).to.deep.equal(UNOPTIMIZED_VIOLATIONS);
      expect(unopt.report.violations.every((v: any) => v.enforcementLevel === "mandatory")).to.equal(true);
    });

    it("writes JSON in the documented shape", () => {
      const r = unopt.report;
      expect(Object.keys(r)).to.deep.equal(["policyPack", "violations", "remediations", "summary"]);
      expect(r.policyPack).to.deep.equal({
        name: "serverless-guard",
        version: require(path.join(root, "package.json")).version,
      });
      for (const v of r.violations) {
        expect(Object.keys(v)).to.deep.equal([
          "policyName",
          "policyPackName",
          "policyPackVersion",
          "resourceUrn",
          "enforcementLevel",
          "severity",
          "message",
        ]);
        expect(v.message).to.be.a("string").and.not.equal("");
      }
      const resources = JSON.parse(fs.readFileSync(unoptimized, "utf8")).deployment.resources.length;
      const { byPolicy, ...counts } = r.summary;
      // The stack, the providers, the component and the random pet are recorded but judged by no policy.
      expect(counts).to.deep.equal({
        resources,
        mandatory: UNOPTIMIZED_VIOLATIONS.length,
        advisory: 0,
        fakedInvokes: [],
        resourcesChecked: 10,
        resourcesWithMandatoryFindings: 8,
      });
      expect(Object.keys(byPolicy)).to.have.length(9);
      expect(byPolicy["dlq-alarm"]).to.deep.equal({
        enforcementLevel: "mandatory",
        checked: 3,
        passed: 1,
        failed: 2,
        exempt: 0,
      });
      expect(r.remediations).to.deep.equal([]);
    });

    it("names the offending value in messages (memory of big-fn)", () => {
      const memory = unopt.report.violations.find((v: any) => v.policyName === "lambda-memory-limit");
      expect(memory.message).to.contain("3008");
    });

    it("passes the clean export (secrets, string defaultTags, redrivePolicy with an alarm, a component, the random provider) and exits 0", () => {
      const r = auditJson(clean);
      expect(r.stderr).to.equal("");
      expect(r.report.violations).to.deep.equal([]);
      expect(r.status).to.equal(0);
      expect(r.report.summary.mandatory).to.equal(0);
    });

    it("takes real-world odd shapes without throwing: reads, pending deletes and operations, nulls, other packages, no inputs", () => {
      const oddShapes = path.join(fixtures, "odd-shapes.json");
      const r = auditJson(oddShapes);
      expect(r.stderr).to.equal("");
      expect(r.status).to.equal(1);
      // Not flagged: the read role (analyzed, as by `pulumi policy analyze`; tagged by its provider), the pending
      // delete (10240 MB), the pending creation (4096 MB), the bucket without inputs (tagged by the provider), the
      // namespace of another package.
      expect(found(r.report)).to.deep.equal([
        "cost-allocation-tags worker", // its provider reference dangles, so no defaultTags reach it
        "dynamodb-on-demand sessions", // inputs: null is no billingMode, i.e. PROVISIONED
        "lambda-dead-letter-queue worker",
        "lambda-log-group worker",
        "lambda-memory-limit worker", // memorySize "abc" is not a number
      ]);
      const resources = JSON.parse(fs.readFileSync(oddShapes, "utf8")).deployment.resources;
      expect(r.report.summary.resources).to.equal(resources.filter((x: any) => x.delete !== true).length);
    });

    it("passes an empty stack (no resources key, as a new stack exports) with exit 0", () => {
      const r = auditJson(
        writeTmp("empty.json", {
          version: 3,
          deployment: { manifest: { time: "2026-11-20T10:00:00Z", magic: "", version: "v3.200.0" } },
        }),
      );
      expect(r.stderr).to.equal("");
      expect(r.status).to.equal(0);
      expect(r.report.violations).to.deep.equal([]);
      expect(r.report.summary.resources).to.equal(0);
    });

    it("prints text: a headline per finding, then the resources checked and how many have mandatory findings", () => {
      const r = cli(unoptimized);
      expect(r.status).to.equal(1);
      const lines = r.stdout.trimEnd().split("\n");
      const headlines = lines.filter(
        (l) => l.startsWith("mandatory  ") && l.includes(" big-fn (aws:lambda/function:Function)"),
      );
      expect(headlines.map((l) => l.split(/\s+/)[1]).sort()).to.deep.equal([
        "lambda-dead-letter-queue",
        "lambda-log-group",
        "lambda-memory-limit",
      ]);
      const withMandatory = new Set(UNOPTIMIZED_VIOLATIONS.map((v) => v.split(" ")[1])).size;
      expect(lines[lines.length - 1]).to.match(
        new RegExp(`^\\d+ resources checked \\(${withMandatory} with mandatory findings\\)$`),
      );
    });

    it("writes SARIF 2.1.0 that validates against the schema, one rule per policy, URN and source line per result", () => {
      const out = path.join(tmp, "report.sarif");
      const r = cli(unoptimized, "--format", "sarif", "--output", out);
      expect(r.status).to.equal(1);
      expect(r.stdout).to.equal("");
      const log = JSON.parse(fs.readFileSync(out, "utf8"));
      expect(sarifErrors(log)).to.deep.equal([]);
      const run = log.runs[0];
      expect(run.tool.driver.rules).to.have.length(9);
      expect(run.results).to.have.length(UNOPTIMIZED_VIOLATIONS.length);
      const memory = run.results.find((x: any) => x.ruleId === "lambda-memory-limit");
      expect(run.tool.driver.rules[memory.ruleIndex].id).to.equal("lambda-memory-limit");
      expect(run.tool.driver.rules[memory.ruleIndex].helpUri).to.equal(policyDocUrl("lambda-memory-limit"));
      expect(memory.level).to.equal("error");
      expect(memory.locations[0].logicalLocations[0].fullyQualifiedName).to.equal(
        "urn:pulumi:dev::shop::aws:lambda/function:Function::big-fn",
      );
      expect(memory.locations[0].physicalLocation).to.deep.equal({
        artifactLocation: { uri: "index.ts" },
        region: { startLine: 30, startColumn: 5 },
      });
    });
  });

  describe("policy pack config", () => {
    it("changes an enforcement level and a threshold end to end", () => {
      const cfg = writeTmp("levels.json", {
        "lambda-memory-limit": { maxMemoryMb: 4096 },
        "log-group-retention": { enforcementLevel: "advisory" },
      });
      const r = auditJson(unoptimized, "--policy-pack-config", cfg);
      expect(r.status).to.equal(1);
      const expected = UNOPTIMIZED_VIOLATIONS.filter((v) => !v.startsWith("lambda-memory-limit"));
      expect(found(r.report)).to.deep.equal(expected);
      const retention = r.report.violations.filter((v: any) => v.policyName === "log-group-retention");
      expect(retention.map((v: any) => v.enforcementLevel)).to.deep.equal(["advisory"]);
      expect(r.report.summary.advisory).to.equal(1);
    });

    it("'all' sets every policy's level: all advisory exits 0", () => {
      const r = auditJson(unoptimized, "--policy-pack-config", writeTmp("all.json", { all: "advisory" }));
      expect(r.status).to.equal(0);
      expect(found(r.report)).to.deep.equal(UNOPTIMIZED_VIOLATIONS);
      expect(r.report.summary).to.include({ mandatory: 0, advisory: UNOPTIMIZED_VIOLATIONS.length });
    });

    it("remediate reports the table's whole new property bag, not applied: Analyze still sees the saved inputs", () => {
      const r = auditJson(
        unoptimized,
        "--policy-pack-config",
        writeTmp("remediate.json", { "dynamodb-on-demand": "remediate" }),
      );
      // As `pulumi policy analyze`: the state is not changed, so the policy still fires (remediate counts as mandatory).
      expect(
        r.report.violations
          .filter((v: any) => v.policyName === "dynamodb-on-demand")
          .map((v: any) => `${nameOf(v.resourceUrn)} ${v.enforcementLevel}`),
      ).to.deep.equal(["sessions mandatory"]);
      expect(r.report.remediations).to.have.length(1);
      const rem = r.report.remediations[0];
      expect(rem.policyName).to.equal("dynamodb-on-demand");
      expect(nameOf(rem.resourceUrn)).to.equal("sessions");
      expect(rem.properties).to.deep.equal({
        name: "sessions-5e6f7a8",
        billingMode: "PAY_PER_REQUEST",
        hashKey: "id",
        attributes: [{ name: "id", type: "S" }],
      });
    });
  });

  describe("remediation of a resource holding an encrypted secret", () => {
    const cfg = () => writeTmp("remediate-memory.json", { "lambda-memory-limit": "remediate" });
    const bigFn = () =>
      JSON.parse(fs.readFileSync(unoptimized, "utf8")).deployment.resources.find((x: any) =>
        x.urn.endsWith("::big-fn"),
      );

    it("changes only memorySize and shows the secret as [secret] (neither the ciphertext nor the unknown value the pack saw)", () => {
      const r = auditJson(unoptimized, "--policy-pack-config", cfg());
      const rem = r.report.remediations.find((x: any) => x.policyName === "lambda-memory-limit");
      expect(rem.properties).to.deep.equal({ ...bigFn().inputs, memorySize: 768, environment: "[secret]" });
    });

    it("text shows only what changed", () => {
      const r = cli(unoptimized, "--policy-pack-config", cfg());
      const lines = r.stdout.split("\n");
      const at = lines.indexOf("    lambda-memory-limit  big-fn (aws:lambda/function:Function)");
      expect(at, r.stdout).to.be.greaterThan(-1);
      expect(lines.slice(at + 1, at + 3)).to.deep.equal(["        ~ memorySize: 3008 => 768", ""]);
    });
  });

  describe("bad input: one line on stderr, nothing on stdout, exit 2", () => {
    // [case, arguments (made once the temp dir exists), what stderr must say]
    const cases: Array<[string, () => string[], string | RegExp]> = [
      ["no STATE.json", () => [], "missing STATE.json"],
      ["two files", () => [clean, unoptimized], "expected one STATE.json"],
      ["missing file", () => [path.join(tmp, "nope.json")], "nope.json: no such file"],
      ["a directory", () => [tmp], "is a directory"],
      ["not JSON", () => [writeTmp("broken.json", "{ not json")], "broken.json: not valid JSON"],
      [
        "wrong version",
        () => [writeTmp("v2.json", { version: 2, deployment: { resources: [] } })],
        "unsupported stack export version 2 (expected 3",
      ],
      [
        "a v1 export",
        () => [writeTmp("v1.json", { version: 1, checkpoint: { stack: "dev" } })],
        "unsupported stack export version 1 (expected 3",
      ],
      [
        "a state file without a version",
        () => [writeTmp("nover.json", { deployment: { resources: [] } })],
        "unsupported stack export version null (expected 3",
      ],
      ["no deployment", () => [writeTmp("nodep.json", { version: 3 })], "missing 'deployment'"],
      [
        "a resource without a urn",
        () => [writeTmp("nourn.json", { version: 3, deployment: { resources: [{ type: "x" }] } })],
        "deployment.resources[0]",
      ],
      [
        "unknown --format",
        () => [clean, "--format", "xml"],
        "unknown --format 'xml' (expected one of: text, json, sarif)",
      ],
      ["unknown option", () => [clean, "--frobnicate"], "--frobnicate"],
      [
        "--output in a missing directory",
        () => [clean, "--output", path.join(tmp, "no", "dir", "r.json")],
        "does not exist",
      ],
      ["--output naming a directory", () => [clean, "--output", tmp], /--output .*: is a directory; give a file name/],
      [
        "missing config file",
        () => [clean, "--policy-pack-config", path.join(tmp, "missing-cfg.json")],
        /missing-cfg\.json: cannot read file/,
      ],
      [
        "config not JSON",
        () => [clean, "--policy-pack-config", writeTmp("cfg-broken.json", "{,}")],
        "cfg-broken.json: not valid JSON",
      ],
      [
        "config: unknown policy",
        () => [clean, "--policy-pack-config", writeTmp("cfg-unknown.json", { "lambda-memory-limits": "advisory" })],
        "cfg-unknown.json: unknown policy 'lambda-memory-limits'",
      ],
      [
        "config: bad enforcement level",
        () => [clean, "--policy-pack-config", writeTmp("cfg-level.json", { "dlq-alarm": "strict" })],
        "cfg-level.json: policy 'dlq-alarm': unknown enforcement level 'strict'",
      ],
      [
        "config: wrong property type",
        () => [
          clean,
          "--policy-pack-config",
          writeTmp("cfg-type.json", { "lambda-memory-limit": { maxMemoryMb: "lots" } }),
        ],
        "cfg-type.json: policy 'lambda-memory-limit': property 'maxMemoryMb'",
      ],
      [
        "config: unknown property",
        () => [
          clean,
          "--policy-pack-config",
          writeTmp("cfg-prop.json", { "lambda-memory-limit": { maxMemoryMB: 1024 } }),
        ],
        "cfg-prop.json: policy 'lambda-memory-limit': property 'maxMemoryMB' is not a configuration property",
      ],
    ];
    // Started together, a core each; every case still asserts its own run.
    const queued = limitConcurrency();
    const runs = new Map<string, Promise<NodeRun>>();
    before(() => {
      for (const [what, args] of cases)
        runs.set(
          what,
          queued(() => runNode([bin, "audit", ...args()], { cwd: root })),
        );
    });
    for (const [what, , expected] of cases) {
      it(what, async () => {
        const r = await runs.get(what)!;
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stdout).to.equal("");
        expect(r.stderr.trimEnd().split("\n"), r.stderr).to.have.length(1);
        if (typeof expected === "string") expect(r.stderr).to.contain(expected);
        else expect(r.stderr).to.match(expected);
      });
    }
  });

  it("--help prints usage with the common options and exits 0", () => {
    const r = cli("--help");
    expect(r.status).to.equal(0);
    expect(r.stdout)
      .to.contain("Usage: serverless-guard audit STATE.json")
      .and.contain("--policy-pack-config")
      .and.contain("--format text|json|sarif")
      // Where audit deliberately differs from `pulumi policy analyze`.
      .and.contain("pulumi policy analyze")
      .and.contain("reads, `external`, included")
      .and.contain("reported but not applied")
      .and.contain('"[secret]"')
      .and.contain("PULUMI_CONFIG_PASSPHRASE");
  });
});
