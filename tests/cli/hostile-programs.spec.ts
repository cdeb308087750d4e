import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { limitConcurrency } from "../support/spawn";
import { useTempDirs } from "../support/temp";
import { runTracked, survivors, TrackedRun } from "./support/process-tree";

// A program cannot hang `check`, change its exit code or its report, or leave a process behind: each case runs the
// real CLI (bin -> dist) on a small hostile program and checks the exit code, the one-line message or the report,
// and that every process the CLI started is gone once it has exited.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const programs = path.join(root, "tests", "fixtures", "programs");
const queued = limitConcurrency();
const check = (args: string[]) => queued(() => runTracked([bin, "check", ...args], { cwd: root }));

function lastLine(r: TrackedRun): string {
  const lines = r.stderr.trim().split("\n");
  return lines[lines.length - 1];
}

async function expectNoSurvivors(r: TrackedRun) {
  expect(r.descendants.size, "the CLI started the pack and the program's process").to.be.greaterThan(0);
  expect(await survivors(r.descendants)).to.deep.equal([]);
}

/** The report of a run on a program with a 10,240 MB function: that violation is in it, and the exit code says so. */
function expectViolationReport(r: TrackedRun) {
  expect(r.status, r.stderr).to.equal(1);
  const report = JSON.parse(r.stdout); // nothing but the report on stdout
  expect(report.summary.mandatory).to.be.greaterThan(0);
  expect(report.violations.map((v: { policyName: string }) => v.policyName)).to.include("lambda-memory-limit");
}

describe("check on hostile programs", function () {
  const tempDir = useTempDirs("sg-hostile-");
  const runs = new Map<string, Promise<TrackedRun>>();
  const run = (name: string, args: string[]) => runs.set(name, check(args));
  const got = (name: string) => runs.get(name)!;
  let syntaxProgram: string;

  before(() => {
    // Written here rather than kept as a fixture: the repository's type-check would trip on it.
    syntaxProgram = tempDir();
    fs.writeFileSync(path.join(syntaxProgram, "Pulumi.yaml"), "name: ts-syntax\nruntime: nodejs\n");
    fs.symlinkSync(path.join(root, "node_modules"), path.join(syntaxProgram, "node_modules"), "dir");
    fs.writeFileSync(
      path.join(syntaxProgram, "index.ts"),
      'import * as aws from "@pulumi/aws";\n\nconst n: number = 1;\nconst queue = new aws.sqs.Queue("q", {;\n',
    );
    run("open-handles", [path.join(programs, "hostile-open-handles"), "--format", "json"]);
    run("exit-later", [path.join(programs, "hostile-exit-later"), "--format", "json"]);
    run("late-throw", [path.join(programs, "hostile-late-throw"), "--format", "json"]);
    run("stdout", [path.join(programs, "hostile-stdout"), "--format", "json"]);
    run("exit-now", [path.join(programs, "hostile-exit-now")]);
    run("busy-loop", [path.join(programs, "hostile-busy-loop"), "--timeout", "3"]);
    run("memory", [path.join(programs, "hostile-memory"), "--max-memory", "128"]);
    run("duplicate", [path.join(programs, "hostile-duplicate")]);
    run("ts-syntax", [syntaxProgram]);
  });

  it("exits with its verdict although the program leaves a timer and a listening server behind", async () => {
    const r = await got("open-handles");
    expectViolationReport(r);
    await expectNoSurvivors(r);
  });

  it("keeps exit 1 when the program calls process.exit(0) later or sets process.exitCode = 0 on exit", async () => {
    const r = await got("exit-later");
    expectViolationReport(r);
    await expectNoSurvivors(r);
  });

  it("keeps its report and exit code when the program throws from a timer after it finished, and stops the pack", async () => {
    const r = await got("late-throw");
    expectViolationReport(r);
    expect(r.stderr).not.to.match(/^\s+at /m); // any trace of the program's is prefixed as its output
    await expectNoSurvivors(r);
  });

  it("sends what the program writes to stdout to stderr, prefixed, so a JSON report stays valid", async () => {
    const r = await got("stdout");
    expectViolationReport(r);
    expect(r.stderr).to.contain("[program] garbage\n");
    expect(r.stderr).to.contain("[program] via console.log\n");
  });

  it("reports a program that exits 0 before finishing as a failure, exit 2, one line", async () => {
    const r = await got("exit-now");
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal(
      `serverless-guard check: program ${path.join(programs, "hostile-exit-now")} failed: it exited with code 0 before finishing\n`,
    );
    await expectNoSurvivors(r);
  });

  it("kills a program stuck in a synchronous loop when --timeout expires, exit 2", async () => {
    const r = await got("busy-loop");
    expect(r.status, r.stderr).to.equal(2);
    expect(lastLine(r)).to.equal(
      `serverless-guard check: program ${path.join(programs, "hostile-busy-loop")} failed: it did not finish within 3 s (awaiting a promise that never settles?); see --timeout`,
    );
    await expectNoSurvivors(r);
  });

  it("turns a program that runs out of memory under --max-memory into one error line, exit 2", async () => {
    const r = await got("memory");
    expect(r.status, r.stderr).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal(
      `serverless-guard check: program ${path.join(programs, "hostile-memory")} failed: it ran out of memory (more than 128 MB; see --max-memory)\n`,
    );
    await expectNoSurvivors(r);
  });

  it("rejects two resources with the same URN, as the engine does, exit 2", async () => {
    const r = await got("duplicate");
    expect(r.status, r.stderr).to.equal(2);
    expect(lastLine(r)).to.equal(
      `serverless-guard check: program ${path.join(programs, "hostile-duplicate")} failed: Duplicate resource URN 'urn:pulumi:dev::hostile-duplicate::aws:sqs/queue:Queue::jobs'; try giving it a unique name`,
    );
  });

  it("names the file and line of a TypeScript syntax error, exit 2", async () => {
    const r = await got("ts-syntax");
    expect(r.status, r.stderr).to.equal(2);
    expect(lastLine(r)).to.match(
      new RegExp(
        `^serverless-guard check: program .*failed: Expected identifier but found ";" at ${path.join(syntaxProgram, "index.ts").replace(/[.*+?^${}()|[\]\\/]/g, "\\$&")}:4$`,
      ),
    );
  });

  describe("validates its limits before running the program", () => {
    const cases: [string, string[], string][] = [
      [
        "a --timeout beyond what Node's timers hold",
        ["--timeout", "9999999"],
        "--timeout '9999999' is too long (at most 2147483 seconds)",
      ],
      [
        "a --max-memory that is not a whole number",
        ["--max-memory", "1.5"],
        "--max-memory '1.5' is not a whole number of MB (at least 64)",
      ],
      [
        "a --max-memory below what Node needs",
        ["--max-memory", "10"],
        "--max-memory '10' is not a whole number of MB (at least 64)",
      ],
    ];
    for (const [what, args, message] of cases) {
      it(`rejects ${what}, exit 2`, async () => {
        const r = await check([path.join(programs, "compliant"), ...args]);
        expect(r.status, r.stderr).to.equal(2);
        expect(r.stderr).to.equal(`serverless-guard check: ${message}\n`);
        expect(r.stderr).not.to.contain("[program]");
        expect(await survivors(r.descendants)).to.deep.equal([]);
      });
    }
  });
});
