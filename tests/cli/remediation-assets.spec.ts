// A remediation returns the resource's whole property bag. A Lambda function's code is an asset archive, which
// @pulumi/policy 1.21 would serialize as a list of names; the pack hands it over in the engine's wire form, so the
// remediated function keeps its code and the fixed bag is analyzed again.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { runNode } from "../support/spawn";

const root = path.join(__dirname, "..", "..");
const bin = path.join(root, "cli", "bin", "serverless-guard.js");
const SIG = "4dabf18193072939515e22adb298388d";

describe("check: remediating a function whose code is an AssetArchive", () => {
  it("lowers memorySize, keeps every asset of the archive, and the remediated function passes the memory policy", async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), "sg-remediate-"));
    try {
      const config = path.join(dir, "config.json");
      fs.writeFileSync(config, JSON.stringify({ "lambda-memory-limit": "remediate" }));
      const program = path.join("tests", "fixtures", "programs", "remediate-archive");
      const run = await runNode([bin, "check", program, "--format", "json", "--policy-pack-config", config], {
        cwd: root,
      });
      expect(run.stderr).to.equal("");
      const report = JSON.parse(run.stdout);
      const [remediation] = report.remediations;
      expect(remediation.policyName).to.equal("lambda-memory-limit");
      expect(remediation.properties.memorySize).to.equal(768);
      expect(remediation.properties.code).to.deep.equal({
        [SIG]: "0def7320c3a5731c473e5ecbe6d01bc7",
        assets: {
          "index.js": { [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: "exports.handler = async () => 1;" },
          "lib/util.js": { [SIG]: "c44067f5952c0a294b673a41bacd8c17", text: "module.exports = {};" },
        },
      });
      expect(report.violations.map((v: { policyName: string }) => v.policyName)).to.not.include("lambda-memory-limit");
    } finally {
      fs.rmSync(dir, { recursive: true, force: true });
    }
  });
});
