import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { limitConcurrency, runNode } from "../support/spawn";

// The JSON and SARIF reports on the reference stack and the fixtures, compared with the ones the CLI produced before
// the program moved into a child process and onto esbuild (tests/fixtures/golden, written by the build of that time).
// JSON rather than text: the text layout may change on its own; the findings, remediations and SARIF locations may not.
// `GOLDEN_WRITE=1 GOLDEN_BIN=path/to/cli/bin/serverless-guard.js npx mocha tests/cli/report-golden.spec.ts` rewrites them.
const root = path.join(__dirname, "..", "..");
const bin = process.env.GOLDEN_BIN ?? path.join(root, "cli", "bin", "serverless-guard.js");
const write = process.env.GOLDEN_WRITE === "1";
const goldenDir = path.join(root, "tests", "fixtures", "golden");
const programs = "tests/fixtures/programs";
const exportsDir = "tests/fixtures/exports";
const remediateAll = "tests/fixtures/golden/remediate-all.json";

const cases: { name: string; args: string[]; cwd?: string }[] = [
  { name: "check-stack", args: ["check", "stack/"] },
  {
    name: "check-stack-remediate",
    args: ["check", "stack/", "--config", "processorMemoryMb=1024", "--policy-pack-config", remediateAll],
  },
  { name: "check-unoptimized", args: ["check", `${programs}/unoptimized`] },
  {
    name: "check-unoptimized-config",
    args: ["check", `${programs}/unoptimized`, "--policy-pack-config", `${exportsDir}/equivalence-config.json`],
  },
  { name: "check-compliant", args: ["check", `${programs}/compliant`] },
  { name: "check-default-tags", args: ["check", `${programs}/default-tags`] },
  { name: "check-esm", args: ["check", `${programs}/esm`] },
  { name: "check-invokes", args: ["check", `${programs}/invokes`] },
  { name: "check-default-dir", args: ["check"], cwd: `${programs}/default-dir` },
  { name: "audit-clean", args: ["audit", `${exportsDir}/clean.json`] },
  { name: "audit-unoptimized", args: ["audit", `${exportsDir}/unoptimized.json`] },
  {
    name: "audit-unoptimized-remediate",
    args: ["audit", `${exportsDir}/unoptimized.json`, "--policy-pack-config", remediateAll],
  },
  { name: "audit-odd-shapes", args: ["audit", `${exportsDir}/odd-shapes.json`] },
  {
    name: "audit-equivalent",
    args: [
      "audit",
      `${exportsDir}/equivalent-of-unoptimized.json`,
      "--policy-pack-config",
      `${exportsDir}/equivalence-config.json`,
    ],
  },
];

/** What of a SARIF log must not move: each result's rule, level and location. */
function sarifLocations(text: string): string[] {
  const log = JSON.parse(text);
  return log.runs[0].results.map((r: any) => {
    const p = r.locations?.[0]?.physicalLocation;
    return `${r.ruleId} ${r.level} ${p?.artifactLocation?.uri}:${p?.region?.startLine ?? ""}:${p?.region?.startColumn ?? ""} ${r.locations?.[0]?.logicalLocations?.[0]?.fullyQualifiedName ?? ""}`;
  });
}

describe("reports stay the same as before (golden files)", function () {
  const queued = limitConcurrency();
  const runs = new Map<
    string,
    Promise<{ json: Awaited<ReturnType<typeof runNode>>; sarif: Awaited<ReturnType<typeof runNode>> }>
  >();
  before(() => {
    for (const c of cases) {
      const cwd = path.join(root, c.cwd ?? "");
      runs.set(
        c.name,
        Promise.all([
          queued(() => runNode([bin, ...c.args, "--format", "json"], { cwd })),
          queued(() => runNode([bin, ...c.args, "--format", "sarif"], { cwd })),
        ]).then(([json, sarif]) => ({ json, sarif })),
      );
    }
  });

  for (const c of cases) {
    it(`${c.name}: ${c.args.join(" ")}`, async () => {
      const { json, sarif } = await runs.get(c.name)!;
      expect([0, 1], json.stderr).to.include(json.status);
      expect(sarif.status, sarif.stderr).to.equal(json.status);
      // Paths of this checkout (a bundle's directory in a remediation) differ from one clone to the next.
      const here = (text: string) => text.split(root).join("<root>");
      const actual = {
        exitCode: json.status,
        report: JSON.parse(here(json.stdout)),
        sarif: sarifLocations(here(sarif.stdout)),
      };
      const file = path.join(goldenDir, `${c.name}.json`);
      if (write) fs.writeFileSync(file, JSON.stringify(actual, null, 2) + "\n");
      expect(actual).to.deep.equal(JSON.parse(fs.readFileSync(file, "utf8")));
    });
  }
});
