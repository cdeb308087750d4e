import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

const bin = path.join(__dirname, "..", "..", "cli", "bin", "serverless-guard.js");
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args], { encoding: "utf8" });

describe("serverless-guard (entry point)", () => {
  it("prints usage listing every command on --help and exits 0", () => {
    const r = cli("--help");
    expect(r.status).to.equal(0);
    for (const c of ["check", "audit", "optimize"]) expect(r.stdout).to.match(new RegExp(`^  ${c} `, "m"));
  });

  it("rejects an unknown command with a one-line error and exit 2", () => {
    const r = cli("frobnicate");
    expect(r.status).to.equal(2);
    expect(r.stderr.trim().split("\n")).to.have.length(1);
    expect(r.stderr).to.contain("unknown command 'frobnicate'");
  });

  it("prints the package version", () => {
    const r = cli("--version");
    expect(r.status).to.equal(0);
    expect(r.stdout.trim()).to.equal(require("../../package.json").version);
  });

  it("names the missing command on one line and exits 2 when none is given", () => {
    const r = cli();
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal(
      "serverless-guard: missing command (expected one of: check, audit, optimize); see --help\n",
    );
  });

  it("prefixes a command's usage error with the command name, on one line, exit 2", () => {
    const r = cli("audit", "--format", "yaml", "x.json");
    expect(r.status).to.equal(2);
    expect(r.stdout).to.equal("");
    expect(r.stderr).to.equal("serverless-guard audit: unknown --format 'yaml' (expected one of: text, json, sarif)\n");
  });
});
