// The text report of a program with many findings, through the real CLI: a golden file, plus the properties a reader
// relies on (width, one legend entry per policy, the per-policy table and its totals agreeing with the JSON report).
// Regenerate the golden file after an intended change with UPDATE_GOLDEN=1.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { limitConcurrency, NodeRun, runNode } from "../support/spawn";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const program = path.join(root, "tests", "fixtures", "programs", "many-findings");
const golden = path.join(root, "tests", "fixtures", "reports", "many-findings.txt");
const queued = limitConcurrency();
const check = (...args: string[]) => queued(() => runNode([bin, "check", program, ...args], { cwd: root }));

interface JsonReport {
  violations: { policyName: string; resourceUrn: string | null; enforcementLevel: string; message: string }[];
  summary: {
    resources: number;
    resourcesChecked: number;
    resourcesWithMandatoryFindings: number;
    byPolicy: Record<
      string,
      { enforcementLevel: string; checked: number; passed: number; failed: number; exempt: number }
    >;
  };
}
interface Policy {
  name: string;
  description: string;
}

/** Runs the program once per way of reading it; every test below reads these. */
let text: NodeRun;
let verbose: NodeRun;
let json: JsonReport;
const policies: Policy[] = (require("../../policy-pack/policies") as typeof import("../../policy-pack/policies"))
  .policies;
const squash = (s: string) => s.replace(/\s+/g, " ").trim();

describe("text report (golden file: tests/fixtures/reports/many-findings.txt)", function () {
  this.timeout(180_000);

  before(async () => {
    const [t, v, j] = await Promise.all([check(), check("--verbose"), check("--format", "json")]);
    for (const r of [t, v, j]) expect(r.status, r.stderr).to.equal(1);
    [text, verbose, json] = [t, v, JSON.parse(j.stdout) as JsonReport];
    if (process.env.UPDATE_GOLDEN) fs.writeFileSync(golden, text.stdout);
  });

  it("matches the golden file", () => {
    expect(text.stdout).to.equal(fs.readFileSync(golden, "utf8"));
  });

  it("fits in 80 columns when stdout is not a terminal, without colour", () => {
    const lines = text.stdout.split("\n");
    expect(lines.filter((l) => l.length > 80)).to.deep.equal([]);
    expect(text.stdout).not.to.contain("\x1b[");
  });

  it("shows each reported policy's description once, in the legend, and lists each policy once in the table", () => {
    const reported = new Set(json.violations.map((v) => v.policyName));
    const flat = squash(text.stdout);
    for (const p of policies) {
      const occurrences = flat.split(squash(p.description)).length - 1;
      expect(occurrences, p.name).to.equal(reported.has(p.name) ? 1 : 0);
      expect(
        text.stdout.split("\n").filter((l) => l.startsWith(`${p.name} `)),
        p.name,
      ).to.have.length(1);
    }
  });

  it("folds the CallbackFunction role's managed-policy findings into one finding with a short list", () => {
    const attachments = json.violations.filter(
      (v) => v.policyName === "iam-scoped-permissions" && v.resourceUrn?.includes("RolePolicyAttachment::handler-"),
    );
    expect(attachments.length).to.be.greaterThan(1);
    const lines = text.stdout.split("\n");
    const head = lines.indexOf(
      `mandatory  iam-scoped-permissions  handler (aws:iam/role:Role): ${attachments.length} findings`,
    );
    expect(head, text.stdout).to.be.greaterThan(-1);
    const items = lines.slice(head + 1, lines.indexOf("", head)).filter((l) => l.startsWith("    - "));
    expect(items).to.have.length(attachments.length);
    // One headline, not one per attachment.
    expect(lines.filter((l) => /^mandatory {2}iam-scoped-permissions {2}handler-/.test(l))).to.deep.equal([]);
  });

  it("--verbose prints every finding's message whole; the default shortens the long ones and says so", () => {
    const whole = squash(verbose.stdout);
    for (const v of json.violations) {
      const policy = policies.find((p) => p.name === v.policyName)!;
      const own = v.message.startsWith(policy.description + "\n")
        ? v.message.slice(policy.description.length + 1)
        : v.message;
      // The part after the resource's own `TYPE "NAME" ` (the headline names it) must be there, in full.
      const tail = squash(own.replace(/^\S+ "[^"]+" /, ""));
      // In a group, the lead the findings share (`grants wildcard permissions:`) is printed once, above the list.
      const lead = tail.slice(0, tail.indexOf(": ") + 2);
      const found = whole.includes(tail) || (whole.includes(lead.trim()) && whole.includes(tail.slice(lead.length)));
      expect(found, `${v.policyName} ${v.resourceUrn}: ${tail}`).to.equal(true);
    }
    expect(text.stdout).to.contain("Some findings were shortened: --verbose or --format json shows them whole.");
    expect(verbose.stdout).not.to.contain("Some findings were shortened");
  });

  it("ends with the per-policy table and the totals of the JSON report's summary", () => {
    const lines = text.stdout.trimEnd().split("\n");
    const header = lines.findIndex((l) => /^policy +checked +passed +failed +exempt$/.test(l));
    expect(header).to.be.greaterThan(-1);
    const rows = lines.slice(header + 1, header + 1 + policies.length).map((l) => l.split(/\s+/));
    expect(rows.map((r) => r[0])).to.deep.equal(policies.map((p) => p.name));
    for (const [name, ...counts] of rows) {
      const c = json.summary.byPolicy[name];
      expect(counts.map(Number), name).to.deep.equal([c.checked, c.passed, c.failed, c.exempt]);
      expect(c.checked).to.equal(c.passed + c.failed + c.exempt);
    }
    const mandatory = new Set(
      json.violations.filter((v) => v.enforcementLevel === "mandatory").map((v) => v.resourceUrn),
    );
    expect(json.summary.resourcesWithMandatoryFindings).to.equal(mandatory.size);
    expect(lines[lines.length - 1]).to.equal(
      `${json.summary.resourcesChecked} resources checked (${mandatory.size} with mandatory findings)`,
    );
    // Only resources some policy judges: not the stack, not the providers, which are recorded all the same.
    expect(json.summary.resourcesChecked).to.be.lessThan(json.summary.resources);
  });
});

describe("text report on a terminal", function () {
  this.timeout(180_000);
  // `script` gives the CLI a pseudo-terminal, so it sees a TTY of 100 columns as a user's shell would.
  const onTerminal = (env: Record<string, string>, ...args: string[]) => {
    const command = `stty cols 100; ${[process.execPath, bin, "check", program, ...args].map((a) => `'${a}'`).join(" ")}`;
    const base = { ...process.env, TERM: "xterm-256color" } as Record<string, string | undefined>;
    delete base.NO_COLOR;
    delete base.FORCE_COLOR;
    // Node counts colours from the environment (tty.getColorDepth): under CI=true an unknown CI gets 2 colours,
    // so the CLI rightly prints none. This is a user's terminal.
    delete base.CI;
    return spawnSync("script", ["-qfec", command, "/dev/null"], {
      cwd: root,
      encoding: "utf8",
      env: { ...base, ...env },
    });
  };
  it("wraps to the terminal's width and colours levels, unless NO_COLOR or --no-color", () => {
    const coloured = onTerminal({});
    const out = coloured.stdout.replace(/\r/g, "");
    expect(coloured.status, out).to.equal(1);
    expect(out).to.contain("\x1b[31mmandatory\x1b[39m");
    const plain = (s: string) => s.replace(new RegExp(String.fromCharCode(27) + "\\[\\d+m", "g"), "");
    const widths = plain(out)
      .split("\n")
      .map((l) => l.length);
    expect(Math.max(...widths)).to.be.within(81, 100);

    for (const [env, args] of [
      [{ NO_COLOR: "1" }, []],
      [{}, ["--no-color"]],
    ] as const) {
      const r = onTerminal(env, ...args);
      expect(r.status).to.equal(1);
      expect(r.stdout, JSON.stringify([env, args])).not.to.contain("\x1b[");
    }
  });
});
