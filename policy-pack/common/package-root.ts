import * as fs from "fs";
import * as path from "path";

/**
 * The package that holds this code: the directory with PulumiPolicy.yaml and package.json, found by walking up
 * from this file, so it works from source (ts-node), from dist/, in the published pack and in the CLI's package.
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
