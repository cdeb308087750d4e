// The layers only point down: the policy pack stands alone (a published pack ships nothing else), the CLI builds
// on the pack, and neither the shipped code nor the benchmarks reach into the tests.
import { expect } from "chai";
import { spawnSync } from "child_process";
import * as fs from "fs";
import * as path from "path";

const ROOT = path.join(__dirname, "..", "..");

/** Every relative import or require of each .ts/.js file below `dir`, resolved to a repository-relative path. */
function relativeImports(dir: string): { file: string; target: string }[] {
  const found: { file: string; target: string }[] = [];
  for (const entry of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || !/\.(ts|js)$/.test(entry.name) || entry.parentPath.includes("node_modules")) continue;
    const file = path.join(entry.parentPath, entry.name);
    const text = fs.readFileSync(file, "utf8");
    for (const m of text.matchAll(/(?:from\s+|require\(\s*|import\(\s*)["'](\.{1,2}\/[^"']*)["']/g)) {
      found.push({
        file: path.relative(ROOT, file),
        target: path.relative(ROOT, path.resolve(path.dirname(file), m[1])),
      });
    }
  }
  return found;
}

function crossings(dir: string, forbidden: string[]): string[] {
  return relativeImports(dir)
    .filter(({ target }) => forbidden.some((f) => target === f || target.startsWith(`${f}/`)))
    .map(({ file, target }) => `${file} -> ${target}`);
}

describe("architecture: layers only point down", () => {
  it("the policy pack imports nothing from the CLI, the stack, the handlers, the tests, benchmarks or scripts", () => {
    expect(crossings("policy-pack", ["src", "stack", "lambdas", "tests", "bench", "scripts", "cli"])).to.deep.equal([]);
  });

  it("the CLI imports nothing from the stack, the handlers, the tests, benchmarks or scripts", () => {
    expect(crossings("src", ["stack", "lambdas", "tests", "bench", "scripts"])).to.deep.equal([]);
  });

  it("only src/cli imports src/cli (the commands are the top layer)", () => {
    const users = relativeImports("src").filter(
      ({ file, target }) => target.startsWith("src/cli") && !file.startsWith("src/cli/"),
    );
    expect(users.map(({ file, target }) => `${file} -> ${target}`)).to.deep.equal([]);
  });

  it("benchmarks import nothing from the tests (shared tooling lives in scripts/)", () => {
    expect(crossings("bench", ["tests"])).to.deep.equal([]);
  });

  it("the CLI's own process never loads the Pulumi SDK: its reports read the policy list, the pack and program load the SDK", () => {
    // Loading @pulumi/pulumi costs the CLI most of a second, after the pack has answered: what the report needs
    // (the policy list, subjects, exemptions) must not import it. Run on the built modules, as the CLI runs them.
    const probe = `
      require("./dist/src/cli/main.js");
      require("./dist/policy-pack/subjects.js").policySubjects();
      require("./dist/policy-pack/common/exemptions.js");
      require("./dist/src/pack-config/index.js").localAnalyzerInfo();
      const loaded = Object.keys(require.cache).filter((f) => /node_modules[\\/]@pulumi[\\/](pulumi|policy)[\\/]index\\.js$/.test(f));
      console.log(JSON.stringify(loaded));`;
    const run = spawnSync(process.execPath, ["-e", probe], { cwd: ROOT, encoding: "utf8" });
    expect(run.status, run.stderr).to.equal(0);
    expect(JSON.parse(run.stdout)).to.deep.equal([]);
  });

  it("finds imports at all (the scan is not vacuous)", () => {
    expect(relativeImports("policy-pack").length).to.be.above(30);
    expect(crossings("tests", ["src"]).length).to.be.above(10);
  });
});
