import { expect } from "chai";
import { spawnSync } from "child_process";
import * as path from "path";

const ROOT = path.resolve(__dirname, "../..");

/** The shipped CLI (`npm run check`), as users run it; needs `npm run build` (done by `npm test`'s pretest). */
function check(...extra: string[]) {
  const run = spawnSync(
    process.execPath,
    [path.join(ROOT, "cli/bin/serverless-guard.js"), "check", "stack/", "--format", "json", ...extra],
    {
      cwd: ROOT,
      encoding: "utf8",
      env: { ...process.env, ENVIRONMENT_SUFFIX: "ci" },
    },
  );
  return { status: run.status, report: run.stdout ? JSON.parse(run.stdout) : undefined, stderr: run.stderr };
}

describe("stack: compliance with the serverless-guard pack (serverless-guard check stack/)", () => {
  it("has zero violations, mandatory or advisory, and exits 0", () => {
    const { status, report, stderr } = check();
    expect(report, stderr).to.not.equal(undefined);
    expect(report.violations).to.deep.equal([]);
    expect(report.summary).to.include({ mandatory: 0, advisory: 0 });
    // 3 functions x (component, function, role, policy, log group) + alias, provisioned concurrency,
    // 2 destination configs, table, DLQ, alarm, TapStack, provider and the root stack.
    expect(report.summary.resources).to.equal(25);
    expect(report.summary.fakedInvokes).to.deep.equal([]);
    expect(status).to.equal(0);
  });

  it("is really checked: pushing the processor past the memory ceiling fails it", () => {
    const { status, report } = check("--config", "processorMemoryMb=1024");
    expect(
      report.violations.map((v: any) => [v.policyName, v.enforcementLevel, v.resourceUrn.split("::").pop()]),
    ).to.deep.equal([["lambda-memory-limit", "mandatory", "processor"]]);
    expect(status).to.equal(1);
  });
});
