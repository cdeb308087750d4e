import { expect } from "chai";
import * as fs from "fs";
import * as path from "path";
import { optimize, ROOT } from "./helpers";

// The optimize page's "real run" must be what the command prints today, byte for byte.
describe("optimize: the documented real run on the bundled sample logs (docs/cli/optimize.md)", () => {
  const page = fs.readFileSync(path.join(ROOT, "docs/cli/optimize.md"), "utf8");
  const runs = [...page.matchAll(/```console\n\$ npx serverless-guard optimize ([^\n]*)\n([\s\S]*?)```/g)];

  it("shows at least the report and the --emit pulumi run", () => {
    expect(runs.map((m) => m[1].includes("--emit pulumi"))).to.deep.equal([false, true]);
  });

  for (const [, args, shown] of runs) {
    it(`prints what the page shows for: optimize ${args.slice(0, 60)}...`, async () => {
      // The page's arguments are plain words (no quoting), as a shell would split them; its
      // relative sample paths are taken from the repository root whatever mocha's working directory.
      const { stdout } = await optimize(args.split(" ").map((a) => a.replace(/=(?=samples\/)/, `=${ROOT}/`)));
      expect(stdout).to.equal(shown);
    });
  }
});
