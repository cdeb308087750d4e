import { expect } from "chai";
import { execFileSync } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { outputProblem } from "../../src/cli/output-file";
import { limitConcurrency, runNode } from "../support/spawn";
import { useTempDirs } from "../support/temp";

// --output never destroys an input, a link, a pipe or a device, and a target that cannot be written fails before
// the run, for check, audit and optimize alike.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const fixtures = path.join(root, "tests", "fixtures");
const queued = limitConcurrency();
const cli = (args: string[], cwd = root) => queued(() => runNode([bin, ...args], { cwd }));

describe("--output safety", function () {
  const tempDir = useTempDirs("sg-output-");
  let dir: string;
  let state: string;
  let config: string;
  let log: string;
  let program: string;
  const original = new Map<string, string>();

  before(() => {
    dir = tempDir();
    state = path.join(dir, "state.json");
    config = path.join(dir, "config.json");
    log = path.join(dir, "fn.log");
    fs.copyFileSync(path.join(fixtures, "exports", "unoptimized.json"), state);
    fs.writeFileSync(config, JSON.stringify({ "dynamodb-on-demand": "advisory" }));
    fs.copyFileSync(path.join(fixtures, "optimize", "processor-plain.log"), log);
    program = path.join(dir, "program");
    fs.cpSync(path.join(fixtures, "programs", "compliant"), program, { recursive: true });
    fs.symlinkSync(path.join(root, "node_modules"), path.join(dir, "node_modules"), "dir");
    fs.symlinkSync(state, path.join(dir, "link.json"));
    fs.linkSync(state, path.join(dir, "hardlink.json"));
    execFileSync("mkfifo", [path.join(dir, "fifo")]);
    for (const f of [state, config, log, path.join(program, "index.ts"), path.join(program, "Pulumi.yaml")])
      original.set(f, fs.readFileSync(f, "utf8"));
  });

  const refusals: [string, () => string[], RegExp][] = [
    [
      "audit's export, through a relative path",
      () => ["audit", state, "--output", path.relative(root, state)],
      /^serverless-guard audit: --output .*state\.json: is the input file .*state\.json; writing the report would destroy it$/,
    ],
    [
      "audit's export, through a hard link",
      () => ["audit", state, "--output", path.join(dir, "hardlink.json")],
      /^serverless-guard audit: --output .*hardlink\.json: is the input file .*state\.json; writing the report would destroy it$/,
    ],
    [
      "the policy pack config",
      () => ["audit", state, "--policy-pack-config", config, "--output", config],
      /^serverless-guard audit: --output .*config\.json: is the input file .*config\.json; writing the report would destroy it$/,
    ],
    [
      "check's program source",
      () => ["check", program, "--output", path.join(program, "index.ts")],
      /^serverless-guard check: --output .*index\.ts: is the input file .*index\.ts; writing the report would destroy it$/,
    ],
    [
      "check's Pulumi.yaml",
      () => ["check", program, "--output", path.join(program, "..", "program", "Pulumi.yaml")],
      /^serverless-guard check: --output .*Pulumi\.yaml: is the input file .*Pulumi\.yaml; writing the report would destroy it$/,
    ],
    [
      "a symbolic link",
      () => ["audit", state, "--output", path.join(dir, "link.json")],
      /^serverless-guard audit: --output .*link\.json: is a symbolic link, which writing the report would replace; give a regular file, or --output - for stdout$/,
    ],
    [
      "a named pipe",
      () => ["audit", state, "--output", path.join(dir, "fifo")],
      /^serverless-guard audit: --output .*fifo: is a named pipe \(FIFO\), which writing the report would replace; give a regular file, or --output - for stdout$/,
    ],
    [
      "optimize's log file",
      () => ["optimize", `processor=${log}`, "--output", log],
      /^serverless-guard optimize: --output .*fn\.log: is the input file .*fn\.log; writing the report would destroy it$/,
    ],
    [
      "optimize's policy pack config",
      () => ["optimize", `processor=${log}`, "--policy-pack-config", config, "--output", config],
      /^serverless-guard optimize: --output .*config\.json: is the input file .*config\.json; writing the report would destroy it$/,
    ],
    [
      "a symbolic link, for optimize",
      () => ["optimize", `processor=${log}`, "--output", path.join(dir, "link.json")],
      /^serverless-guard optimize: --output .*link\.json: is a symbolic link/,
    ],
    // /proc takes no new files: the check fails before the program runs, not after.
    [
      "a directory it cannot write in, before the program runs",
      () => ["check", path.join(fixtures, "programs", "hostile-stdout"), "--output", "/proc/report.json"],
      /^serverless-guard check: --output \/proc\/report\.json: cannot write in \/proc \(ENOENT\)$/,
    ],
  ];
  for (const [what, args, pattern] of refusals) {
    it(`refuses ${what}, exit 2, and changes nothing`, async () => {
      const r = await cli(args());
      expect(r.status, r.stderr).to.equal(2);
      expect(r.stdout).to.equal("");
      expect(r.stderr.trim().split("\n")).to.have.length(1);
      expect(r.stderr.trim()).to.match(pattern);
      for (const [file, text] of original) expect(fs.readFileSync(file, "utf8"), file).to.equal(text);
      expect(fs.lstatSync(path.join(dir, "link.json")).isSymbolicLink()).to.equal(true);
      expect(fs.lstatSync(path.join(dir, "fifo")).isFIFO()).to.equal(true);
    });
  }

  it("refuses a device node (checked without writing anything)", () => {
    expect(outputProblem("/dev/null")).to.equal(
      "is a device, which writing the report would replace; give a regular file, or --output - for stdout",
    );
  });

  it("writes the report to stdout with --output -", async () => {
    const r = await cli(["audit", state, "--format", "json", "--output", "-"]);
    expect(r.status, r.stderr).to.equal(1);
    expect(JSON.parse(r.stdout).summary.mandatory).to.be.greaterThan(0);
  });

  it("still writes a new file next to the inputs, and replaces a report it wrote before", async () => {
    const out = path.join(dir, "report.json");
    for (let i = 0; i < 2; i++) {
      const r = await cli(["audit", state, "--format", "json", "--output", out]);
      expect(r.status, r.stderr).to.equal(1);
      expect(JSON.parse(fs.readFileSync(out, "utf8")).summary.mandatory).to.be.greaterThan(0);
    }
  });
});
