// Throw-away policy packs for tests and the start-up benchmark. They resolve @pulumi/policy from
// this checkout's node_modules, so they need no install of their own.
import * as fs from "fs";
import * as os from "os";
import * as path from "path";

/** A pack directory: package.json, PulumiPolicy.yaml and an index.js with the given body. */
export function writePack(name: string, indexBody: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `sg-pack-${name}-`));
  fs.writeFileSync(path.join(dir, "package.json"), JSON.stringify({ name, version: "0.0.1", main: "index.js" }));
  fs.writeFileSync(path.join(dir, "PulumiPolicy.yaml"), `runtime: nodejs\ndescription: ${name} test pack\n`);
  fs.writeFileSync(
    path.join(dir, "index.js"),
    `const { PolicyPack } = require(${JSON.stringify(require.resolve("@pulumi/policy"))});\n${indexBody}\n`,
  );
  return dir;
}

/** The baseline of the start-up benchmark: a pack with no policies. */
export function writeEmptyPack(): string {
  return writePack("empty", `new PolicyPack("empty", { policies: [] });`);
}
