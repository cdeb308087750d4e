import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

// `check` runs the program from its own directory while the pack starts; relative paths the user typed must
// still name files from where the user ran the command.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const program = path.join(root, "tests", "fixtures", "programs", "unoptimized");

describe("check: relative --policy-pack-config and --output are read from the caller's directory", () => {
  let dir: string;
  before(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-relpaths-"));
    fs.writeFileSync(path.join(dir, "cfg.json"), JSON.stringify({ "lambda-memory-limit": { maxMemoryMb: 4096 } }));
  });
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  it("uses ./cfg.json and writes ./report.json", () => {
    const r = spawnSync(
      process.execPath,
      [bin, "check", program, "--policy-pack-config", "cfg.json", "--format", "json", "--output", "report.json"],
      {
        cwd: dir,
        encoding: "utf8",
      },
    );
    expect(r.status, r.stderr).to.equal(1);
    expect(fs.existsSync(path.join(program, "report.json")), "nothing written into the program's directory").to.equal(
      false,
    );
    const report = JSON.parse(fs.readFileSync(path.join(dir, "report.json"), "utf8"));
    const policies = new Set(report.violations.map((v: { policyName: string }) => v.policyName));
    expect(policies.has("lambda-dead-letter-queue")).to.equal(true);
    // The 3008 MB function passes under the caller's cfg.json (4096 MB ceiling); without the file it would fail.
    expect(policies.has("lambda-memory-limit")).to.equal(false);
  });
});
