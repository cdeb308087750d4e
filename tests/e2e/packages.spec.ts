// The two shipped packages, built and installed as their users install them: the policy pack with production
// dependencies only (as the Pulumi CLI installs a published pack), started by Pulumi's own launcher; and the CLI,
// installed globally from its tarball, checking a program outside this repository.
import { expect } from "chai";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { Empty } from "google-protobuf/google/protobuf/empty_pb";
import { call, startEngineServer, startPack } from "../../src/analyzer/pack-process";
import { installCliGlobally, installPublishedPack, packTarball, REPO_ROOT } from "../../scripts/package-install";
import { runNode } from "../support/spawn";
import { PACK_POLICY_NAMES } from "../support/policy-harness";

const rootManifest = JSON.parse(fs.readFileSync(path.join(REPO_ROOT, "package.json"), "utf8"));

describe("packages: the published pack and the CLI, installed as users install them", function () {
  this.timeout(300_000);
  let work: string;
  before(() => {
    work = fs.mkdtempSync(path.join(os.tmpdir(), "sg-packages-"));
  });
  after(() => fs.rmSync(work, { recursive: true, force: true }));

  it("the published pack installs only its runtime dependencies and starts under run-policy-pack", async () => {
    const packDir = installPublishedPack(packTarball(work), path.join(work, "pack"));
    const installed = fs
      .readdirSync(path.join(packDir, "node_modules"), { withFileTypes: true })
      .flatMap((e) =>
        e.name.startsWith("@")
          ? fs.readdirSync(path.join(packDir, "node_modules", e.name)).map((n) => `${e.name}/${n}`)
          : [e.name],
      );
    for (const dep of Object.keys(rootManifest.dependencies)) expect(installed).to.include(dep);
    // None of the CLI's, the stack's, the handlers' or the tests' packages reach a published pack's install.
    for (const heavy of ["@pulumi/aws", "ts-node", "typescript", "esbuild", "zod", "@aws-sdk/client-dynamodb", "mocha"])
      expect(installed).to.not.include(heavy);
    expect(fs.existsSync(path.join(packDir, "dist", "src")), "the CLI's code is not shipped in the pack").to.equal(
      false,
    );

    const engine = await startEngineServer();
    const pack = await startPack(packDir, engine.address);
    try {
      const info: any = await call(pack.client, "getAnalyzerInfo", new Empty());
      expect(
        info
          .getPoliciesList()
          .map((p: any) => p.getName())
          .sort(),
      ).to.deep.equal([...PACK_POLICY_NAMES].sort());
    } finally {
      await pack.stop();
      await engine.stop();
    }
  });

  it("the CLI installed from its tarball checks a program outside the repository", async () => {
    const launcher = installCliGlobally(packTarball(work, "cli"), path.join(work, "global"));
    const program = path.join(work, "program");
    fs.mkdirSync(program);
    fs.writeFileSync(path.join(program, "Pulumi.yaml"), "name: outside\nruntime: nodejs\n");
    fs.writeFileSync(
      path.join(program, "index.js"),
      `const aws = require("@pulumi/aws");\nnew aws.dynamodb.Table("orders", { hashKey: "id", attributes: [{ name: "id", type: "S" }], billingMode: "PROVISIONED", readCapacity: 5, writeCapacity: 5 });\n`,
    );
    // The program's own dependencies, as `npm install` in the program would provide them.
    fs.symlinkSync(path.join(REPO_ROOT, "node_modules"), path.join(program, "node_modules"), "dir");
    const run = await runNode([launcher, "check", ".", "--format", "json"], { cwd: program });
    expect(run.stderr).to.equal("");
    expect(run.status).to.equal(1);
    const report = JSON.parse(run.stdout);
    const failed = report.violations.map((v: any) => `${v.policyName} ${v.resourceUrn.split("::").pop()}`);
    expect(failed).to.include("dynamodb-on-demand orders");
  });
});
