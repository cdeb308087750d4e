import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { policies } from "../../policy-pack/policies";
import { readStackExport } from "../../src/analyzer/stack-export";
import { ResourceRecord } from "../../src/analyzer/resource-record";
import { analyzeResources, analyzeStack, Diagnostic, FixtureResource } from "../support/policy-harness";
import { verdicts } from "../support/json-report";
import { runNode } from "../support/spawn";

// `check` of a program and `audit` of a `pulumi stack export` of the same resources (written by hand, as
// AWS would have deployed them: other random suffixes, full provider outputs, `__defaults`, the default
// provider as a resource) must reach the same verdicts.
const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
// check and audit of the same case run side by side (a core each); each still asserts its own run.
const cli = (...args: string[]) => runNode([bin, ...args, "--format", "json"], { cwd: root });

const verdictsOf = (stdout: string) => verdicts(JSON.parse(stdout));

describe("check and audit agree", () => {
  it("report the same (policy, resource, level) set for the unoptimized program and its equivalent export", async () => {
    const [checked, audited] = await Promise.all([
      cli("check", path.join(root, "tests", "fixtures", "programs", "unoptimized")),
      cli("audit", path.join(root, "tests", "fixtures", "exports", "equivalent-of-unoptimized.json")),
    ]);
    expect(checked.status, checked.stderr).to.equal(1);
    expect(audited.status, audited.stderr).to.equal(1);
    const fromCheck = verdictsOf(checked.stdout);
    expect(fromCheck).to.have.length(10); // not vacuous: every policy fires once or more
    expect(verdictsOf(audited.stdout)).to.deep.equal(fromCheck);
    // The same resources, the engine's default provider included.
    expect(JSON.parse(checked.stdout).summary.resources).to.equal(JSON.parse(audited.stdout).summary.resources);
  });

  it("agree under a policy pack config that changes a level and a threshold", async () => {
    const config = path.join(root, "tests", "fixtures", "exports", "equivalence-config.json");
    const [checked, audited] = await Promise.all([
      cli("check", path.join(root, "tests", "fixtures", "programs", "unoptimized"), "--policy-pack-config", config),
      cli(
        "audit",
        path.join(root, "tests", "fixtures", "exports", "equivalent-of-unoptimized.json"),
        "--policy-pack-config",
        config,
      ),
    ]);
    expect(checked.status, checked.stderr).to.equal(1);
    expect(audited.status, audited.stderr).to.equal(1);
    const fromCheck = verdictsOf(checked.stdout);
    expect(fromCheck).to.include("log-group-retention forever-logs advisory");
    expect(fromCheck.some((v) => v.startsWith("lambda-memory-limit "))).to.equal(false); // 3008 <= 4096
    expect(verdictsOf(audited.stdout)).to.deep.equal(fromCheck);
  });

  it("and the policy unit tests' harness reaches the same verdicts on the same resources", async () => {
    // The per-policy specs drive the SDK's own server in-process; feed it the export's resources the way the engine
    // would (inputs per resource, outputs for the stack) and compare with `audit` of the same file.
    const file = path.join(root, "tests", "fixtures", "exports", "equivalent-of-unoptimized.json");
    const config = JSON.parse(
      fs.readFileSync(path.join(root, "tests", "fixtures", "exports", "equivalence-config.json"), "utf8"),
    );
    const graph = readStackExport(file);
    const fixture = (r: ResourceRecord, props: Record<string, unknown>): FixtureResource => ({
      name: r.name,
      type: r.type,
      urn: r.urn,
      props,
      parent: r.parent,
      dependencies: r.dependencies,
      propertyDependencies: r.propertyDependencies,
      provider: r.provider ? { name: r.provider.name, type: r.provider.type, props: r.provider.properties } : undefined,
    });
    const analyzed = graph.resources.filter((r) => !r.external);
    for (const cfg of [undefined, config]) {
      const diags: Diagnostic[] = [
        ...(await analyzeResources(
          policies,
          analyzed.map((r) => fixture(r, r.inputs)),
          cfg,
        )),
        ...(await analyzeStack(
          policies,
          graph.resources.map((r) => fixture(r, r.outputs)),
          cfg,
        )),
      ];
      const fromHarness = diags.map((d) => `${d.policyName} ${d.resourceName} ${d.enforcementLevel}`).sort();
      const audited = await (cfg
        ? cli(
            "audit",
            file,
            "--policy-pack-config",
            path.join(root, "tests", "fixtures", "exports", "equivalence-config.json"),
          )
        : cli("audit", file));
      expect(audited.status, audited.stderr).to.equal(1);
      expect(fromHarness).to.have.length.greaterThan(0);
      expect(fromHarness).to.deep.equal(verdictsOf(audited.stdout));
    }
  });
});
