import * as fs from "fs";
import * as path from "path";

/**
 * The serverless-guard checkout (the directory holding PulumiPolicy.yaml and package.json), found by
 * walking up from this file so it works both from source (ts-node) and from dist/.
 */
export function packageRoot(): string {
  let dir = __dirname;
  for (;;) {
    if (fs.existsSync(path.join(dir, "PulumiPolicy.yaml")) && fs.existsSync(path.join(dir, "package.json"))) return dir;
    const parent = path.dirname(dir);
    if (parent === dir) throw new Error(`cannot find the serverless-guard package root above ${__dirname}`);
    dir = parent;
  }
}

export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version;
}
