import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

// `check` of a program and `audit` of a `pulumi stack export` of the same resources (written by hand, as
// AWS would have deployed them: other random suffixes, full provider outputs, `__defaults`, the default
// provider as a resource) must reach the same verdicts.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "bin", "serverless-guard.js");
const cli = (...args: string[]) => spawnSync(process.execPath, [bin, ...args, "--format", "json"], { cwd: root, encoding: "utf8" });

interface Report {
  violations: { policyName: string; resourceUrn?: string; enforcementLevel: string }[];
}
const verdicts = (stdout: string) =>
  (JSON.parse(stdout) as Report).violations.map((v) => `${v.policyName} ${v.resourceUrn ? v.resourceUrn.split("::").slice(3).join("::") : "(stack)"} ${v.enforcementLevel}`).sort();

describe("check and audit agree", () => {
  it("report the same (policy, resource, level) set for the unoptimized program and its equivalent export", () => {
    const checked = cli("check", path.join(root, "tests", "fixtures", "programs", "unoptimized"));
    const audited = cli("audit", path.join(root, "tests", "fixtures", "exports", "equivalent-of-unoptimized.json"));
    expect(checked.status, checked.stderr).to.equal(1);
    expect(audited.status, audited.stderr).to.equal(1);
    const fromCheck = verdicts(checked.stdout);
    expect(fromCheck).to.have.length(10); // not vacuous: every policy fires once or more
    expect(verdicts(audited.stdout)).to.deep.equal(fromCheck);
  });

  it("agree under a policy pack config that changes a level and a threshold", () => {
    const config = path.join(root, "tests", "fixtures", "exports", "equivalence-config.json");
    const checked = cli("check", path.join(root, "tests", "fixtures", "programs", "unoptimized"), "--policy-pack-config", config);
    const audited = cli("audit", path.join(root, "tests", "fixtures", "exports", "equivalent-of-unoptimized.json"), "--policy-pack-config", config);
    expect(checked.status, checked.stderr).to.equal(1);
    const fromCheck = verdicts(checked.stdout);
    expect(fromCheck).to.include("log-group-retention forever-logs advisory");
    expect(fromCheck.some((v) => v.startsWith("lambda-memory-limit "))).to.equal(false); // 3008 <= 4096
    expect(verdicts(audited.stdout)).to.deep.equal(fromCheck);
  });
});
