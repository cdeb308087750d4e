import * as fs from "fs";
import * as path from "path";
import { packageRoot } from "../policy-pack/common/package-root";

export { packageRoot };

export function packageVersion(): string {
  return JSON.parse(fs.readFileSync(path.join(packageRoot(), "package.json"), "utf8")).version;
}
